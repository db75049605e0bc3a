// TLS for wss://: the reference echo server and client over TLS, certificate checks that fail
// with one clear reason, every write as its own record, and the TLS session closed (close_notify)
// apart from TCP's FIN.
#include "wsspec/reference/asio/tls.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "support/tls_certs.hpp"
#include "wsspec/reference/asio/endpoint.hpp"

namespace wsspec::ref::asio {
namespace {

namespace net = boost::asio;
using net::ip::tcp;
using namespace std::chrono_literals;
using bytes = std::vector<std::uint8_t>;

constexpr auto bound = 20s;

const test::test_pki& pki() {
  static const test::test_pki p;
  return p;
}

tls_client_options trusting(const std::string& ca_file) {
  tls_client_options o;
  o.ca_file = ca_file;
  return o;
}

tls_server_options serving(const std::string& cert_file, const std::string& key_file) {
  tls_server_options o;
  o.cert_file = cert_file;
  o.key_file = key_file;
  return o;
}

std::shared_ptr<tls_context> server_context(const std::string& name = "server") {
  return make_server_context(serving(pki().cert(name), pki().key(name)));
}

std::shared_ptr<tls_context> client_context() {
  return make_client_context(trusting(pki().cert("ca")));
}

// Runs `body` on a fresh io_context until it returns (or `bound` passes).
void run(const std::function<net::awaitable<void>()>& body) {
  net::io_context ioc(1);
  bool finished = false;
  std::exception_ptr failure;
  net::co_spawn(ioc, body(), [&](std::exception_ptr e) {
    finished = true;
    failure = e;
  });
  ioc.run_for(bound);
  ASSERT_TRUE(finished) << "did not finish in time";
  if (failure) std::rethrow_exception(failure);
}

// A listening socket on a free port of the loopback address.
struct one_shot_server {
  explicit one_shot_server(net::any_io_executor ex)
      : acceptor(ex, {net::ip::make_address("127.0.0.1"), 0}) {}
  std::uint16_t port() const { return acceptor.local_endpoint().port(); }
  tcp::acceptor acceptor;
};

net::awaitable<tls_stream> connect_client(std::uint16_t port, std::shared_ptr<tls_context> ctx,
                                          const std::string& name = "localhost") {
  tcp::socket socket(co_await net::this_coro::executor);
  co_await socket.async_connect({net::ip::make_address("127.0.0.1"), port}, net::use_awaitable);
  co_return tls_stream::client(std::move(socket), std::move(ctx), name);
}

// The client's handshake against a server using certificate `name`; why() when it failed.
std::optional<std::string> handshake_failure(const std::string& cert_name,
                                             const std::string& server_name) {
  std::optional<std::string> why;
  run([&]() -> net::awaitable<void> {
    one_shot_server srv(co_await net::this_coro::executor);
    auto ctx = server_context(cert_name);
    net::co_spawn(
        srv.acceptor.get_executor(),
        [&]() -> net::awaitable<void> {
          auto s = tls_stream::server(co_await srv.acceptor.async_accept(net::use_awaitable), ctx);
          co_await s.handshake();
          bytes buf(16);
          co_await s.read_some(buf);
        },
        [](std::exception_ptr) {});
    auto client = co_await connect_client(srv.port(), client_context(), server_name);
    if (co_await client.handshake()) why = client.why();
    client.close();
  });
  return why;
}

TEST(Tls, ATrustedCertificateForTheHostShakesHands) {
  EXPECT_EQ(handshake_failure("server", "localhost"), std::nullopt);
  // An address is checked against the certificate's IP entries (and sent as no SNI).
  EXPECT_EQ(handshake_failure("server", "127.0.0.1"), std::nullopt);
}

TEST(Tls, ACertificateForAnotherHostIsRefusedWithItsReason) {
  const auto why = handshake_failure("other_host", "localhost");
  ASSERT_TRUE(why.has_value());
  EXPECT_NE(why->find("not trusted"), std::string::npos) << *why;
  EXPECT_NE(why->find("mismatch"), std::string::npos) << *why;
}

TEST(Tls, AnExpiredCertificateIsRefusedWithItsReason) {
  const auto why = handshake_failure("expired", "localhost");
  ASSERT_TRUE(why.has_value());
  EXPECT_NE(why->find("expired"), std::string::npos) << *why;
}

TEST(Tls, ASelfSignedCertificateIsRefusedWithItsReason) {
  const auto why = handshake_failure("self_signed", "localhost");
  ASSERT_TRUE(why.has_value());
  EXPECT_NE(why->find("self-signed"), std::string::npos) << *why;
}

TEST(Tls, InsecureSkipsTheCertificateCheck) {
  std::optional<std::string> why;
  run([&]() -> net::awaitable<void> {
    one_shot_server srv(co_await net::this_coro::executor);
    auto ctx = server_context("self_signed");
    net::co_spawn(
        srv.acceptor.get_executor(),
        [&]() -> net::awaitable<void> {
          auto s = tls_stream::server(co_await srv.acceptor.async_accept(net::use_awaitable), ctx);
          co_await s.handshake();
        },
        [](std::exception_ptr) {});
    auto client = co_await connect_client(srv.port(), make_client_context([] {
                                            tls_client_options o;
                                            o.insecure = true;
                                            return o;
                                          }()));
    if (co_await client.handshake()) why = client.why();
    EXPECT_FALSE(client.version().empty());
    client.close();
  });
  EXPECT_EQ(why, std::nullopt);
}

// A server that asks for a client certificate gets the one given (--client-cert/--client-key);
// without it the handshake fails.
TEST(Tls, AClientCertificateIsSentWhenTheServerAsksForOne) {
  for (const bool with_cert : {true, false}) {
    bool server_ok = false;
    std::optional<std::string> client_why;
    run([&]() -> net::awaitable<void> {
      one_shot_server srv(co_await net::this_coro::executor);
      auto ctx = server_context();
      ctx->set_verify_mode(net::ssl::verify_peer | net::ssl::verify_fail_if_no_peer_cert);
      ctx->load_verify_file(pki().cert("ca"));
      net::co_spawn(
          srv.acceptor.get_executor(),
          [&]() -> net::awaitable<void> {
            auto s =
                tls_stream::server(co_await srv.acceptor.async_accept(net::use_awaitable), ctx);
            server_ok = !co_await s.handshake();
            bytes buf(16);
            if (server_ok) co_await s.read_some(buf);
          },
          [](std::exception_ptr) {});
      auto options = trusting(pki().cert("ca"));
      if (with_cert) {
        options.cert_file = pki().cert("server");
        options.key_file = pki().key("server");
      }
      auto client = co_await connect_client(srv.port(), make_client_context(options));
      if (co_await client.handshake()) client_why = client.why();
      // TLS 1.3: the server's verdict on the certificate comes after the client's handshake.
      const bytes one(1, 'x');
      bytes answer(16);
      co_await client.write(one);
      co_await client.read_some(answer);
      client.close();
    });
    EXPECT_EQ(server_ok, with_cert);
    EXPECT_EQ(client_why, std::nullopt);
  }
}

TEST(Tls, FilesThatCannotBeUsedAreOneLineErrors) {
  EXPECT_THROW(make_client_context(trusting("/nonexistent/ca.pem")), std::runtime_error);
  EXPECT_THROW(make_server_context(serving("/nonexistent/c.pem", "/x")), std::runtime_error);
  try {
    make_server_context(serving(pki().cert("server"), pki().key("ca")));
    ADD_FAILURE() << "a key of another certificate was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("mismatch"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(pki().key("ca")), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
  }
}

// Each write is its own record: the server's reads (one record at most each) see the writes
// apart, even when they arrive together.
TEST(Tls, EveryWriteIsItsOwnRecord) {
  std::vector<std::string> seen;
  run([&]() -> net::awaitable<void> {
    one_shot_server srv(co_await net::this_coro::executor);
    auto ctx = server_context();
    auto client = co_await connect_client(srv.port(), client_context());
    bool server_done = false;
    net::co_spawn(
        srv.acceptor.get_executor(),
        [&]() -> net::awaitable<void> {
          auto s = tls_stream::server(co_await srv.acceptor.async_accept(net::use_awaitable), ctx);
          EXPECT_FALSE(co_await s.handshake());
          std::size_t total = 0;
          while (total < 6) {
            bytes buf(64);
            auto [ec, n] = co_await s.read_some(buf);
            if (ec) break;
            seen.emplace_back(buf.begin(), buf.begin() + static_cast<long>(n));
            total += n;
          }
          server_done = true;
        },
        [](std::exception_ptr) {});
    EXPECT_FALSE(co_await client.handshake());
    for (const std::string piece : {"ab", "cd", "ef"})
      EXPECT_FALSE(co_await client.write(bytes(piece.begin(), piece.end())));
    net::steady_timer t(co_await net::this_coro::executor);
    while (!server_done) {
      t.expires_after(5ms);
      co_await t.async_wait(net::use_awaitable);
    }
    client.close();
  });
  EXPECT_EQ(seen, (std::vector<std::string>{"ab", "cd", "ef"}));
}

// RFC 6455 §7.1.1: the TLS session is closed (close_notify) as well as TCP, and the side that
// closed first still reads what the peer sends after.
TEST(Tls, AHalfCloseSendsCloseNotifyThenFinAndReadingGoesOn) {
  bool server_saw_close_notify = false;
  std::string client_read;
  bool client_saw_close_notify = false;
  run([&]() -> net::awaitable<void> {
    one_shot_server srv(co_await net::this_coro::executor);
    auto ctx = server_context();
    net::co_spawn(
        srv.acceptor.get_executor(),
        [&]() -> net::awaitable<void> {
          auto s = tls_stream::server(co_await srv.acceptor.async_accept(net::use_awaitable), ctx);
          EXPECT_FALSE(co_await s.handshake());
          bytes buf(64);
          auto [ec, n] = co_await s.read_some(buf);
          EXPECT_EQ(ec, net::error::eof);
          server_saw_close_notify = s.peer_sent_close_notify();
          const std::string late = "after your close";
          EXPECT_FALSE(co_await s.write(bytes(late.begin(), late.end())));
          s.shutdown_send();
          auto [ec2, n2] = co_await s.read_some(buf);
          EXPECT_EQ(ec2, net::error::eof);
        },
        [](std::exception_ptr) {});
    auto client = co_await connect_client(srv.port(), client_context());
    EXPECT_FALSE(co_await client.handshake());
    client.shutdown_send();
    for (;;) {
      bytes buf(64);
      auto [ec, n] = co_await client.read_some(buf);
      if (ec) {
        EXPECT_EQ(ec, net::error::eof);
        break;
      }
      client_read.append(buf.begin(), buf.begin() + static_cast<long>(n));
    }
    client_saw_close_notify = client.peer_sent_close_notify();
    client.close();
  });
  EXPECT_TRUE(server_saw_close_notify);
  EXPECT_EQ(client_read, "after your close");
  EXPECT_TRUE(client_saw_close_notify);
}

// A peer that closes TCP without close_notify ends the stream too, and says so.
TEST(Tls, AFinWithoutCloseNotifyIsTheEndWithoutIt) {
  bool saw_close_notify = true;
  boost::system::error_code end;
  run([&]() -> net::awaitable<void> {
    one_shot_server srv(co_await net::this_coro::executor);
    auto ctx = server_context();
    net::co_spawn(
        srv.acceptor.get_executor(),
        [&]() -> net::awaitable<void> {
          auto s = tls_stream::server(co_await srv.acceptor.async_accept(net::use_awaitable), ctx);
          EXPECT_FALSE(co_await s.handshake());
          s.socket().shutdown(tcp::socket::shutdown_send);
          bytes buf(64);
          co_await s.read_some(buf);
        },
        [](std::exception_ptr) {});
    auto client = co_await connect_client(srv.port(), client_context());
    EXPECT_FALSE(co_await client.handshake());
    bytes buf(64);
    auto [ec, n] = co_await client.read_some(buf);
    end = ec;
    saw_close_notify = client.peer_sent_close_notify();
    client.close();
  });
  EXPECT_EQ(end, net::error::eof);
  EXPECT_FALSE(saw_close_notify);
}

// The reference echo server over TLS echoes for the reference client over TLS, and both close
// cleanly.
TEST(Tls, TheReferenceEchoesOverTls) {
  net::io_context server_ioc(1);
  echo_server_options o;
  o.port = 0;
  o.tls = server_context();
  echo_server server(server_ioc, o);
  std::thread server_thread([&] { server_ioc.run(); });

  std::vector<message_event> echoed;
  std::optional<closed_event> closed;
  run([&]() -> net::awaitable<void> {
    connection_config c;
    c.self = role::client;
    c.request.host = "localhost:" + std::to_string(server.port());
    c.request.target = "/";
    c.offer_deflate = deflate_offer{};
    connection conn(std::move(c));
    const bytes big(100000, 'x');
    auto stream = co_await connect_client(server.port(), client_context());
    co_await run_connection(std::move(stream), conn, [&](connection& k, event& e) {
      if (std::get_if<open_event>(&e)) {
        k.send_message(opcode::text, bytes{'h', 'i'});
        k.send_message(opcode::binary, big);
      } else if (auto* m = std::get_if<message_event>(&e)) {
        echoed.push_back(std::move(*m));
        if (echoed.size() == 2) k.close(1000);
      } else if (auto* d = std::get_if<closed_event>(&e)) {
        closed = *d;
      }
    });
  });
  server_ioc.stop();
  server_thread.join();
  ASSERT_EQ(echoed.size(), 2u);
  EXPECT_EQ(echoed[0].data, (bytes{'h', 'i'}));
  EXPECT_EQ(echoed[1].data, bytes(100000, 'x'));
  ASSERT_TRUE(closed.has_value());
  EXPECT_TRUE(closed->clean);
  EXPECT_EQ(closed->code, 1000);
}

}  // namespace
}  // namespace wsspec::ref::asio
