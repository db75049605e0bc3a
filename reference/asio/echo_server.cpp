#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <csignal>
#include <iostream>
#include <utility>

#include "wsspec/reference/asio/endpoint.hpp"

namespace wsspec::ref::asio {

namespace net = boost::asio;
using net::ip::tcp;

namespace {

void echo(connection& c, event& e) {
  // The message is handed over: its bytes are sent from where they were received.
  if (auto* m = std::get_if<message_event>(&e)) c.send_message(m->op, std::move(m->data));
}

net::awaitable<void> serve(tcp::socket socket, connection_config config,
                           std::shared_ptr<tls_context> tls) {
  connection conn(std::move(config));
  if (tls) {
    co_await run_connection(tls_stream::server(std::move(socket), std::move(tls)), conn, echo);
  } else {
    co_await run_connection(std::move(socket), conn, echo);
  }
}

net::awaitable<void> accept_loop(tcp::acceptor& acceptor, connection_config config,
                                 std::shared_ptr<tls_context> tls) {
  net::steady_timer backoff(acceptor.get_executor());
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(net::as_tuple(net::use_awaitable));
    if (ec == net::error::operation_aborted || !acceptor.is_open()) co_return;
    if (ec) {
      // Out of descriptors or a transient error: pause instead of spinning.
      backoff.expires_after(std::chrono::milliseconds(50));
      co_await backoff.async_wait(net::as_tuple(net::use_awaitable));
      continue;
    }
    net::co_spawn(acceptor.get_executor(), serve(std::move(socket), config, tls), net::detached);
  }
}

}  // namespace

struct echo_server::impl {
  explicit impl(net::io_context& ioc) : acceptor(ioc) {}
  tcp::acceptor acceptor;
};

echo_server::echo_server(net::io_context& ioc, const echo_server_options& options)
    : impl_(std::make_unique<impl>(ioc)) {
  const tcp::endpoint endpoint(net::ip::make_address(options.host), options.port);
  auto& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol());
  acceptor.set_option(tcp::acceptor::reuse_address(true));
  acceptor.bind(endpoint);
  acceptor.listen(net::socket_base::max_listen_connections);
  port_ = acceptor.local_endpoint().port();
  connection_config config;
  config.self = role::server;
  config.max_message_size = options.max_message_size;
  config.max_frame_size = options.max_message_size;
  config.deflate.enabled = options.deflate;
  config.accept_any_subprotocol = true;
  net::co_spawn(ioc, accept_loop(acceptor, config, options.tls), net::detached);
}

echo_server::~echo_server() = default;

void echo_server::stop() {
  boost::system::error_code ignored;
  impl_->acceptor.close(ignored);
}

int run_echo_server(const echo_server_options& options,
                    const std::function<void(std::uint16_t)>& on_listening) {
  net::io_context ioc(1);
  std::unique_ptr<echo_server> server;
  try {
    server = std::make_unique<echo_server>(ioc, options);
  } catch (const boost::system::system_error& e) {
    std::cerr << "wsspec: cannot listen on " << options.host << ":" << options.port << ": "
              << e.code().message() << "\n";
    return 2;
  }
  net::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int) {
    server->stop();
    ioc.stop();
  });
  if (on_listening) on_listening(server->port());
  ioc.run();
  return 0;
}

}  // namespace wsspec::ref::asio
