#include "wsspec/reference/connection.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "wsspec/reference/close_code.hpp"
#include "wsspec/reference/close_payload.hpp"
#include "wsspec/reference/frame_decoder.hpp"
#include "wsspec/reference/handshake.hpp"
#include "wsspec/reference/http_head.hpp"
#include "wsspec/reference/mask.hpp"
#include "wsspec/reference/permessage_deflate.hpp"
#include "wsspec/reference/utf8_validator.hpp"

namespace wsspec::ref {
namespace {

using bytes = std::vector<std::uint8_t>;

bytes to_bytes(std::string_view s) {
  return bytes(s.begin(), s.end());
}

std::string to_text(std::span<const std::uint8_t> b) {
  return std::string(b.begin(), b.end());
}

bytes cat(std::initializer_list<bytes> parts) {
  bytes out;
  for (const bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

bytes repetitive(std::size_t n) {
  constexpr std::string_view phrase = "the quick brown fox jumps over the lazy dog; ";
  bytes v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::uint8_t>(phrase[i % phrase.size()]);
  return v;
}

// RFC 6455 §1.3 and §4.2.2: the sample nonce, its key and the accept value answering it.
constexpr std::string_view sample_key = "dGhlIHNhbXBsZSBub25jZQ==";
constexpr std::string_view sample_accept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

std::array<std::uint8_t, 16> sample_nonce() {
  constexpr std::string_view text = "the sample nonce";
  std::array<std::uint8_t, 16> n{};
  std::copy(text.begin(), text.end(), n.begin());
  return n;
}

// Mask keys 01 02 03 04, 05 06 07 08, ...: predictable, so a test can tell which key each frame
// was masked with.
std::function<mask_key()> counting_masks() {
  auto next = std::make_shared<std::uint8_t>(0);
  return [next] {
    mask_key k;
    for (auto& b : k) b = ++*next;
    return k;
  };
}

connection_config client_config() {
  connection_config c;
  c.self = role::client;
  c.request.host = "server.example.com";
  c.request.target = "/chat";
  c.request.nonce = sample_nonce();
  c.fixed_nonce = true;
  c.mask_source = counting_masks();
  return c;
}

connection_config server_config() {
  connection_config c;
  c.self = role::server;
  return c;
}

template <class T>
std::vector<T> all_of(const std::vector<event>& events) {
  std::vector<T> out;
  for (const event& e : events)
    if (const T* t = std::get_if<T>(&e)) out.push_back(*t);
  return out;
}

template <class T>
std::optional<T> first_of(const std::vector<event>& events) {
  auto all = all_of<T>(events);
  if (all.empty()) return std::nullopt;
  return all.front();
}

std::vector<event> drain(connection& c) {
  std::vector<event> out;
  while (auto e = c.next_event()) out.push_back(std::move(*e));
  return out;
}

// What `c` has written so far, taken out of it.
bytes take(connection& c) {
  const auto out = c.output();
  bytes b(out.begin(), out.end());
  c.consume_output(b.size());
  return b;
}

// Ways to cut an input of `n` bytes into pieces: the positions where one receive() call ends
// and the next begins. Whole, byte by byte, and in two at every position (at a stride for long
// inputs).
std::vector<std::vector<std::size_t>> cut_plans(std::size_t n) {
  std::vector<std::vector<std::size_t>> plans{{}};
  std::vector<std::size_t> every;
  for (std::size_t i = 1; i < n; ++i) every.push_back(i);
  if (!every.empty()) plans.push_back(every);
  const std::size_t stride = n <= 300 ? 1 : n / 150;
  for (std::size_t i = 1; i < n; i += stride) plans.push_back({i});
  return plans;
}

std::string describe(const std::vector<std::size_t>& cuts) {
  if (cuts.empty()) return "whole";
  if (cuts.size() > 1) return "byte by byte";
  return "cut at " + std::to_string(cuts.front());
}

// Feeds `data` to `c` in pieces ending at `cuts`, taking the events after each piece as a
// driver does.
std::vector<event> deliver(connection& c, const bytes& data,
                           const std::vector<std::size_t>& cuts = {}) {
  std::vector<event> events;
  bytes copy = data;  // receive() unmasks in place
  std::size_t from = 0;
  auto feed_until = [&](std::size_t to) {
    c.receive(std::span<std::uint8_t>(copy).subspan(from, to - from));
    from = to;
    auto more = drain(c);
    events.insert(events.end(), more.begin(), more.end());
  };
  for (const std::size_t cut : cuts) feed_until(cut);
  feed_until(copy.size());
  return events;
}

// Frames as the peer of `sender` decodes them, strictly: a client decodes what a server sent.
struct decoded {
  std::vector<frame> frames;
  std::optional<error> err;
  std::size_t trailing = 0;  // bytes after the last complete frame
};

decoded decode(bytes wire, role receiver, std::uint8_t allowed_rsv = 0) {
  decoder_config dc;
  dc.receiver = receiver;
  dc.allowed_rsv = allowed_rsv;
  frame_decoder d(dc);
  decoded out;
  std::span<std::uint8_t> in(wire);
  std::size_t framed = 0;
  frame current;
  for (;;) {
    const decode_result r = d.decode(in);
    in = in.subspan(r.consumed);
    switch (r.status) {
      case decode_status::need_more:
        out.trailing = wire.size() - framed;
        return out;
      case decode_status::error:
        out.err = r.err;
        return out;
      case decode_status::header:
        current = frame{d.header(), {}};
        break;
      case decode_status::payload:
        current.payload.insert(current.payload.end(), r.payload.begin(), r.payload.end());
        if (r.frame_complete) {
          framed += current.header.size() + current.header.length;
          out.frames.push_back(current);
        }
        break;
    }
  }
}

std::optional<std::uint16_t> close_code_of(const frame& f) {
  if (f.payload.size() < 2) return std::nullopt;
  return static_cast<std::uint16_t>((f.payload[0] << 8) | f.payload[1]);
}

// Hand-built frames. `b0` holds FIN, RSV1-3 and the opcode.
constexpr std::uint8_t fin = 0x80;
constexpr std::uint8_t rsv1 = 0x40;
constexpr std::uint8_t rsv2 = 0x20;
constexpr std::uint8_t rsv3 = 0x10;
constexpr std::uint8_t op_cont = 0x0;
constexpr std::uint8_t op_text = 0x1;
constexpr std::uint8_t op_binary = 0x2;
constexpr std::uint8_t op_close = 0x8;
constexpr std::uint8_t op_ping = 0x9;
constexpr std::uint8_t op_pong = 0xA;
constexpr mask_key test_key{0x37, 0xfa, 0x21, 0x3d};

// A frame with the payload length encoded in `length_bytes` extra bytes (0, 2 or 8; by default
// the minimal encoding) and declaring `declared` bytes (by default the payload's size).
bytes raw_frame(std::uint8_t b0, const bytes& payload, bool masked,
                std::optional<std::uint8_t> length_bytes = std::nullopt,
                std::optional<std::uint64_t> declared = std::nullopt) {
  const std::uint64_t len = declared.value_or(payload.size());
  const std::uint8_t ext = length_bytes.value_or(minimal_length_bytes(len));
  bytes out{b0};
  const std::uint8_t mask_bit = masked ? 0x80 : 0x00;
  if (ext == 0) {
    out.push_back(static_cast<std::uint8_t>(mask_bit | len));
  } else {
    out.push_back(static_cast<std::uint8_t>(mask_bit | (ext == 2 ? 126 : 127)));
    for (int i = ext - 1; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(len >> (8 * i)));
  }
  bytes body = payload;
  if (masked) {
    out.insert(out.end(), test_key.begin(), test_key.end());
    apply_mask(body, test_key);
  }
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

// A frame as a client sends it (masked) and as a server sends it (not masked).
bytes from_client(std::uint8_t b0, const bytes& payload = {}) {
  return raw_frame(b0, payload, true);
}
bytes from_server(std::uint8_t b0, const bytes& payload = {}) {
  return raw_frame(b0, payload, false);
}

bytes close_body(std::uint16_t code, std::string_view reason = {}) {
  return encode_close_payload(code, reason);
}

// A client and a server connected back to back in memory.
struct endpoints {
  connection client;
  connection server;
  std::vector<event> client_events;
  std::vector<event> server_events;

  endpoints(connection_config c, connection_config s)
      : client(std::move(c)), server(std::move(s)) {}

  // Carries each side's output to the other until both are quiet.
  void pump() {
    for (int round = 0; round < 100; ++round) {
      const bytes to_server = take(client);
      const bytes to_client = take(server);
      if (to_server.empty() && to_client.empty()) return;
      auto a = deliver(server, to_server);
      server_events.insert(server_events.end(), a.begin(), a.end());
      auto b = deliver(client, to_client);
      client_events.insert(client_events.end(), b.begin(), b.end());
    }
    ADD_FAILURE() << "the connections never went quiet";
  }
};

// A client and a server that completed the opening handshake; their open events are dropped.
std::unique_ptr<endpoints> open_pair(connection_config c = client_config(),
                                     connection_config s = server_config()) {
  auto e = std::make_unique<endpoints>(std::move(c), std::move(s));
  e->pump();
  EXPECT_EQ(e->client.state(), connection_state::open);
  EXPECT_EQ(e->server.state(), connection_state::open);
  EXPECT_EQ(all_of<open_event>(e->client_events).size(), 1u);
  EXPECT_EQ(all_of<open_event>(e->server_events).size(), 1u);
  e->client_events.clear();
  e->server_events.clear();
  return e;
}

connection& side(endpoints& e, role r) {
  return r == role::client ? e.client : e.server;
}

// ---------------------------------------------------------------------------------------------
// Opening handshake (RFC 6455 §4)

TEST(OpeningHandshake, ClientAndServerOpen) {
  endpoints e(client_config(), server_config());
  EXPECT_EQ(e.client.state(), connection_state::connecting);
  EXPECT_EQ(e.server.state(), connection_state::connecting);
  EXPECT_EQ(e.client.key(), sample_key);

  // RFC 6455 §4.1: the client's request is a valid GET carrying the key for its nonce.
  const bytes request = take(e.client);
  http_head_parser p(http_head_parser::kind::request);
  ASSERT_EQ(p.feed(request).status, parse_status::done);
  const auto req = validate_request(p.head());
  ASSERT_TRUE(req.ok()) << name(req.err());
  EXPECT_EQ(req->target, "/chat");
  EXPECT_EQ(req->host, "server.example.com");
  EXPECT_EQ(req->key, sample_key);

  for (const auto& cuts : cut_plans(request.size())) {
    SCOPED_TRACE(describe(cuts));
    connection server(server_config());
    const auto events = deliver(server, request, cuts);
    ASSERT_EQ(events.size(), 1u);
    const auto* open = std::get_if<open_event>(&events[0]);
    ASSERT_NE(open, nullptr);
    EXPECT_EQ(open->target, "/chat");
    EXPECT_EQ(open->subprotocol, std::nullopt);
    EXPECT_EQ(open->deflate, std::nullopt);
    EXPECT_EQ(server.state(), connection_state::open);
    // RFC 6455 §4.2.2: 101 with the accept value for the key.
    const std::string response = to_text(take(server));
    EXPECT_TRUE(response.starts_with("HTTP/1.1 101 ")) << response;
    EXPECT_NE(response.find("Sec-WebSocket-Accept: " + std::string(sample_accept) + "\r\n"),
              std::string::npos)
        << response;
  }

  connection server(server_config());
  deliver(server, request);
  const bytes response = take(server);
  for (const auto& cuts : cut_plans(response.size())) {
    SCOPED_TRACE(describe(cuts));
    connection client(client_config());
    take(client);
    const auto events = deliver(client, response, cuts);
    ASSERT_EQ(events.size(), 1u);
    const auto* open = std::get_if<open_event>(&events[0]);
    ASSERT_NE(open, nullptr);
    EXPECT_EQ(open->target, "/chat");
    EXPECT_EQ(client.state(), connection_state::open);
    EXPECT_TRUE(take(client).empty());
  }
}

// RFC 6455 §4.1: the nonce is randomly selected for each connection.
TEST(OpeningHandshake, RandomNonceDiffersPerConnection) {
  connection_config c = client_config();
  c.fixed_nonce = false;
  connection a(c);
  connection b(c);
  EXPECT_NE(a.key(), b.key());
  EXPECT_NE(a.key(), sample_key);
  for (const connection* x : {&a, &b}) {
    const auto decoded_key = base64_decode(x->key());
    ASSERT_TRUE(decoded_key.has_value());
    EXPECT_EQ(decoded_key->size(), 16u);
  }
}

// RFC 6455 §4.2.2: the server selects one of the subprotocols the client offered.
TEST(OpeningHandshake, SubprotocolIsSelectedFromTheOffer) {
  connection_config c = client_config();
  c.request.subprotocols = {"chat", "superchat"};
  connection_config s = server_config();
  s.subprotocols = {"v2", "superchat", "chat"};
  endpoints e(c, s);
  e.pump();
  const auto server_open = first_of<open_event>(e.server_events);
  const auto client_open = first_of<open_event>(e.client_events);
  ASSERT_TRUE(server_open && client_open);
  EXPECT_EQ(server_open->subprotocol, "superchat");
  EXPECT_EQ(client_open->subprotocol, "superchat");
}

TEST(OpeningHandshake, NoCommonSubprotocolOpensWithoutOne) {
  connection_config c = client_config();
  c.request.subprotocols = {"chat"};
  connection_config s = server_config();
  s.subprotocols = {"other"};
  endpoints e(c, s);
  e.pump();
  const auto client_open = first_of<open_event>(e.client_events);
  ASSERT_TRUE(client_open);
  EXPECT_EQ(client_open->subprotocol, std::nullopt);
  EXPECT_EQ(e.client.state(), connection_state::open);
}

TEST(OpeningHandshake, NothingCanBeSentBeforeOpen) {
  connection client(client_config());
  connection server(server_config());
  const bytes request = take(client);
  for (connection* c : {&client, &server}) {
    EXPECT_FALSE(c->send_text("early"));
    EXPECT_FALSE(c->send_ping());
    EXPECT_FALSE(c->send_pong());
    EXPECT_FALSE(c->close());
    EXPECT_TRUE(take(*c).empty());
  }
  EXPECT_FALSE(request.empty());
}

std::string head(std::vector<std::string> lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\r\n";
  return out + "\r\n";
}

std::vector<std::string> good_request_lines() {
  return {"GET /chat HTTP/1.1",
          "Host: server.example.com",
          "Upgrade: websocket",
          "Connection: Upgrade",
          "Sec-WebSocket-Key: " + std::string(sample_key),
          "Sec-WebSocket-Version: 13"};
}

std::vector<std::string> without(std::vector<std::string> lines, std::string_view prefix) {
  std::erase_if(lines, [&](const std::string& l) { return l.starts_with(prefix); });
  return lines;
}

std::vector<std::string> replaced(std::vector<std::string> lines, std::string_view prefix,
                                  std::string line) {
  for (auto& l : lines)
    if (l.starts_with(prefix)) l = line;
  return lines;
}

std::vector<std::string> with(std::vector<std::string> lines, std::string line) {
  lines.push_back(std::move(line));
  return lines;
}

TEST(OpeningHandshake, HandBuiltRequestIsAccepted) {
  const bytes request = to_bytes(head(good_request_lines()));
  for (const auto& cuts : cut_plans(request.size())) {
    SCOPED_TRACE(describe(cuts));
    connection server(server_config());
    const auto events = deliver(server, request, cuts);
    ASSERT_EQ(all_of<open_event>(events).size(), 1u);
    EXPECT_TRUE(to_text(take(server)).starts_with("HTTP/1.1 101 "));
  }
}

struct rejection_row {
  std::string label;
  std::string request;
  error expected;
  int status;
  std::string must_contain;  // a header field the rejection carries
};

void PrintTo(const rejection_row& row, std::ostream* os) {
  *os << row.label;
}

std::vector<rejection_row> rejection_rows() {
  const auto good = good_request_lines();
  const std::string long_field = "X-Filler: " + std::string(20000, 'a');
  return {
      // RFC 6455 §4.2.1 (1): the method is GET; RFC 9110 §15.5.6: 405 lists the allowed methods.
      {"PostMethod", head(replaced(good, "GET", "POST /chat HTTP/1.1")), error::bad_method, 405,
       "Allow: GET"},
      // RFC 6455 §4.2.1 (1): HTTP/1.1 or higher.
      {"Http10", head(replaced(good, "GET", "GET /chat HTTP/1.0")), error::bad_http_version, 400,
       ""},
      // RFC 6455 §4.2.1 (2): a Host header.
      {"NoHost", head(without(good, "Host")), error::missing_host, 400, ""},
      {"TwoHosts", head(with(good, "Host: other.example.com")), error::duplicate_host, 400, ""},
      // RFC 6455 §4.2.1 (3), (4): Upgrade: websocket and Connection: Upgrade.
      {"NoUpgrade", head(without(good, "Upgrade")), error::bad_upgrade, 400, ""},
      {"UpgradeToH2c", head(replaced(good, "Upgrade", "Upgrade: h2c")), error::bad_upgrade, 400,
       ""},
      {"ConnectionKeepAlive", head(replaced(good, "Connection", "Connection: keep-alive")),
       error::bad_connection, 400, ""},
      // RFC 6455 §4.2.1 (5): a Sec-WebSocket-Key that is 16 bytes in base64.
      {"NoKey", head(without(good, "Sec-WebSocket-Key")), error::missing_key, 400, ""},
      {"ShortKey", head(replaced(good, "Sec-WebSocket-Key", "Sec-WebSocket-Key: c2hvcnQ=")),
       error::bad_key, 400, ""},
      {"TwoKeys", head(with(good, "Sec-WebSocket-Key: " + std::string(sample_key))),
       error::duplicate_key, 400, ""},
      // RFC 6455 §4.2.1 (6), §4.4: version 13, else 426 listing the supported version.
      {"NoVersion", head(without(good, "Sec-WebSocket-Version")), error::missing_version, 426,
       "Sec-WebSocket-Version: 13"},
      {"Version8", head(replaced(good, "Sec-WebSocket-Version", "Sec-WebSocket-Version: 8")),
       error::unsupported_version, 426, "Sec-WebSocket-Version: 13"},
      // RFC 9112 §3, §5: a malformed request line or header line.
      {"GarbageRequestLine", "HELLO\r\n\r\n", error::bad_request_line, 400, ""},
      {"HeaderLineWithoutColon", head(with(good, "X-Broken header")), error::bad_header_line, 400,
       ""},
      // RFC 9112 §2.3 and design principle 9: the head is bounded; 431 (RFC 6585 §5).
      {"HeadTooLarge", head(with(good, long_field)), error::head_too_large, 431, ""},
  };
}

class ServerRejects : public testing::TestWithParam<rejection_row> {};

// RFC 6455 §4.2.1: a request that is not a valid opening handshake is answered with an HTTP
// error status and the connection is not opened; handshake_failed_event names the rule.
TEST_P(ServerRejects, WithTheStatusForTheRule) {
  const rejection_row& row = GetParam();
  const bytes request = to_bytes(row.request);
  std::vector<std::vector<std::size_t>> plans{{}};
  std::vector<std::size_t> every;
  for (std::size_t i = 1; i < request.size(); ++i) every.push_back(i);
  plans.push_back(every);
  for (const auto& cuts : plans) {
    SCOPED_TRACE(describe(cuts));
    connection server(server_config());
    // A frame right after the bad head is never read.
    const auto events =
        deliver(server, cat({request, from_client(fin | op_text, to_bytes("x"))}), cuts);
    ASSERT_EQ(events.size(), 2u);
    const auto* failed = std::get_if<handshake_failed_event>(&events[0]);
    ASSERT_NE(failed, nullptr);
    EXPECT_EQ(failed->err, row.expected) << name(failed->err);
    EXPECT_EQ(failed->http_status, row.status);
    const auto* closed = std::get_if<closed_event>(&events[1]);
    ASSERT_NE(closed, nullptr);
    EXPECT_FALSE(closed->clean);
    EXPECT_EQ(closed->code, close_code::abnormal);
    EXPECT_EQ(closed->failure, row.expected);
    EXPECT_EQ(server.state(), connection_state::closed);
    EXPECT_TRUE(server.should_close_transport());
    EXPECT_FALSE(server.await_peer_eof());

    const std::string response = to_text(take(server));
    EXPECT_TRUE(response.starts_with("HTTP/1.1 " + std::to_string(row.status) + " ")) << response;
    EXPECT_TRUE(response.ends_with("\r\n\r\n")) << response;
    if (!row.must_contain.empty()) {
      EXPECT_NE(response.find(row.must_contain + "\r\n"), std::string::npos) << response;
    }
    EXPECT_EQ(response.find("Sec-WebSocket-Accept"), std::string::npos) << response;
  }
}

INSTANTIATE_TEST_SUITE_P(Table, ServerRejects, testing::ValuesIn(rejection_rows()),
                         [](const auto& p) { return p.param.label; });

TEST(OpeningHandshake, HeadLimitComesFromTheConfig) {
  connection_config s = server_config();
  s.http.max_head_size = 64;
  connection server(s);
  const auto events = deliver(server, to_bytes(head(good_request_lines())));
  const auto failed = first_of<handshake_failed_event>(events);
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->err, error::head_too_large);
  EXPECT_TRUE(to_text(take(server)).starts_with("HTTP/1.1 431 "));
}

std::vector<std::string> good_response_lines() {
  return {"HTTP/1.1 101 Switching Protocols", "Upgrade: websocket", "Connection: Upgrade",
          "Sec-WebSocket-Accept: " + std::string(sample_accept)};
}

TEST(OpeningHandshake, HandBuiltResponseIsAccepted) {
  const bytes response = to_bytes(head(good_response_lines()));
  for (const auto& cuts : cut_plans(response.size())) {
    SCOPED_TRACE(describe(cuts));
    connection client(client_config());
    take(client);
    const auto events = deliver(client, response, cuts);
    ASSERT_EQ(all_of<open_event>(events).size(), 1u);
    EXPECT_EQ(client.state(), connection_state::open);
  }
}

struct client_rejection_row {
  std::string label;
  std::string response;
  error expected;
  int status;  // the status the client reports it received
  bool offer_deflate = false;
};

void PrintTo(const client_rejection_row& row, std::ostream* os) {
  *os << row.label;
}

std::vector<client_rejection_row> client_rejection_rows() {
  const auto good = good_response_lines();
  return {
      // RFC 6455 §4.1: the client fails the connection unless the status is 101...
      {"Status200", head(replaced(good, "HTTP/1.1", "HTTP/1.1 200 OK")), error::bad_status, 200},
      {"Status403", head(replaced(good, "HTTP/1.1", "HTTP/1.1 403 Forbidden")), error::bad_status,
       403},
      // ... Upgrade is websocket, Connection is Upgrade...
      {"NoUpgrade", head(without(good, "Upgrade")), error::bad_upgrade, 101},
      {"NoConnection", head(without(good, "Connection")), error::bad_connection, 101},
      // ... and Sec-WebSocket-Accept is the value for its key.
      {"WrongAccept",
       head(replaced(good, "Sec-WebSocket-Accept",
                     "Sec-WebSocket-Accept: " + accept_for_key("x3JJHMbDL1EzLkh9GBhXDw=="))),
       error::bad_accept, 101},
      {"NoAccept", head(without(good, "Sec-WebSocket-Accept")), error::missing_accept, 101},
      {"TwoAccepts", head(with(good, "Sec-WebSocket-Accept: " + std::string(sample_accept))),
       error::duplicate_accept, 101},
      // A subprotocol or extension the client did not offer.
      {"UnofferedSubprotocol", head(with(good, "Sec-WebSocket-Protocol: chat")),
       error::unoffered_subprotocol, 101},
      {"UnofferedDeflate", head(with(good, "Sec-WebSocket-Extensions: permessage-deflate")),
       error::unoffered_extension, 101},
      // RFC 7692 §7.1: an unknown parameter in the response fails the connection.
      {"DeflateUnknownParameter",
       head(with(good, "Sec-WebSocket-Extensions: permessage-deflate; colour=blue")),
       error::bad_extension_parameter, 101, true},
      // RFC 9112 §4: a malformed status line.
      {"GarbageStatusLine", "HTP/1.1 101\r\n\r\n", error::bad_status_line, 0},
  };
}

class ClientRejects : public testing::TestWithParam<client_rejection_row> {};

TEST_P(ClientRejects, AndDoesNotOpen) {
  const client_rejection_row& row = GetParam();
  const bytes response = to_bytes(row.response);
  for (const auto& cuts :
       std::vector<std::vector<std::size_t>>{{}, cut_plans(response.size())[1]}) {
    SCOPED_TRACE(describe(cuts));
    connection_config c = client_config();
    if (row.offer_deflate) c.offer_deflate = deflate_offer{};
    connection client(c);
    take(client);
    const auto events =
        deliver(client, cat({response, from_server(fin | op_text, to_bytes("x"))}), cuts);
    ASSERT_EQ(events.size(), 2u);
    const auto* failed = std::get_if<handshake_failed_event>(&events[0]);
    ASSERT_NE(failed, nullptr);
    EXPECT_EQ(failed->err, row.expected) << name(failed->err);
    EXPECT_EQ(failed->http_status, row.status);
    const auto* closed = std::get_if<closed_event>(&events[1]);
    ASSERT_NE(closed, nullptr);
    EXPECT_FALSE(closed->clean);
    EXPECT_EQ(closed->failure, row.expected);
    EXPECT_EQ(client.state(), connection_state::closed);
    EXPECT_TRUE(client.should_close_transport());
    EXPECT_FALSE(client.await_peer_eof());
    EXPECT_TRUE(take(client).empty());
  }
}

INSTANTIATE_TEST_SUITE_P(Table, ClientRejects, testing::ValuesIn(client_rejection_rows()),
                         [](const auto& p) { return p.param.label; });

// RFC 6455 §4.2.2 / §4.1: the endpoint may send frames right after the handshake; they arrive
// in the same read as the head and are processed with it.
TEST(OpeningHandshake, FramesInTheSameReadAsTheRequest) {
  const bytes input =
      cat({to_bytes(head(good_request_lines())), from_client(fin | op_text, to_bytes("hello")),
           from_client(fin | op_ping, to_bytes("p"))});
  for (const auto& cuts : cut_plans(input.size())) {
    SCOPED_TRACE(describe(cuts));
    connection server(server_config());
    const auto events = deliver(server, input, cuts);
    ASSERT_EQ(events.size(), 3u);
    EXPECT_TRUE(std::holds_alternative<open_event>(events[0]));
    const auto* m = std::get_if<message_event>(&events[1]);
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(m->op, opcode::text);
    EXPECT_EQ(to_text(m->data), "hello");
    ASSERT_TRUE(std::holds_alternative<ping_event>(events[2]));
    const std::string out = to_text(take(server));
    const std::size_t end = out.find("\r\n\r\n");
    ASSERT_NE(end, std::string::npos);
    const auto frames = decode(to_bytes(out.substr(end + 4)), role::client);
    ASSERT_EQ(frames.frames.size(), 1u);
    EXPECT_EQ(frames.frames[0].header.opcode, op_pong);
    EXPECT_EQ(to_text(frames.frames[0].payload), "p");
  }
}

TEST(OpeningHandshake, FramesInTheSameReadAsTheResponse) {
  const bytes input =
      cat({to_bytes(head(good_response_lines())), from_server(fin | op_binary, to_bytes("data")),
           from_server(fin | op_close, close_body(1001))});
  for (const auto& cuts : cut_plans(input.size())) {
    SCOPED_TRACE(describe(cuts));
    connection client(client_config());
    take(client);
    const auto events = deliver(client, input, cuts);
    ASSERT_EQ(events.size(), 4u);
    EXPECT_TRUE(std::holds_alternative<open_event>(events[0]));
    const auto* m = std::get_if<message_event>(&events[1]);
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(m->op, opcode::binary);
    EXPECT_EQ(to_text(m->data), "data");
    EXPECT_TRUE(std::holds_alternative<close_received_event>(events[2]));
    const auto* closed = std::get_if<closed_event>(&events[3]);
    ASSERT_NE(closed, nullptr);
    EXPECT_EQ(closed->code, 1001);
    EXPECT_TRUE(closed->clean);
  }
}

// ---------------------------------------------------------------------------------------------
// Data messages, masking and fragmentation (RFC 6455 §5.1-§5.4, §5.6)

TEST(Messages, RoundTripBothWays) {
  auto e = open_pair();
  const std::vector<bytes> payloads{{},
                                    to_bytes("x"),
                                    repetitive(125),
                                    repetitive(126),
                                    repetitive(65535),
                                    repetitive(65536),
                                    repetitive(200000)};
  for (const bytes& p : payloads) {
    SCOPED_TRACE(p.size());
    ASSERT_TRUE(e->client.send_binary(p));
    ASSERT_TRUE(e->server.send_text(to_text(p)));
    e->pump();
    const auto at_server = all_of<message_event>(e->server_events);
    const auto at_client = all_of<message_event>(e->client_events);
    ASSERT_EQ(at_server.size(), 1u);
    ASSERT_EQ(at_client.size(), 1u);
    EXPECT_EQ(at_server[0].op, opcode::binary);
    EXPECT_EQ(at_server[0].data, p);
    EXPECT_EQ(at_client[0].op, opcode::text);
    EXPECT_EQ(at_client[0].data, p);
    e->server_events.clear();
    e->client_events.clear();
  }
}

// RFC 6455 §5.1, §5.3: a client masks every frame it sends, with a new key each time; a server
// masks none. The strict decoder of the other role checks the mask bit.
TEST(Masking, ClientMasksWithEachKeyServerDoesNot) {
  auto e = open_pair();
  ASSERT_TRUE(e->client.send_text("one"));
  ASSERT_TRUE(e->client.send_ping(to_bytes("two")));
  ASSERT_TRUE(e->client.send_binary(to_bytes("three")));
  const auto from_c = decode(take(e->client), role::server);
  ASSERT_EQ(from_c.err, std::nullopt);
  ASSERT_EQ(from_c.frames.size(), 3u);
  // The handshake used no mask keys; counting_masks() hands out 01020304, 05060708, 090a0b0c.
  for (std::size_t i = 0; i < 3; ++i) {
    const frame& f = from_c.frames[i];
    EXPECT_TRUE(f.header.masked);
    const auto b = static_cast<std::uint8_t>(4 * i);
    EXPECT_EQ(f.header.key,
              (mask_key{static_cast<std::uint8_t>(b + 1), static_cast<std::uint8_t>(b + 2),
                        static_cast<std::uint8_t>(b + 3), static_cast<std::uint8_t>(b + 4)}));
  }
  EXPECT_EQ(to_text(from_c.frames[0].payload), "one");
  EXPECT_EQ(to_text(from_c.frames[1].payload), "two");
  EXPECT_EQ(to_text(from_c.frames[2].payload), "three");

  ASSERT_TRUE(e->server.send_text("four"));
  ASSERT_TRUE(e->server.send_pong(to_bytes("five")));
  const bytes server_wire = take(e->server);
  const auto from_s = decode(server_wire, role::client);
  ASSERT_EQ(from_s.err, std::nullopt);
  ASSERT_EQ(from_s.frames.size(), 2u);
  EXPECT_FALSE(from_s.frames[0].header.masked);
  EXPECT_FALSE(from_s.frames[1].header.masked);
  // Unmasked: the payload is on the wire as is.
  EXPECT_NE(to_text(server_wire).find("four"), std::string::npos);
  // A server decoder refuses the server's frames: they are not masked.
  EXPECT_EQ(decode(server_wire, role::server).err, error::unmasked_client_frame);
}

// RFC 6455 §5.3: the masking key is unpredictable and chosen fresh for each frame.
TEST(Masking, DefaultKeysDifferFrameToFrame) {
  connection_config c = client_config();
  c.mask_source = nullptr;
  auto e = open_pair(c);
  for (int i = 0; i < 64; ++i) ASSERT_TRUE(e->client.send_text("same payload"));
  const auto frames = decode(take(e->client), role::server);
  ASSERT_EQ(frames.err, std::nullopt);
  ASSERT_EQ(frames.frames.size(), 64u);
  std::set<mask_key> keys;
  for (const frame& f : frames.frames) {
    EXPECT_EQ(to_text(f.payload), "same payload");
    keys.insert(f.header.key);
  }
  EXPECT_EQ(keys.size(), 64u);
}

// RFC 6455 §5.4: fragment_size splits an outgoing message into a first frame with the opcode and
// continuation frames, FIN only on the last.
TEST(Fragmentation, OutgoingMessagesAreSplit) {
  struct row {
    std::size_t size;
    std::vector<std::uint64_t> frames;
  };
  const std::vector<row> rows{
      {35, {10, 10, 10, 5}}, {30, {10, 10, 10}}, {10, {10}}, {9, {9}}, {0, {0}}, {11, {10, 1}}};
  for (const role sender : {role::client, role::server}) {
    for (const row& r : rows) {
      SCOPED_TRACE(testing::Message()
                   << (sender == role::client ? "client " : "server ") << r.size);
      connection_config c = client_config();
      connection_config s = server_config();
      (sender == role::client ? c : s).fragment_size = 10;
      auto e = open_pair(c, s);
      const bytes payload = repetitive(r.size);
      ASSERT_TRUE(side(*e, sender).send_binary(payload));
      const bytes wire = take(side(*e, sender));
      const auto got = decode(wire, peer_of(sender));
      ASSERT_EQ(got.err, std::nullopt);
      ASSERT_EQ(got.frames.size(), r.frames.size());
      for (std::size_t i = 0; i < r.frames.size(); ++i) {
        const frame_header& h = got.frames[i].header;
        EXPECT_EQ(h.opcode, i == 0 ? op_binary : op_cont) << i;
        EXPECT_EQ(h.fin, i + 1 == r.frames.size()) << i;
        EXPECT_EQ(h.length, r.frames[i]) << i;
      }
      const auto events = deliver(side(*e, peer_of(sender)), wire);
      const auto messages = all_of<message_event>(events);
      ASSERT_EQ(messages.size(), 1u);
      EXPECT_EQ(messages[0].data, payload);
    }
  }
}

TEST(Fragmentation, IncomingFragmentsWithControlFramesBetween) {
  const bytes input = cat(
      {from_client(op_text, to_bytes("frag")), from_client(fin | op_ping, to_bytes("between")),
       from_client(op_cont, to_bytes("men")), from_client(fin | op_pong, to_bytes("unsolicited")),
       from_client(fin | op_cont, to_bytes("ted"))});
  for (const auto& cuts : cut_plans(input.size())) {
    SCOPED_TRACE(describe(cuts));
    auto e = open_pair();
    const auto events = deliver(e->server, input, cuts);
    ASSERT_EQ(events.size(), 3u);
    const auto* ping = std::get_if<ping_event>(&events[0]);
    ASSERT_NE(ping, nullptr);
    EXPECT_EQ(to_text(ping->data), "between");
    const auto* pong = std::get_if<pong_event>(&events[1]);
    ASSERT_NE(pong, nullptr);
    EXPECT_EQ(to_text(pong->data), "unsolicited");
    const auto* m = std::get_if<message_event>(&events[2]);
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(m->op, opcode::text);
    EXPECT_EQ(to_text(m->data), "fragmented");
    // RFC 6455 §5.5.2: the ping in the middle of the message is answered at once.
    const auto out = decode(take(e->server), role::client);
    ASSERT_EQ(out.frames.size(), 1u);
    EXPECT_EQ(out.frames[0].header.opcode, op_pong);
    EXPECT_EQ(to_text(out.frames[0].payload), "between");
  }
}

// RFC 6455 §5.6: a text frame split inside a multi-byte code point is fine; the message is whole.
TEST(Messages, TextSplitInsideACodePoint) {
  const bytes input =
      cat({from_client(op_text, bytes{'a', 0xe2}), from_client(op_cont, bytes{0x82}),
           from_client(fin | op_cont, bytes{0xac, 'b'})});
  for (const auto& cuts : cut_plans(input.size())) {
    SCOPED_TRACE(describe(cuts));
    auto e = open_pair();
    const auto messages = all_of<message_event>(deliver(e->server, input, cuts));
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0].data, (bytes{'a', 0xe2, 0x82, 0xac, 'b'}));
    EXPECT_EQ(e->server.state(), connection_state::open);
  }
}

TEST(Messages, OnlyTextAndBinaryCanBeSentAsMessages) {
  auto e = open_pair();
  for (const opcode op : {opcode::continuation, opcode::close, opcode::ping, opcode::pong}) {
    EXPECT_FALSE(e->client.send_message(op, to_bytes("x")));
  }
  EXPECT_TRUE(take(e->client).empty());
}

// ---------------------------------------------------------------------------------------------
// Output: payloads held apart from their frame headers, and messages handed over

// A client that offers permessage-deflate.
connection_config deflate_client(deflate_offer offer = {}) {
  connection_config c = client_config();
  c.offer_deflate = offer;
  return c;
}

// Bytes that deflate cannot shrink: a compressed message of them is as large as they are.
bytes scrambled(std::size_t n, std::uint32_t seed) {
  bytes v(n);
  for (auto& b : v) {
    seed = seed * 1103515245u + 12345u;
    b = static_cast<std::uint8_t>(seed >> 16);
  }
  return v;
}

// Everything `c` has to send, read through output_pieces with room for `room` pieces and
// consumed `step` bytes at a time. `all_ready`: output_size() counts all of it from the start
// (false with a message compressed as it is sent, whose frames are made as they are written).
bytes take_pieces(connection& c, std::size_t room, std::size_t step, bool all_ready = true) {
  bytes out;
  const std::size_t waiting = c.output_size();
  std::vector<std::span<const std::uint8_t>> pieces(room);
  for (;;) {
    const std::size_t n = c.output_pieces(pieces);
    if (n == 0) break;
    std::size_t taken = 0;
    for (std::size_t i = 0; i < n && taken < step; ++i) {
      EXPECT_FALSE(pieces[i].empty()) << "piece " << i;
      const std::size_t k = std::min(step - taken, pieces[i].size());
      out.insert(out.end(), pieces[i].begin(), pieces[i].begin() + static_cast<std::ptrdiff_t>(k));
      taken += k;
    }
    c.consume_output(taken);
  }
  if (all_ready) {
    EXPECT_EQ(out.size(), waiting);
  } else {
    EXPECT_GT(out.size(), waiting);
  }
  EXPECT_EQ(c.output_size(), 0u);
  EXPECT_TRUE(c.output().empty());
  return out;
}

// A server sends a handed-over payload from the buffer it came in: the frame header is one
// piece, the payload the next, at the same address.
TEST(Output, HandedOverPayloadIsSentFromItsOwnBuffer) {
  auto e = open_pair();
  bytes payload = repetitive(100000);
  const std::uint8_t* const where = payload.data();
  ASSERT_TRUE(e->server.send_message(opcode::binary, std::move(payload)));
  EXPECT_TRUE(payload.empty());
  EXPECT_EQ(e->server.output_size(), 10u + 100000u);
  std::array<std::span<const std::uint8_t>, 4> pieces;
  ASSERT_EQ(e->server.output_pieces(pieces), 2u);
  EXPECT_EQ(pieces[0].size(), 10u);  // RFC 6455 §5.2: 2 bytes, then a 64-bit length
  EXPECT_EQ(pieces[1].data(), where);
  EXPECT_EQ(pieces[1].size(), 100000u);
  // Room for one piece: the header alone.
  EXPECT_EQ(e->server.output_pieces(std::span(pieces).first(1)), 1u);
  EXPECT_EQ(pieces[0].size(), 10u);
  const auto got = decode(take(e->server), role::client);
  ASSERT_EQ(got.err, std::nullopt);
  ASSERT_EQ(got.frames.size(), 1u);
  EXPECT_EQ(got.frames[0].header.opcode, op_binary);
  EXPECT_EQ(got.frames[0].payload, repetitive(100000));
}

// Handing a message over changes where its bytes are sent from, never which bytes are sent:
// the same frames, the same masks, the same compressed data as sending a copy, whichever way
// the output is read.
TEST(Output, HandedOverMessagesGoOutAsCopiesWould) {
  const std::vector<message_event> messages{{opcode::binary, {}},
                                            {opcode::text, to_bytes("short")},
                                            {opcode::text, repetitive(16383)},
                                            {opcode::binary, scrambled(16384, 1)},
                                            {opcode::text, repetitive(70000)},
                                            {opcode::binary, scrambled(70000, 2)},
                                            {opcode::binary, scrambled(200000, 3)}};
  for (const role sender : {role::client, role::server}) {
    for (const bool deflate : {false, true}) {
      for (const std::size_t fragment :
           {std::size_t{0}, std::size_t{16384}, std::size_t{20000}, std::size_t{10}}) {
        SCOPED_TRACE(testing::Message()
                     << (sender == role::client ? "client" : "server")
                     << (deflate ? " deflate" : "") << " fragment_size " << fragment);
        // A fresh pair that sent the messages, copied or handed over, with a ping in between.
        auto sent = [&](bool hand_over) {
          connection_config c = deflate ? deflate_client() : client_config();
          connection_config s = server_config();
          (sender == role::client ? c : s).fragment_size = fragment;
          auto e = open_pair(c, s);
          for (std::size_t i = 0; i < messages.size(); ++i) {
            const message_event& m = messages[i];
            const bool ok = hand_over ? side(*e, sender).send_message(m.op, bytes(m.data))
                                      : side(*e, sender).send_message(m.op, m.data);
            EXPECT_TRUE(ok) << "message " << i;
            // A control frame between the messages goes out in its place.
            if (i == 3) {
              EXPECT_TRUE(side(*e, sender).send_ping(to_bytes("between")));
            }
          }
          return e;
        };
        auto copies = sent(false);
        const bytes expected = take(side(*copies, sender));
        EXPECT_EQ(take(side(*sent(true), sender)), expected) << "read through output()";
        for (const auto& [room, step] :
             {std::pair<std::size_t, std::size_t>{16, std::numeric_limits<std::size_t>::max()},
              {1, 7},
              {3, 5000}}) {
          SCOPED_TRACE(testing::Message() << "room " << room << " step " << step);
          EXPECT_EQ(take_pieces(side(*sent(true), sender), room, step), expected);
        }
        // And the peer reads the messages back.
        const auto received =
            all_of<message_event>(deliver(side(*copies, peer_of(sender)), expected));
        ASSERT_EQ(received.size(), messages.size());
        for (std::size_t i = 0; i < messages.size(); ++i) {
          EXPECT_EQ(received[i].op, messages[i].op) << "message " << i;
          EXPECT_EQ(received[i].data, messages[i].data) << "message " << i;
        }
      }
    }
  }
}

// output() returns everything in one span, gathering a payload held apart; reading part of it
// leaves the rest.
TEST(Output, OutputGathersPayloadsHeldApart) {
  auto e = open_pair();
  ASSERT_TRUE(e->server.send_text("first"));
  ASSERT_TRUE(e->server.send_message(opcode::binary, scrambled(50000, 4)));
  ASSERT_TRUE(e->server.send_text("last"));
  std::array<std::span<const std::uint8_t>, 8> pieces;
  EXPECT_EQ(e->server.output_pieces(pieces), 3u);
  const std::size_t total = e->server.output_size();
  const auto all = e->server.output();
  EXPECT_EQ(all.size(), total);
  EXPECT_EQ(e->server.output_pieces(pieces), 1u);
  e->server.consume_output(100);
  EXPECT_EQ(e->server.output_size(), total - 100);
  const bytes rest = take(e->server);
  EXPECT_EQ(rest.size(), total - 100);
  // Everything written: new messages start from an empty output.
  ASSERT_TRUE(e->server.send_message(opcode::binary, scrambled(30000, 5)));
  const auto got = decode(take(e->server), role::client);
  ASSERT_EQ(got.err, std::nullopt);
  ASSERT_EQ(got.frames.size(), 1u);
  EXPECT_EQ(got.frames[0].payload, scrambled(30000, 5));
}

// Consuming more than is waiting consumes everything, held-apart payloads included.
TEST(Output, ConsumingMoreThanIsWaitingTakesEverything) {
  auto e = open_pair();
  ASSERT_TRUE(e->server.send_message(opcode::binary, scrambled(40000, 6)));
  ASSERT_TRUE(e->server.send_message(opcode::binary, scrambled(40000, 7)));
  ASSERT_TRUE(e->server.send_ping(to_bytes("p")));
  e->server.consume_output(std::numeric_limits<std::size_t>::max());
  EXPECT_EQ(e->server.output_size(), 0u);
  std::array<std::span<const std::uint8_t>, 4> pieces;
  EXPECT_EQ(e->server.output_pieces(pieces), 0u);
  EXPECT_TRUE(e->server.output().empty());
  ASSERT_TRUE(e->server.send_text("after"));
  const auto got = decode(take(e->server), role::client);
  ASSERT_EQ(got.frames.size(), 1u);
  EXPECT_EQ(to_text(got.frames[0].payload), "after");
}

// RFC 7692: a large compressed message is sent from where it was compressed to, apart from its
// header, and decompresses to the message.
TEST(Output, LargeCompressedMessageIsHeldApart) {
  auto e = open_pair(deflate_client());
  const bytes message = scrambled(100000, 8);
  ASSERT_TRUE(e->server.send_binary(message));
  std::array<std::span<const std::uint8_t>, 4> pieces;
  ASSERT_EQ(e->server.output_pieces(pieces), 2u);
  EXPECT_GE(pieces[1].size(), message.size());
  const bytes wire = take(e->server);
  const auto got = decode(wire, role::client, 0x4);
  ASSERT_EQ(got.err, std::nullopt);
  ASSERT_EQ(got.frames.size(), 1u);
  EXPECT_TRUE(got.frames[0].header.rsv1);
  const auto messages = all_of<message_event>(deliver(e->client, wire));
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].data, message);
}

// RFC 7692 §6.1: a compressed message of 1 MiB or more, handed over, is compressed as it is
// sent: frames of at most 64 KiB (or fragment_size) of compressed data, RSV1 on the first only,
// each made once the one before was written, so that what is ready to write stays bounded.
// What is sent after it (a Ping, messages, the Close) follows its last frame, and the deflater
// takes the messages in order: the peer reads them all back.
TEST(Output, LargeCompressedMessageIsCompressedAsItIsSent) {
  const bytes large = scrambled(3 << 20, 9);
  const bytes second = repetitive(2 << 20);
  for (const role sender : {role::client, role::server}) {
    for (const std::size_t fragment : {std::size_t{0}, std::size_t{100000}}) {
      SCOPED_TRACE(testing::Message() << (sender == role::client ? "client" : "server")
                                      << " fragment_size " << fragment);
      connection_config c = deflate_client();
      connection_config s = server_config();
      (sender == role::client ? c : s).fragment_size = fragment;
      auto e = open_pair(c, s);
      connection& out = side(*e, sender);
      ASSERT_TRUE(out.send_message(opcode::binary, bytes(large)));
      // Only the first frame is ready, though a Ping and more messages are sent after it.
      std::array<std::span<const std::uint8_t>, 8> pieces;
      ASSERT_EQ(out.output_pieces(pieces), 1u);
      const std::size_t limit = fragment == 0 ? 64 * 1024 : fragment;
      EXPECT_LE(pieces[0].size(), limit + max_header_size);
      ASSERT_TRUE(out.send_ping(to_bytes("after")));
      ASSERT_TRUE(out.send_text("small"));
      ASSERT_TRUE(out.send_message(opcode::text, bytes(second)));
      ASSERT_TRUE(out.close(1000));
      EXPECT_EQ(out.output_pieces(pieces), 1u);
      bytes wire;
      std::size_t most_ready = 0;
      while (out.output_size() > 0) {
        most_ready = std::max(most_ready, out.output_size());
        const std::size_t n = out.output_pieces(std::span(pieces).first(2));
        ASSERT_GT(n, 0u);
        wire.insert(wire.end(), pieces[0].begin(), pieces[0].end());
        out.consume_output(pieces[0].size());
      }
      EXPECT_LE(most_ready, limit + 4 * max_header_size + 64);
      EXPECT_TRUE(out.output().empty());

      const auto got = decode(wire, peer_of(sender), 0x4);
      ASSERT_EQ(got.err, std::nullopt);
      ASSERT_EQ(got.trailing, 0u);
      // The first message's frames, then the Ping.
      std::size_t i = 0;
      for (; i < got.frames.size(); ++i) {
        const frame_header& h = got.frames[i].header;
        EXPECT_EQ(h.opcode, i == 0 ? op_binary : op_cont) << i;
        EXPECT_EQ(h.rsv1, i == 0) << i;
        EXPECT_EQ(h.masked, sender == role::client) << i;
        EXPECT_LE(got.frames[i].payload.size(), limit) << i;
        if (h.fin) break;
      }
      EXPECT_GE(i, large.size() / limit - 1) << "frames of the first message";
      ASSERT_LT(i + 1, got.frames.size());
      EXPECT_EQ(got.frames[i + 1].header.opcode, static_cast<std::uint8_t>(opcode::ping));

      const auto events = deliver(side(*e, peer_of(sender)), wire);
      const auto messages = all_of<message_event>(events);
      ASSERT_EQ(messages.size(), 3u);
      EXPECT_EQ(messages[0].op, opcode::binary);
      EXPECT_EQ(messages[0].data, large);
      EXPECT_EQ(messages[1].op, opcode::text);
      EXPECT_EQ(to_text(messages[1].data), "small");
      EXPECT_EQ(messages[2].op, opcode::text);
      EXPECT_EQ(messages[2].data, second);
      EXPECT_EQ(all_of<ping_event>(events).size(), 1u);
      const auto closed = first_of<close_received_event>(events);
      ASSERT_TRUE(closed);
      EXPECT_EQ(closed->info.code, std::optional<std::uint16_t>(1000));
    }
  }
}

// A message compressed as it is sent reads the same through output(), which gathers it whole,
// and through pieces taken a few bytes at a time.
TEST(Output, MessageCompressedAsItIsSentReadsTheSameEveryWay) {
  auto sent = [] {
    auto e = open_pair(deflate_client());
    EXPECT_TRUE(e->server.send_message(opcode::binary, scrambled((1 << 20) + 5, 10)));
    EXPECT_TRUE(e->server.send_message(opcode::binary, bytes{}));
    EXPECT_TRUE(e->server.send_text("end"));
    return e;
  };
  auto a = sent();
  const bytes whole = take(a->server);
  EXPECT_EQ(take_pieces(sent()->server, 3, 5000, false), whole);
  EXPECT_EQ(take_pieces(sent()->server, 1, 100000, false), whole);
  const auto messages = all_of<message_event>(deliver(a->client, whole));
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_EQ(messages[0].data, scrambled((1 << 20) + 5, 10));
  EXPECT_TRUE(messages[1].data.empty());
  EXPECT_EQ(to_text(messages[2].data), "end");
}

// A buffer a message was echoed from comes back for the next message once written, handed
// over, compressed as it is sent, or copied: a connection echoing large messages reuses one
// buffer instead of taking new memory for each.
TEST(Output, EchoedMessageBufferHoldsTheNextMessage) {
  // The messages `c` reads in `wire`, moved out of its events (deliver and all_of copy them).
  auto messages_in = [](connection& c, bytes wire) {
    c.receive(std::span<std::uint8_t>(wire));
    std::vector<message_event> out;
    while (auto ev = c.next_event())
      if (auto* m = std::get_if<message_event>(&*ev)) out.push_back(std::move(*m));
    return out;
  };
  for (const bool deflate : {false, true}) {
    SCOPED_TRACE(deflate ? "deflate" : "plain");
    auto e = open_pair(deflate ? deflate_client() : client_config());
    const std::size_t size = deflate ? (1 << 20) + 100 : 200000;
    ASSERT_TRUE(e->client.send_binary(scrambled(size, 11)));
    auto first = messages_in(e->server, take(e->client));
    ASSERT_EQ(first.size(), 1u);
    const std::uint8_t* const buffer = first[0].data.data();
    ASSERT_TRUE(e->server.send_message(opcode::binary, std::move(first[0].data)));
    const auto echo = all_of<message_event>(deliver(e->client, take(e->server)));
    ASSERT_EQ(echo.size(), 1u);
    EXPECT_EQ(echo[0].data, scrambled(size, 11));
    ASSERT_TRUE(e->client.send_binary(scrambled(size - 5, 12)));
    auto second = messages_in(e->server, take(e->client));
    ASSERT_EQ(second.size(), 1u);
    EXPECT_EQ(second[0].data, scrambled(size - 5, 12));
    EXPECT_EQ(second[0].data.data(), buffer);
    // A small message goes out as a copy: its buffer comes back at once.
    const std::uint8_t* const again = second[0].data.data();
    ASSERT_TRUE(e->server.send_message(opcode::binary, bytes{1, 2, 3}));
    ASSERT_TRUE(e->server.send_message(opcode::binary, std::move(second[0].data)));
    take(e->server);
    ASSERT_TRUE(e->client.send_text("x"));
    const auto third = messages_in(e->server, take(e->client));
    ASSERT_EQ(third.size(), 1u);
    EXPECT_EQ(third[0].data.data(), again);
  }
}

// A message that cannot be sent is not taken: the caller keeps its bytes.
TEST(Output, RefusedMessageIsLeftWithTheCaller) {
  auto e = open_pair();
  bytes ping = repetitive(50000);
  EXPECT_FALSE(e->server.send_message(opcode::ping, std::move(ping)));
  EXPECT_EQ(ping, repetitive(50000));
  ASSERT_TRUE(e->server.close(1000));
  take(e->server);
  bytes late = repetitive(50000);
  EXPECT_FALSE(e->server.send_message(opcode::binary, std::move(late)));
  EXPECT_EQ(late, repetitive(50000));
  EXPECT_EQ(e->server.output_size(), 0u);
}

// ---------------------------------------------------------------------------------------------
// permessage-deflate (RFC 7692)

TEST(Deflate, NegotiatedAndUsedBothWays) {
  auto e = std::make_unique<endpoints>(deflate_client(), server_config());
  // RFC 7692 §5: the offer is in the request.
  const std::string request = to_text(e->client.output());
  EXPECT_NE(request.find("Sec-WebSocket-Extensions: permessage-deflate"), std::string::npos)
      << request;
  e->pump();
  const auto server_open = first_of<open_event>(e->server_events);
  const auto client_open = first_of<open_event>(e->client_events);
  ASSERT_TRUE(server_open && client_open);
  ASSERT_TRUE(server_open->deflate.has_value());
  ASSERT_TRUE(client_open->deflate.has_value());
  EXPECT_EQ(*server_open->deflate, *client_open->deflate);
  EXPECT_EQ(e->client.deflate(), e->server.deflate());

  for (int i = 0; i < 3; ++i) {
    const bytes text = repetitive(4000);
    ASSERT_TRUE(e->client.send_text(to_text(text)));
    ASSERT_TRUE(e->server.send_binary(text));
    const bytes c_wire = take(e->client);
    const bytes s_wire = take(e->server);
    // RFC 7692 §6: a compressed message has RSV1 set on its first frame, and is smaller here.
    for (const auto& [wire, receiver] :
         {std::pair{c_wire, role::server}, std::pair{s_wire, role::client}}) {
      const auto got = decode(wire, receiver, 0x4);
      ASSERT_EQ(got.err, std::nullopt);
      ASSERT_EQ(got.frames.size(), 1u);
      EXPECT_TRUE(got.frames[0].header.rsv1);
      EXPECT_LT(got.frames[0].payload.size(), text.size() / 4);
    }
    const auto at_server = all_of<message_event>(deliver(e->server, c_wire));
    const auto at_client = all_of<message_event>(deliver(e->client, s_wire));
    ASSERT_EQ(at_server.size(), 1u);
    ASSERT_EQ(at_client.size(), 1u);
    EXPECT_EQ(at_server[0].op, opcode::text);
    EXPECT_EQ(at_server[0].data, text);
    EXPECT_EQ(at_client[0].op, opcode::binary);
    EXPECT_EQ(at_client[0].data, text);
  }
}

TEST(Deflate, CompressedMessageDeliveredSplitAtEveryPosition) {
  auto e = open_pair(deflate_client());
  ASSERT_TRUE(e->client.send_text("caf\xc3\xa9 caf\xc3\xa9 caf\xc3\xa9 caf\xc3\xa9"));
  const bytes wire = take(e->client);
  for (const auto& cuts : cut_plans(wire.size())) {
    SCOPED_TRACE(describe(cuts));
    auto fresh = open_pair(deflate_client());
    const auto messages = all_of<message_event>(deliver(fresh->server, wire, cuts));
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(to_text(messages[0].data), "caf\xc3\xa9 caf\xc3\xa9 caf\xc3\xa9 caf\xc3\xa9");
  }
}

// RFC 7692 §6.1: a fragmented compressed message has RSV1 on its first frame only.
TEST(Deflate, FragmentedCompressedMessage) {
  connection_config c = deflate_client();
  c.fragment_size = 8;
  auto e = open_pair(c);
  bytes payload;
  for (int i = 0; i < 2000; ++i) payload.push_back(static_cast<std::uint8_t>((i * 131) % 251));
  ASSERT_TRUE(e->client.send_binary(payload));
  const bytes wire = take(e->client);
  const auto got = decode(wire, role::server, 0x4);
  ASSERT_EQ(got.err, std::nullopt);
  ASSERT_GT(got.frames.size(), 2u);
  for (std::size_t i = 0; i < got.frames.size(); ++i) {
    EXPECT_EQ(got.frames[i].header.rsv1, i == 0) << i;
    EXPECT_EQ(got.frames[i].header.opcode, i == 0 ? op_binary : op_cont) << i;
    EXPECT_LE(got.frames[i].payload.size(), 8u);
  }
  const auto messages = all_of<message_event>(deliver(e->server, wire));
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].data, payload);
}

// RFC 7692 §7.1.1: the client asks for server_no_context_takeover, the server's policy asks for
// client_no_context_takeover; each message is then compressed on its own, so the same message
// gives the same bytes every time (a client's frames differ only by their mask).
TEST(Deflate, NoContextTakeoverNegotiated) {
  deflate_offer offer;
  offer.server_no_context_takeover = true;
  connection_config s = server_config();
  s.deflate.client_no_context_takeover = true;
  auto e = open_pair(deflate_client(offer), s);
  ASSERT_TRUE(e->server.deflate().has_value());
  EXPECT_TRUE(e->server.deflate()->client_no_context_takeover);
  EXPECT_TRUE(e->server.deflate()->server_no_context_takeover);
  EXPECT_EQ(e->client.deflate(), e->server.deflate());
  for (const role sender : {role::client, role::server}) {
    std::vector<bytes> payloads;
    for (int i = 0; i < 3; ++i) {
      ASSERT_TRUE(side(*e, sender).send_text("repeat repeat repeat"));
      const bytes wire = take(side(*e, sender));
      const auto got = decode(wire, peer_of(sender), 0x4);
      ASSERT_EQ(got.frames.size(), 1u);
      EXPECT_TRUE(got.frames[0].header.rsv1);
      payloads.push_back(got.frames[0].payload);
      const auto messages = all_of<message_event>(deliver(side(*e, peer_of(sender)), wire));
      ASSERT_EQ(messages.size(), 1u);
      EXPECT_EQ(to_text(messages[0].data), "repeat repeat repeat");
    }
    EXPECT_EQ(payloads[0], payloads[1]);
    EXPECT_EQ(payloads[1], payloads[2]);
  }
}

TEST(Deflate, DeclinedByTheServer) {
  connection_config s = server_config();
  s.deflate.enabled = false;
  auto e = std::make_unique<endpoints>(deflate_client(), s);
  e->pump();
  const auto client_open = first_of<open_event>(e->client_events);
  ASSERT_TRUE(client_open);
  EXPECT_EQ(client_open->deflate, std::nullopt);
  ASSERT_TRUE(e->client.send_text(to_text(repetitive(1000))));
  const auto got = decode(take(e->client), role::server);
  ASSERT_EQ(got.err, std::nullopt);
  ASSERT_EQ(got.frames.size(), 1u);
  EXPECT_FALSE(got.frames[0].header.rsv1);
  EXPECT_EQ(got.frames[0].payload.size(), 1000u);
}

TEST(Deflate, UncompressedMessageStillAccepted) {
  auto e = open_pair(deflate_client());
  const auto messages =
      all_of<message_event>(deliver(e->server, from_client(fin | op_text, to_bytes("plain"))));
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(to_text(messages[0].data), "plain");
}

// ---------------------------------------------------------------------------------------------
// Ping and Pong (RFC 6455 §5.5.2, §5.5.3)

TEST(PingPong, PingIsAnsweredWithTheSamePayload) {
  for (const role pinger : {role::client, role::server}) {
    for (const std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{125}}) {
      SCOPED_TRACE(testing::Message() << (pinger == role::client ? "client " : "server ") << size);
      auto e = open_pair();
      const bytes payload = repetitive(size);
      ASSERT_TRUE(side(*e, pinger).send_ping(payload));
      const bytes ping_wire = take(side(*e, pinger));
      connection& answerer = side(*e, peer_of(pinger));
      const auto events = deliver(answerer, ping_wire);
      ASSERT_EQ(events.size(), 1u);
      const auto* ping = std::get_if<ping_event>(&events[0]);
      ASSERT_NE(ping, nullptr);
      EXPECT_EQ(ping->data, payload);
      const bytes pong_wire = take(answerer);
      const auto got = decode(pong_wire, pinger);
      ASSERT_EQ(got.err, std::nullopt);
      ASSERT_EQ(got.frames.size(), 1u);
      EXPECT_EQ(got.frames[0].header.opcode, op_pong);
      EXPECT_EQ(got.frames[0].payload, payload);
      const auto back = deliver(side(*e, pinger), pong_wire);
      ASSERT_EQ(back.size(), 1u);
      const auto* pong = std::get_if<pong_event>(&back[0]);
      ASSERT_NE(pong, nullptr);
      EXPECT_EQ(pong->data, payload);
    }
  }
}

TEST(PingPong, EveryPingIsAnswered) {
  const bytes input =
      cat({from_client(fin | op_ping, to_bytes("a")), from_client(fin | op_ping, to_bytes("bb")),
           from_client(fin | op_ping, {})});
  for (const auto& cuts : cut_plans(input.size())) {
    SCOPED_TRACE(describe(cuts));
    auto e = open_pair();
    EXPECT_EQ(all_of<ping_event>(deliver(e->server, input, cuts)).size(), 3u);
    const auto got = decode(take(e->server), role::client);
    ASSERT_EQ(got.frames.size(), 3u);
    EXPECT_EQ(to_text(got.frames[0].payload), "a");
    EXPECT_EQ(to_text(got.frames[1].payload), "bb");
    EXPECT_TRUE(got.frames[2].payload.empty());
  }
}

TEST(PingPong, AutomaticPongCanBeTurnedOff) {
  connection_config s = server_config();
  s.auto_pong = false;
  auto e = open_pair(client_config(), s);
  const auto events = deliver(e->server, from_client(fin | op_ping, to_bytes("p")));
  EXPECT_EQ(all_of<ping_event>(events).size(), 1u);
  EXPECT_TRUE(take(e->server).empty());
  // The application answers itself.
  ASSERT_TRUE(e->server.send_pong(to_bytes("p")));
  const auto got = decode(take(e->server), role::client);
  ASSERT_EQ(got.frames.size(), 1u);
  EXPECT_EQ(got.frames[0].header.opcode, op_pong);
}

// RFC 6455 §5.5: control frames carry at most 125 bytes; longer ones are refused unsent.
TEST(PingPong, ControlPayloadOver125IsRefused) {
  auto e = open_pair();
  for (const role r : {role::client, role::server}) {
    connection& c = side(*e, r);
    EXPECT_TRUE(c.send_ping(repetitive(125)));
    EXPECT_TRUE(c.send_pong(repetitive(125)));
    const bytes sent = take(c);
    EXPECT_EQ(decode(sent, peer_of(r)).frames.size(), 2u);
    EXPECT_FALSE(c.send_ping(repetitive(126)));
    EXPECT_FALSE(c.send_pong(repetitive(126)));
    EXPECT_FALSE(c.send_ping(repetitive(1000)));
    EXPECT_TRUE(take(c).empty());
    EXPECT_EQ(c.state(), connection_state::open);
  }
}

// RFC 6455 §5.5.2: "Upon receipt of a Ping frame, an endpoint MUST send a Pong frame in
// response, unless it already received a Close frame." Having sent a Close is no exception, and
// §5.5.1 only forbids data frames after a Close.
TEST(PingPong, PingAfterSendingCloseIsStillAnswered) {
  auto e = open_pair();
  ASSERT_TRUE(e->server.close(1000));
  take(e->server);
  const auto events = deliver(e->server, from_client(fin | op_ping, to_bytes("late")));
  EXPECT_EQ(all_of<ping_event>(events).size(), 1u);
  const auto got = decode(take(e->server), role::client);
  ASSERT_EQ(got.frames.size(), 1u);
  EXPECT_EQ(got.frames[0].header.opcode, op_pong);
  EXPECT_EQ(to_text(got.frames[0].payload), "late");
}

// ---------------------------------------------------------------------------------------------
// Closing handshake (RFC 6455 §5.5.1, §7)

TEST(Closing, ClientStartsServerEchoesAndClosesTcpFirst) {
  auto e = open_pair();
  ASSERT_TRUE(e->client.close(1000, "bye"));
  EXPECT_EQ(e->client.state(), connection_state::closing);
  EXPECT_FALSE(e->client.should_close_transport());
  const bytes close_wire = take(e->client);
  const auto sent = decode(close_wire, role::server);
  ASSERT_EQ(sent.frames.size(), 1u);
  EXPECT_EQ(sent.frames[0].header.opcode, op_close);
  EXPECT_EQ(sent.frames[0].payload, close_body(1000, "bye"));

  for (const auto& cuts : cut_plans(close_wire.size())) {
    SCOPED_TRACE(describe(cuts));
    auto f = open_pair();
    ASSERT_TRUE(f->client.close(1000, "bye"));
    take(f->client);
    const auto events = deliver(f->server, close_wire, cuts);
    ASSERT_EQ(events.size(), 2u);
    const auto* received = std::get_if<close_received_event>(&events[0]);
    ASSERT_NE(received, nullptr);
    EXPECT_EQ(received->info.code, 1000);
    EXPECT_EQ(received->info.reason, "bye");
    const auto* closed = std::get_if<closed_event>(&events[1]);
    ASSERT_NE(closed, nullptr);
    EXPECT_EQ(closed->code, 1000);
    EXPECT_EQ(closed->reason, "bye");
    EXPECT_TRUE(closed->clean);
    EXPECT_EQ(closed->failure, std::nullopt);
    // RFC 6455 §5.5.1: the answer echoes the status code. §7.1.1: the server closes TCP first.
    EXPECT_EQ(f->server.state(), connection_state::closed);
    EXPECT_TRUE(f->server.should_close_transport());
    EXPECT_FALSE(f->server.await_peer_eof());
    const bytes echo_wire = take(f->server);
    const auto echo = decode(echo_wire, role::client);
    ASSERT_EQ(echo.frames.size(), 1u);
    EXPECT_EQ(echo.frames[0].header.opcode, op_close);
    EXPECT_EQ(close_code_of(echo.frames[0]), 1000);

    // The client receives the echo: clean close; it waits for the server's FIN (§7.1.1).
    const auto client_events = deliver(f->client, echo_wire);
    ASSERT_EQ(client_events.size(), 2u);
    EXPECT_TRUE(std::holds_alternative<close_received_event>(client_events[0]));
    const auto* client_closed = std::get_if<closed_event>(&client_events[1]);
    ASSERT_NE(client_closed, nullptr);
    EXPECT_EQ(client_closed->code, 1000);
    EXPECT_TRUE(client_closed->clean);
    EXPECT_EQ(f->client.state(), connection_state::closed);
    EXPECT_TRUE(f->client.should_close_transport());
    EXPECT_TRUE(f->client.await_peer_eof());
    EXPECT_TRUE(take(f->client).empty());
    // The server's FIN ends the wait; no more events.
    f->client.receive_eof();
    EXPECT_FALSE(f->client.await_peer_eof());
    EXPECT_TRUE(drain(f->client).empty());
  }
}

TEST(Closing, ServerStartsClientEchoes) {
  auto e = open_pair();
  ASSERT_TRUE(e->server.close(4001, "custom"));
  EXPECT_EQ(e->server.state(), connection_state::closing);
  e->pump();
  const auto client_closed = first_of<closed_event>(e->client_events);
  const auto server_closed = first_of<closed_event>(e->server_events);
  ASSERT_TRUE(client_closed && server_closed);
  EXPECT_EQ(client_closed->code, 4001);
  EXPECT_EQ(client_closed->reason, "custom");
  EXPECT_TRUE(client_closed->clean);
  // The client's echo carries the code only.
  EXPECT_EQ(server_closed->code, 4001);
  EXPECT_EQ(server_closed->reason, "");
  EXPECT_TRUE(server_closed->clean);
  EXPECT_TRUE(e->server.should_close_transport());
  EXPECT_FALSE(e->server.await_peer_eof());
  EXPECT_TRUE(e->client.should_close_transport());
  EXPECT_TRUE(e->client.await_peer_eof());
}

// RFC 6455 §7.1.5: a Close frame without a status code is reported as 1005, and the answer has
// no status code either.
TEST(Closing, CloseWithoutAStatusCode) {
  auto e = open_pair();
  ASSERT_TRUE(e->client.close(std::nullopt));
  const bytes wire = take(e->client);
  const auto sent = decode(wire, role::server);
  ASSERT_EQ(sent.frames.size(), 1u);
  EXPECT_TRUE(sent.frames[0].payload.empty());
  const auto events = deliver(e->server, wire);
  const auto closed = first_of<closed_event>(events);
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->code, close_code::no_status);
  EXPECT_TRUE(closed->clean);
  const auto echo = decode(take(e->server), role::client);
  ASSERT_EQ(echo.frames.size(), 1u);
  EXPECT_TRUE(echo.frames[0].payload.empty());
}

// RFC 6455 §5.5.1: after sending a Close frame, the endpoint sends no more data frames.
TEST(Closing, NothingIsSentAfterClose) {
  auto e = open_pair();
  ASSERT_TRUE(e->client.close(1000));
  take(e->client);
  EXPECT_FALSE(e->client.send_text("late"));
  EXPECT_FALSE(e->client.send_binary(to_bytes("late")));
  EXPECT_FALSE(e->client.close(1001));
  EXPECT_TRUE(take(e->client).empty());
}

// RFC 6455 §7.1.2: the peer may still send data after our Close until it sends its own.
TEST(Closing, DataReceivedWhileClosingIsDelivered) {
  auto e = open_pair();
  ASSERT_TRUE(e->server.close(1000));
  take(e->server);
  const auto events = deliver(e->server, from_client(fin | op_text, to_bytes("in flight")));
  const auto messages = all_of<message_event>(events);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(to_text(messages[0].data), "in flight");
  EXPECT_EQ(e->server.state(), connection_state::closing);
}

// RFC 6455 §5.5.1, §7.1.6: the reason is UTF-8 and the whole body fits in 125 bytes; a long
// reason is cut, and never inside a code point (the peer would fail the connection with 1007).
TEST(Closing, LongReasonIsCutToFitAtACodePointBoundary) {
  const std::vector<std::string> reasons{std::string(200, 'r'),
                                         [] {
                                           std::string s;
                                           for (int i = 0; i < 70; ++i) s += "\xc3\xa9";
                                           return s;
                                         }(),
                                         [] {
                                           std::string s = "x";
                                           for (int i = 0; i < 50; ++i) s += "\xe2\x82\xac";
                                           return s;
                                         }()};
  for (const std::string& reason : reasons) {
    SCOPED_TRACE(reason.size());
    auto e = open_pair();
    ASSERT_TRUE(e->client.close(1000, reason));
    const bytes wire = take(e->client);
    const auto sent = decode(wire, role::server);
    ASSERT_EQ(sent.frames.size(), 1u);
    const bytes& body = sent.frames[0].payload;
    ASSERT_LE(body.size(), max_control_payload);
    EXPECT_GE(body.size(), max_control_payload - 3);
    const std::string_view kept(reinterpret_cast<const char*>(body.data()) + 2, body.size() - 2);
    EXPECT_TRUE(is_valid_utf8(kept));
    EXPECT_TRUE(std::string_view(reason).starts_with(kept));
    const auto closed = first_of<closed_event>(deliver(e->server, wire));
    ASSERT_TRUE(closed);
    EXPECT_TRUE(closed->clean);
    EXPECT_EQ(closed->failure, std::nullopt);
  }
}

// RFC 6455 §7.4.1: 1005, 1006 and 1015 MUST NOT be set in a Close frame, and §7.4.2 leaves
// codes below 1000 unused; an endpoint does not send a code its peer must reject.
TEST(Closing, CodesNotAllowedOnTheWireAreRefused) {
  for (const std::uint16_t code :
       {std::uint16_t{0}, std::uint16_t{999}, std::uint16_t{1004}, std::uint16_t{1005},
        std::uint16_t{1006}, std::uint16_t{1015}, std::uint16_t{2000}, std::uint16_t{5000}}) {
    SCOPED_TRACE(code);
    auto e = open_pair();
    EXPECT_FALSE(e->client.close(code));
    EXPECT_TRUE(take(e->client).empty());
    EXPECT_EQ(e->client.state(), connection_state::open);
  }
}

// RFC 6455 §5.5.1: the Close frame is the last frame the peer sends; anything after it is not
// delivered (and a Ping after it is not answered, §5.5.2).
TEST(Closing, NothingIsDeliveredAfterAClose) {
  const bytes input = cat({from_client(fin | op_close, close_body(1000)),
                           from_client(fin | op_text, to_bytes("after")),
                           from_client(fin | op_ping, to_bytes("after")),
                           from_client(op_binary, to_bytes("x")), bytes{0xff, 0xff, 0xff}});
  for (const auto& cuts : cut_plans(input.size())) {
    SCOPED_TRACE(describe(cuts));
    auto e = open_pair();
    const auto events = deliver(e->server, input, cuts);
    ASSERT_EQ(events.size(), 2u);
    EXPECT_TRUE(std::holds_alternative<close_received_event>(events[0]));
    const auto* closed = std::get_if<closed_event>(&events[1]);
    ASSERT_NE(closed, nullptr);
    EXPECT_TRUE(closed->clean);
    EXPECT_EQ(closed->failure, std::nullopt);
    const auto out = decode(take(e->server), role::client);
    ASSERT_EQ(out.frames.size(), 1u);
    EXPECT_EQ(out.frames[0].header.opcode, op_close);
    // Later reads change nothing either.
    EXPECT_TRUE(deliver(e->server, from_client(fin | op_text, to_bytes("later"))).empty());
    EXPECT_TRUE(take(e->server).empty());
  }
}

TEST(Closing, CloseInTheMiddleOfAFragmentedMessage) {
  auto e = open_pair();
  const auto events = deliver(e->server, cat({from_client(op_text, to_bytes("never")),
                                              from_client(fin | op_close, close_body(1001)),
                                              from_client(fin | op_cont, to_bytes(" ends"))}));
  EXPECT_TRUE(all_of<message_event>(events).empty());
  const auto closed = first_of<closed_event>(events);
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->code, 1001);
  EXPECT_TRUE(closed->clean);
}

// RFC 6455 §7.1.5: when the TCP connection closes without a Close frame, the close code is 1006
// and the close was not clean.
TEST(Closing, EofWithoutCloseIsAbnormal) {
  struct row {
    std::string label;
    bytes before;  // what the server reads first
    bool close_sent = false;
  };
  const bytes whole_frame = from_client(fin | op_binary, repetitive(50));
  const std::vector<row> rows{
      {"Idle", {}},
      {"MidMessage", from_client(op_text, to_bytes("half"))},
      {"MidFrame", bytes(whole_frame.begin(), whole_frame.begin() + 20)},
      {"AfterSendingClose", {}, true},
  };
  for (const row& r : rows) {
    SCOPED_TRACE(r.label);
    auto e = open_pair();
    if (r.close_sent) {
      ASSERT_TRUE(e->server.close(1000));
      take(e->server);
    }
    EXPECT_TRUE(deliver(e->server, r.before).empty());
    e->server.receive_eof();
    const auto events = drain(e->server);
    ASSERT_EQ(events.size(), 1u);
    const auto* closed = std::get_if<closed_event>(&events[0]);
    ASSERT_NE(closed, nullptr);
    EXPECT_EQ(closed->code, close_code::abnormal);
    EXPECT_FALSE(closed->clean);
    EXPECT_EQ(closed->failure, std::nullopt);
    EXPECT_EQ(e->server.state(), connection_state::closed);
    EXPECT_TRUE(e->server.should_close_transport());
    EXPECT_FALSE(e->server.await_peer_eof());
    // Nothing is sent to a peer that is gone.
    EXPECT_TRUE(take(e->server).empty());
    EXPECT_FALSE(e->server.send_text("gone"));
  }
}

TEST(Closing, EofDuringTheHandshake) {
  connection server(server_config());
  deliver(server, to_bytes("GET /chat HTTP/1.1\r\nHost: x\r\n"));
  server.receive_eof();
  const auto closed = first_of<closed_event>(drain(server));
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->code, close_code::abnormal);
  EXPECT_FALSE(closed->clean);
  EXPECT_EQ(server.state(), connection_state::closed);
}

// ---------------------------------------------------------------------------------------------
// Failing the WebSocket Connection (RFC 6455 §7.1.7): every rule a frame can break, the status
// code sent for it (§7.4.1: 1002 protocol error, 1007 data inconsistent with the message type,
// 1009 too big to process), and a closed_event naming the rule.

struct failure_row {
  std::string label;
  role target = role::server;  // the endpoint that receives `input`
  bytes input;
  error expected{};
  std::uint16_t code = 0;
  bool deflate = false;
  std::uint64_t max_frame = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t max_message = 64ull << 20;
  std::size_t messages_before = 0;  // valid messages in `input` before the broken frame
};

void PrintTo(const failure_row& row, std::ostream* os) {
  *os << row.label;
}

bytes compressed(const bytes& message) {
  deflater d(15, false);
  bytes out;
  d.compress(message, out);
  return out;
}

std::vector<failure_row> failure_rows() {
  std::vector<failure_row> rows;
  auto add = [&](std::string label, bytes input, error e, std::uint16_t code) -> failure_row& {
    failure_row r;
    r.label = std::move(label);
    r.input = std::move(input);
    r.expected = e;
    r.code = code;
    rows.push_back(std::move(r));
    return rows.back();
  };
  // RFC 6455 §5.1: a server fails on an unmasked frame, a client on a masked one.
  add("UnmaskedClientFrame", raw_frame(fin | op_text, to_bytes("hi"), false),
      error::unmasked_client_frame, 1002);
  add("MaskedServerFrame", raw_frame(fin | op_text, to_bytes("hi"), true),
      error::masked_server_frame, 1002)
      .target = role::client;
  // RFC 6455 §5.2: reserved opcodes.
  for (const std::uint8_t op : {0x3, 0x7, 0xB, 0xF}) {
    add("ReservedOpcode" + std::to_string(op), from_client(static_cast<std::uint8_t>(fin | op)),
        error::reserved_opcode, 1002);
  }
  add("ReservedOpcodeToClient", from_server(fin | 0x5), error::reserved_opcode, 1002).target =
      role::client;
  // RFC 6455 §5.2: RSV bits without an extension that defines them.
  add("Rsv1WithoutDeflate", from_client(fin | rsv1 | op_text, to_bytes("x")), error::reserved_bits,
      1002);
  add("Rsv2", from_client(fin | rsv2 | op_text, to_bytes("x")), error::reserved_bits, 1002);
  add("Rsv3", from_client(fin | rsv3 | op_binary), error::reserved_bits, 1002);
  add("Rsv2WithDeflate", from_client(fin | rsv2 | op_text, to_bytes("x")), error::reserved_bits,
      1002)
      .deflate = true;
  // RFC 6455 §5.5: control frames carry at most 125 bytes and are not fragmented.
  add("PingOf126Bytes", from_client(fin | op_ping, repetitive(126)), error::control_frame_too_long,
      1002);
  add("CloseOf126Bytes", from_client(fin | op_close, cat({close_body(1000), repetitive(124)})),
      error::control_frame_too_long, 1002);
  add("FragmentedPing", from_client(op_ping, to_bytes("p")), error::control_frame_fragmented, 1002);
  add("FragmentedClose", from_client(op_close), error::control_frame_fragmented, 1002);
  add("FragmentedPong", from_client(op_pong), error::control_frame_fragmented, 1002);
  // RFC 6455 §5.2: the minimal length encoding, and the top bit of a 64-bit length clear.
  add("LengthIn16BitsForFive", raw_frame(fin | op_text, to_bytes("hello"), true, 2),
      error::non_minimal_length, 1002);
  add("LengthIn64BitsFor200", raw_frame(fin | op_binary, repetitive(200), true, 8),
      error::non_minimal_length, 1002);
  add("LengthTopBit", raw_frame(fin | op_binary, {}, true, 8, std::uint64_t{1} << 63),
      error::length_top_bit, 1002);
  // RFC 6455 §5.4: the fragmentation sequence.
  add("ContinuationFirst", from_client(fin | op_cont, to_bytes("x")),
      error::unexpected_continuation, 1002);
  add("ContinuationAfterWholeMessage",
      cat({from_client(fin | op_text, to_bytes("a")), from_client(fin | op_cont, to_bytes("b"))}),
      error::unexpected_continuation, 1002)
      .messages_before = 1;
  add("TextInsideFragmentedText",
      cat({from_client(op_text, to_bytes("a")), from_client(fin | op_text, to_bytes("b"))}),
      error::expected_continuation, 1002);
  add("BinaryInsideFragmentedText",
      cat({from_client(op_text, to_bytes("a")), from_client(op_cont, to_bytes("b")),
           from_client(op_binary, to_bytes("c"))}),
      error::expected_continuation, 1002);
  // RFC 6455 §8.1: text is UTF-8; 1007.
  add("InvalidUtf8", from_client(fin | op_text, bytes{'a', 0xff, 'b'}), error::invalid_utf8, 1007);
  add("TextEndsInsideACodePoint", from_client(fin | op_text, bytes{'a', 0xe2, 0x82}),
      error::invalid_utf8, 1007);
  add("InvalidUtf8InAContinuation",
      cat({from_client(op_text, to_bytes("ok")), from_client(fin | op_cont, bytes{0xc0, 0x80})}),
      error::invalid_utf8, 1007);
  add("SurrogateInFirstFragment",
      cat({from_client(op_text, bytes{0xed, 0xa0, 0x80}), from_client(fin | op_cont)}),
      error::invalid_utf8, 1007);
  add("InvalidUtf8ToClient", from_server(fin | op_text, bytes{0xf8, 0x88, 0x80, 0x80, 0x80}),
      error::invalid_utf8, 1007)
      .target = role::client;
  // RFC 6455 §5.5.1, §7.4: the Close body.
  add("CloseOfOneByte", from_client(fin | op_close, bytes{0x03}), error::close_payload_too_short,
      1002);
  for (const std::uint16_t code : {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535}) {
    add("CloseCode" + std::to_string(code), from_client(fin | op_close, close_body(code)),
        error::invalid_close_code, 1002);
  }
  add("CloseReasonNotUtf8", from_client(fin | op_close, cat({close_body(1000), bytes{0xff}})),
      error::invalid_close_reason, 1007);
  add("CloseReasonEndsInsideACodePoint",
      from_client(fin | op_close, cat({close_body(1000), bytes{'a', 0xe2, 0x82}})),
      error::invalid_close_reason, 1007);
  // RFC 6455 §10.4: limits; 1009.
  add("FrameOverTheLimit", from_client(fin | op_binary, repetitive(101)), error::frame_too_big,
      1009)
      .max_frame = 100;
  add("HugeDeclaredFrame", raw_frame(fin | op_binary, {}, true, 8, std::uint64_t{1} << 40),
      error::frame_too_big, 1009)
      .max_frame = 1 << 20;
  add("MessageOverTheLimit", from_client(fin | op_text, repetitive(101)), error::message_too_big,
      1009)
      .max_message = 100;
  add("FragmentsOverTheLimit",
      cat({from_client(op_binary, repetitive(60)), from_client(op_cont, repetitive(30)),
           from_client(fin | op_cont, repetitive(11))}),
      error::message_too_big, 1009)
      .max_message = 100;
  // RFC 7692 §6.1: RSV1 only on the first frame of a data message.
  add("Rsv1OnContinuation",
      cat({from_client(rsv1 | op_text, bytes{0xf2, 0x48, 0xcd}),
           from_client(fin | rsv1 | op_cont, bytes{0xc9, 0xc9, 0x07, 0x00})}),
      error::rsv1_on_continuation, 1002)
      .deflate = true;
  add("Rsv1OnPing", from_client(fin | rsv1 | op_ping, to_bytes("p")), error::rsv1_on_control, 1002)
      .deflate = true;
  add("Rsv1OnClose", from_client(fin | rsv1 | op_close, close_body(1000)), error::rsv1_on_control,
      1002)
      .deflate = true;
  // RFC 7692 §6.2: the compressed data must decompress; 1007 as for data that does not fit the
  // message type.
  add("CorruptDeflateData", from_client(fin | rsv1 | op_binary, bytes{0x07, 0x00, 0x00}),
      error::inflate_failed, 1007)
      .deflate = true;
  add("CompressedTextNotUtf8", from_client(fin | rsv1 | op_text, compressed(bytes{'a', 0xff})),
      error::invalid_utf8, 1007)
      .deflate = true;
  // RFC 7692 §8.1: a decompression bomb stops at the message limit; 1009.
  {
    auto& r = add("DecompressedOverTheLimit",
                  from_client(fin | rsv1 | op_binary, compressed(bytes(100000, 0))),
                  error::decompressed_too_big, 1009);
    r.deflate = true;
    r.max_message = 1000;
  }
  return rows;
}

class FailTheConnection : public testing::TestWithParam<failure_row> {};

TEST_P(FailTheConnection, SendsTheCodeForTheRuleAndStops) {
  const failure_row& row = GetParam();
  for (const auto& cuts : cut_plans(row.input.size())) {
    SCOPED_TRACE(describe(cuts));
    connection_config c = row.deflate ? deflate_client() : client_config();
    connection_config s = server_config();
    connection_config& t = row.target == role::client ? c : s;
    t.max_frame_size = row.max_frame;
    t.max_message_size = row.max_message;
    auto e = open_pair(c, s);
    ASSERT_EQ(e->server.deflate().has_value(), row.deflate);
    connection& target = side(*e, row.target);

    const auto events = deliver(target, row.input, cuts);
    EXPECT_EQ(all_of<message_event>(events).size(), row.messages_before);
    ASSERT_FALSE(events.empty());
    const auto* closed = std::get_if<closed_event>(&events.back());
    ASSERT_NE(closed, nullptr);
    EXPECT_EQ(closed->failure, row.expected) << name(closed->failure.value_or(row.expected));
    EXPECT_FALSE(closed->clean);
    EXPECT_EQ(all_of<closed_event>(events).size(), 1u);
    EXPECT_EQ(target.state(), connection_state::closed);
    EXPECT_TRUE(target.should_close_transport());
    EXPECT_FALSE(target.await_peer_eof());

    // One Close frame with the status code, valid for the peer to parse (masked by a client).
    const auto out = decode(take(target), peer_of(row.target));
    ASSERT_EQ(out.err, std::nullopt);
    EXPECT_EQ(out.trailing, 0u);
    ASSERT_EQ(out.frames.size(), 1u);
    EXPECT_EQ(out.frames[0].header.opcode, op_close);
    EXPECT_EQ(close_code_of(out.frames[0]), row.code);
    EXPECT_TRUE(parse_close_payload(out.frames[0].payload).ok());

    // Nothing more is read, delivered or sent.
    const bytes valid = row.target == role::server ? from_client(fin | op_text, to_bytes("ok"))
                                                   : from_server(fin | op_text, to_bytes("ok"));
    EXPECT_TRUE(deliver(target, valid).empty());
    EXPECT_TRUE(take(target).empty());
    EXPECT_FALSE(target.send_text("ok"));
  }
}

INSTANTIATE_TEST_SUITE_P(Table, FailTheConnection, testing::ValuesIn(failure_rows()),
                         [](const auto& p) { return p.param.label; });

// The table covers every rule the connection can fail on after the handshake: every error with a
// close code. frame_after_close is the one exception: frames after a Close are discarded
// (Closing.NothingIsDeliveredAfterAClose), not failed on.
TEST(FailTheConnection, TableCoversEveryRuleWithACloseCode) {
  std::set<error> covered;
  for (const failure_row& r : failure_rows()) {
    covered.insert(r.expected);
    EXPECT_EQ(close_code_for(r.expected), r.code) << r.label;
  }
  for (std::size_t i = 0; i < error_count; ++i) {
    const auto e = static_cast<error>(i);
    if (close_code_for(e) == 0 || e == error::frame_after_close) continue;
    EXPECT_TRUE(covered.contains(e)) << name(e) << " has no row";
  }
}

// A failure in the closing state sends no second Close frame.
TEST(FailTheConnection, AfterSendingCloseNoSecondCloseFrame) {
  auto e = open_pair();
  ASSERT_TRUE(e->server.close(1000));
  take(e->server);
  const auto events = deliver(e->server, from_client(fin | op_text, bytes{0xff}));
  const auto closed = first_of<closed_event>(events);
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->failure, error::invalid_utf8);
  EXPECT_FALSE(closed->clean);
  EXPECT_TRUE(take(e->server).empty());
  EXPECT_TRUE(e->server.should_close_transport());
}

// Messages before the broken frame are delivered; the rule is checked as bytes arrive.
TEST(FailTheConnection, MessagesBeforeTheErrorAreDelivered) {
  const bytes input =
      cat({from_client(fin | op_text, to_bytes("first")),
           from_client(fin | op_binary, to_bytes("second")), from_client(fin | 0x3)});
  for (const auto& cuts : cut_plans(input.size())) {
    SCOPED_TRACE(describe(cuts));
    auto e = open_pair();
    const auto events = deliver(e->server, input, cuts);
    const auto messages = all_of<message_event>(events);
    ASSERT_EQ(messages.size(), 2u);
    EXPECT_EQ(to_text(messages[0].data), "first");
    EXPECT_EQ(to_text(messages[1].data), "second");
    const auto closed = first_of<closed_event>(events);
    ASSERT_TRUE(closed);
    EXPECT_EQ(closed->failure, error::reserved_opcode);
  }
}

// Input after a complete message waits until the application took that message, so an echo
// goes out before the Close of a later broken frame, even when both arrived in one read.
TEST(FailTheConnection, AnswerToAnEarlierMessageGoesOutBeforeTheClose) {
  const bytes input = cat({from_client(fin | op_text, to_bytes("first")),
                           from_client(fin | op_ping, to_bytes("ping")), from_client(fin | 0x3)});
  for (const auto& cuts : cut_plans(input.size())) {
    SCOPED_TRACE(describe(cuts));
    auto e = open_pair();
    bytes copy = input;
    std::size_t from = 0;
    for (std::size_t to : cuts) {
      e->server.receive(std::span<std::uint8_t>(copy).subspan(from, to - from));
      from = to;
      while (auto ev = e->server.next_event())
        if (auto* m = std::get_if<message_event>(&*ev)) e->server.send_message(m->op, m->data);
    }
    e->server.receive(std::span<std::uint8_t>(copy).subspan(from));
    while (auto ev = e->server.next_event())
      if (auto* m = std::get_if<message_event>(&*ev)) e->server.send_message(m->op, m->data);
    const auto got = decode(take(e->server), role::client);
    ASSERT_EQ(got.frames.size(), 3u);
    EXPECT_EQ(got.frames[0].header.opcode, op_text);
    EXPECT_EQ(to_text(got.frames[0].payload), "first");
    EXPECT_EQ(got.frames[1].header.opcode, op_pong);
    EXPECT_EQ(got.frames[2].header.opcode, op_close);
    EXPECT_EQ(close_code_of(got.frames[2]), 1002);
  }
}

}  // namespace
}  // namespace wsspec::ref
