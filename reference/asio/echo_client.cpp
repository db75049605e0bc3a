#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <charconv>
#include <iostream>
#include <utility>

#include "wsspec/reference/asio/endpoint.hpp"
#include "wsspec/reference/url.hpp"

namespace wsspec::ref::asio {

namespace net = boost::asio;
using net::ip::tcp;
using namespace net::experimental::awaitable_operators;

namespace {

std::string percent_encode(std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 0xF];
    }
  }
  return out;
}

struct visit_result {
  bool connected = false;
  std::string why;  // when not connected: the TLS handshake's failure, if that was it
  std::vector<message_event> messages;
};

// Opens one WebSocket connection to `path` and runs it until closed; echoes every message when
// `echo` is set.
net::awaitable<visit_result> visit(const ws_url& base, const std::string& path, bool echo,
                                   const echo_client_options& options,
                                   const std::shared_ptr<tls_context>& tls) {
  visit_result result;
  auto ex = co_await net::this_coro::executor;
  tcp::resolver resolver(ex);
  auto [rec, endpoints] = co_await resolver.async_resolve(base.host, std::to_string(base.port),
                                                          net::as_tuple(net::use_awaitable));
  if (rec) co_return result;
  tcp::socket socket(ex);
  net::steady_timer timer(ex);
  timer.expires_after(std::chrono::seconds(5));
  auto r = co_await (net::async_connect(socket, endpoints, net::as_tuple(net::use_awaitable)) ||
                     timer.async_wait(net::as_tuple(net::use_awaitable)));
  if (r.index() == 1 || std::get<0>(std::get<0>(r))) co_return result;
  result.connected = true;

  connection_config config;
  config.self = role::client;
  config.max_message_size = options.max_message_size;
  config.max_frame_size = options.max_message_size;
  config.request.host = base.host_header();
  std::string prefix = base.resource == "/" ? "" : base.resource;
  if (prefix.ends_with('/')) prefix.pop_back();
  config.request.target = prefix + path;
  if (options.deflate) {
    deflate_offer offer;
    offer.client_max_window_bits_present = true;
    config.offer_deflate = offer;
  }
  connection conn(std::move(config));
  auto on_event = [&](connection& c, event& e) {
    if (auto* m = std::get_if<message_event>(&e)) {
      // An echoed message is handed over to be sent from where it was received; only the
      // messages of a visit that does not echo are kept for the caller.
      if (echo) {
        c.send_message(m->op, std::move(m->data));
      } else {
        result.messages.push_back(std::move(*m));
      }
    }
  };
  if (tls) {
    auto stream = tls_stream::client(std::move(socket), tls, base.host);
    timer.expires_after(std::chrono::seconds(5));
    auto h = co_await (stream.handshake() || timer.async_wait(net::as_tuple(net::use_awaitable)));
    if (h.index() == 1 || std::get<0>(h)) {
      result.connected = false;
      result.why = h.index() == 1 ? "the TLS handshake timed out" : stream.why();
      co_return result;
    }
    co_await run_connection(std::move(stream), conn, on_event);
  } else {
    co_await run_connection(std::move(socket), conn, on_event);
  }
  co_return result;
}

net::awaitable<int> testee(ws_url base, echo_client_options options,
                           std::shared_ptr<tls_context> tls) {
  const std::string agent = percent_encode(options.agent);
  auto count_visit = co_await visit(base, "/getCaseCount", false, options, tls);
  if (!count_visit.connected) {
    std::cerr << "wsspec: cannot connect to " << options.url
              << (count_visit.why.empty() ? "" : ": " + count_visit.why) << "\n";
    co_return 2;
  }
  int count = -1;
  if (!count_visit.messages.empty()) {
    const auto& data = count_visit.messages.front().data;
    const char* first = reinterpret_cast<const char*>(data.data());
    auto [p, ec] = std::from_chars(first, first + data.size(), count);
    if (ec != std::errc{} || p != first + data.size()) count = -1;
  }
  if (count < 0) {
    std::cerr << "wsspec: " << options.url << "/getCaseCount did not answer with a case count\n";
    co_return 2;
  }
  std::cout << count << " cases\n";
  for (int n = 1; n <= count; ++n) {
    co_await visit(base, "/runCase?case=" + std::to_string(n) + "&agent=" + agent, true, options,
                   tls);
  }
  co_await visit(base, "/updateReports?agent=" + agent, false, options, tls);
  co_return 0;
}

}  // namespace

int run_echo_client(const echo_client_options& options) {
  ws_url base;
  std::string why;
  if (!parse_ws_url(options.url, base, why)) {
    std::cerr << "wsspec: " << why << "\n";
    return 2;
  }
  std::shared_ptr<tls_context> tls;
  if (base.secure) {
    try {
      tls = make_client_context(options.tls);
    } catch (const std::exception& e) {
      std::cerr << "wsspec: " << e.what() << "\n";
      return 2;
    }
  }
  net::io_context ioc(1);
  int status = 2;
  net::co_spawn(ioc, testee(base, options, std::move(tls)), [&](std::exception_ptr e, int s) {
    if (e) {
      status = 2;
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        std::cerr << "wsspec: " << ex.what() << "\n";
      }
    } else {
      status = s;
    }
  });
  ioc.run();
  return status;
}

}  // namespace wsspec::ref::asio
