#include "peer_connection.hpp"

#include <poll.h>

#include <boost/asio/write.hpp>
#include <chrono>
#include <span>
#include <string>
#include <utility>
#include <variant>

namespace wsspec::fault {

namespace net = boost::asio;
using net::ip::tcp;
using clock_type = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

constexpr auto handshake_timeout = 5s;
// No case keeps a connection this long without a byte: a bound, so that no thread waits forever.
constexpr auto idle_timeout = 60s;
// After the closing handshake, how long to wait for the client to close TCP (as the reference).
constexpr auto close_timeout = 1s;

class peer {
 public:
  peer(tcp::socket socket, behaviour b)
      : socket_(std::move(socket)), b_(std::move(b)), conn_(b_.config) {}

  void run() {
    boost::system::error_code ignored;
    socket_.set_option(tcp::no_delay(true), ignored);
    const auto handshake_deadline = clock_type::now() + handshake_timeout;
    bool transport_failed = false;
    for (;;) {
      if (!flush()) {
        transport_failed = true;
        break;
      }
      if (conn_.should_close_transport()) break;
      const auto deadline = conn_.state() == ref::connection_state::connecting
                                ? handshake_deadline
                                : clock_type::now() + idle_timeout;
      boost::system::error_code ec;
      std::size_t n = 0;
      if (readable_before(deadline)) n = socket_.read_some(net::buffer(buf_), ec);
      if (n == 0) {
        conn_.receive_eof();
        take_events();
        transport_failed = ec != net::error::eof;
        break;
      }
      feed(std::span<std::uint8_t>(buf_.data(), n));
      take_events();
    }
    if (!transport_failed) end();
    socket_.close(ignored);
  }

 private:
  bool readable_before(clock_type::time_point deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now());
    pollfd p{socket_.native_handle(), POLLIN, 0};
    return left.count() > 0 && ::poll(&p, 1, static_cast<int>(left.count())) > 0;
  }

  // Waits for the client to close TCP, reading and dropping what it still sends, until `timeout`.
  void drain(clock_type::duration timeout) {
    const auto deadline = clock_type::now() + timeout;
    boost::system::error_code ec;
    while (!ec && readable_before(deadline)) socket_.read_some(net::buffer(buf_), ec);
  }

  void end() {
    boost::system::error_code ignored;
    switch (b_.end) {
      case ending::clean:
        // RFC 6455 §7.1.1: the server closes TCP first; it half-closes and lingers until the
        // client's FIN, so that a Close frame still in flight is not destroyed by a reset.
        if (!conn_.await_peer_eof()) socket_.shutdown(tcp::socket::shutdown_send, ignored);
        drain(close_timeout);
        break;
      case ending::wait_for_client:
        drain(idle_timeout);
        break;
      case ending::reset:
        socket_.set_option(net::socket_base::linger(true, 0), ignored);
        break;
    }
  }

  // The client's bytes, through the incoming hook once the connection is open.
  void feed(std::span<std::uint8_t> bytes) {
    if (!b_.incoming || conn_.state() != ref::connection_state::open) {
      conn_.receive(bytes);
      return;
    }
    std::vector<std::uint8_t> rewritten;
    for (frame& f : in_.read(bytes)) {
      frames out;
      b_.incoming(std::move(f), out);
      for (const frame& g : out) write_frame(g, rewritten);
    }
    // A stream that cannot be cut into frames any more goes to the reference as it is.
    if (!in_.good()) {
      const auto rest = in_.take_unread();
      rewritten.insert(rewritten.end(), rest.begin(), rest.end());
    }
    conn_.receive(std::span<std::uint8_t>(rewritten));
  }

  void take_events() {
    while (auto e = conn_.next_event()) {
      if (std::holds_alternative<ref::close_received_event>(*e)) ctx_.peer_closed = true;
      if (b_.application) {
        b_.application(conn_, *e, ctx_);
      } else {
        echo(conn_, *e);
      }
    }
  }

  // Writes what the reference has to send, through the response and outgoing hooks.
  bool flush() {
    const auto pending = conn_.output();
    if (pending.empty()) return true;
    std::vector<std::uint8_t> bytes(pending.begin(), pending.end());
    conn_.consume_output(bytes.size());
    std::vector<std::uint8_t> wire;
    std::span<const std::uint8_t> rest(bytes);
    if (!head_sent_) {
      // The reference writes its HTTP response whole, ended by an empty line.
      head_.append(rest.begin(), rest.end());
      const auto end = head_.find("\r\n\r\n");
      if (end == std::string::npos) return true;
      rest = rest.last(head_.size() - end - 4);
      head_.resize(end + 4);
      if (b_.response) b_.response(head_);
      wire.assign(head_.begin(), head_.end());
      head_sent_ = true;
    }
    if (!b_.outgoing) {
      wire.insert(wire.end(), rest.begin(), rest.end());
    } else {
      for (frame& f : out_.read(rest)) {
        frames out;
        b_.outgoing(std::move(f), out, ctx_);
        for (const frame& g : out) write_frame(g, wire);
      }
    }
    boost::system::error_code ec;
    net::write(socket_, net::buffer(wire), ec);
    return !ec;
  }

  tcp::socket socket_;
  behaviour b_;
  ref::connection conn_;
  context ctx_;
  std::vector<std::uint8_t> buf_ = std::vector<std::uint8_t>(64 * 1024);
  std::string head_;
  bool head_sent_ = false;
  frame_reader in_{ref::role::server};
  frame_reader out_{ref::role::client};
};

}  // namespace

void serve(tcp::socket socket, behaviour b) {
  try {
    peer p(std::move(socket), std::move(b));
    p.run();
  } catch (const std::exception&) {
    // A connection that cannot go on is dropped; the peer serves the next one.
  }
}

}  // namespace wsspec::fault
