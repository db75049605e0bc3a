// Sessions over in-memory transports: the reference as a well-behaved peer, and hostile peers
// that stay silent or flood, which must still give a verdict within the case's deadline.
#include "wsspec/harness/session.hpp"

#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "wsspec/harness/catalogue.hpp"
#include "wsspec/harness/evaluator.hpp"

namespace wsspec::harness {
namespace {

using namespace std::chrono_literals;

// Runs `c` over the transport `make` builds, wsspec testing a target of role `target`.
transcript run(const case_def& c,
               std::function<std::unique_ptr<transport>(net::any_io_executor)> make,
               ref::role target = ref::role::server) {
  net::io_context ioc(1);
  auto t = make(ioc.get_executor());
  transcript out;
  net::co_spawn(
      ioc,
      [&]() -> net::awaitable<void> {
        session_config cfg;
        cfg.target = target;
        cfg.close_timeout = 200ms;
        cfg.handshake_timeout = 500ms;
        out = co_await run_session(c, *t, cfg);
      },
      [](std::exception_ptr e) {
        if (e) std::rethrow_exception(e);
      });
  ioc.run();
  return out;
}

// The same, testing a client.
transcript run_client(const case_def& c,
                      std::function<std::unique_ptr<transport>(net::any_io_executor)> make) {
  return run(c, std::move(make), ref::role::client);
}

std::unique_ptr<transport> reference_client(net::any_io_executor ex) {
  ref::connection_config c;
  c.self = ref::role::client;
  c.request.host = "127.0.0.1";
  return make_reference_peer(std::move(ex), c);
}

// A client that sends its request and, in the same write, bytes it must not send before the
// response; then nothing.
class eager_client final : public transport {
 public:
  explicit eager_client(net::any_io_executor ex) : timer_(std::move(ex)) {}
  net::awaitable<read_result> read_some(std::span<std::uint8_t> buf) override {
    if (!sent_) {
      sent_ = true;
      const std::string request =
          "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
          "early!";
      std::copy(request.begin(), request.end(), buf.begin());
      co_return read_result{boost::system::error_code{}, request.size()};
    }
    timer_.expires_at(std::chrono::steady_clock::time_point::max());
    co_await timer_.async_wait(net::as_tuple(net::use_awaitable));
    co_return read_result{net::error::operation_aborted, 0};
  }
  net::awaitable<boost::system::error_code> write(std::span<const std::uint8_t>) override {
    co_return boost::system::error_code{};
  }
  void shutdown_send() override {}
  void close() override { timer_.cancel(); }

 private:
  net::steady_timer timer_;
  bool sent_ = false;
};

std::unique_ptr<transport> reference(net::any_io_executor ex) {
  ref::connection_config c;
  c.self = ref::role::server;
  return make_reference_peer(std::move(ex), c);
}

// Never sends a byte; reads block until closed.
class silent_transport final : public transport {
 public:
  explicit silent_transport(net::any_io_executor ex) : timer_(std::move(ex)) {}
  net::awaitable<read_result> read_some(std::span<std::uint8_t>) override {
    timer_.expires_at(std::chrono::steady_clock::time_point::max());
    co_await timer_.async_wait(net::as_tuple(net::use_awaitable));
    co_return read_result{net::error::operation_aborted, 0};
  }
  net::awaitable<boost::system::error_code> write(std::span<const std::uint8_t>) override {
    co_return boost::system::error_code{};
  }
  void shutdown_send() override {}
  void close() override { timer_.cancel(); }

 private:
  net::steady_timer timer_;
};

// Answers with an endless stream of bytes that never form an HTTP head.
class flood_transport final : public transport {
 public:
  net::awaitable<read_result> read_some(std::span<std::uint8_t> buf) override {
    if (closed_) co_return read_result{net::error::operation_aborted, 0};
    std::fill(buf.begin(), buf.end(), 'A');
    reads_ += 1;
    co_return read_result{boost::system::error_code{}, buf.size()};
  }
  net::awaitable<boost::system::error_code> write(std::span<const std::uint8_t>) override {
    co_return boost::system::error_code{};
  }
  void shutdown_send() override {}
  void close() override { closed_ = true; }
  std::size_t reads_ = 0;

 private:
  bool closed_ = false;
};

// Completes the opening handshake, then sends pings without end and never reads a byte more.
class ping_flood_transport final : public transport {
 public:
  ping_flood_transport() : conn_(server_config()) {}
  net::awaitable<read_result> read_some(std::span<std::uint8_t> buf) override {
    // Yield to the other coroutines as a socket would between reads.
    co_await net::post(co_await net::this_coro::executor, net::use_awaitable);
    if (closed_) co_return read_result{net::error::operation_aborted, 0};
    if (!inbox_.empty()) {
      const std::size_t n = std::min(buf.size(), inbox_.size());
      std::copy_n(inbox_.begin(), n, buf.begin());
      inbox_.erase(inbox_.begin(), inbox_.begin() + static_cast<std::ptrdiff_t>(n));
      co_return read_result{boost::system::error_code{}, n};
    }
    // Unmasked empty pings from a server: 0x89 0x00.
    for (std::size_t i = 0; i + 1 < buf.size(); i += 2) {
      buf[i] = 0x89;
      buf[i + 1] = 0x00;
    }
    pings_ += buf.size() / 2;
    co_return read_result{boost::system::error_code{}, buf.size() & ~std::size_t{1}};
  }
  net::awaitable<boost::system::error_code> write(std::span<const std::uint8_t> data) override {
    if (conn_.state() == ref::connection_state::connecting) {
      std::vector<std::uint8_t> copy(data.begin(), data.end());
      conn_.receive(std::span<std::uint8_t>(copy));
      const auto out = conn_.output();
      inbox_.insert(inbox_.end(), out.begin(), out.end());
      conn_.consume_output(out.size());
    }
    co_return boost::system::error_code{};
  }
  void shutdown_send() override {}
  void close() override { closed_ = true; }
  std::size_t pings_ = 0;

 private:
  static ref::connection_config server_config() {
    ref::connection_config c;
    c.self = ref::role::server;
    return c;
  }
  ref::connection conn_;
  std::vector<std::uint8_t> inbox_;
  bool closed_ = false;
};

case_def echo_case() {
  catalogue cat;
  cat.add("t/echo")
      .section("5.6")
      .must("r")
      .describe("d")
      .send({text("Hello"), binary({1, 2, 3})})
      .expect_echo({text_message("Hello"), binary_message({1, 2, 3})});
  return cat.cases().front();
}

TEST(Session, EchoAgainstTheReferenceIsCleanAndOk) {
  const auto c = echo_case();
  const auto t = run(c, reference);
  EXPECT_TRUE(t.handshake_complete);
  ASSERT_EQ(t.messages.size(), 2u);
  EXPECT_EQ(t.messages[0].opcode, 1);
  EXPECT_EQ(t.messages[1].length, 3u);
  ASSERT_TRUE(t.close.has_value());
  EXPECT_EQ(t.close->code, 1000);
  EXPECT_TRUE(t.harness_closed_first);
  EXPECT_TRUE(t.peer_eof_at.has_value());
  const auto r = evaluate(c, t);
  EXPECT_EQ(r.behavior, verdict::ok);
  EXPECT_EQ(r.close, close_verdict::ok);
}

// The reference as the target, over a transport that says whether the target closed a TLS
// session before TCP.
class tls_said final : public transport {
 public:
  tls_said(std::unique_ptr<transport> inner, bool close_notify)
      : inner_(std::move(inner)), close_notify_(close_notify) {}
  net::awaitable<read_result> read_some(std::span<std::uint8_t> b) override {
    co_return co_await inner_->read_some(b);
  }
  net::awaitable<boost::system::error_code> write(std::span<const std::uint8_t> d) override {
    co_return co_await inner_->write(d);
  }
  void shutdown_send() override { inner_->shutdown_send(); }
  void close() override { inner_->close(); }
  std::optional<bool> peer_closed_tls_session() const override { return close_notify_; }

 private:
  std::unique_ptr<transport> inner_;
  bool close_notify_;
};

TEST(Session, ATargetClosingTcpWithoutItsTlsSessionIsRecordedAndNonStrict) {
  const auto c = echo_case();
  for (const bool close_notify : {false, true}) {
    const auto t = run(c, [&](net::any_io_executor ex) {
      return std::make_unique<tls_said>(reference(ex), close_notify);
    });
    ASSERT_TRUE(t.peer_eof_at.has_value());
    EXPECT_EQ(t.tls_session_closed, close_notify);
    const bool noted = std::any_of(t.entries.begin(), t.entries.end(), [](const auto& e) {
      return e.text.find("without closing the TLS session") != std::string::npos;
    });
    EXPECT_EQ(noted, !close_notify);
    EXPECT_EQ(evaluate(c, t).behavior, close_notify ? verdict::ok : verdict::non_strict);
  }
  // Without TLS nothing is said about it.
  EXPECT_EQ(run(c, reference).tls_session_closed, std::nullopt);
}

TEST(Session, TranscriptRecordsBothDirectionsInOrder) {
  const auto t = run(echo_case(), reference);
  bool saw_request = false, saw_response = false, saw_tx_frame = false, saw_rx_frame = false;
  micros last{0};
  for (const auto& e : t.entries) {
    EXPECT_GE(e.at, last);
    last = e.at;
    saw_request |= e.kind == entry_kind::handshake_request;
    saw_response |= e.kind == entry_kind::handshake_response;
    saw_tx_frame |= e.kind == entry_kind::tx_frame;
    saw_rx_frame |= e.kind == entry_kind::rx_frame;
  }
  EXPECT_TRUE(saw_request && saw_response && saw_tx_frame && saw_rx_frame);
}

TEST(Session, ViolationIsFailedByTheReference) {
  catalogue cat;
  cat.add("t/rsv")
      .section("5.2")
      .must("r")
      .describe("d")
      .send({with_rsv(text("x"), 2)})
      .expect_fail({1002});
  const auto t = run(cat.cases().front(), reference);
  ASSERT_TRUE(t.close.has_value());
  EXPECT_EQ(t.close->code, 1002);
  EXPECT_FALSE(t.harness_closed_first);
  EXPECT_TRUE(t.messages.empty());
  EXPECT_EQ(evaluate(cat.cases().front(), t).behavior, verdict::ok);
}

TEST(Session, SameSeedSendsTheSameBytes) {
  const auto c = echo_case();
  auto tx = [](const transcript& t) {
    std::vector<std::uint8_t> all;
    for (const auto& e : t.entries)
      if (e.kind == entry_kind::tx_bytes) all.insert(all.end(), e.bytes.begin(), e.bytes.end());
    return all;
  };
  EXPECT_EQ(tx(run(c, reference)), tx(run(c, reference)));
}

TEST(Session, SilentTargetEndsAtTheHandshakeDeadline) {
  const auto c = echo_case();
  const auto t = run(c, [](net::any_io_executor ex) -> std::unique_ptr<transport> {
    return std::make_unique<silent_transport>(std::move(ex));
  });
  EXPECT_FALSE(t.handshake_complete);
  const auto r = evaluate(c, t);
  EXPECT_EQ(r.behavior, verdict::failed);
}

TEST(Session, FloodingTargetIsCutOffByTheHeadLimit) {
  const auto c = echo_case();
  const auto t = run(c, [](net::any_io_executor) -> std::unique_ptr<transport> {
    return std::make_unique<flood_transport>();
  });
  EXPECT_FALSE(t.handshake_complete);
  ASSERT_TRUE(t.handshake_problem.has_value());
  EXPECT_EQ(*t.handshake_problem, ref::error::head_too_large);
  // What the target sent is logged only up to a bound.
  std::size_t logged = 0;
  for (const auto& e : t.entries) logged += e.bytes.size();
  EXPECT_LE(logged, 256u * 1024u);
}

TEST(Session, PingFloodEndsAtTheDeadlineWithBoundedRecords) {
  auto c = echo_case();
  c.budget = 300ms;
  ping_flood_transport* flood = nullptr;
  const auto t = run(c, [&](net::any_io_executor) -> std::unique_ptr<transport> {
    auto p = std::make_unique<ping_flood_transport>();
    flood = p.get();
    return p;
  });
  EXPECT_TRUE(t.handshake_complete);
  EXPECT_GT(t.pings, 1000u);
  EXPECT_LE(t.entries.size(), 25000u);
  const auto r = evaluate(c, t);
  EXPECT_EQ(r.behavior, verdict::failed);
}

TEST(Session, PerformanceCaseLogsOnlyItsStart) {
  catalogue cat;
  const auto payload = payload_spec::repeat("*", 64 * 1024);
  cat.add("t/perf")
      .section("10.4")
      .must("r")
      .describe("d")
      .performance()
      .send_message(1, payload, 16)
      .expect_echo({message_of(1, payload)});
  const auto& c = cat.cases().front();
  const auto t = run(c, reference);
  std::size_t logged = 0;
  for (const auto& e : t.entries) logged += e.bytes.size();
  EXPECT_LE(t.entries.size(), 600u);
  EXPECT_LE(logged, 16u * 1024u);
  EXPECT_EQ(evaluate(c, t).behavior, verdict::ok);
}

TEST(Session, ClientRoleEchoAgainstTheReferenceClientRecordsItsMaskKeys) {
  const auto t = run_client(echo_case(), reference_client);
  EXPECT_EQ(t.target, ref::role::client);
  EXPECT_TRUE(t.handshake_complete);
  ASSERT_EQ(t.messages.size(), 2u);
  EXPECT_GE(t.rx_mask_keys.size(), 3u);  // the echoes and the Close
  EXPECT_TRUE(t.violations.empty());
  EXPECT_EQ(evaluate(echo_case(), t).behavior, verdict::ok);
}

TEST(Session, AResponseInPiecesWithAFrameInTheSameWriteReachesTheClient) {
  catalogue cat;
  cat.add("t/pieces")
      .section("4.1")
      .roles(role_set::client)
      .must("r")
      .describe("d")
      .response_header("X-Extra", "{key}")
      .response_chopped(7)
      .frames_with_response({text("at once")})
      .expect_echo({text_message("at once")});
  const auto t = run_client(cat.cases().front(), reference_client);
  ASSERT_EQ(t.messages.size(), 1u);
  EXPECT_EQ(evaluate(cat.cases().front(), t).behavior, verdict::ok);
  std::size_t writes = 0;
  for (const auto& e : t.entries)
    if (e.kind == entry_kind::tx_bytes) ++writes;
  EXPECT_GT(writes, 10u);  // the response went out 7 bytes at a time
}

TEST(Session, BytesAClientSendsBeforeTheResponseAreRecorded) {
  auto c = echo_case();
  c.budget = 100ms;  // the client echoes nothing
  const auto t = run_client(
      c, [](net::any_io_executor ex) { return std::make_unique<eager_client>(std::move(ex)); });
  EXPECT_TRUE(t.handshake_complete);
  EXPECT_EQ(t.bytes_before_response, 6u);
}

TEST(Session, TheServersTcpCloseIsHeldBackAsTheCaseSays) {
  catalogue cat;
  cat.add("t/linger")
      .section("7.1.1")
      .roles(role_set::client)
      .should("r")
      .describe("d")
      .send({text("x")})
      .expect_echo({text_message("x")})
      .server_close_delay(150ms);
  const auto t = run_client(cat.cases().front(), reference_client);
  ASSERT_TRUE(t.close && t.we_shut_down_at);
  EXPECT_GE(*t.we_shut_down_at - t.close->at, micros(150000));
  EXPECT_EQ(evaluate(cat.cases().front(), t).behavior, verdict::ok);
}

}  // namespace
}  // namespace wsspec::harness
