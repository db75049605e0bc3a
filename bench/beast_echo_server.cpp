// A Boost.Beast WebSocket echo server, the yardstick for the reference echo server in
// bench/echo_throughput.sh. Same shape as the reference: one thread, one io_context, every text or
// binary message echoed with its type, messages up to 64 MiB, each message sent back as one frame
// (a compressed one in frames of at most Beast's write buffer, which it compresses into piece by
// piece). permessage-deflate is off unless --deflate is given; then Beast accepts a client's offer
// with its default parameters (window 15 bits, compression level 8, memory level 4).
//
// Usage: beast_echo_server [--listen HOST:PORT] [--deflate]   (default 127.0.0.1:0, a free port)
// Prints "beast echo-server listening on ws://HOST:PORT/" once it accepts connections; stops on
// SIGINT or SIGTERM.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <csignal>
#include <cstdint>
#include <iostream>
#include <memory>
#include <string>

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using net::ip::tcp;

constexpr std::uint64_t max_message_size = 64ull << 20;

// One connection: accept the upgrade, then read a message and write it back, until closed.
class session : public std::enable_shared_from_this<session> {
 public:
  session(tcp::socket socket, bool deflate) : ws_(std::move(socket)), deflate_(deflate) {}

  void start() {
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    websocket::permessage_deflate pmd;
    pmd.server_enable = deflate_;
    ws_.set_option(pmd);
    ws_.read_message_max(max_message_size);
    // Beast splits outgoing messages into 4 KiB frames by default; the reference does not.
    ws_.auto_fragment(false);
    ws_.async_accept([self = shared_from_this()](beast::error_code ec) { self->on_accept(ec); });
  }

 private:
  void on_accept(beast::error_code ec) {
    if (!ec) read();
  }

  void read() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      self->on_read(ec);
    });
  }

  void on_read(beast::error_code ec) {
    // websocket::error::closed is the clean end; any other error ends the session as well.
    if (ec) return;
    ws_.text(ws_.got_text());
    ws_.async_write(buffer_.data(),
                    [self = shared_from_this()](beast::error_code wec, std::size_t n) {
                      self->on_write(wec, n);
                    });
  }

  void on_write(beast::error_code ec, std::size_t n) {
    if (ec) return;
    buffer_.consume(n);
    read();
  }

  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  bool deflate_;
};

void accept(tcp::acceptor& acceptor, bool deflate) {
  acceptor.async_accept([&acceptor, deflate](beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted) return;
    if (!ec) {
      socket.set_option(tcp::no_delay(true), ec);
      std::make_shared<session>(std::move(socket), deflate)->start();
    }
    accept(acceptor, deflate);
  });
}

bool parse_listen(const std::string& text, std::string& host, std::uint16_t& port) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) return false;
  const std::string digits = text.substr(colon + 1);
  if (digits.size() > 5 || digits.find_first_not_of("0123456789") != std::string::npos)
    return false;
  const unsigned long value = std::stoul(digits);
  if (value > 65535) return false;
  host = text.substr(0, colon);
  port = static_cast<std::uint16_t>(value);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  bool deflate = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--deflate") {
      deflate = true;
    } else if (arg == "--listen" && i + 1 < argc) {
      if (!parse_listen(argv[++i], host, port)) {
        std::cerr << "beast_echo_server: --listen takes HOST:PORT\n";
        return 2;
      }
    } else {
      std::cerr << "usage: beast_echo_server [--listen HOST:PORT] [--deflate]\n";
      return 2;
    }
  }

  net::io_context ioc(1);
  beast::error_code ec;
  const auto address = net::ip::make_address(host, ec);
  if (ec) {
    std::cerr << "beast_echo_server: invalid address '" << host << "'\n";
    return 2;
  }
  tcp::acceptor acceptor(ioc);
  const tcp::endpoint endpoint(address, port);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    std::cerr << "beast_echo_server: cannot listen on " << host << ":" << port << ": "
              << ec.message() << "\n";
    return 2;
  }
  net::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](beast::error_code, int) { ioc.stop(); });
  accept(acceptor, deflate);
  std::cout << "beast echo-server listening on ws://" << host << ":"
            << acceptor.local_endpoint().port() << "/" << std::endl;
  ioc.run();
  return 0;
}
