#include "wsspec/harness/transport.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <cstring>
#include <deque>

namespace wsspec::harness {

using namespace net::experimental::awaitable_operators;
using net::ip::tcp;

namespace {

constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

class tcp_transport final : public transport {
 public:
  explicit tcp_transport(tcp::socket s) : socket_(std::move(s)) {
    boost::system::error_code ignored;
    socket_.set_option(tcp::no_delay(true), ignored);
  }
  net::awaitable<read_result> read_some(std::span<std::uint8_t> buffer) override {
    auto [ec, n] =
        co_await socket_.async_read_some(net::buffer(buffer.data(), buffer.size()), use_tuple);
    co_return read_result{ec, n};
  }
  net::awaitable<boost::system::error_code> write(std::span<const std::uint8_t> data) override {
    auto [ec, n] =
        co_await net::async_write(socket_, net::buffer(data.data(), data.size()), use_tuple);
    co_return ec;
  }
  void shutdown_send() override {
    boost::system::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
  }
  void close() override {
    boost::system::error_code ignored;
    socket_.close(ignored);
  }

 private:
  tcp::socket socket_;
};

// Over TLS, a half-close is close_notify then FIN (RFC 6455 §7.1.1: close the TLS session as
// well as TCP), and every write is its own TLS record.
class tls_transport final : public transport {
 public:
  explicit tls_transport(ref::asio::tls_stream s) : stream_(std::move(s)) {}
  net::awaitable<read_result> read_some(std::span<std::uint8_t> buffer) override {
    co_return co_await stream_.read_some(buffer);
  }
  net::awaitable<boost::system::error_code> write(std::span<const std::uint8_t> data) override {
    co_return co_await stream_.write(data);
  }
  void shutdown_send() override { stream_.shutdown_send(); }
  void close() override { stream_.close(); }
  std::optional<bool> peer_closed_tls_session() const override {
    return stream_.peer_sent_close_notify();
  }

 private:
  ref::asio::tls_stream stream_;
};

class prefixed_transport final : public transport {
 public:
  prefixed_transport(std::unique_ptr<transport> inner, std::vector<std::uint8_t> prefix)
      : inner_(std::move(inner)), prefix_(std::move(prefix)) {}
  net::awaitable<read_result> read_some(std::span<std::uint8_t> buffer) override {
    if (at_ < prefix_.size()) {
      const std::size_t n = std::min(buffer.size(), prefix_.size() - at_);
      std::copy_n(prefix_.begin() + static_cast<std::ptrdiff_t>(at_), n, buffer.begin());
      at_ += n;
      co_return read_result{boost::system::error_code{}, n};
    }
    co_return co_await inner_->read_some(buffer);
  }
  net::awaitable<boost::system::error_code> write(std::span<const std::uint8_t> data) override {
    co_return co_await inner_->write(data);
  }
  void shutdown_send() override { inner_->shutdown_send(); }
  void close() override { inner_->close(); }
  std::optional<bool> peer_closed_tls_session() const override {
    return inner_->peer_closed_tls_session();
  }

 private:
  std::unique_ptr<transport> inner_;
  std::vector<std::uint8_t> prefix_;
  std::size_t at_ = 0;
};

// The far end is a reference connection driven synchronously: what the harness writes is fed to
// it at once, and what it answers is read back.
class reference_peer final : public transport {
 public:
  reference_peer(net::any_io_executor ex, ref::connection_config config,
                 std::function<void(ref::error)> on_failure,
                 std::function<void(const ref::message_event&)> on_message)
      : conn_(std::move(config)),
        wake_(std::move(ex)),
        on_failure_(std::move(on_failure)),
        on_message_(std::move(on_message)) {
    pull_output();
  }
  net::awaitable<read_result> read_some(std::span<std::uint8_t> buffer) override {
    while (inbox_.empty() && !peer_closed_ && !closed_) {
      wake_.expires_at(std::chrono::steady_clock::time_point::max());
      co_await wake_.async_wait(use_tuple);
    }
    if (closed_) co_return read_result{net::error::operation_aborted, 0};
    if (inbox_.empty()) co_return read_result{net::error::eof, 0};
    const std::size_t n = std::min(buffer.size(), inbox_.size());
    std::copy_n(inbox_.begin(), n, buffer.begin());
    inbox_.erase(inbox_.begin(), inbox_.begin() + static_cast<std::ptrdiff_t>(n));
    co_return read_result{boost::system::error_code{}, n};
  }
  net::awaitable<boost::system::error_code> write(std::span<const std::uint8_t> data) override {
    if (closed_) co_return net::error::bad_descriptor;
    if (peer_closed_) co_return net::error::broken_pipe;
    std::vector<std::uint8_t> copy(data.begin(), data.end());
    conn_.receive(std::span<std::uint8_t>(copy));
    pull_output();
    co_return boost::system::error_code{};
  }
  void shutdown_send() override {
    harness_shut_down_ = true;
    conn_.receive_eof();
    pull_output();
  }
  void close() override {
    closed_ = true;
    wake_.cancel();
  }

 private:
  void pull_output() {
    while (auto e = conn_.next_event()) {
      if (auto* m = std::get_if<ref::message_event>(&*e)) {
        if (on_message_) on_message_(*m);
        conn_.send_message(m->op, m->data);
      }
      if (!on_failure_) continue;
      if (auto* h = std::get_if<ref::handshake_failed_event>(&*e)) on_failure_(h->err);
      if (auto* c = std::get_if<ref::closed_event>(&*e); c && c->failure) on_failure_(*c->failure);
    }
    const auto out = conn_.output();
    inbox_.insert(inbox_.end(), out.begin(), out.end());
    conn_.consume_output(out.size());
    // A reference client waits for the server's TCP close (RFC 6455 §7.1.1) before its own.
    if (conn_.should_close_transport() && (!conn_.await_peer_eof() || harness_shut_down_))
      peer_closed_ = true;
    wake_.cancel();
  }

  ref::connection conn_;
  net::steady_timer wake_;
  std::function<void(ref::error)> on_failure_;
  std::function<void(const ref::message_event&)> on_message_;
  std::deque<std::uint8_t> inbox_;
  bool peer_closed_ = false;
  bool closed_ = false;
  bool harness_shut_down_ = false;
};

}  // namespace

namespace {

// Connects TCP to one of `a`'s addresses within `timeout`, leaving the socket in `socket`.
net::awaitable<bool> connect_socket(tcp::socket& socket, const target_address& a,
                                    std::chrono::milliseconds timeout, std::string& why) {
  auto ex = co_await net::this_coro::executor;
  const std::string name = a.host + ":" + std::to_string(a.port);
  net::steady_timer timer(ex);
  timer.expires_after(timeout);
  auto r =
      co_await (net::async_connect(socket, a.resolved, use_tuple) || timer.async_wait(use_tuple));
  if (r.index() == 1) {
    why = "connecting to " + name + " timed out";
    co_return false;
  }
  if (auto ec = std::get<0>(std::get<0>(r))) {
    why = "cannot connect to " + name + ": " + ec.message();
    co_return false;
  }
  co_return true;
}

}  // namespace

net::awaitable<bool> resolve(target_address& a, std::string& why) {
  if (!a.resolved.empty()) co_return true;
  tcp::resolver resolver(co_await net::this_coro::executor);
  auto [ec, endpoints] = co_await resolver.async_resolve(a.host, std::to_string(a.port), use_tuple);
  if (ec) {
    why = "cannot resolve " + a.host + ": " + ec.message();
    co_return false;
  }
  for (const auto& e : endpoints) a.resolved.push_back(e.endpoint());
  if (a.resolved.empty()) why = "cannot resolve " + a.host + ": no address";
  co_return !a.resolved.empty();
}

net::awaitable<std::unique_ptr<transport>> connect_tcp(const target_address& a,
                                                       std::chrono::milliseconds timeout,
                                                       std::string& why) {
  tcp::socket socket(co_await net::this_coro::executor);
  if (!co_await connect_socket(socket, a, timeout, why)) co_return nullptr;
  co_return std::make_unique<tcp_transport>(std::move(socket));
}

net::awaitable<std::unique_ptr<transport>> connect_tcp(std::string host, std::uint16_t port,
                                                       std::chrono::milliseconds timeout,
                                                       std::string& why) {
  target_address a{std::move(host), port, {}};
  if (!co_await resolve(a, why)) co_return nullptr;
  co_return co_await connect_tcp(a, timeout, why);
}

net::awaitable<std::unique_ptr<transport>> connect_tls(std::string host, std::uint16_t port,
                                                       std::shared_ptr<ref::asio::tls_context> tls,
                                                       std::chrono::milliseconds timeout,
                                                       std::string& why) {
  target_address a{std::move(host), port, {}};
  if (!co_await resolve(a, why)) co_return nullptr;
  co_return co_await connect_tls(a, std::move(tls), timeout, why);
}

net::awaitable<std::unique_ptr<transport>> connect_tls(const target_address& a,
                                                       std::shared_ptr<ref::asio::tls_context> tls,
                                                       std::chrono::milliseconds timeout,
                                                       std::string& why) {
  auto ex = co_await net::this_coro::executor;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const std::string& host = a.host;
  const std::uint16_t port = a.port;
  tcp::socket socket(ex);
  if (!co_await connect_socket(socket, a, timeout, why)) co_return nullptr;
  auto stream = ref::asio::tls_stream::client(std::move(socket), std::move(tls), host);
  net::steady_timer timer(ex);
  timer.expires_at(deadline);
  auto r = co_await (stream.handshake() || timer.async_wait(use_tuple));
  if (r.index() == 1) {
    why = "the TLS handshake with " + host + ":" + std::to_string(port) + " timed out";
    stream.close();
    co_return nullptr;
  }
  if (std::get<0>(r)) {
    why = host + ":" + std::to_string(port) + ": " + stream.why();
    stream.close();
    co_return nullptr;
  }
  co_return std::make_unique<tls_transport>(std::move(stream));
}

std::unique_ptr<transport> make_tls_transport(ref::asio::tls_stream stream) {
  return std::make_unique<tls_transport>(std::move(stream));
}

std::unique_ptr<transport> make_tcp_transport(tcp::socket socket) {
  return std::make_unique<tcp_transport>(std::move(socket));
}

std::unique_ptr<transport> with_prefix(std::unique_ptr<transport> inner,
                                       std::vector<std::uint8_t> already_read) {
  return std::make_unique<prefixed_transport>(std::move(inner), std::move(already_read));
}

std::unique_ptr<transport> make_reference_peer(
    net::any_io_executor executor, ref::connection_config config,
    std::function<void(ref::error)> on_failure,
    std::function<void(const ref::message_event&)> on_message) {
  return std::make_unique<reference_peer>(std::move(executor), std::move(config),
                                          std::move(on_failure), std::move(on_message));
}

}  // namespace wsspec::harness
