// The reference client against real third-party servers: python-websockets and Node's ws echo
// servers (tests/peers/) are started on a free port, with and without permessage-deflate, and the
// reference client (ref::connection in the client role, driven over TCP by run_connection) sends
// text, binary, empty, large and fragmented messages, a Ping and a Close 1000. Every echo must
// come back byte for byte with its opcode, the Pong must carry the Ping's payload, and the
// closing handshake must be clean with 1000 both ways.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <thread>
#include <tuple>
#include <variant>
#include <vector>

#include <gtest/gtest.h>

#include "wsspec/reference/asio/endpoint.hpp"
#include "wsspec/reference/connection.hpp"

namespace {

namespace net = boost::asio;
namespace ref = wsspec::ref;
using net::ip::tcp;
using namespace std::chrono_literals;

const std::filesystem::path peers_dir = WSSPEC_TEST_PEERS_DIR;
constexpr const char* system_python = "/usr/bin/python3";
const std::string first_subprotocol = "wsspec.first";

// Runs argv[0] (looked up in PATH) with its output discarded; its exit status, or -1.
int run_quietly(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    const int null = open("/dev/null", O_WRONLY);
    if (null >= 0) {
      dup2(null, STDOUT_FILENO);
      dup2(null, STDERR_FILENO);
    }
    execvp(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

// A peer's echo server, started on port 0 so that it binds a free port and announces it on its
// standard output ("listening on ws://127.0.0.1:PORT/"). Stopped when destroyed: SIGTERM, then
// SIGKILL if it has not exited within 5 s. The kernel kills it too if this process dies first.
class peer_server {
 public:
  peer_server(const peer_server&) = delete;
  peer_server& operator=(const peer_server&) = delete;

  // Starts the server and waits at most `wait` for its announcement; on failure returns nullptr
  // and a reason in `why`.
  static std::unique_ptr<peer_server> start(const std::vector<std::string>& argv,
                                            std::chrono::milliseconds wait, std::string& why) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
      why = "pipe2 failed";
      return nullptr;
    }
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const pid_t parent = getpid();
    const pid_t pid = fork();
    if (pid < 0) {
      close(fds[0]);
      close(fds[1]);
      why = "fork failed";
      return nullptr;
    }
    if (pid == 0) {
      // Only async-signal-safe calls between fork and exec.
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (getppid() != parent) _exit(127);
      dup2(fds[1], STDOUT_FILENO);
      execvp(args[0], args.data());
      _exit(127);
    }
    close(fds[1]);
    std::unique_ptr<peer_server> server(new peer_server(pid, fds[0]));
    if (!server->read_port(wait, why)) return nullptr;
    return server;
  }

  ~peer_server() {
    kill(pid_, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    int status = 0;
    while (waitpid(pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() >= deadline) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(10ms);
    }
    close(out_);
  }

  std::uint16_t port() const noexcept { return port_; }

 private:
  peer_server(pid_t pid, int out) : pid_(pid), out_(out) {}

  bool read_port(std::chrono::milliseconds wait, std::string& why) {
    static const std::string prefix = "ws://127.0.0.1:";
    const auto deadline = std::chrono::steady_clock::now() + wait;
    std::string text;
    for (;;) {
      if (const auto at = text.find(prefix); at != std::string::npos) {
        const auto digits = at + prefix.size();
        const auto slash = text.find('/', digits);
        if (slash != std::string::npos) {
          const unsigned long value = std::stoul(text.substr(digits, slash - digits));
          if (value == 0 || value > 65535) {
            why = "the server announced an invalid port: " + text;
            return false;
          }
          port_ = static_cast<std::uint16_t>(value);
          return true;
        }
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left <= 0ms) {
        why = "the server did not announce its port in time";
        return false;
      }
      pollfd p{out_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left.count())) < 0) continue;
      char buf[256];
      const ssize_t n = read(out_, buf, sizeof buf);
      if (n == 0) {
        why = "the server exited before listening";
        return false;
      }
      if (n > 0) text.append(buf, static_cast<std::size_t>(n));
    }
  }

  pid_t pid_;
  int out_;
  std::uint16_t port_ = 0;
};

// Deterministic bytes (xorshift32) so a failure can be reproduced.
std::vector<std::uint8_t> pseudo_random_bytes(std::size_t size, std::uint32_t seed) {
  std::vector<std::uint8_t> out(size);
  std::uint32_t x = seed;
  for (auto& b : out) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    b = static_cast<std::uint8_t>(x);
  }
  return out;
}

void append_utf8(std::vector<std::uint8_t>& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<std::uint8_t>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<std::uint8_t>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<std::uint8_t>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<std::uint8_t>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<std::uint8_t>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<std::uint8_t>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<std::uint8_t>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<std::uint8_t>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<std::uint8_t>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<std::uint8_t>(0x80 | (cp & 0x3F)));
  }
}

// Valid UTF-8 mixing 1- to 4-byte sequences, so that fragments split characters.
std::vector<std::uint8_t> pseudo_random_text(std::size_t code_points, std::uint32_t seed) {
  const auto noise = pseudo_random_bytes(code_points * 3, seed);
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i < code_points; ++i) {
    const std::uint32_t r = noise[3 * i + 1] | (std::uint32_t{noise[3 * i + 2]} << 8);
    switch (noise[3 * i] % 4) {
      case 0:
        append_utf8(out, 0x20 + r % 0x5F);
        break;
      case 1:
        append_utf8(out, 0xA0 + r % (0x800 - 0xA0));
        break;
      case 2:
        append_utf8(out, 0xE000 + r % 0x1000);  // above the surrogates
        break;
      default:
        append_utf8(out, 0x10000 + r * 16 % 0x100000);
        break;
    }
  }
  return out;
}

std::vector<std::uint8_t> bytes_of(std::string_view s) {
  return {s.begin(), s.end()};
}

// What one step sends, and the echo it waits for: a message with the same opcode and bytes, or a
// Pong with the same payload.
struct step {
  std::string name;
  ref::opcode op = ref::opcode::binary;  // for a message
  std::vector<std::uint8_t> data;
  bool ping = false;
};

std::vector<step> echo_steps() {
  std::vector<step> steps;
  steps.push_back({"text", ref::opcode::text, bytes_of("Hello, wsspec! \u00e9\u20ac\U0001F600")});
  std::vector<std::uint8_t> all_bytes(256);
  for (std::size_t i = 0; i < all_bytes.size(); ++i) all_bytes[i] = static_cast<std::uint8_t>(i);
  steps.push_back({"binary", ref::opcode::binary, all_bytes});
  steps.push_back({"empty text", ref::opcode::text, {}});
  steps.push_back({"empty binary", ref::opcode::binary, {}});
  steps.push_back({"long text", ref::opcode::text, pseudo_random_text(8000, 5)});
  steps.push_back({"16 MiB binary", ref::opcode::binary, pseudo_random_bytes(16u << 20, 6455)});
  steps.push_back(
      {"ping", ref::opcode::ping, bytes_of(std::string_view("wsspec ping \0\xff", 14)), true});
  return steps;
}

std::string describe_difference(const std::vector<std::uint8_t>& got,
                                const std::vector<std::uint8_t>& sent) {
  std::size_t at = 0;
  while (at < got.size() && at < sent.size() && got[at] == sent[at]) ++at;
  return std::to_string(got.size()) + " bytes back for " + std::to_string(sent.size()) + " sent, " +
         (at < got.size() && at < sent.size() ? "first difference at byte " + std::to_string(at)
                                              : std::string("lengths differ"));
}

// Drives the steps one at a time from the connection's events, then closes with 1000; records
// what the test asserts afterwards.
class exchange {
 public:
  explicit exchange(std::vector<step> steps) : steps_(std::move(steps)) {}

  void on_event(ref::connection& c, ref::event& e) {
    if (auto* open = std::get_if<ref::open_event>(&e)) {
      opened = std::move(*open);
      send_next(c);
    } else if (auto* m = std::get_if<ref::message_event>(&e)) {
      if (next_ >= steps_.size() || steps_[next_].ping) {
        return stop(c, "a message arrived that nothing asked for");
      }
      const step& s = steps_[next_];
      if (m->op != s.op) {
        return stop(c, s.name + ": sent " + ref::opcode_name(static_cast<std::uint8_t>(s.op)) +
                           ", the echo is " + ref::opcode_name(static_cast<std::uint8_t>(m->op)));
      }
      if (m->data != s.data)
        return stop(c, s.name + ": echo differs (" + describe_difference(m->data, s.data) + ")");
      ++next_;
      send_next(c);
    } else if (auto* pong = std::get_if<ref::pong_event>(&e)) {
      // RFC 6455 §5.5.3 allows unsolicited Pongs: only the one awaited is checked.
      if (next_ >= steps_.size() || !steps_[next_].ping) return;
      if (pong->data != steps_[next_].data) {
        return stop(c, "ping: the Pong does not carry the Ping's payload (" +
                           describe_difference(pong->data, steps_[next_].data) + ")");
      }
      ++next_;
      send_next(c);
    } else if (auto* failed = std::get_if<ref::handshake_failed_event>(&e)) {
      failures.push_back("handshake failed: " + std::string(ref::name(failed->err)) + " (HTTP " +
                         std::to_string(failed->http_status) + ")");
    } else if (auto* received = std::get_if<ref::close_received_event>(&e)) {
      close_received = received->info;
      if (next_ < steps_.size() && failures.empty()) {
        failures.push_back("the server closed during step '" + steps_[next_].name + "'");
      }
    } else if (auto* done = std::get_if<ref::closed_event>(&e)) {
      closed = std::move(*done);
    }
  }

  std::vector<std::string> failures;
  std::optional<ref::open_event> opened;
  std::optional<ref::close_info> close_received;
  std::optional<ref::closed_event> closed;

 private:
  void send_next(ref::connection& c) {
    if (next_ == steps_.size()) {
      c.close(1000, "done");
      return;
    }
    const step& s = steps_[next_];
    const bool sent = s.ping ? c.send_ping(s.data) : c.send_message(s.op, s.data);
    if (!sent) stop(c, s.name + ": the connection refused to send");
  }

  void stop(ref::connection& c, std::string why) {
    failures.push_back(std::move(why));
    next_ = steps_.size();
    c.close(1000, "test failed");
  }

  std::vector<step> steps_;
  std::size_t next_ = 0;
};

net::awaitable<void> connect_and_run(std::uint16_t port, ref::connection& conn, exchange& ex) {
  tcp::socket socket(co_await net::this_coro::executor);
  auto [ec] = co_await socket.async_connect(tcp::endpoint(net::ip::address_v4::loopback(), port),
                                            net::as_tuple(net::use_awaitable));
  if (ec) {
    ex.failures.push_back("connect: " + ec.message());
    co_return;
  }
  ref::asio::endpoint_options options;
  options.handshake_timeout = 10s;
  options.idle_timeout = 30s;
  options.close_timeout = 5s;
  co_await ref::asio::run_connection(
      std::move(socket), conn, [&](ref::connection& c, ref::event& e) { ex.on_event(c, e); },
      options);
}

enum class peer { python_websockets, node_ws };

struct peer_case {
  peer which;
  bool deflate;
  std::size_t fragment_size;  // 0: every message in one frame
};

std::string case_name(const peer_case& p) {
  return std::string(p.which == peer::python_websockets ? "python_websockets" : "node_ws") +
         (p.deflate ? "_deflate" : "_no_deflate") +
         (p.fragment_size ? "_fragmented" : "_whole_frames");
}

// GoogleTest prints parameters with this instead of their bytes.
void PrintTo(const peer_case& p, std::ostream* os) {
  *os << case_name(p);
}

class ReferenceClientAgainstPeer : public testing::TestWithParam<peer_case> {};

TEST_P(ReferenceClientAgainstPeer, EchoesEveryMessageAndClosesCleanly) {
  const peer_case& p = GetParam();
  std::vector<std::string> argv;
  if (p.which == peer::python_websockets) {
    if (run_quietly({system_python, "-c", "import websockets"}) != 0) {
      GTEST_SKIP() << "python3-websockets is not installed for " << system_python;
    }
    argv = {system_python, (peers_dir / "python-websockets" / "server.py").string(), "0"};
  } else {
    if (run_quietly({"node", "--version"}) != 0) GTEST_SKIP() << "node is not installed";
    ASSERT_TRUE(std::filesystem::exists(peers_dir / "node-ws" / "node_modules" / "ws"))
        << "ws is not installed in " << (peers_dir / "node-ws") << ": run scripts/install-deps";
    argv = {"node", (peers_dir / "node-ws" / "server.js").string(), "0"};
  }
  if (!p.deflate) argv.push_back("--no-deflate");
  std::string why;
  const auto server = peer_server::start(argv, 20s, why);
  ASSERT_TRUE(server) << why;

  ref::connection_config config;
  config.self = ref::role::client;
  config.request.host = "127.0.0.1:" + std::to_string(server->port());
  config.request.target = "/";
  config.request.subprotocols = {first_subprotocol, "wsspec.second"};
  config.fragment_size = p.fragment_size;
  if (p.deflate) {
    ref::deflate_offer offer;
    offer.client_max_window_bits_present = true;
    config.offer_deflate = offer;
  }
  ref::connection conn(std::move(config));
  exchange ex(echo_steps());

  net::io_context ioc(1);
  bool finished = false;
  std::exception_ptr error;
  net::co_spawn(ioc, connect_and_run(server->port(), conn, ex), [&](std::exception_ptr e) {
    finished = true;
    error = e;
  });
  ioc.run_for(120s);
  ASSERT_TRUE(finished) << "the exchange did not finish within 120 s";
  ASSERT_FALSE(error) << "run_connection threw";

  for (const auto& f : ex.failures) ADD_FAILURE() << f;
  ASSERT_TRUE(ex.opened) << "the opening handshake did not complete";
  EXPECT_EQ(ex.opened->subprotocol, first_subprotocol);
  if (p.deflate) {
    EXPECT_TRUE(ex.opened->deflate) << "permessage-deflate was offered but not agreed";
  } else {
    EXPECT_FALSE(ex.opened->deflate) << "permessage-deflate was agreed without an offer";
  }
  ASSERT_TRUE(ex.close_received) << "the server sent no Close frame";
  EXPECT_EQ(ex.close_received->code, std::optional<std::uint16_t>(1000));
  ASSERT_TRUE(ex.closed) << "the connection did not report its end";
  EXPECT_TRUE(ex.closed->clean);
  EXPECT_EQ(ex.closed->code, 1000);
  EXPECT_FALSE(ex.closed->failure) << ref::name(*ex.closed->failure);
}

// 4096-byte frames split the long text inside characters and the 16 MiB message into 4096 frames
// (ws 8.23 fails a message of more than 16384 fragments with 1008 by default); with deflate the
// compressed payloads are split.
INSTANTIATE_TEST_SUITE_P(Peers, ReferenceClientAgainstPeer,
                         testing::Values(peer_case{peer::python_websockets, true, 0},
                                         peer_case{peer::python_websockets, false, 0},
                                         peer_case{peer::python_websockets, true, 4096},
                                         peer_case{peer::python_websockets, false, 4096},
                                         peer_case{peer::node_ws, true, 0},
                                         peer_case{peer::node_ws, false, 0},
                                         peer_case{peer::node_ws, true, 4096},
                                         peer_case{peer::node_ws, false, 4096}),
                         [](const testing::TestParamInfo<peer_case>& param_info) {
                           return case_name(param_info.param);
                         });

}  // namespace
