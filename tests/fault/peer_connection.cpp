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
// After the closing handshake, how long to wait for the peer to close TCP (as the reference).
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
      const bool open = conn_.state() == ref::connection_state::open;
      const bool idle_close = open && b_.close_when_idle.count() > 0;
      const auto deadline =
          conn_.state() == ref::connection_state::connecting
              ? handshake_deadline
              : clock_type::now() + (idle_close ? b_.close_when_idle : idle_timeout);
      boost::system::error_code ec;
      std::size_t n = 0;
      if (readable_before(deadline)) {
        n = socket_.read_some(net::buffer(buf_), ec);
      } else if (idle_close) {
        conn_.close(std::uint16_t{1000});
        continue;
      }
      if (n == 0) {
        // A response cut short goes to the reference as it came.
        if (!head_in_.empty()) conn_.receive(std::string_view(std::exchange(head_in_, {})));
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

  // Waits for the peer to close TCP, reading and dropping what it still sends, until `timeout`.
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
        // client's FIN, so that a Close frame still in flight is not destroyed by a reset. The
        // client waits for the server's FIN, and closes itself only after a timeout.
        if (!conn_.await_peer_eof()) socket_.shutdown(tcp::socket::shutdown_send, ignored);
        drain(close_timeout);
        break;
      case ending::wait_for_peer:
        drain(idle_timeout);
        break;
      case ending::reset:
        socket_.set_option(net::socket_base::linger(true, 0), ignored);
        break;
      case ending::at_once:
        socket_.shutdown(tcp::socket::shutdown_send, ignored);
        break;
    }
  }

  // The peer's bytes: a server's response through the head_in hook, frames through the incoming
  // hook once the connection is open.
  void feed(std::span<std::uint8_t> bytes) {
    if (b_.head_in && conn_.state() == ref::connection_state::connecting) return feed_head(bytes);
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

  // Holds the response back until its empty line (CRLF CRLF, or a bare LF LF), rewrites it, and
  // hands it to the reference with whatever followed it.
  void feed_head(std::span<const std::uint8_t> bytes) {
    head_in_.append(bytes.begin(), bytes.end());
    std::size_t after = std::string::npos;
    if (const auto crlf = head_in_.find("\r\n\r\n"); crlf != std::string::npos) after = crlf + 4;
    if (const auto lf = head_in_.find("\n\n"); lf != std::string::npos && lf + 2 < after)
      after = lf + 2;
    if (after == std::string::npos) return;
    std::string head = head_in_.substr(0, after);
    b_.head_in(head, conn_.key());
    head.append(head_in_, after);
    head_in_.clear();
    conn_.receive(std::string_view(head));
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

  // Writes what the reference has to send, through the head_out and outgoing hooks.
  bool flush() {
    const auto pending = conn_.output();
    if (pending.empty()) return true;
    std::vector<std::uint8_t> bytes(pending.begin(), pending.end());
    conn_.consume_output(bytes.size());
    std::vector<std::uint8_t> wire;
    std::span<const std::uint8_t> rest(bytes);
    if (!head_sent_) {
      // The reference writes its HTTP head whole, ended by an empty line.
      head_.append(rest.begin(), rest.end());
      const auto end = head_.find("\r\n\r\n");
      if (end == std::string::npos) return true;
      rest = rest.last(head_.size() - end - 4);
      head_.resize(end + 4);
      if (b_.head_out) b_.head_out(head_);
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
  std::string head_in_;  // the server's response so far, held for the head_in hook
  frame_reader in_{b_.config.self};
  frame_reader out_{ref::peer_of(b_.config.self)};
};

}  // namespace

void run_connection(tcp::socket socket, behaviour b) {
  try {
    peer p(std::move(socket), std::move(b));
    p.run();
  } catch (const std::exception&) {
    // A connection that cannot go on is dropped; the next one is run as usual.
  }
}

}  // namespace wsspec::fault
