// The Boost.Asio adapter: drives a sans-I/O connection over a TCP socket, and the reference
// echo server and Autobahn testee client built on it.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "wsspec/reference/asio/tls.hpp"
#include "wsspec/reference/connection.hpp"

namespace wsspec::ref::asio {

struct endpoint_options {
  // The opening handshake must complete within this time.
  std::chrono::milliseconds handshake_timeout{5000};
  // After the closing handshake (or a failure), how long to wait for the peer to close TCP.
  std::chrono::milliseconds close_timeout{1000};
  // With no byte from the peer for this long, the connection is dropped (0: never).
  std::chrono::milliseconds idle_timeout{0};
  // A write that makes no progress for this long drops the connection (0: never).
  std::chrono::milliseconds write_timeout{30000};
  std::size_t read_buffer = 64 * 1024;
};

using event_handler = std::function<void(connection&, event&)>;

// Runs `conn` over `socket` until the WebSocket connection is closed and the TCP connection shut
// down, handing every event to `on_event` (which may send on the connection).
boost::asio::awaitable<void> run_connection(boost::asio::ip::tcp::socket socket, connection& conn,
                                            event_handler on_event, endpoint_options options = {});
// The same over TLS: the TLS handshake first (within the opening handshake's time), and the TLS
// session closed (close_notify) before TCP.
boost::asio::awaitable<void> run_connection(tls_stream stream, connection& conn,
                                            event_handler on_event, endpoint_options options = {});

struct echo_server_options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 9001;
  bool deflate = true;
  std::uint64_t max_message_size = 64ull << 20;
  // wss://: the certificate and key to serve with (make_server_context); null: ws://.
  std::shared_ptr<tls_context> tls;
};

// The reference echo server on an io_context the caller runs (tests run it in a thread). It
// listens as soon as it is constructed (throws boost::system::system_error if it cannot).
class echo_server {
 public:
  echo_server(boost::asio::io_context& ioc, const echo_server_options& options);
  ~echo_server();
  echo_server(const echo_server&) = delete;
  echo_server& operator=(const echo_server&) = delete;
  std::uint16_t port() const noexcept { return port_; }
  // Stops accepting; connections in progress finish on their own.
  void stop();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
  std::uint16_t port_ = 0;
};

// Runs the reference echo server until stopped (SIGINT/SIGTERM). Calls `on_listening` with the
// bound port once it accepts connections (the port may be 0 to pick a free one).
int run_echo_server(const echo_server_options& options,
                    const std::function<void(std::uint16_t)>& on_listening = {});

struct echo_client_options {
  std::string url = "ws://127.0.0.1:9001";
  std::string agent = "wsspec-reference";
  bool deflate = true;
  std::uint64_t max_message_size = 64ull << 20;
  // For wss:// URLs: what the server's certificate is checked against.
  tls_client_options tls;
};

// The Autobahn testee-client loop: /getCaseCount, /runCase?case=N&agent=A for every case (echoing
// every message until the server closes), then /updateReports?agent=A. Returns 0 on success,
// 2 when the server could not be reached or the URL is invalid (the reason goes to stderr).
int run_echo_client(const echo_client_options& options);

}  // namespace wsspec::ref::asio
