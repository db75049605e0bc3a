#include "wsspec/harness/testee_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <map>
#include <nlohmann/json.hpp>

#include "wsspec/harness/child_process.hpp"
#include "wsspec/harness/runner.hpp"
#include "wsspec/reference/asio/endpoint.hpp"
#include "wsspec/reference/connection.hpp"
#include "wsspec/reference/http_head.hpp"

namespace wsspec::harness {

using namespace net::experimental::awaitable_operators;
using net::ip::tcp;
using clock_type = std::chrono::steady_clock;

namespace {

constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

// What a served connection needs of its stream, over TCP (ws://) or TLS (wss://).
auto read_some(tcp::socket& s, std::span<std::uint8_t> b) {
  return s.async_read_some(net::buffer(b.data(), b.size()), use_tuple);
}
auto read_some(ref::asio::tls_stream& s, std::span<std::uint8_t> b) {
  return s.read_some(b);
}
net::awaitable<boost::system::error_code> write_all(tcp::socket& s, std::string_view text) {
  auto [ec, n] = co_await net::async_write(s, net::buffer(text), use_tuple);
  co_return ec;
}
net::awaitable<boost::system::error_code> write_all(ref::asio::tls_stream& s,
                                                    std::string_view text) {
  co_return co_await s.write(std::span<const std::uint8_t>(
      reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}
void end(tcp::socket& s) {
  boost::system::error_code ignored;
  s.shutdown(tcp::socket::shutdown_send, ignored);
  s.close(ignored);
}
void end(ref::asio::tls_stream& s) {
  s.shutdown_send();
  s.close();
}
std::unique_ptr<transport> to_transport(tcp::socket s) {
  return make_tcp_transport(std::move(s));
}
std::unique_ptr<transport> to_transport(ref::asio::tls_stream s) {
  return make_tls_transport(std::move(s));
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && hex_digit(s[i + 1]) >= 0 &&
               hex_digit(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// Autobahn's case id for a case: its number, or wsspec's id when it has none.
std::string case_label(const case_def& c) {
  return c.autobahn.empty() ? c.id : c.autobahn;
}

// Autobahn's description: up to the first '<', whitespace collapsed.
std::string short_description(const std::string& d) {
  std::string out;
  bool space = false;
  for (char ch : d.substr(0, d.find('<'))) {
    if (std::isspace(static_cast<unsigned char>(ch))) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += ch;
  }
  return out;
}

class server_state {
 public:
  server_state(net::io_context& ioc, const testee_options& o, testee_outcome& out)
      : ioc_(ioc), o_(o), out_(out), acceptor_(ioc), tick_(ioc), signals_(ioc, SIGINT, SIGTERM) {}

  bool listen() {
    boost::system::error_code ec;
    const auto address = net::ip::make_address(o_.host, ec);
    if (ec) {
      out_.problem = "cannot listen on " + o_.host + ": not an IP address";
      return false;
    }
    const tcp::endpoint ep(address, o_.port);
    acceptor_.open(ep.protocol(), ec);
    if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor_.bind(ep, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
      out_.problem =
          "cannot listen on " + o_.host + ":" + std::to_string(o_.port) + ": " + ec.message();
      return false;
    }
    port_ = acceptor_.local_endpoint().port();
    return true;
  }

  std::uint16_t port() const noexcept { return port_; }
  std::string base_url() const {
    const bool v6 = o_.host.find(':') != std::string::npos;
    return std::string(o_.tls ? "wss://" : "ws://") + (v6 ? "[" + o_.host + "]" : o_.host) + ":" +
           std::to_string(port_);
  }

  bool start_client() {
    std::string why;
    auto child = child_process::start(expand_url(o_.exec, base_url()), why);
    if (!child) {
      out_.exec_failed = true;
      out_.problem = why;
      return false;
    }
    child_.emplace(std::move(*child));
    return true;
  }

  void start() {
    started_ = clock_type::now();
    last_activity_ = started_;
    net::co_spawn(ioc_, accept_loop(), net::detached);
    net::co_spawn(ioc_, watch(), net::detached);
    signals_.async_wait([this](const boost::system::error_code& ec, int) {
      if (ec) return;
      out_.problem = "interrupted";
      if (child_) child_->stop();
      stop();
    });
  }

  void finish() {
    if (child_) {
      if (child_->running()) child_->stop();
      out_.client_exit = child_->exit_status();
    }
  }

 private:
  clock_type::duration scaled(std::chrono::milliseconds d) const {
    return std::chrono::duration_cast<clock_type::duration>(d * o_.time_scale);
  }

  void stop() {
    if (stopping_) return;
    stopping_ = true;
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    signals_.cancel(ignored);
    tick_.cancel();
  }

  agent_results& agent(const std::string& name) {
    for (auto& a : out_.agents)
      if (a.agent == name) return a;
    out_.agents.push_back({name, std::vector<std::optional<case_result>>(o_.cases.size())});
    return out_.agents.back();
  }

  net::awaitable<void> accept_loop() {
    while (!stopping_) {
      auto [ec, socket] = co_await acceptor_.async_accept(use_tuple);
      if (ec) {
        if (stopping_ || ec == net::error::operation_aborted) break;
        continue;
      }
      if (o_.tls) {
        net::co_spawn(ioc_, handshake_then_handle(std::move(socket)), net::detached);
      } else {
        net::co_spawn(ioc_, handle(std::move(socket)), net::detached);
      }
    }
  }

  // wss://: the TLS handshake, within the time the request has; a client that fails it (one
  // that does not trust wsspec's certificate) is dropped.
  net::awaitable<void> handshake_then_handle(tcp::socket socket) {
    activity busy(*this);
    auto stream = ref::asio::tls_stream::server(std::move(socket), o_.tls);
    net::steady_timer timer(ioc_);
    timer.expires_after(scaled(o_.request_timeout));
    auto r = co_await (stream.handshake() || timer.async_wait(use_tuple));
    if (r.index() == 1 || std::get<0>(r)) {
      stream.close();
      co_return;
    }
    co_await handle(std::move(stream));
  }

  // Ends the run when it is over: the client exited, hung or overran (exec), or the agent's
  // reports were asked for (once).
  net::awaitable<void> watch() {
    while (!stopping_) {
      tick_.expires_after(std::chrono::milliseconds(50));
      co_await tick_.async_wait(use_tuple);
      if (stopping_) break;
      const auto now = clock_type::now();
      if (child_) {
        if (!child_->running()) {
          out_.client_exit = child_->exit_status();
          if (active_ == 0) stop();
          continue;
        }
        if (active_ == 0 && now - last_activity_ > scaled(o_.idle_timeout)) {
          out_.client_stopped = true;
          out_.problem = "the client had no connection in progress for " +
                         std::to_string(o_.idle_timeout.count() / 1000) + " s; wsspec stopped it";
          child_->stop();
          stop();
        } else if (now - started_ > o_.deadline) {
          out_.client_stopped = true;
          out_.problem = "the client was still running after " +
                         std::to_string(o_.deadline.count() / 1000) + " s; wsspec stopped it";
          child_->stop();
          stop();
        }
      } else if (o_.stop_after_updates > 0 && updates_ >= o_.stop_after_updates && active_ == 0) {
        stop();
      }
    }
  }

  // Writes a plain HTTP error and closes: the request cannot be served.
  template <class Stream>
  static net::awaitable<void> refuse(Stream& socket, int status, std::string_view reason,
                                     const std::string& why) {
    const std::string body = why + "\n";
    const std::string text =
        "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) +
        "\r\nContent-Type: text/plain\r\nContent-Length: " + std::to_string(body.size()) +
        "\r\nConnection: close\r\n\r\n" + body;
    net::steady_timer timer(co_await net::this_coro::executor);
    timer.expires_after(std::chrono::seconds(2));
    co_await (write_all(socket, text) || timer.async_wait(use_tuple));
    end(socket);
  }

  // A control endpoint: the opening handshake, one text message (if any), a Close.
  template <class Stream>
  net::awaitable<void> serve_message(Stream socket, std::vector<std::uint8_t> request,
                                     std::optional<std::string> text) {
    ref::connection_config cc;
    cc.self = ref::role::server;
    cc.deflate.enabled = false;
    cc.accept_any_subprotocol = true;
    ref::connection conn(cc);
    conn.receive(std::span<std::uint8_t>(request));
    while (conn.next_event()) {
    }
    if (conn.state() == ref::connection_state::open) {
      if (text) conn.send_text(*text);
      conn.close(std::uint16_t{1000});
    }
    ref::asio::endpoint_options eo;
    eo.handshake_timeout = std::chrono::milliseconds(5000);
    eo.idle_timeout = std::chrono::milliseconds(5000);
    co_await ref::asio::run_connection(
        std::move(socket), conn, [](ref::connection&, ref::event&) {}, eo);
  }

  struct activity {
    server_state& s;
    explicit activity(server_state& st) : s(st) {
      ++s.active_;
      s.last_activity_ = clock_type::now();
    }
    ~activity() {
      --s.active_;
      s.last_activity_ = clock_type::now();
    }
  };

  template <class Stream>
  net::awaitable<void> handle(Stream socket) {
    activity busy(*this);
    std::vector<std::uint8_t> bytes;
    std::vector<std::uint8_t> buf(16 * 1024);
    ref::http_head_parser parser(ref::http_head_parser::kind::request);
    net::steady_timer timer(ioc_);
    const auto deadline = clock_type::now() + scaled(o_.request_timeout);
    for (;;) {
      timer.expires_at(deadline);
      auto r = co_await (read_some(socket, buf) || timer.async_wait(use_tuple));
      if (r.index() == 1) co_return;  // no request in time: the connection is dropped
      auto [ec, n] = std::get<0>(r);
      if (ec) co_return;
      const auto chunk = std::span<const std::uint8_t>(buf.data(), n);
      bytes.insert(bytes.end(), chunk.begin(), chunk.end());
      const auto pr = parser.feed(chunk);
      if (pr.status == ref::parse_status::error) {
        co_await refuse(socket, 400, "Bad Request", "not an HTTP request");
        co_return;
      }
      if (pr.status == ref::parse_status::done) break;
    }
    const std::string& target = parser.head().target;
    const auto q = target.find('?');
    const std::string path = target.substr(0, q);
    const std::string query = q == std::string::npos ? "" : target.substr(q + 1);
    const auto agent_name = query_value(query, "agent");

    if (path == "/getCaseCount") {
      co_await serve_message(std::move(socket), std::move(bytes), std::to_string(o_.cases.size()));
      co_return;
    }
    if (path == "/updateReports") {
      if (o_.on_update_reports) o_.on_update_reports(agent_name.value_or(""), out_.agents);
      ++updates_;
      co_await serve_message(std::move(socket), std::move(bytes), std::nullopt);
      co_return;
    }
    if (path != "/getCaseInfo" && path != "/getCaseStatus" && path != "/runCase") {
      co_await refuse(socket, 404, "Not Found",
                      "wsspec test-client serves /getCaseCount, /getCaseInfo, /getCaseStatus, "
                      "/runCase and /updateReports");
      co_return;
    }
    std::optional<std::size_t> index;
    if (const auto n = query_value(query, "case")) {
      std::size_t v = 0;
      bool digits = !n->empty() && n->size() < 10;
      for (char ch : *n) {
        digits = digits && ch >= '0' && ch <= '9';
        if (digits) v = v * 10 + static_cast<std::size_t>(ch - '0');
      }
      if (digits && v >= 1 && v <= o_.cases.size()) index = v - 1;
    } else if (const auto tuple = query_value(query, "casetuple")) {
      for (std::size_t i = 0; i < o_.cases.size() && !index; ++i)
        if (o_.cases[i]->autobahn == *tuple || o_.cases[i]->id == *tuple) index = i;
    }
    if (!index) {
      co_await refuse(
          socket, 400, "Bad Request",
          "case=N (1 to " + std::to_string(o_.cases.size()) + ") or casetuple=ID is required");
      co_return;
    }
    const case_def& c = *o_.cases[*index];
    if (path == "/getCaseInfo") {
      const nlohmann::json info = {{"id", case_label(c)},
                                   {"description", short_description(c.description)}};
      co_await serve_message(std::move(socket), std::move(bytes), info.dump());
      co_return;
    }
    if (!agent_name || agent_name->empty()) {
      co_await refuse(socket, 400, "Bad Request", "agent=NAME is required");
      co_return;
    }
    if (path == "/getCaseStatus") {
      const auto until = clock_type::now() + scaled(c.budget + std::chrono::seconds(10));
      while (!agent(*agent_name).results[*index] && !stopping_ && clock_type::now() < until) {
        timer.expires_after(std::chrono::milliseconds(25));
        co_await timer.async_wait(use_tuple);
      }
      const auto& r = agent(*agent_name).results[*index];
      const nlohmann::json status = {
          {"behavior", r ? std::string(to_string(r->behavior)) : std::string("MISSING")}};
      co_await serve_message(std::move(socket), std::move(bytes), status.dump());
      co_return;
    }
    // /runCase
    const std::string name = *agent_name;
    if (o_.skip && o_.skip(name, *index)) {
      co_await serve_message(std::move(socket), std::move(bytes), std::nullopt);
      co_return;
    }
    agent(name);
    auto t = with_prefix(to_transport(std::move(socket)), std::move(bytes));
    transcript tr;
    tr.target = ref::role::client;
    session_config sc;
    sc.target = ref::role::client;
    sc.seed = o_.seed;
    sc.close_timeout = o_.close_timeout;
    sc.time_scale = o_.time_scale;
    sc.note_key = [this, name](const std::string& key, const std::string& id) {
      auto [it, fresh] = keys_[name].emplace(key, id);
      return fresh || it->second == id ? std::nullopt : std::optional<std::string>(it->second);
    };
    co_await run_recorded(c, *t, sc, tr);
    case_result r = evaluate(c, tr);
    r.log = std::move(tr);
    auto& slot = agent(name).results[*index];
    slot = std::move(r);
    if (o_.on_result) o_.on_result(name, *slot, *index);
  }

  net::io_context& ioc_;
  const testee_options& o_;
  testee_outcome& out_;
  tcp::acceptor acceptor_;
  net::steady_timer tick_;
  net::signal_set signals_;
  std::optional<child_process> child_;
  std::map<std::string, std::map<std::string, std::string>> keys_;  // agent → key → case
  std::uint16_t port_ = 0;
  std::size_t active_ = 0;
  clock_type::time_point started_{};
  clock_type::time_point last_activity_{};
  bool stopping_ = false;
  std::size_t updates_ = 0;
};

}  // namespace

std::optional<std::string> query_value(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const auto eq = pair.find('=');
    if (percent_decode(pair.substr(0, eq)) == name)
      return eq == std::string_view::npos ? std::string() : percent_decode(pair.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

case_result not_run(const case_def& c, std::string why) {
  transcript t;
  t.target = ref::role::client;
  t.connect_error = std::move(why);
  return evaluate(c, t);
}

testee_outcome serve_testees(const testee_options& options) {
  const auto start = clock_type::now();
  testee_outcome out;
  net::io_context ioc(1);
  server_state state(ioc, options, out);
  if (!state.listen()) {
    out.listen_failed = true;
    return out;
  }
  if (options.on_listening) options.on_listening(state.port());
  if (!options.exec.empty() && !state.start_client()) return out;
  state.start();
  ioc.run();
  state.finish();
  out.wall = std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - start);
  return out;
}

}  // namespace wsspec::harness
