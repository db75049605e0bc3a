// Load generator for WebSocket echo servers (bench/echo_throughput.sh): opens N connections, then
// each does M round trips of one S-byte binary message (send, wait for the whole echo, check it
// byte for byte), all connections at once, one thread each. Prints the round trips per second
// over all connections, i.e. echoed messages per second.
//
// Usage: echo_load --port P [--host 127.0.0.1] [--connections N] [--round-trips M] [--size S]
// Output (one line): size=S connections=N round_trips=M seconds=T messages_per_second=R
// Exit status: 0, 1 when an echo was wrong or a connection failed, 2 on a usage error.
//
// It speaks the protocol with the reference's sans-I/O pieces (handshake, header encoder, masking,
// frame decoder) over blocking sockets, and masks the message once per connection and resends the
// same bytes, so that the generator itself costs little next to the server.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <latch>
#include <mutex>
#include <random>
#include <span>
#include <string>
#include <thread>
#include <vector>

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
};

// The first failure, reported once; the other connections stop at their next step.
std::mutex failure_mutex;
std::string failure;
std::atomic<bool> failed{false};

void fail(const std::string& why) {
  std::lock_guard lock(failure_mutex);
  if (!failed.exchange(true)) failure = why;
}

class connection {
 public:
  connection() = default;
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;
  ~connection() {
    if (fd_ >= 0) close(fd_);
  }

  // Connects and completes the opening handshake.
  bool open(const options& o) {
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

    ref::client_request request;
    request.host = o.host + ":" + std::to_string(o.port);
    std::random_device rd;
    for (auto& b : request.nonce) b = static_cast<std::uint8_t>(rd());
    const std::string head = ref::build_request(request);
    if (!write_all({reinterpret_cast<const std::uint8_t*>(head.data()), head.size()})) return false;

    ref::http_head_parser parser(ref::http_head_parser::kind::response);
    for (;;) {
      const ssize_t n = recv(fd_, buf_.data(), buf_.size(), 0);
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

  // Sends `message` (already framed and masked) and checks that `expected` comes back as one
  // binary message.
  bool round_trip(std::span<const std::uint8_t> message, std::span<const std::uint8_t> expected) {
    if (!write_all(message)) return false;
    received_.clear();
    for (;;) {
      if (pending_.empty()) {
        const ssize_t n = recv(fd_, buf_.data(), buf_.size(), 0);
        if (n <= 0) return sys_error("reading an echo", n);
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
    while (recv(fd_, buf_.data(), buf_.size(), 0) > 0) {
    }
  }

 private:
  bool write_all(std::span<const std::uint8_t> data) {
    while (!data.empty()) {
      const ssize_t n = send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n < 0) return sys_error("send");
      data = data.subspan(std::size_t(n));
    }
    return true;
  }

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

  int fd_ = -1;
  std::vector<std::uint8_t> buf_ = std::vector<std::uint8_t>(256 * 1024);
  std::span<std::uint8_t> pending_;
  std::vector<std::uint8_t> received_;
  ref::frame_decoder decoder_{client_decoder()};

  static ref::decoder_config client_decoder() {
    ref::decoder_config config;
    config.receiver = ref::role::client;
    return config;
  }
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
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    std::size_t value = 0;
    if (flag == "--host") {
      o.host = argv[i + 1];
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
  return argc % 2 == 1 && o.port != 0;
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  if (!parse_args(argc, argv, o)) {
    std::cerr << "usage: echo_load --port P [--host 127.0.0.1] [--connections N] "
                 "[--round-trips M] [--size S]\n";
    return 2;
  }

  // The message, and its masked frame that every connection resends.
  std::vector<std::uint8_t> message(o.size);
  std::mt19937 prng(6455);
  for (auto& b : message) b = static_cast<std::uint8_t>(prng());
  std::vector<std::uint8_t> frame;
  ref::append_frame(frame, ref::opcode::binary, message, true, false,
                    ref::mask_key{0x5a, 0xc3, 0x96, 0x0f});

  std::latch ready(static_cast<std::ptrdiff_t>(o.connections) + 1);
  std::latch start(1);
  // The clock runs from the moment every connection is open to the last echo received.
  using clock = std::chrono::steady_clock;
  std::vector<clock::time_point> finished(o.connections);
  std::vector<std::thread> threads;
  for (std::size_t c = 0; c < o.connections; ++c) {
    threads.emplace_back([&, c] {
      connection conn;
      const bool opened = conn.open(o);
      ready.count_down();
      start.wait();
      if (!opened) return;
      for (std::size_t i = 0; i < o.round_trips && !failed; ++i) {
        if (!conn.round_trip(frame, message)) return;
      }
      finished[c] = clock::now();
      conn.close_cleanly();
    });
  }
  ready.arrive_and_wait();
  const auto t0 = clock::now();
  start.count_down();
  for (auto& t : threads) t.join();
  const std::chrono::duration<double> elapsed =
      *std::max_element(finished.begin(), finished.end()) - t0;

  if (failed) {
    std::cerr << "echo_load: " << failure << "\n";
    return 1;
  }
  const double total = double(o.connections) * double(o.round_trips);
  std::printf("size=%zu connections=%zu round_trips=%zu seconds=%.3f messages_per_second=%.0f\n",
              o.size, o.connections, o.round_trips, elapsed.count(), total / elapsed.count());
  return 0;
}
