// The opening handshake without I/O: the request wsspec sends, how a response is judged, and
// the answer wsspec gives a client.
#include "wsspec/harness/opening_handshake.hpp"

#include <gtest/gtest.h>

#include "wsspec/reference/extensions.hpp"

namespace wsspec::harness {
namespace {

ref::http_head parse(std::string_view text, ref::http_head_parser::kind k) {
  ref::http_head_parser p(k);
  const auto r = p.feed({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
  EXPECT_EQ(r.status, ref::parse_status::done) << text;
  return p.head();
}

constexpr std::array<std::uint8_t, 16> nonce{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

std::string response_for(std::string_view key, std::string extra = {}) {
  return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
         "Sec-WebSocket-Accept: " +
         ref::accept_for_key(key) + "\r\n" + extra + "\r\n";
}

TEST(OpeningHandshake, TheRequestCarriesTheNonceAsItsKey) {
  const auto r = plan_request({}, "example.com", "/chat", nonce);
  EXPECT_EQ(r.key, ref::key_for_nonce(nonce));
  EXPECT_NE(r.text.find("GET /chat HTTP/1.1\r\n"), std::string::npos);
  EXPECT_NE(r.text.find("Host: example.com\r\n"), std::string::npos);
  EXPECT_FALSE(r.deflate);
}

TEST(OpeningHandshake, TheResponseIsJudgedAgainstTheKeyActuallySent) {
  handshake_spec hs;
  hs.raw_request =
      "GET {target} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: AAECAwQFBgcICQoLDA0O\r\nSec-WebSocket-Version: 13\r\n\r\n";
  const auto r = plan_request(hs, "h", "/", nonce);
  EXPECT_EQ(r.key, "AAECAwQFBgcICQoLDA0O");
  const auto right =
      judge_response(parse(response_for(r.key), ref::http_head_parser::kind::response), r, hs);
  EXPECT_TRUE(right.complete);
  const auto wrong = judge_response(
      parse(response_for(ref::key_for_nonce(nonce)), ref::http_head_parser::kind::response), r, hs);
  EXPECT_FALSE(wrong.complete);
  EXPECT_EQ(wrong.problem, ref::error::bad_accept);
  EXPECT_TRUE(wrong.violation);
}

TEST(OpeningHandshake, ARefusalIsNoViolation) {
  const auto r = plan_request({}, "h", "/", nonce);
  const auto j = judge_response(
      parse("HTTP/1.1 400 Bad Request\r\n\r\n", ref::http_head_parser::kind::response), r, {});
  EXPECT_FALSE(j.complete);
  EXPECT_TRUE(j.problem);
  EXPECT_FALSE(j.violation);
}

TEST(OpeningHandshake, DeflateOfferedInAnExtraFieldLineCanBeAgreed) {
  handshake_spec hs;
  hs.extra_headers.push_back({"Sec-WebSocket-Extensions", "permessage-deflate"});
  const auto r = plan_request(hs, "h", "/", nonce);
  ASSERT_TRUE(r.deflate);
  const auto j =
      judge_response(parse(response_for(r.key, "Sec-WebSocket-Extensions: permessage-deflate\r\n"),
                           ref::http_head_parser::kind::response),
                     r, hs);
  EXPECT_TRUE(j.complete);
  EXPECT_TRUE(j.deflate);
  // An extension that was not offered breaks RFC 6455 §4.1.
  const auto other =
      judge_response(parse(response_for(r.key, "Sec-WebSocket-Extensions: x-other\r\n"),
                           ref::http_head_parser::kind::response),
                     r, hs);
  EXPECT_FALSE(other.complete);
  EXPECT_TRUE(other.violation);
}

TEST(OpeningHandshake, DeflateParametersOutsideRfc7692AreAViolation) {
  // RFC 6455 §9: parameters follow the extension's specification; RFC 7692 §7.1.2.1: a
  // server_max_window_bits in a response is at most what the offer allowed.
  handshake_spec hs;
  hs.extensions = *ref::parse_extensions(
      "permessage-deflate; client_max_window_bits; server_max_window_bits=10");
  const auto r = plan_request(hs, "h", "/", nonce);
  ASSERT_TRUE(r.deflate);
  const auto ok = judge_response(parse(response_for(r.key,
                                                    "Sec-WebSocket-Extensions: permessage-deflate; "
                                                    "server_max_window_bits=10\r\n"),
                                       ref::http_head_parser::kind::response),
                                 r, hs);
  EXPECT_TRUE(ok.complete);
  const auto wider =
      judge_response(parse(response_for(r.key,
                                        "Sec-WebSocket-Extensions: permessage-deflate; "
                                        "server_max_window_bits=15\r\n"),
                           ref::http_head_parser::kind::response),
                     r, hs);
  EXPECT_FALSE(wider.complete);
  EXPECT_TRUE(wider.violation);
  const auto unknown = judge_response(
      parse(response_for(r.key, "Sec-WebSocket-Extensions: permessage-deflate; x=1\r\n"),
            ref::http_head_parser::kind::response),
      r, hs);
  EXPECT_TRUE(unknown.violation);
}

TEST(OpeningHandshake, AValidClientRequestIsAnsweredWith101) {
  const auto req = plan_request({}, "h", "/", nonce);
  const auto a = answer_request(parse(req.text, ref::http_head_parser::kind::request), {});
  EXPECT_EQ(a.status, 101);
  EXPECT_FALSE(a.problem);
  EXPECT_NE(a.text.find(ref::accept_for_key(req.key)), std::string::npos);
}

TEST(OpeningHandshake, AnInvalidClientRequestIsRefused) {
  handshake_spec hs;
  hs.omit_headers = {"Sec-WebSocket-Key"};
  const auto req = plan_request(hs, "h", "/", nonce);
  const auto a = answer_request(parse(req.text, ref::http_head_parser::kind::request), {});
  EXPECT_EQ(a.problem, ref::error::missing_key);
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.text.rfind("HTTP/1.1 400", 0), 0u);
}

}  // namespace
}  // namespace wsspec::harness
