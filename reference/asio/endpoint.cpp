#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <optional>
#include <span>
#include <vector>

#include "wsspec/reference/asio/endpoint.hpp"

namespace wsspec::ref::asio {

namespace net = boost::asio;
using net::ip::tcp;
using namespace net::experimental::awaitable_operators;

namespace {

constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

// Reads once, giving up at `deadline`; nullopt on timeout.
template <class Io>
net::awaitable<std::optional<std::pair<boost::system::error_code, std::size_t>>> read_until(
    Io& io, net::steady_timer& timer, std::span<std::uint8_t> buf,
    std::optional<std::chrono::steady_clock::time_point> deadline) {
  if (!deadline) {
    auto [ec, n] = co_await io.read_some(buf);
    co_return std::pair{ec, n};
  }
  timer.expires_at(*deadline);
  auto r = co_await (io.read_some(buf) || timer.async_wait(use_tuple));
  if (r.index() == 1) co_return std::nullopt;
  auto [ec, n] = std::get<0>(r);
  co_return std::pair{ec, n};
}

using write_result = std::pair<boost::system::error_code, std::size_t>;

// Plain TCP: the first write of each batch goes out without waiting when the send buffer has
// room.
struct tcp_io {
  tcp::socket& socket;

  void prepare() {
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    socket.non_blocking(true, ignored);
  }
  std::size_t write_now(std::span<const net::const_buffer> out, boost::system::error_code& ec) {
    const std::size_t written = socket.write_some(out, ec);
    if (ec == net::error::would_block || ec == net::error::try_again) {
      ec = {};
      return 0;
    }
    return written;
  }
  net::awaitable<write_result> write_all(std::span<const net::const_buffer> out) {
    auto [ec, n] = co_await net::async_write(socket, out, use_tuple);
    co_return write_result{ec, n};
  }
  auto read_some(std::span<std::uint8_t> buf) {
    return socket.async_read_some(net::buffer(buf.data(), buf.size()), use_tuple);
  }
  void shutdown_send() {
    boost::system::error_code ignored;
    socket.shutdown(tcp::socket::shutdown_send, ignored);
  }
  void close() {
    boost::system::error_code ignored;
    socket.close(ignored);
  }
  net::awaitable<void> finish(net::steady_timer&) {
    close();
    co_return;
  }
};

// TLS: small pieces (a frame header and its payload) share one record.
struct tls_io {
  tls_stream& stream;
  std::vector<std::uint8_t> joined{};

  void prepare() {}
  std::size_t write_now(std::span<const net::const_buffer>, boost::system::error_code&) {
    return 0;
  }
  net::awaitable<write_result> write_all(std::span<const net::const_buffer> out) {
    const std::size_t total = net::buffer_size(out);
    if (total <= 16 * 1024) {
      joined.resize(total);
      net::buffer_copy(net::buffer(joined), out);
      co_return write_result{co_await stream.write(joined), total};
    }
    std::size_t done = 0;
    for (const auto& b : out) {
      const auto* p = static_cast<const std::uint8_t*>(b.data());
      if (auto ec = co_await stream.write(std::span<const std::uint8_t>(p, b.size())))
        co_return write_result{ec, done};
      done += b.size();
    }
    co_return write_result{{}, done};
  }
  auto read_some(std::span<std::uint8_t> buf) { return stream.read_some(buf); }
  void shutdown_send() { stream.shutdown_send(); }
  void close() { stream.close(); }
  // The side that closes last closes its TLS session too (close_notify) before TCP, within a
  // second (RFC 6455 §7.1.1).
  net::awaitable<void> finish(net::steady_timer& timer) {
    timer.expires_after(std::chrono::seconds(1));
    co_await (stream.shutdown() || timer.async_wait(use_tuple));
    stream.close();
  }
};

// At most this many pieces of the connection's output go into one gather write.
constexpr std::size_t max_pieces = 16;

// The first pieces of what `conn` has to send, as Asio buffers (kept in `buffers`).
std::span<const net::const_buffer> output_buffers(
    const connection& conn, std::array<std::span<const std::uint8_t>, max_pieces>& pieces,
    std::array<net::const_buffer, max_pieces>& buffers) {
  const std::size_t n = conn.output_pieces(pieces);
  for (std::size_t i = 0; i < n; ++i) buffers[i] = net::buffer(pieces[i].data(), pieces[i].size());
  return {buffers.data(), n};
}

// Waits for the peer's FIN, discarding what it still sends, until `timeout`.
template <class Io>
net::awaitable<void> drain_until_eof(Io& io, net::steady_timer& timer, std::span<std::uint8_t> buf,
                                     std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto r = co_await read_until(io, timer, buf, deadline);
    if (!r || r->first) co_return;
  }
}

template <class Io>
net::awaitable<void> run_over(Io io, net::any_io_executor ex, connection& conn,
                              event_handler on_event, endpoint_options options,
                              std::chrono::steady_clock::time_point handshake_deadline) {
  io.prepare();
  net::steady_timer timer(ex);
  std::vector<std::uint8_t> buf(options.read_buffer);
  auto drain_events = [&] {
    while (auto e = conn.next_event()) on_event(conn, *e);
  };
  bool transport_failed = false;
  std::array<std::span<const std::uint8_t>, max_pieces> pieces;
  std::array<net::const_buffer, max_pieces> buffers;
  for (;;) {
    while (conn.output_size() > 0) {
      // The pieces go out in one gather write: a large payload is written from the message
      // itself, never copied next to its frame header.
      const auto out = output_buffers(conn, pieces, buffers);
      // Most writes fit in the socket's send buffer: write once without waiting, and wait (with
      // a deadline) only for what is left.
      boost::system::error_code ec;
      std::size_t written = io.write_now(out, ec);
      if (ec) {
        transport_failed = true;
        break;
      }
      conn.consume_output(written);
      if (written == net::buffer_size(out)) continue;
      const auto rest = output_buffers(conn, pieces, buffers);
      written = 0;
      if (options.write_timeout.count() > 0) {
        timer.expires_after(options.write_timeout);
        auto r = co_await (io.write_all(rest) || timer.async_wait(use_tuple));
        if (r.index() == 1) {
          ec = net::error::timed_out;
        } else {
          std::tie(ec, written) = std::get<0>(r);
        }
      } else {
        std::tie(ec, written) = co_await io.write_all(rest);
      }
      if (ec) {
        transport_failed = true;
        break;
      }
      conn.consume_output(written);
    }
    if (transport_failed || conn.should_close_transport()) break;
    std::optional<std::chrono::steady_clock::time_point> deadline;
    if (conn.state() == connection_state::connecting) {
      deadline = handshake_deadline;
    } else if (options.idle_timeout.count() > 0) {
      deadline = std::chrono::steady_clock::now() + options.idle_timeout;
    }
    auto r = co_await read_until(io, timer, buf, deadline);
    if (!r || r->first) {
      conn.receive_eof();
      drain_events();
      transport_failed = !r || r->first != net::error::eof;
      break;
    }
    conn.receive(std::span<std::uint8_t>(buf.data(), r->second));
    drain_events();
  }
  if (!transport_failed) {
    // RFC 6455 §7.1.1: the server closes the TCP connection first; the client waits for that.
    // Either way the side that closes first half-closes and lingers until the peer's FIN, so
    // that a Close frame still in flight is not destroyed by a reset. Over TLS the TLS session
    // is closed first (close_notify), then TCP.
    if (!conn.await_peer_eof()) io.shutdown_send();
    co_await drain_until_eof(io, timer, buf, options.close_timeout);
    co_await io.finish(timer);
  } else {
    io.close();
  }
}

}  // namespace

net::awaitable<void> run_connection(tcp::socket socket, connection& conn, event_handler on_event,
                                    endpoint_options options) {
  const auto handshake_deadline = std::chrono::steady_clock::now() + options.handshake_timeout;
  auto ex = socket.get_executor();
  co_await run_over(tcp_io{socket}, ex, conn, std::move(on_event), options, handshake_deadline);
}

net::awaitable<void> run_connection(tls_stream stream, connection& conn, event_handler on_event,
                                    endpoint_options options) {
  const auto handshake_deadline = std::chrono::steady_clock::now() + options.handshake_timeout;
  auto ex = stream.socket().get_executor();
  net::steady_timer timer(ex);
  timer.expires_at(handshake_deadline);
  auto r = co_await (stream.handshake() || timer.async_wait(use_tuple));
  if (r.index() == 1 || std::get<0>(r)) {
    stream.close();
    co_return;
  }
  co_await run_over(tls_io{stream}, ex, conn, std::move(on_event), options, handshake_deadline);
}

}  // namespace wsspec::ref::asio
