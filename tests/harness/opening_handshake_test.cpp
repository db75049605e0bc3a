// The opening handshake without I/O: the request wsspec sends, how a response is judged, and
// the answer wsspec gives a client.
#include "wsspec/harness/opening_handshake.hpp"

#include <gtest/gtest.h>

#include <cctype>

#include "wsspec/reference/extensions.hpp"
#include "wsspec/reference/handshake.hpp"

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

// The judgement of a 101 response to `r` with the right accept key and the `extra` field lines.
judged_response judge_101(const planned_request& r, std::string extra = {}) {
  return judge_response(
      parse(response_for(r.key, std::move(extra)), ref::http_head_parser::kind::response), r);
}

TEST(OpeningHandshake, TheRequestCarriesTheNonceAsItsKey) {
  const auto r = plan_request({}, "example.com", "/chat", nonce);
  EXPECT_EQ(r.key, ref::key_for_nonce(nonce));
  EXPECT_NE(r.text.find("GET /chat HTTP/1.1\r\n"), std::string::npos);
  EXPECT_NE(r.text.find("Host: example.com\r\n"), std::string::npos);
  EXPECT_TRUE(r.deflate.empty());
}

TEST(OpeningHandshake, TheResponseIsJudgedAgainstTheKeyActuallySent) {
  handshake_spec hs;
  hs.raw_request =
      "GET {target} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: AAECAwQFBgcICQoLDA0O\r\nSec-WebSocket-Version: 13\r\n\r\n";
  const auto r = plan_request(hs, "h", "/", nonce);
  EXPECT_EQ(r.key, "AAECAwQFBgcICQoLDA0O");
  const auto right =
      judge_response(parse(response_for(r.key), ref::http_head_parser::kind::response), r);
  EXPECT_TRUE(right.complete);
  const auto wrong = judge_response(
      parse(response_for(ref::key_for_nonce(nonce)), ref::http_head_parser::kind::response), r);
  EXPECT_FALSE(wrong.complete);
  EXPECT_EQ(wrong.problem, ref::error::bad_accept);
  EXPECT_TRUE(wrong.violation);
}

TEST(OpeningHandshake, ARefusalIsNoViolation) {
  const auto r = plan_request({}, "h", "/", nonce);
  const auto j = judge_response(
      parse("HTTP/1.1 400 Bad Request\r\n\r\n", ref::http_head_parser::kind::response), r);
  EXPECT_FALSE(j.complete);
  EXPECT_TRUE(j.problem);
  EXPECT_FALSE(j.violation);
}

TEST(OpeningHandshake, DeflateOfferedInAnExtraFieldLineCanBeAgreed) {
  handshake_spec hs;
  hs.extra_headers.push_back({"Sec-WebSocket-Extensions", "permessage-deflate"});
  const auto r = plan_request(hs, "h", "/", nonce);
  ASSERT_EQ(r.deflate.size(), 1u);
  const auto j = judge_101(r, "Sec-WebSocket-Extensions: permessage-deflate\r\n");
  EXPECT_TRUE(j.complete);
  EXPECT_TRUE(j.deflate);
  // An extension that was not offered breaks RFC 6455 §4.1.
  const auto other = judge_101(r, "Sec-WebSocket-Extensions: x-other\r\n");
  EXPECT_FALSE(other.complete);
  EXPECT_TRUE(other.violation);
}

TEST(OpeningHandshake, ASubprotocolOfferedInAnExtraFieldLineCanBeSelected) {
  handshake_spec hs;
  hs.extra_headers.push_back({"Sec-WebSocket-Protocol", "chat, chat"});
  const auto r = plan_request(hs, "h", "/", nonce);
  const auto j = judge_101(r, "Sec-WebSocket-Protocol: chat\r\n");
  EXPECT_TRUE(j.complete);
  // One that was not offered breaks RFC 6455 §4.1.
  const auto other = judge_101(r, "Sec-WebSocket-Protocol: superchat\r\n");
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
  ASSERT_EQ(r.deflate.size(), 1u);
  const auto ok = judge_101(r,
                            "Sec-WebSocket-Extensions: permessage-deflate; "
                            "server_max_window_bits=10\r\n");
  EXPECT_TRUE(ok.complete);
  const auto wider = judge_101(r,
                               "Sec-WebSocket-Extensions: permessage-deflate; "
                               "server_max_window_bits=15\r\n");
  EXPECT_FALSE(wider.complete);
  EXPECT_TRUE(wider.violation);
  const auto unknown = judge_101(r, "Sec-WebSocket-Extensions: permessage-deflate; x=1\r\n");
  EXPECT_TRUE(unknown.violation);
}

TEST(OpeningHandshake, AValidClientRequestIsAnsweredWith101) {
  const auto req = plan_request({}, "h", "/", nonce);
  const auto a = answer_request(parse(req.text, ref::http_head_parser::kind::request), {});
  EXPECT_EQ(a.status, 101);
  EXPECT_FALSE(a.problem);
  EXPECT_NE(a.text.find(ref::accept_for_key(req.key)), std::string::npos);
}

// ----- testing a client: the answer built from the case's response_spec ------------------------

// A valid client request, parsed as wsspec's server side reads it, and the key it carries.
struct client_request_under_test {
  ref::http_head head;
  std::string key;
};
client_request_under_test valid_client_request() {
  const auto req = plan_request({}, "h", "/", nonce);
  return {parse(req.text, ref::http_head_parser::kind::request), req.key};
}

ref::http_head parse_answer(const planned_answer& a) {
  return parse(a.text, ref::http_head_parser::kind::response);
}

TEST(OpeningHandshake, TheDefaultAnswerIsAValid101) {
  const auto req = valid_client_request();
  const auto a = answer_request(req.head, {});
  EXPECT_FALSE(a.refused);
  EXPECT_EQ(a.text.rfind("HTTP/1.1 101 Switching Protocols\r\n", 0), 0u);
  const auto head = parse_answer(a);
  // The reference client's own checks (RFC 6455 §4.1) accept it.
  EXPECT_TRUE(ref::validate_response(head, req.key, {}, {}));
  EXPECT_EQ(head.count("Sec-WebSocket-Protocol"), 0u);
  EXPECT_EQ(head.count("Sec-WebSocket-Extensions"), 0u);
}

TEST(OpeningHandshake, TheAnswerCarriesTheStatusAndReasonOfTheCase) {
  const auto req = valid_client_request();
  handshake_spec hs;
  hs.response.status = 404;
  auto a = answer_request(req.head, hs);
  EXPECT_EQ(a.status, 404);
  EXPECT_FALSE(a.refused);
  EXPECT_EQ(a.text.rfind("HTTP/1.1 404 Not Found\r\n", 0), 0u);
  hs.response.reason = "Web Socket Protocol Handshake";
  hs.response.status = 101;
  a = answer_request(req.head, hs);
  EXPECT_EQ(a.text.rfind("HTTP/1.1 101 Web Socket Protocol Handshake\r\n", 0), 0u);
  hs.response.reason = "";
  a = answer_request(req.head, hs);
  EXPECT_EQ(a.text.rfind("HTTP/1.1 101 \r\n", 0), 0u);
  // The upgrade fields stay, whatever the status: a case changes one thing at a time.
  hs.response.status = 200;
  hs.response.reason.reset();
  const auto head = parse_answer(answer_request(req.head, hs));
  EXPECT_EQ(head.status, 200);
  ASSERT_NE(head.find("Sec-WebSocket-Accept"), nullptr);
  EXPECT_EQ(*head.find("Sec-WebSocket-Accept"), ref::accept_for_key(req.key));
  EXPECT_NE(head.find("Upgrade"), nullptr);
}

TEST(OpeningHandshake, TheAcceptValueExpandsAcceptAndKey) {
  const auto req = valid_client_request();
  const std::string accept = ref::accept_for_key(req.key);
  handshake_spec hs;
  const auto accept_sent = [&](std::string value) {
    hs.response.accept = std::move(value);
    const auto head = parse_answer(answer_request(req.head, hs));
    EXPECT_EQ(head.count("Sec-WebSocket-Accept"), 1u);
    const std::string* v = head.find("Sec-WebSocket-Accept");
    return v ? *v : std::string("(none)");
  };
  EXPECT_EQ(accept_sent("{accept}"), accept);
  EXPECT_EQ(accept_sent("{key}"), req.key);
  EXPECT_EQ(accept_sent("{accept}garbage"), accept + "garbage");
  EXPECT_EQ(accept_sent("\"{accept}\""), "\"" + accept + "\"");
  EXPECT_EQ(accept_sent("{accept}, {accept}"), accept + ", " + accept);
  EXPECT_EQ(accept_sent("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  EXPECT_EQ(accept_sent(""), "");
  // Near misses: the value in lower case, and with its first character changed.
  std::string lower = accept;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_EQ(accept_sent("{accept-lowercase}"), lower);
  const std::string off = accept_sent("{accept-off-by-one}");
  ASSERT_EQ(off.size(), accept.size());
  EXPECT_NE(off[0], accept[0]);
  EXPECT_EQ(off.substr(1), accept.substr(1));
  hs.response.accept = "{key}";
  EXPECT_EQ(
      ref::validate_response(parse_answer(answer_request(req.head, hs)), req.key, {}, {}).err(),
      ref::error::bad_accept);
}

TEST(OpeningHandshake, TheAnswerSelectsWhatTheCaseSaysOfferedOrNot) {
  const auto req = valid_client_request();
  handshake_spec hs;
  hs.response.subprotocol = "chat";
  hs.response.extensions = "x-wsspec-unknown; mode=fast";
  const auto head = parse_answer(answer_request(req.head, hs));
  ASSERT_NE(head.find("Sec-WebSocket-Protocol"), nullptr);
  EXPECT_EQ(*head.find("Sec-WebSocket-Protocol"), "chat");
  ASSERT_NE(head.find("Sec-WebSocket-Extensions"), nullptr);
  EXPECT_EQ(*head.find("Sec-WebSocket-Extensions"), "x-wsspec-unknown; mode=fast");
  // The client offered neither: RFC 6455 §4.1 items 5 and 6.
  EXPECT_EQ(ref::validate_response(head, req.key, {}, {}).err(), ref::error::unoffered_subprotocol);
  hs.response.subprotocol.reset();
  EXPECT_EQ(
      ref::validate_response(parse_answer(answer_request(req.head, hs)), req.key, {}, {}).err(),
      ref::error::unoffered_extension);
}

TEST(OpeningHandshake, TheAnswerLeavesOutAndAddsFields) {
  const auto req = valid_client_request();
  handshake_spec hs;
  hs.response.omit_headers = {"connection", "UPGRADE"};
  hs.response.extra_headers = {{"Upgrade", "h2c"}, {"X-Key", "{key}"}, {"X-Accept", "{accept}"}};
  const auto a = answer_request(req.head, hs);
  const auto head = parse_answer(a);
  EXPECT_EQ(head.count("Connection"), 0u);
  ASSERT_EQ(head.count("Upgrade"), 1u);
  EXPECT_EQ(*head.find("Upgrade"), "h2c");
  // Extra fields come after the default ones, with {key} and {accept} expanded.
  EXPECT_LT(a.text.find("Sec-WebSocket-Accept:"), a.text.find("Upgrade: h2c"));
  EXPECT_EQ(*head.find("X-Key"), req.key);
  EXPECT_EQ(*head.find("X-Accept"), ref::accept_for_key(req.key));
  EXPECT_EQ(ref::validate_response(head, req.key, {}, {}).err(), ref::error::bad_upgrade);
  // A second accept field: RFC 6455 §11.3.3.
  hs = {};
  hs.response.extra_headers = {{"Sec-WebSocket-Accept", "{accept}"}};
  EXPECT_EQ(
      ref::validate_response(parse_answer(answer_request(req.head, hs)), req.key, {}, {}).err(),
      ref::error::duplicate_accept);
  hs = {};
  hs.response.omit_headers = {"Sec-WebSocket-Accept"};
  EXPECT_EQ(
      ref::validate_response(parse_answer(answer_request(req.head, hs)), req.key, {}, {}).err(),
      ref::error::missing_accept);
}

TEST(OpeningHandshake, ARawAnswerIsSentAsWrittenWithExpansions) {
  const auto req = valid_client_request();
  handshake_spec hs;
  hs.response.raw =
      "http/1.1 101 Switching Protocols\r\nsec-websocket-accept: {accept}\r\nX-Key: {key}\r\n\r\n";
  hs.response.status = 101;
  hs.response.subprotocol = "ignored";  // raw replaces every built field
  const auto a = answer_request(req.head, hs);
  EXPECT_FALSE(a.refused);
  EXPECT_EQ(a.text, "http/1.1 101 Switching Protocols\r\nsec-websocket-accept: " +
                        ref::accept_for_key(req.key) + "\r\nX-Key: " + req.key + "\r\n\r\n");
  hs.response.raw = "HTTP/1.1 100 Continue\r\n\r\n";
  hs.response.status = 100;
  const auto interim = answer_request(req.head, hs);
  EXPECT_EQ(interim.text, "HTTP/1.1 100 Continue\r\n\r\n");
  EXPECT_EQ(interim.status, 100);
}

TEST(OpeningHandshake, AnInvalidClientRequestIsRefusedWhateverTheCaseAnswers) {
  // RFC 6455 §4.2.1: wsspec answers a request that breaks a rule as a server must, with an error
  // status, not with the response the case would send a valid one.
  handshake_spec request;
  request.extra_headers = {{"Sec-WebSocket-Version", "13"}};  // the field twice
  const auto req = plan_request(request, "h", "/", nonce);
  handshake_spec hs;
  hs.response.raw = "HTTP/1.1 101 Switching Protocols\r\n\r\n";
  hs.response.status = 200;
  hs.response.frames_with_response.push_back(wire_frame{});
  const auto a = answer_request(parse(req.text, ref::http_head_parser::kind::request), hs);
  EXPECT_TRUE(a.refused);
  EXPECT_EQ(a.problem, ref::error::duplicate_version);
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.text.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u);
  EXPECT_FALSE(a.deflate);
}

TEST(OpeningHandshake, AnInvalidClientRequestIsRefused) {
  handshake_spec hs;
  hs.omit_headers = {"Sec-WebSocket-Key"};
  const auto req = plan_request(hs, "h", "/", nonce);
  const auto a = answer_request(parse(req.text, ref::http_head_parser::kind::request), {});
  EXPECT_EQ(a.problem, ref::error::missing_key);
  EXPECT_TRUE(a.refused);
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.text.rfind("HTTP/1.1 400", 0), 0u);
}

ref::deflate_offer offer_of(std::string_view element) {
  return *ref::parse_deflate_offer(ref::parse_extensions(element)->front());
}

TEST(OpeningHandshake, DeflateOffersGoFirstInPreferenceOrder) {
  handshake_spec hs;
  hs.deflate_offers = {offer_of("permessage-deflate; server_max_window_bits=9"),
                       offer_of("permessage-deflate")};
  hs.extensions = *ref::parse_extensions("x-other");
  const auto r = plan_request(hs, "h", "/", nonce);
  EXPECT_NE(r.text.find("Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=9, "
                        "permessage-deflate, x-other\r\n"),
            std::string::npos)
      << r.text;
  ASSERT_EQ(r.deflate.size(), 2u);
  // A response that answers the second offer is valid: RFC 7692 §5, the server picks one.
  const auto second = judge_101(r, "Sec-WebSocket-Extensions: permessage-deflate\r\n");
  EXPECT_TRUE(second.complete);
  ASSERT_TRUE(second.deflate);
  EXPECT_EQ(second.deflate->server_max_window_bits, 15);
}

TEST(OpeningHandshake, AcceptingOnlyAMalformedOfferIsAViolation) {
  // RFC 7692 §7: a server MUST decline an offer with an invalid parameter value.
  handshake_spec hs;
  hs.extensions = *ref::parse_extensions("permessage-deflate; server_max_window_bits=09");
  const auto r = plan_request(hs, "h", "/", nonce);
  EXPECT_TRUE(r.deflate.empty());
  const auto j = judge_101(r, "Sec-WebSocket-Extensions: permessage-deflate\r\n");
  EXPECT_FALSE(j.complete);
  EXPECT_TRUE(j.violation);
  EXPECT_EQ(j.problem, ref::error::bad_extension_parameter);
}

ref::http_head client_request(std::string_view extensions) {
  handshake_spec c;
  if (!extensions.empty()) c.extensions = *ref::parse_extensions(extensions);
  return parse(plan_request(c, "h", "/", nonce).text, ref::http_head_parser::kind::request);
}

TEST(OpeningHandshake, TheAnswerPolicyDecidesWhatTheClientIsAsked) {
  handshake_spec hs;
  ref::deflate_server_policy p;
  p.client_no_context_takeover = true;
  p.client_max_window_bits = 9;
  hs.deflate_answer = p;
  const auto a = answer_request(client_request("permessage-deflate; client_max_window_bits"), hs);
  EXPECT_TRUE(a.deflate_offered);
  ASSERT_TRUE(a.deflate);
  EXPECT_TRUE(a.deflate->client_no_context_takeover);
  EXPECT_EQ(a.deflate->client_max_window_bits, 9);
  EXPECT_NE(a.text.find("client_no_context_takeover"), std::string::npos) << a.text;
  // A disabled policy declines.
  p.enabled = false;
  hs.deflate_answer = p;
  const auto declined = answer_request(client_request("permessage-deflate"), hs);
  EXPECT_FALSE(declined.deflate);
  EXPECT_EQ(declined.text.find("Sec-WebSocket-Extensions"), std::string::npos);
  // Without a policy and without offers of its own, a case declines too.
  EXPECT_FALSE(answer_request(client_request("permessage-deflate"), {}).deflate);
}

TEST(OpeningHandshake, AHandWrittenDeflateAnswerNeedsAnOffer) {
  handshake_spec hs;
  hs.response.extensions = "permessage-deflate; server_max_window_bits=7";
  const auto offered = answer_request(client_request("permessage-deflate"), hs, true);
  EXPECT_NE(offered.text.find("server_max_window_bits=7"), std::string::npos);
  // A client that offered nothing gets no extension field: the case cannot run.
  const auto none = answer_request(client_request(""), hs, true);
  EXPECT_FALSE(none.deflate_offered);
  EXPECT_EQ(none.text.find("Sec-WebSocket-Extensions"), std::string::npos);
  // A case that does not need the extension sends its field whatever the client offered.
  EXPECT_NE(answer_request(client_request(""), hs).text.find("server_max_window_bits=7"),
            std::string::npos);
}

}  // namespace
}  // namespace wsspec::harness
