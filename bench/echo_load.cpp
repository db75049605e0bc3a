// Load generator for WebSocket echo servers (bench/echo_throughput.sh): opens N connections, then
// each does M round trips of one S-byte binary message (send, wait for the whole echo, check it
// byte for byte), all connections at once, one thread each. Prints the round trips per second
// over all connections, i.e. echoed messages per second.
//
// Usage: echo_load --port P [--host 127.0.0.1] [--connections N] [--round-trips M] [--size S]
//                  [--payload random|text] [--deflate]
// --payload: pseudo-random bytes (the default, incompressible) or repeating English text (highly
// compressible); either way the message is sent as binary. --deflate: offer permessage-deflate
// (RFC 7692), fail unless the server accepts it, and compress what is sent and inflate what comes
// back.
// Output (one line): size=S connections=N round_trips=M seconds=T messages_per_second=R
//                    received_bytes=B   (B: echo bytes read off the wire, over all connections)
// Exit status: 0, 1 when an echo was wrong or a connection failed, 2 on a usage error.
//
// Without --deflate it speaks the protocol with the reference's sans-I/O pieces (handshake, header
// encoder, masking, frame decoder) over blocking sockets, and masks the message once per
// connection and resends the same bytes, so that the generator itself costs little next to the
// server. With --deflate it drives the reference's connection (client role), which compresses
// and masks every message anew.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <latch>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <variant>
#include <vector>

#include "wsspec/reference/connection.hpp"
#include "wsspec/reference/frame_decoder.hpp"
#include "wsspec/reference/frame_encoder.hpp"
#include "wsspec/reference/handshake.hpp"
#include "wsspec/reference/http_head.hpp"
#include "wsspec/reference/mask.hpp"

namespace {

namespace ref = wsspec::ref;

struct options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::size_t connections = 4;
  std::size_t round_trips = 10000;
  std::size_t size = 16;
  bool text_payload = false;
  bool deflate = false;
};

// The first failure, reported once; the other connections stop at their next step.
std::mutex failure_mutex;
std::string failure;
std::atomic<bool> failed{false};

void fail(const std::string& why) {
  std::lock_guard lock(failure_mutex);
  if (!failed.exchange(true)) failure = why;
}

// A blocking TCP connection to the server, and the failures it reports.
class socket_connection {
 public:
  socket_connection() = default;
  socket_connection(const socket_connection&) = delete;
  socket_connection& operator=(const socket_connection&) = delete;
  ~socket_connection() {
    if (fd_ >= 0) close(fd_);
  }

  std::uint64_t received() const noexcept { return received_bytes_; }

 protected:
  bool connect_to(const options& o) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) return sys_error("socket");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(o.port);
    if (inet_pton(AF_INET, o.host.c_str(), &addr.sin_addr) != 1) return error("bad address");
    if (connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0)
      return sys_error("connect");
    const int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    // A server that stops answering fails the run instead of hanging it.
    const timeval timeout{10, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    return true;
  }

  bool write_all(std::span<const std::uint8_t> data) {
    while (!data.empty()) {
      const ssize_t n = send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n < 0) return sys_error("send");
      data = data.subspan(std::size_t(n));
    }
    return true;
  }

  // Reads what is there into buf_; 0 when the server closed, -1 on an error.
  ssize_t read_some() { return recv(fd_, buf_.data(), buf_.size(), 0); }

  // Counts echo bytes read off the wire.
  void count_received(std::size_t n) noexcept { received_bytes_ += n; }

  bool error(const std::string& what) {
    fail(what);
    return false;
  }

  // A failed system call (result < 0, errno set) or a connection the server closed (0).
  bool sys_error(const std::string& what, ssize_t result = -1) {
    return error(
        what + ": " +
        (result == 0 ? "the server closed the connection" : std::string(std::strerror(errno))));
  }

  std::vector<std::uint8_t> buf_ = std::vector<std::uint8_t>(256 * 1024);

 private:
  int fd_ = -1;
  std::uint64_t received_bytes_ = 0;
};

// Without compression: the reference's sans-I/O pieces, the message framed once by the caller.
class plain_connection : public socket_connection {
 public:
  // Connects and completes the opening handshake.
  bool open(const options& o) {
    if (!connect_to(o)) return false;
    ref::client_request request;
    request.host = o.host + ":" + std::to_string(o.port);
    std::random_device rd;
    for (auto& b : request.nonce) b = static_cast<std::uint8_t>(rd());
    const std::string head = ref::build_request(request);
    if (!write_all({reinterpret_cast<const std::uint8_t*>(head.data()), head.size()})) return false;

    ref::http_head_parser parser(ref::http_head_parser::kind::response);
    for (;;) {
      const ssize_t n = read_some();
      if (n <= 0) return sys_error("reading the handshake response", n);
      const auto r = parser.feed(std::span<const std::uint8_t>(buf_.data(), std::size_t(n)));
      if (r.status == ref::parse_status::error) return error("malformed handshake response");
      if (r.status == ref::parse_status::need_more) continue;
      if (r.consumed != std::size_t(n)) return error("data before the first message");
      break;
    }
    const auto accepted =
        ref::validate_response(parser.head(), ref::key_for_nonce(request.nonce), {}, {});
    if (!accepted) return error("handshake rejected: " + std::string(ref::name(accepted.err())));
    return true;
  }

  // Sends `frame` (the message, already framed and masked) and checks that `expected` comes back
  // as one binary message.
  bool round_trip(std::span<const std::uint8_t> frame, std::span<const std::uint8_t> expected) {
    if (!write_all(frame)) return false;
    received_.clear();
    for (;;) {
      if (pending_.empty()) {
        const ssize_t n = read_some();
        if (n <= 0) return sys_error("reading an echo", n);
        count_received(std::size_t(n));
        pending_ = std::span<std::uint8_t>(buf_.data(), std::size_t(n));
      }
      while (!pending_.empty()) {
        const ref::decode_result r = decoder_.decode(pending_);
        pending_ = pending_.subspan(r.consumed);
        if (r.status == ref::decode_status::error)
          return error("invalid frame: " + std::string(ref::name(r.err)));
        if (r.status == ref::decode_status::need_more) break;
        if (r.status == ref::decode_status::header) {
          const std::uint8_t op = decoder_.header().opcode;
          if (op != std::uint8_t(ref::opcode::binary) &&
              op != std::uint8_t(ref::opcode::continuation))
            return error("expected a binary echo, got " + ref::opcode_name(op));
          continue;
        }
        received_.insert(received_.end(), r.payload.begin(), r.payload.end());
        if (r.frame_complete && decoder_.header().fin) {
          if (received_.size() != expected.size() ||
              std::memcmp(received_.data(), expected.data(), expected.size()) != 0)
            return error("the echo differs from the message");
          return true;
        }
      }
    }
  }

  // Closing handshake: sends Close 1000 and waits for the server to close.
  void close_cleanly() {
    std::vector<std::uint8_t> frame;
    const std::uint8_t body[] = {0x03, 0xE8};
    ref::append_frame(frame, ref::opcode::close, body, true, false, ref::mask_key{1, 2, 3, 4});
    if (!write_all(frame)) return;
    while (read_some() > 0) {
    }
  }

 private:
  std::span<std::uint8_t> pending_;
  std::vector<std::uint8_t> received_;
  ref::frame_decoder decoder_{client_decoder()};

  static ref::decoder_config client_decoder() {
    ref::decoder_config config;
    config.receiver = ref::role::client;
    return config;
  }
};

// With permessage-deflate: the reference's connection in the client role does the protocol.
class deflate_connection : public socket_connection {
 public:
  // Connects, completes the opening handshake, and checks that permessage-deflate was agreed.
  bool open(const options& o) {
    if (!connect_to(o)) return false;
    ref::connection_config config;
    config.self = ref::role::client;
    config.request.host = o.host + ":" + std::to_string(o.port);
    config.offer_deflate = ref::deflate_offer{};
    config.max_message_size = std::max<std::uint64_t>(o.size, config.max_message_size);
    conn_.emplace(std::move(config));
    for (;;) {
      if (!flush()) return false;
      std::optional<ref::event> e = next_event(false);
      if (!e) return false;
      if (const auto* open = std::get_if<ref::open_event>(&*e)) {
        if (!open->deflate) return error("the server did not accept permessage-deflate");
        return true;
      }
      if (std::holds_alternative<ref::handshake_failed_event>(*e))
        return error("handshake rejected");
    }
  }

  // Sends `message` and checks that it comes back as one binary message.
  bool round_trip(std::span<const std::uint8_t> message, std::span<const std::uint8_t> expected) {
    if (!conn_->send_binary(message)) return error("the connection is not open");
    if (!flush()) return false;
    for (;;) {
      std::optional<ref::event> e = next_event(true);
      if (!e) return false;
      if (const auto* m = std::get_if<ref::message_event>(&*e)) {
        if (m->op != ref::opcode::binary) return error("expected a binary echo");
        if (m->data.size() != expected.size() ||
            std::memcmp(m->data.data(), expected.data(), expected.size()) != 0)
          return error("the echo differs from the message");
        return true;
      }
      if (std::holds_alternative<ref::closed_event>(*e))
        return error("the server closed the connection");
    }
  }

  // Closing handshake: sends Close 1000 and waits for the server to close.
  void close_cleanly() {
    conn_->close(1000);
    if (!flush()) return;
    while (read_some() > 0) {
    }
  }

 private:
  // Writes what the connection has to send.
  bool flush() {
    std::array<std::span<const std::uint8_t>, 8> pieces;
    while (const std::size_t n = conn_->output_pieces(pieces)) {
      std::size_t written = 0;
      for (std::size_t i = 0; i < n; ++i) {
        if (!write_all(pieces[i])) return false;
        written += pieces[i].size();
      }
      conn_->consume_output(written);
    }
    return true;
  }

  // The connection's next event, reading from the socket until there is one (and answering
  // what the connection has to answer, a ping say); nullopt after a failure. `echo`: the bytes
  // read count as echo bytes.
  std::optional<ref::event> next_event(bool echo) {
    for (;;) {
      if (auto e = conn_->next_event()) return e;
      if (!flush()) return std::nullopt;
      const ssize_t n = read_some();
      if (n <= 0) {
        sys_error(echo ? "reading an echo" : "reading the handshake response", n);
        return std::nullopt;
      }
      if (echo) count_received(std::size_t(n));
      conn_->receive(std::span<std::uint8_t>(buf_.data(), std::size_t(n)));
    }
  }

  std::optional<ref::connection> conn_;
};

bool parse_size(const char* text, std::size_t& out) {
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0') return false;
  out = static_cast<std::size_t>(v);
  return true;
}

bool parse_args(int argc, char** argv, options& o) {
  int i = 1;
  for (; i < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--deflate") {
      o.deflate = true;
      --i;
      continue;
    }
    if (i + 1 == argc) return false;
    std::size_t value = 0;
    if (flag == "--host") {
      o.host = argv[i + 1];
      continue;
    }
    if (flag == "--payload") {
      const std::string_view kind = argv[i + 1];
      if (kind != "random" && kind != "text") return false;
      o.text_payload = kind == "text";
      continue;
    }
    if (!parse_size(argv[i + 1], value)) return false;
    if (flag == "--port" && value > 0 && value <= 65535) {
      o.port = static_cast<std::uint16_t>(value);
    } else if (flag == "--connections" && value > 0) {
      o.connections = value;
    } else if (flag == "--round-trips" && value > 0) {
      o.round_trips = value;
    } else if (flag == "--size") {
      o.size = value;
    } else {
      return false;
    }
  }
  return o.port != 0;
}

// The message: pseudo-random bytes, or English text repeated (which deflate shrinks to a few
// thousandths).
std::vector<std::uint8_t> make_message(const options& o) {
  std::vector<std::uint8_t> message(o.size);
  if (o.text_payload) {
    constexpr std::string_view phrase =
        "The quick brown fox jumps over the lazy dog, and the dog does not mind at all. ";
    for (std::size_t i = 0; i < message.size(); ++i)
      message[i] = static_cast<std::uint8_t>(phrase[i % phrase.size()]);
  } else {
    std::mt19937 prng(6455);
    for (auto& b : message) b = static_cast<std::uint8_t>(prng());
  }
  return message;
}

// Runs every connection's round trips at once; returns the seconds from the moment every
// connection is open to the last echo received, and adds the echo bytes read to `received`.
// Each connection sends `wire` (plain_connection: the framed message; deflate_connection: the
// message itself) and expects `message` back.
template <class Connection>
double run(const options& o, std::span<const std::uint8_t> wire,
           std::span<const std::uint8_t> message, std::uint64_t& received) {
  std::latch ready(static_cast<std::ptrdiff_t>(o.connections) + 1);
  std::latch start(1);
  using clock = std::chrono::steady_clock;
  std::vector<clock::time_point> finished(o.connections);
  std::vector<std::uint64_t> bytes_in(o.connections);
  std::vector<std::thread> threads;
  for (std::size_t c = 0; c < o.connections; ++c) {
    threads.emplace_back([&, c] {
      Connection conn;
      const bool opened = conn.open(o);
      ready.count_down();
      start.wait();
      if (!opened) return;
      for (std::size_t i = 0; i < o.round_trips && !failed; ++i) {
        if (!conn.round_trip(wire, message)) return;
      }
      finished[c] = clock::now();
      bytes_in[c] = conn.received();
      conn.close_cleanly();
    });
  }
  ready.arrive_and_wait();
  const auto t0 = clock::now();
  start.count_down();
  for (auto& t : threads) t.join();
  for (const std::uint64_t b : bytes_in) received += b;
  const std::chrono::duration<double> elapsed =
      *std::max_element(finished.begin(), finished.end()) - t0;
  return elapsed.count();
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  if (!parse_args(argc, argv, o)) {
    std::cerr << "usage: echo_load --port P [--host 127.0.0.1] [--connections N] "
                 "[--round-trips M] [--size S] [--payload random|text] [--deflate]\n";
    return 2;
  }

  const std::vector<std::uint8_t> message = make_message(o);
  std::uint64_t received = 0;
  double seconds = 0;
  if (o.deflate) {
    seconds = run<deflate_connection>(o, message, message, received);
  } else {
    // The masked frame that every connection resends.
    std::vector<std::uint8_t> frame;
    ref::append_frame(frame, ref::opcode::binary, message, true, false,
                      ref::mask_key{0x5a, 0xc3, 0x96, 0x0f});
    seconds = run<plain_connection>(o, frame, message, received);
  }

  if (failed) {
    std::cerr << "echo_load: " << failure << "\n";
    return 1;
  }
  const double total = double(o.connections) * double(o.round_trips);
  std::printf(
      "size=%zu connections=%zu round_trips=%zu seconds=%.3f messages_per_second=%.0f "
      "received_bytes=%llu\n",
      o.size, o.connections, o.round_trips, seconds, total / seconds,
      static_cast<unsigned long long>(received));
  return 0;
}
