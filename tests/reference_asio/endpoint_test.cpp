#include "wsspec/reference/asio/endpoint.hpp"

#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

#include "wsspec/reference/connection.hpp"
#include "wsspec/reference/frame_decoder.hpp"
#include "wsspec/reference/frame_encoder.hpp"
#include "wsspec/reference/handshake.hpp"

namespace wsspec::ref::asio {
namespace {

namespace net = boost::asio;
using net::ip::tcp;
using namespace std::chrono_literals;
using namespace std::string_view_literals;
using bytes = std::vector<std::uint8_t>;

// No test waits longer than this for anything.
constexpr auto bound = 20s;

bytes to_bytes(std::string_view s) {
  return bytes(s.begin(), s.end());
}

std::string to_text(std::span<const std::uint8_t> b) {
  return std::string(b.begin(), b.end());
}

bytes pseudo_random(std::size_t n, std::uint32_t seed) {
  bytes v(n);
  for (auto& b : v) {
    seed = seed * 1103515245u + 12345u;
    b = static_cast<std::uint8_t>(seed >> 16);
  }
  return v;
}

std::string random_letters(std::size_t n, std::uint32_t seed) {
  std::string s;
  for (const std::uint8_t b : pseudo_random(n, seed)) s.push_back(static_cast<char>('a' + b % 26));
  return s;
}

tcp::endpoint loopback(std::uint16_t port) {
  return tcp::endpoint(net::ip::make_address("127.0.0.1"), port);
}

// The reference echo server on its own io_context, run in a thread.
class server_thread {
 public:
  explicit server_thread(echo_server_options options = {}) {
    options.host = "127.0.0.1";
    options.port = 0;
    server_ = std::make_unique<echo_server>(ioc_, options);
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~server_thread() {
    ioc_.stop();
    thread_.join();
    server_.reset();
  }
  server_thread(const server_thread&) = delete;
  server_thread& operator=(const server_thread&) = delete;

  std::uint16_t port() const { return server_->port(); }

  // echo_server::stop(), run on the server's own thread; true once it returned.
  bool stop_accepting() {
    auto done = std::make_shared<std::promise<void>>();
    auto f = done->get_future();
    net::post(ioc_, [this, done] {
      server_->stop();
      done->set_value();
    });
    return f.wait_for(bound) == std::future_status::ready;
  }

 private:
  net::io_context ioc_{1};
  std::unique_ptr<echo_server> server_;
  std::thread thread_;
};

// ---------------------------------------------------------------------------------------------
// A reference client (ref::connection, client role) driven by run_connection.

struct client_run {
  bool finished = false;
  std::exception_ptr failure;
  std::optional<open_event> open;
  std::optional<handshake_failed_event> handshake_failed;
  std::vector<message_event> messages;
  std::optional<closed_event> closed;
};

connection_config client_config(std::uint16_t port, bool deflate, std::size_t fragment_size = 0) {
  connection_config c;
  c.self = role::client;
  c.request.host = "127.0.0.1:" + std::to_string(port);
  c.request.target = "/";
  if (deflate) c.offer_deflate = deflate_offer{};
  c.fragment_size = fragment_size;
  return c;
}

// Connects, sends `to_send` once open (handing each message's bytes over to the connection when
// `hand_over`), closes with 1000 once as many messages came back, and runs until run_connection
// returns or `limit` passed.
client_run run_client(std::uint16_t port, connection_config config,
                      std::vector<message_event> to_send, std::chrono::milliseconds limit = bound,
                      bool hand_over = false) {
  client_run r;
  connection conn(std::move(config));
  net::io_context ioc(1);
  tcp::socket socket(ioc);
  boost::system::error_code ec;
  socket.connect(loopback(port), ec);
  if (ec) {
    ADD_FAILURE() << "cannot connect: " << ec.message();
    return r;
  }
  auto on_event = [&](connection& c, event& e) {
    if (auto* o = std::get_if<open_event>(&e)) {
      r.open = *o;
      for (const auto& m : to_send) {
        if (hand_over) {
          EXPECT_TRUE(c.send_message(m.op, bytes(m.data)));
        } else {
          EXPECT_TRUE(c.send_message(m.op, m.data));
        }
      }
      if (to_send.empty()) c.close(1000);
    } else if (auto* f = std::get_if<handshake_failed_event>(&e)) {
      r.handshake_failed = *f;
    } else if (auto* m = std::get_if<message_event>(&e)) {
      r.messages.push_back(std::move(*m));
      if (r.messages.size() == to_send.size()) c.close(1000);
    } else if (auto* closed = std::get_if<closed_event>(&e)) {
      r.closed = *closed;
    }
  };
  net::co_spawn(ioc, run_connection(std::move(socket), conn, on_event), [&](std::exception_ptr e) {
    r.finished = true;
    r.failure = e;
  });
  ioc.run_for(limit);
  return r;
}

// The whole exchange happened: every message echoed in order, then a clean close with 1000
// (RFC 6455 §7.1.5: Close frames went both ways).
void expect_echoed_and_closed(const client_run& r, const std::vector<message_event>& sent) {
  ASSERT_TRUE(r.finished) << "run_connection did not return in time";
  EXPECT_FALSE(r.failure);
  ASSERT_TRUE(r.open.has_value());
  ASSERT_EQ(r.messages.size(), sent.size());
  for (std::size_t i = 0; i < sent.size(); ++i) {
    EXPECT_EQ(r.messages[i].op, sent[i].op) << "message " << i;
    EXPECT_EQ(r.messages[i].data, sent[i].data) << "message " << i;
  }
  ASSERT_TRUE(r.closed.has_value());
  EXPECT_TRUE(r.closed->clean);
  EXPECT_EQ(r.closed->code, 1000);
  EXPECT_EQ(r.closed->failure, std::nullopt);
}

std::vector<message_event> mixed_messages() {
  return {
      message_event{opcode::text, to_bytes("hello, echo server")},
      message_event{opcode::binary, pseudo_random(256, 1)},
      message_event{opcode::text, to_bytes("caf\xc3\xa9 \xe2\x82\xac \xf0\x9d\x84\x9e")},
      // Longer than the client's fragment size: sent as several frames (RFC 6455 §5.4).
      message_event{opcode::text, to_bytes(random_letters(20000, 2))},
      message_event{opcode::binary, {}},
      message_event{opcode::binary, pseudo_random(1 << 20, 3)},
      message_event{opcode::text, to_bytes(std::string(1 << 20, 'w'))},
  };
}

// ---------------------------------------------------------------------------------------------
// A raw TCP client: writes exactly the bytes a test gives, reads with a deadline.

struct read_result {
  bytes data;
  bool closed = false;  // the peer closed (FIN or reset)
  bool eof = false;     // by FIN
};

class raw_client {
 public:
  explicit raw_client(std::uint16_t port) : socket_(ioc_) { socket_.connect(loopback(port)); }

  void write(const bytes& b) { net::write(socket_, net::buffer(b)); }
  void write(std::string_view s) { net::write(socket_, net::buffer(s.data(), s.size())); }
  void shutdown_send() { socket_.shutdown(tcp::socket::shutdown_send); }

  // Reads until the peer closes, `enough` says so, or `limit` passes.
  read_result read(const std::function<bool(const bytes&)>& enough = {},
                   std::chrono::milliseconds limit = bound) {
    read_result r;
    std::vector<std::uint8_t> buf(64 * 1024);
    bool done = false;
    std::function<void()> next = [&] {
      socket_.async_read_some(net::buffer(buf), [&](boost::system::error_code ec, std::size_t n) {
        r.data.insert(r.data.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
        if (ec) {
          r.closed = true;
          r.eof = ec == net::error::eof;
          done = true;
        } else if (enough && enough(r.data)) {
          done = true;
        } else {
          next();
        }
      });
    };
    next();
    ioc_.restart();
    ioc_.run_for(limit);
    if (!done) {
      socket_.cancel();
      ioc_.restart();
      ioc_.run();
    }
    return r;
  }

  // RFC 6455 §4.1: a valid opening handshake; returns the server's response head and leaves any
  // bytes after it in `rest`.
  std::string handshake(bytes& rest, std::string_view extra_headers = {}) {
    client_request req;
    req.host = "127.0.0.1";
    req.target = "/raw";
    const std::string text = build_request(req);
    // Extra header lines go before the empty line that ends the head.
    write(text.substr(0, text.size() - 2) + std::string(extra_headers) + "\r\n");
    const auto r =
        read([](const bytes& b) { return to_text(b).find("\r\n\r\n") != std::string::npos; });
    const std::string all = to_text(r.data);
    const std::size_t end = all.find("\r\n\r\n");
    if (end == std::string::npos) return all;
    rest = bytes(r.data.begin() + static_cast<std::ptrdiff_t>(end + 4), r.data.end());
    return all.substr(0, end + 4);
  }

 private:
  net::io_context ioc_{1};
  tcp::socket socket_;
};

// A frame as a client sends it (masked).
bytes client_frame(opcode op, const bytes& payload, bool fin = true, bool rsv1 = false) {
  bytes out;
  append_frame(out, op, payload, fin, rsv1, mask_key{0x12, 0x34, 0x56, 0x78});
  return out;
}

// Frames a server sent, decoded as a client decodes them.
struct server_frames {
  std::vector<frame> frames;
  std::optional<error> err;
};

server_frames decode_from_server(bytes wire, std::uint8_t allowed_rsv = 0) {
  decoder_config dc;
  dc.receiver = role::client;
  dc.allowed_rsv = allowed_rsv;
  frame_decoder d(dc);
  server_frames out;
  std::span<std::uint8_t> in(wire);
  frame current;
  for (;;) {
    const decode_result r = d.decode(in);
    in = in.subspan(r.consumed);
    if (r.status == decode_status::need_more) return out;
    if (r.status == decode_status::error) {
      out.err = r.err;
      return out;
    }
    if (r.status == decode_status::header) {
      current = frame{d.header(), {}};
    } else {
      current.payload.insert(current.payload.end(), r.payload.begin(), r.payload.end());
      if (r.frame_complete) out.frames.push_back(current);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Echo over loopback, with and without permessage-deflate

class Echo : public testing::TestWithParam<bool> {};

TEST_P(Echo, TextBinaryFragmentedAndOneMebibyteThenCleanClose) {
  const bool deflate = GetParam();
  server_thread server;
  const auto messages = mixed_messages();
  const auto r = run_client(server.port(), client_config(server.port(), deflate, 4096), messages);
  expect_echoed_and_closed(r, messages);
  ASSERT_TRUE(r.open.has_value());
  // RFC 7692 §5: the server accepts the offer when one was made, and only then.
  EXPECT_EQ(r.open->deflate.has_value(), deflate);
}

TEST_P(Echo, SeveralClientsAtOnce) {
  const bool deflate = GetParam();
  server_thread server;
  constexpr int clients = 6;
  std::vector<std::future<client_run>> runs;
  std::vector<std::vector<message_event>> sent;
  for (int i = 0; i < clients; ++i) {
    sent.push_back(
        {message_event{opcode::text, to_bytes("client " + std::to_string(i))},
         message_event{opcode::binary, pseudo_random(70000, static_cast<std::uint32_t>(i))}});
  }
  for (int i = 0; i < clients; ++i) {
    runs.push_back(std::async(std::launch::async, [&, i] {
      return run_client(server.port(), client_config(server.port(), deflate, 1000), sent[i]);
    }));
  }
  for (int i = 0; i < clients; ++i) {
    SCOPED_TRACE(i);
    expect_echoed_and_closed(runs[i].get(), sent[i]);
  }
}

// Many messages queued at once, large ones handed over: more pieces than one gather write takes,
// and more bytes than the socket buffers hold, so writes are partial and resume mid-piece.
TEST_P(Echo, HandedOverMessagesQueuedAtOnce) {
  const bool deflate = GetParam();
  server_thread server;
  std::vector<message_event> sent;
  for (std::uint32_t i = 0; i < 40; ++i) {
    sent.push_back(message_event{opcode::binary, pseudo_random(20000 + i, i)});
    sent.push_back(message_event{opcode::text, to_bytes("small " + std::to_string(i))});
  }
  sent.push_back(message_event{opcode::binary, pseudo_random(3 << 20, 41)});
  sent.push_back(message_event{opcode::text, to_bytes(random_letters(3 << 20, 42))});
  for (const std::size_t fragment : {std::size_t{0}, std::size_t{16384}}) {
    SCOPED_TRACE(fragment);
    const auto r = run_client(server.port(), client_config(server.port(), deflate, fragment), sent,
                              bound, true);
    expect_echoed_and_closed(r, sent);
  }
}

INSTANTIATE_TEST_SUITE_P(Deflate, Echo, testing::Bool(),
                         [](const auto& p) { return p.param ? "WithDeflate" : "WithoutDeflate"; });

TEST(EchoServer, DeflateCanBeTurnedOff) {
  echo_server_options o;
  o.deflate = false;
  server_thread server(o);
  const std::vector<message_event> sent{
      message_event{opcode::text, to_bytes(std::string(5000, 'z'))}};
  const auto r = run_client(server.port(), client_config(server.port(), true), sent);
  expect_echoed_and_closed(r, sent);
  ASSERT_TRUE(r.open.has_value());
  EXPECT_EQ(r.open->deflate, std::nullopt);
}

// RFC 7692 §6: with the extension agreed, the server's echo is compressed (RSV1 set).
TEST(EchoServer, CompressesItsEchoWhenDeflateIsAgreed) {
  server_thread server;
  raw_client c(server.port());
  bytes rest;
  const std::string head = c.handshake(rest, "Sec-WebSocket-Extensions: permessage-deflate\r\n");
  ASSERT_TRUE(head.starts_with("HTTP/1.1 101 ")) << head;
  EXPECT_NE(head.find("permessage-deflate"), std::string::npos) << head;
  const std::string text(3000, 'q');
  c.write(client_frame(opcode::text, to_bytes(text)));
  const auto r = c.read([&](const bytes& b) {
    bytes all = rest;
    all.insert(all.end(), b.begin(), b.end());
    return !decode_from_server(all, 0x4).frames.empty();
  });
  rest.insert(rest.end(), r.data.begin(), r.data.end());
  const auto got = decode_from_server(rest, 0x4);
  ASSERT_EQ(got.err, std::nullopt);
  ASSERT_EQ(got.frames.size(), 1u);
  EXPECT_TRUE(got.frames[0].header.rsv1);
  EXPECT_EQ(got.frames[0].header.opcode, static_cast<std::uint8_t>(opcode::text));
  EXPECT_LT(got.frames[0].payload.size(), text.size());
  inflater inf(15, false);
  bytes plain;
  ASSERT_EQ(inf.decompress(got.frames[0].payload, true, plain), std::nullopt);
  EXPECT_EQ(to_text(plain), text);
}

// RFC 6455 §7.1.1: the server closes the TCP connection first after the closing handshake.
TEST(EchoServer, ClosesTcpAfterTheClosingHandshake) {
  server_thread server;
  raw_client c(server.port());
  bytes rest;
  ASSERT_TRUE(c.handshake(rest).starts_with("HTTP/1.1 101 "));
  c.write(client_frame(opcode::close, {0x03, 0xe8}));
  const auto r = c.read();
  EXPECT_TRUE(r.eof);
  rest.insert(rest.end(), r.data.begin(), r.data.end());
  const auto got = decode_from_server(rest);
  ASSERT_EQ(got.frames.size(), 1u);
  EXPECT_EQ(got.frames[0].header.opcode, static_cast<std::uint8_t>(opcode::close));
  EXPECT_EQ(got.frames[0].payload, (bytes{0x03, 0xe8}));
}

// ---------------------------------------------------------------------------------------------
// A hostile or broken client does not take the server down, nor stall anyone else

std::vector<message_event> probe() {
  return {message_event{opcode::text, to_bytes("still serving")}};
}

// RFC 6455 §4.2.1: a request that is not a WebSocket handshake gets an HTTP error and the
// connection is closed.
TEST(EchoServer, SurvivesGarbageInsteadOfAHandshake) {
  server_thread server;
  {
    raw_client c(server.port());
    // A TLS ClientHello's first bytes, a NUL, then lines: not an HTTP request line.
    c.write(to_bytes("\x16\x03\x01\x02\x00 this is not HTTP\r\n\r\n"sv));
    const auto r = c.read();
    EXPECT_TRUE(r.closed);
    EXPECT_TRUE(to_text(r.data).starts_with("HTTP/1.1 400 ")) << to_text(r.data);
  }
  {
    raw_client c(server.port());
    c.write(to_bytes("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    const auto r = c.read();
    EXPECT_TRUE(r.closed);
    EXPECT_TRUE(to_text(r.data).starts_with("HTTP/1.1 400 ")) << to_text(r.data);
  }
  expect_echoed_and_closed(run_client(server.port(), client_config(server.port(), false), probe()),
                           probe());
}

// RFC 6455 §5.1, §7.1.7: after the handshake, an unmasked or otherwise broken frame fails the
// connection with 1002 and the server closes TCP.
TEST(EchoServer, SurvivesGarbageFrames) {
  const std::vector<std::pair<std::string, bytes>> inputs{
      {"unmasked", bytes{0x81, 0x02, 'h', 'i'}},
      {"reserved opcode", client_frame(static_cast<opcode>(0x3), {})},
      {"random bytes", bytes{0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0xfa, 0xf9, 0xf8}},
  };
  server_thread server;
  for (const auto& [label, input] : inputs) {
    SCOPED_TRACE(label);
    raw_client c(server.port());
    bytes rest;
    ASSERT_TRUE(c.handshake(rest).starts_with("HTTP/1.1 101 "));
    c.write(input);
    const auto r = c.read();
    EXPECT_TRUE(r.closed);
    rest.insert(rest.end(), r.data.begin(), r.data.end());
    const auto got = decode_from_server(rest);
    ASSERT_EQ(got.frames.size(), 1u);
    EXPECT_EQ(got.frames[0].header.opcode, static_cast<std::uint8_t>(opcode::close));
    ASSERT_GE(got.frames[0].payload.size(), 2u);
    EXPECT_EQ(got.frames[0].payload[0] << 8 | got.frames[0].payload[1], 1002);
  }
  expect_echoed_and_closed(run_client(server.port(), client_config(server.port(), false), probe()),
                           probe());
}

// Design principle 9: the target is hostile. A client that stops in the middle of a frame or of
// its handshake holds only its own connection; another client is served meanwhile.
TEST(EchoServer, StalledClientsDoNotStallOthers) {
  server_thread server;
  raw_client mid_frame(server.port());
  bytes rest;
  ASSERT_TRUE(mid_frame.handshake(rest).starts_with("HTTP/1.1 101 "));
  const bytes frame = client_frame(opcode::binary, pseudo_random(1000, 9));
  mid_frame.write(bytes(frame.begin(), frame.begin() + 300));

  raw_client mid_header(server.port());
  ASSERT_TRUE(mid_header.handshake(rest).starts_with("HTTP/1.1 101 "));
  mid_header.write(bytes(frame.begin(), frame.begin() + 3));

  raw_client mid_handshake(server.port());
  mid_handshake.write(to_bytes("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n"));

  const auto started = std::chrono::steady_clock::now();
  const auto messages = mixed_messages();
  expect_echoed_and_closed(
      run_client(server.port(), client_config(server.port(), true, 4096), messages), messages);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);

  // The stalled client is still being waited for: finishing its frame gets its echo.
  mid_frame.write(bytes(frame.begin() + 300, frame.end()));
  const auto r =
      mid_frame.read([](const bytes& b) { return !decode_from_server(b).frames.empty(); });
  const auto got = decode_from_server(r.data);
  ASSERT_EQ(got.frames.size(), 1u);
  EXPECT_EQ(got.frames[0].payload, pseudo_random(1000, 9));
}

// RFC 6455 §7.1.5: a client that goes away in the middle of a message leaves the connection
// closed abnormally; the server sends nothing more, closes its side and keeps serving.
TEST(EchoServer, SurvivesAClientThatDisconnectsMidMessage) {
  server_thread server;
  {
    raw_client c(server.port());
    bytes rest;
    ASSERT_TRUE(c.handshake(rest).starts_with("HTTP/1.1 101 "));
    c.write(client_frame(opcode::binary, to_bytes("first half "), false));
    const bytes frame = client_frame(opcode::continuation, pseudo_random(1000, 4));
    c.write(bytes(frame.begin(), frame.begin() + 100));
    c.shutdown_send();
    const auto r = c.read();
    EXPECT_TRUE(r.closed);
    EXPECT_TRUE(r.data.empty()) << testing::PrintToString(r.data);
  }
  {
    // And one that drops the connection outright.
    raw_client c(server.port());
    bytes rest;
    ASSERT_TRUE(c.handshake(rest).starts_with("HTTP/1.1 101 "));
    const bytes frame = client_frame(opcode::binary, pseudo_random(5000, 5));
    c.write(bytes(frame.begin(), frame.begin() + 2000));
  }
  expect_echoed_and_closed(run_client(server.port(), client_config(server.port(), true), probe()),
                           probe());
}

// echo_server::stop() closes the listening socket: new connections are refused, connections in
// progress finish on their own.
TEST(EchoServer, StopStopsAccepting) {
  server_thread server;
  const std::uint16_t port = server.port();
  raw_client before(port);
  bytes rest;
  ASSERT_TRUE(before.handshake(rest).starts_with("HTTP/1.1 101 "));

  ASSERT_TRUE(server.stop_accepting());

  net::io_context ioc;
  tcp::socket s(ioc);
  boost::system::error_code ec;
  s.connect(loopback(port), ec);
  EXPECT_EQ(ec, net::error::connection_refused) << ec.message();

  before.write(client_frame(opcode::text, to_bytes("after stop")));
  const auto r = before.read([](const bytes& b) { return !decode_from_server(b).frames.empty(); });
  const auto got = decode_from_server(r.data);
  ASSERT_EQ(got.frames.size(), 1u);
  EXPECT_EQ(to_text(got.frames[0].payload), "after stop");
}

TEST(EchoServer, ListeningOnABusyPortThrows) {
  server_thread server;
  net::io_context ioc;
  echo_server_options o;
  o.host = "127.0.0.1";
  o.port = server.port();
  // SO_REUSEADDR does not allow two listeners on one port.
  EXPECT_THROW({ echo_server second(ioc, o); }, boost::system::system_error);
}

// ---------------------------------------------------------------------------------------------
// run_connection on its own: timeouts

// endpoint_options::handshake_timeout: a server that never answers the handshake.
TEST(RunConnection, HandshakeTimeout) {
  net::io_context server_ioc(1);
  tcp::acceptor acceptor(server_ioc, loopback(0));
  const std::uint16_t port = acceptor.local_endpoint().port();
  tcp::socket accepted(server_ioc);

  connection conn(client_config(port, false));
  net::io_context ioc(1);
  tcp::socket socket(ioc);
  socket.connect(loopback(port));
  acceptor.accept(accepted);
  std::optional<closed_event> closed;
  bool finished = false;
  endpoint_options o;
  o.handshake_timeout = 200ms;
  const auto started = std::chrono::steady_clock::now();
  net::co_spawn(ioc,
                run_connection(
                    std::move(socket), conn,
                    [&](connection&, event& e) {
                      if (auto* c = std::get_if<closed_event>(&e)) closed = *c;
                    },
                    o),
                [&](std::exception_ptr) { finished = true; });
  ioc.run_for(bound);
  ASSERT_TRUE(finished);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
  ASSERT_TRUE(closed.has_value());
  EXPECT_EQ(closed->code, 1006);
  EXPECT_FALSE(closed->clean);
}

// endpoint_options::idle_timeout: a peer that sends nothing for that long is dropped.
TEST(RunConnection, IdleTimeout) {
  server_thread server;
  connection conn(client_config(server.port(), false));
  net::io_context ioc(1);
  tcp::socket socket(ioc);
  socket.connect(loopback(server.port()));
  std::optional<closed_event> closed;
  bool opened = false;
  bool finished = false;
  endpoint_options o;
  o.idle_timeout = 200ms;
  net::co_spawn(ioc,
                run_connection(
                    std::move(socket), conn,
                    [&](connection&, event& e) {
                      if (std::holds_alternative<open_event>(e)) opened = true;
                      if (auto* c = std::get_if<closed_event>(&e)) closed = *c;
                    },
                    o),
                [&](std::exception_ptr) { finished = true; });
  ioc.run_for(bound);
  ASSERT_TRUE(finished);
  EXPECT_TRUE(opened);
  ASSERT_TRUE(closed.has_value());
  EXPECT_EQ(closed->code, 1006);
  EXPECT_FALSE(closed->clean);
}

// ---------------------------------------------------------------------------------------------
// run_echo_client: the Autobahn testee-client protocol

// A stand-in for an Autobahn fuzzing server: /getCaseCount answers 2, each /runCase sends two
// messages and closes once both came back, /updateReports closes at once. Built on the reference
// connection in the server role.
class testee_server {
 public:
  testee_server() : acceptor_(ioc_, loopback(0)) {
    net::co_spawn(ioc_, accept_loop(), net::detached);
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~testee_server() {
    ioc_.stop();
    thread_.join();
  }
  testee_server(const testee_server&) = delete;
  testee_server& operator=(const testee_server&) = delete;

  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  std::vector<std::string> targets() {
    std::lock_guard lock(m_);
    return targets_;
  }
  std::vector<message_event> echoes() {
    std::lock_guard lock(m_);
    return echoes_;
  }
  static std::vector<message_event> case_messages(int n) {
    return {message_event{opcode::text, to_bytes("case " + std::to_string(n) + " caf\xc3\xa9")},
            message_event{opcode::binary, pseudo_random(3000, static_cast<std::uint32_t>(n))}};
  }

 private:
  net::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor_.async_accept(net::as_tuple(net::use_awaitable));
      if (ec) co_return;
      net::co_spawn(ioc_, serve(std::move(socket)), net::detached);
    }
  }

  net::awaitable<void> serve(tcp::socket socket) {
    connection_config c;
    c.self = role::server;
    connection conn(c);
    std::size_t expected = 0;
    std::size_t received = 0;
    co_await run_connection(std::move(socket), conn, [&](connection& con, event& e) {
      if (auto* o = std::get_if<open_event>(&e)) {
        {
          std::lock_guard lock(m_);
          targets_.push_back(o->target);
        }
        if (o->target == "/getCaseCount") {
          con.send_text("2");
          con.close(1000);
        } else if (o->target.starts_with("/runCase?case=")) {
          const int n = o->target[14] - '0';
          const auto messages = case_messages(n);
          expected = messages.size();
          for (const auto& m : messages) con.send_message(m.op, m.data);
        } else {
          con.close(1000);
        }
      } else if (auto* m = std::get_if<message_event>(&e)) {
        {
          std::lock_guard lock(m_);
          echoes_.push_back(*m);
        }
        if (++received == expected) con.close(1000);
      }
    });
  }

  net::io_context ioc_{1};
  tcp::acceptor acceptor_;
  std::thread thread_;
  std::mutex m_;
  std::vector<std::string> targets_;
  std::vector<message_event> echoes_;
};

// Runs run_echo_client in a thread; nullopt when it did not return in time (the thread is then
// left behind rather than waited for without bound). The thread is joined otherwise, so the
// per-thread state OpenSSL keeps for its random numbers is freed before the program ends.
std::optional<int> echo_client_exit(const echo_client_options& options) {
  auto result = std::make_shared<std::promise<int>>();
  auto f = result->get_future();
  std::thread t([options, result] { result->set_value(run_echo_client(options)); });
  if (f.wait_for(bound) != std::future_status::ready) {
    t.detach();
    return std::nullopt;
  }
  t.join();
  return f.get();
}

class EchoClient : public testing::TestWithParam<bool> {};

TEST_P(EchoClient, RunsEveryCaseAndUpdatesTheReports) {
  testee_server fuzzing;
  echo_client_options o;
  o.url = "ws://127.0.0.1:" + std::to_string(fuzzing.port());
  o.agent = "wsspec test/1";
  o.deflate = GetParam();
  const auto status = echo_client_exit(o);
  ASSERT_TRUE(status.has_value()) << "run_echo_client did not return";
  EXPECT_EQ(*status, 0);
  // The agent is percent-encoded in the query (RFC 3986 §2.1).
  EXPECT_EQ(fuzzing.targets(),
            (std::vector<std::string>{"/getCaseCount", "/runCase?case=1&agent=wsspec%20test%2F1",
                                      "/runCase?case=2&agent=wsspec%20test%2F1",
                                      "/updateReports?agent=wsspec%20test%2F1"}));
  std::vector<message_event> expected = testee_server::case_messages(1);
  for (auto& m : testee_server::case_messages(2)) expected.push_back(std::move(m));
  const auto echoes = fuzzing.echoes();
  ASSERT_EQ(echoes.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(echoes[i].op, expected[i].op) << i;
    EXPECT_EQ(echoes[i].data, expected[i].data) << i;
  }
}

INSTANTIATE_TEST_SUITE_P(Deflate, EchoClient, testing::Bool(),
                         [](const auto& p) { return p.param ? "WithDeflate" : "WithoutDeflate"; });

TEST(EchoClient, ExitsWithTwoWhenItCannotRun) {
  // A port nothing listens on: bind one, then close it.
  std::uint16_t closed_port = 0;
  {
    net::io_context ioc;
    tcp::acceptor a(ioc, loopback(0));
    closed_port = a.local_endpoint().port();
  }
  const std::vector<std::pair<std::string, std::string>> rows{
      {"not a ws URL", "http://127.0.0.1:9001"},
      {"fragment", "ws://127.0.0.1:9001/#x"},
      {"wss is not spoken", "wss://127.0.0.1:9001"},
      {"nothing listening", "ws://127.0.0.1:" + std::to_string(closed_port)},
  };
  for (const auto& [label, url] : rows) {
    SCOPED_TRACE(label);
    echo_client_options o;
    o.url = url;
    const auto status = echo_client_exit(o);
    ASSERT_TRUE(status.has_value());
    EXPECT_EQ(*status, 2);
  }
}

}  // namespace
}  // namespace wsspec::ref::asio
