// TLS for wss://: OpenSSL contexts made through Boost.Asio's ssl::context, and a TLS stream over a
// TCP socket whose record layer runs over a memory BIO pair. Driving the records ourselves keeps
// two things a conformance tool needs: every write is its own TLS record (chopped writes and
// pauses reach the peer as they were meant), and closing the TLS session (close_notify) is a step
// apart from TCP's FIN, with reading going on after both (RFC 6455 §7.1.1).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>

namespace wsspec::ref::asio {

struct tls_client_options {
  // PEM file of the CA certificates to trust; empty: the system's trust store.
  std::string ca_file;
  // No verification of the server's certificate at all.
  bool insecure = false;
  // A client certificate and its key (PEM), for servers that ask for one.
  std::string cert_file;
  std::string key_file;
};

struct tls_server_options {
  std::string cert_file;  // PEM certificate chain
  std::string key_file;   // PEM private key
};

using tls_context = boost::asio::ssl::context;

// Each throws std::runtime_error with a one-line reason when a file cannot be used.
std::shared_ptr<tls_context> make_client_context(const tls_client_options& options);
std::shared_ptr<tls_context> make_server_context(const tls_server_options& options);

class tls_stream {
 public:
  using read_result = std::pair<boost::system::error_code, std::size_t>;

  // A client stream checks the server's certificate against `server_name` (a host name or an IP
  // address) and sends it as SNI when it is a host name (RFC 6066 §3 allows no addresses).
  static tls_stream client(boost::asio::ip::tcp::socket socket, std::shared_ptr<tls_context> ctx,
                           const std::string& server_name);
  static tls_stream server(boost::asio::ip::tcp::socket socket, std::shared_ptr<tls_context> ctx);
  ~tls_stream();
  tls_stream(tls_stream&&) noexcept;
  tls_stream& operator=(tls_stream&&) noexcept;

  // The TLS handshake, both ways offering or selecting ALPN "http/1.1". On failure, why() says
  // in one line what went wrong (for a client: the certificate check's verdict).
  boost::asio::awaitable<boost::system::error_code> handshake();
  const std::string& why() const;

  // Reads application data: at least one byte, or eof once the peer sent close_notify or closed
  // TCP (peer_sent_close_notify() tells which), or an error.
  boost::asio::awaitable<read_result> read_some(std::span<std::uint8_t> buffer);
  // Writes `data` as TLS records of at most 16 KiB each (one record when it fits), all sent
  // before it completes.
  boost::asio::awaitable<boost::system::error_code> write(std::span<const std::uint8_t> data);
  // Closes the TLS session (close_notify), then half-closes TCP (FIN); reading goes on. Writes
  // still in progress go out first.
  void shutdown_send();
  // The same, waiting until close_notify and the FIN went out (or the connection broke).
  boost::asio::awaitable<void> shutdown();
  void close();
  bool peer_sent_close_notify() const;
  // The negotiated protocol version, e.g. "TLSv1.3" (empty before the handshake).
  std::string version() const;
  boost::asio::ip::tcp::socket& socket();

 private:
  struct state;
  explicit tls_stream(std::shared_ptr<state> s);
  std::shared_ptr<state> s_;
};

}  // namespace wsspec::ref::asio
