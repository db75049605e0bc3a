// Byte streams a session runs over: TCP to a target server, and an in-memory pair whose far end
// is the reference implementation itself (no sockets: the catalogue's in-process self-test).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "wsspec/reference/asio/tls.hpp"
#include "wsspec/reference/connection.hpp"

namespace wsspec::harness {

namespace net = boost::asio;
using read_result = std::pair<boost::system::error_code, std::size_t>;

class transport {
 public:
  virtual ~transport() = default;
  // Reads what is available (at least one byte), or reports EOF / an error. close() makes a
  // pending read return.
  virtual net::awaitable<read_result> read_some(std::span<std::uint8_t> buffer) = 0;
  virtual net::awaitable<boost::system::error_code> write(std::span<const std::uint8_t> data) = 0;
  // TCP half-close: send FIN, keep reading.
  virtual void shutdown_send() = 0;
  virtual void close() = 0;
  // Over TLS, once a read returned EOF: whether the peer closed the TLS session (close_notify)
  // before TCP. Without TLS: nothing.
  virtual std::optional<bool> peer_closed_tls_session() const { return std::nullopt; }
};

// Where a target listens, and once resolved the addresses its host name stands for: a run
// resolves once and connects many times without asking the resolver again.
struct target_address {
  std::string host;
  std::uint16_t port = 0;
  std::vector<boost::asio::ip::tcp::endpoint> resolved;
};

// Resolves `a` (nothing to do when it is resolved already); false with the reason in `why`.
net::awaitable<bool> resolve(target_address& a, std::string& why);

// Connects to a resolved address within `timeout`, over TCP or (wss://) TLS as connect_tcp and
// connect_tls below.
net::awaitable<std::unique_ptr<transport>> connect_tcp(const target_address& a,
                                                       std::chrono::milliseconds timeout,
                                                       std::string& why);
net::awaitable<std::unique_ptr<transport>> connect_tls(const target_address& a,
                                                       std::shared_ptr<ref::asio::tls_context> tls,
                                                       std::chrono::milliseconds timeout,
                                                       std::string& why);

// Connects to host:port within `timeout`; on failure returns null and says why in `why`.
net::awaitable<std::unique_ptr<transport>> connect_tcp(std::string host, std::uint16_t port,
                                                       std::chrono::milliseconds timeout,
                                                       std::string& why);

// The same, then the TLS handshake (wss://) with `tls`, checking the server's certificate against
// `host`, all within `timeout`. A certificate the client does not trust is a failure here, with
// the reason in `why`.
net::awaitable<std::unique_ptr<transport>> connect_tls(std::string host, std::uint16_t port,
                                                       std::shared_ptr<ref::asio::tls_context> tls,
                                                       std::chrono::milliseconds timeout,
                                                       std::string& why);

// A transport over a TLS stream whose handshake is done (testing a client over wss://).
std::unique_ptr<transport> make_tls_transport(ref::asio::tls_stream stream);

// A transport over an accepted TCP connection (testing a client).
std::unique_ptr<transport> make_tcp_transport(boost::asio::ip::tcp::socket socket);

// `inner`, whose first reads return `already_read` (bytes a dispatcher read to route the
// connection) before anything else.
std::unique_ptr<transport> with_prefix(std::unique_ptr<transport> inner,
                                       std::vector<std::uint8_t> already_read);

// An in-memory transport whose peer is a reference connection echoing every message.
// `on_failure` hears each rule the reference failed the connection (or refused the handshake)
// for: what a case checks, as the reference sees it; `on_message` each message it received (and
// echoes), whole.
std::unique_ptr<transport> make_reference_peer(
    net::any_io_executor executor, ref::connection_config config,
    std::function<void(ref::error)> on_failure = {},
    std::function<void(const ref::message_event&)> on_message = {});

}  // namespace wsspec::harness
