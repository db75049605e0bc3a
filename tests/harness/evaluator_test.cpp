// The evaluator is a pure function of a case and a transcript: each test builds both by hand.
#include "wsspec/harness/evaluator.hpp"

#include <gtest/gtest.h>

#include "wsspec/harness/catalogue.hpp"

namespace wsspec::harness {
namespace {

using std::chrono::milliseconds;

observed_message message(std::uint8_t op, std::string_view text) {
  observed_message m;
  m.opcode = op;
  m.length = text.size();
  m.digest = payload_digest(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
  return m;
}

// A transcript of a connection whose opening handshake succeeded.
transcript opened() {
  transcript t;
  t.connected = true;
  t.handshake_sent = true;
  t.handshake_complete = true;
  t.http_status = 101;
  return t;
}

// wsspec closed with 1000, the target answered and closed TCP: a clean end.
void clean_close(transcript& t, std::uint16_t code = 1000) {
  t.close_sent_at = micros(100);
  t.harness_closed_first = true;
  t.close = observed_close{code, "", std::nullopt, micros(150)};
  t.peer_eof_at = micros(200);
}

// The target failed the connection first with `code`.
void target_fails(transcript& t, std::optional<std::uint16_t> code) {
  if (code) t.close = observed_close{*code, "", std::nullopt, micros(50)};
  t.close_sent_at = micros(60);
  t.harness_closed_first = false;
  t.peer_eof_at = micros(80);
}

case_def echo_case() {
  catalogue cat;
  cat.add("t/echo")
      .section("5.6")
      .must("echo")
      .describe("d")
      .send({text("Hello")})
      .expect_echo({text_message("Hello")});
  return cat.cases().front();
}

case_def fail_case(level l = level::must) {
  catalogue cat;
  auto b = cat.add("t/fail").section("5.2").describe("d").send({with_rsv(text("x"), 4)});
  if (l == level::must) b.must("fail");
  if (l == level::should) b.should("fail");
  if (l == level::may) b.may("fail");
  b.expect_fail({1002});
  return cat.cases().front();
}

TEST(Evaluator, EchoedAndCleanlyClosedIsOk) {
  auto t = opened();
  t.messages.push_back(message(1, "Hello"));
  clean_close(t);
  const auto r = evaluate(echo_case(), t);
  EXPECT_EQ(r.behavior, verdict::ok);
  EXPECT_EQ(r.close, close_verdict::ok);
  EXPECT_EQ(r.remote_close_code, 1000);
}

TEST(Evaluator, WrongPayloadFails) {
  auto t = opened();
  t.messages.push_back(message(1, "Hellx"));
  clean_close(t);
  const auto r = evaluate(echo_case(), t);
  EXPECT_EQ(r.behavior, verdict::failed);
  EXPECT_FALSE(r.reasons.empty());
}

TEST(Evaluator, WrongOpcodeFails) {
  auto t = opened();
  t.messages.push_back(message(2, "Hello"));
  clean_close(t);
  EXPECT_EQ(evaluate(echo_case(), t).behavior, verdict::failed);
}

TEST(Evaluator, ExtraMessageFails) {
  auto t = opened();
  t.messages.push_back(message(1, "Hello"));
  t.messages.push_back(message(1, "Hello"));
  clean_close(t);
  EXPECT_EQ(evaluate(echo_case(), t).behavior, verdict::failed);
}

TEST(Evaluator, UnsolicitedPongIsTolerated) {
  // RFC 6455 §5.5.3: a Pong may be sent unsolicited.
  auto t = opened();
  t.messages.push_back(message(1, "Hello"));
  t.pongs.push_back({'h', 'b'});
  clean_close(t);
  EXPECT_EQ(evaluate(echo_case(), t).behavior, verdict::ok);
}

TEST(Evaluator, ExpectedPongMustArrive) {
  catalogue cat;
  cat.add("t/ping")
      .section("5.5.2")
      .must("pong")
      .describe("d")
      .send({ping("abc")})
      .expect_echo({pong_of("abc")});
  const case_def c = cat.cases().front();
  auto t = opened();
  clean_close(t);
  EXPECT_EQ(evaluate(c, t).behavior, verdict::failed);
  t.pongs.push_back({'x'});
  EXPECT_EQ(evaluate(c, t).behavior, verdict::failed);
  t.pongs.push_back({'a', 'b', 'c'});
  EXPECT_EQ(evaluate(c, t).behavior, verdict::ok);
}

TEST(Evaluator, TargetThatFailsWithTheRightCodeIsOk) {
  auto t = opened();
  target_fails(t, 1002);
  const auto r = evaluate(fail_case(), t);
  EXPECT_EQ(r.behavior, verdict::ok);
  EXPECT_EQ(r.close, close_verdict::ok);
}

TEST(Evaluator, TargetThatDropsTcpIsAcceptedWhenADropIsAllowed) {
  auto t = opened();
  t.peer_eof_at = micros(40);
  const auto r = evaluate(fail_case(), t);
  EXPECT_EQ(r.behavior, verdict::ok);
  EXPECT_EQ(r.close, close_verdict::ok);
}

TEST(Evaluator, WrongCloseCodeIsWrongCode) {
  auto t = opened();
  target_fails(t, 1000);
  const auto r = evaluate(fail_case(), t);
  EXPECT_EQ(r.close, close_verdict::wrong_code);
}

TEST(Evaluator, TargetThatIgnoresAViolationFailsBehaviourToo) {
  // Unlike Autobahn, a target that silently ignores a frame it must fail on is FAILED.
  auto t = opened();
  clean_close(t);
  const auto r = evaluate(fail_case(), t);
  EXPECT_EQ(r.behavior, verdict::failed);
  EXPECT_EQ(r.close, close_verdict::failed);
}

TEST(Evaluator, LevelDecidesTheVerdictOfAnUnmetRequirement) {
  auto t = opened();
  clean_close(t);
  EXPECT_EQ(evaluate(fail_case(level::should), t).behavior, verdict::non_strict);
  EXPECT_EQ(evaluate(fail_case(level::may), t).behavior, verdict::informational);
}

TEST(Evaluator, EchoingTheViolatingMessageFails) {
  auto t = opened();
  t.messages.push_back(message(1, "x"));
  target_fails(t, 1002);
  EXPECT_EQ(evaluate(fail_case(), t).behavior, verdict::failed);
}

TEST(Evaluator, TargetsOwnViolationFailsAnyCase) {
  auto t = opened();
  t.messages.push_back(message(1, "Hello"));
  clean_close(t);
  t.violations.emplace_back(ref::error::masked_server_frame, "frame 1");
  const auto r = evaluate(echo_case(), t);
  EXPECT_EQ(r.behavior, verdict::failed);
  ASSERT_FALSE(r.reasons.empty());
  EXPECT_NE(r.reasons.back().find("masked"), std::string::npos);
}

TEST(Evaluator, ServerThatDoesNotCloseTcpIsUnclean) {
  auto t = opened();
  t.messages.push_back(message(1, "Hello"));
  clean_close(t);
  t.peer_eof_at.reset();
  t.we_closed_tcp_at = micros(1200);
  EXPECT_EQ(evaluate(echo_case(), t).close, close_verdict::unclean);
}

TEST(Evaluator, TargetClosingAnEchoCaseFirstFailsTheCloseVerdict) {
  auto t = opened();
  t.messages.push_back(message(1, "Hello"));
  target_fails(t, 1000);
  EXPECT_EQ(evaluate(echo_case(), t).close, close_verdict::failed);
}

TEST(Evaluator, TargetThatStopsAcceptingConnectionsFails) {
  transcript t;
  t.connect_error = "refused";
  const auto r = evaluate(echo_case(), t);
  EXPECT_EQ(r.behavior, verdict::failed);
  EXPECT_EQ(r.close, close_verdict::failed);
  EXPECT_NE(r.reasons.front().find("refused"), std::string::npos);
}

TEST(Evaluator, HarnessFaultIsAnErrorNeverAFailure) {
  auto t = opened();
  t.harness_error = "bug";
  EXPECT_EQ(evaluate(echo_case(), t).behavior, verdict::error);
}

TEST(Evaluator, FailedHandshakeFailsAnOrdinaryCase) {
  transcript t;
  t.connected = true;
  t.http_status = 400;
  const auto r = evaluate(echo_case(), t);
  EXPECT_EQ(r.behavior, verdict::failed);
  EXPECT_NE(r.actual.find("400"), std::string::npos);
}

case_def reject_case(bool version_header) {
  catalogue cat;
  handshake_expectation h;
  h.expect = handshake_expectation::outcome::reject;
  h.statuses = {426};
  h.require_version_header = version_header;
  cat.add("t/hs").section("4.4").must("426").describe("d").expect_handshake(h);
  return cat.cases().front();
}

TEST(Evaluator, HandshakeRejectionWithTheVersionHeaderIsOk) {
  transcript t;
  t.connected = true;
  t.http_status = 426;
  ref::http_head head;
  head.is_request = false;
  head.status = 426;
  head.fields.push_back({"Sec-WebSocket-Version", "13"});
  t.peer_head = head;
  EXPECT_EQ(evaluate(reject_case(true), t).behavior, verdict::ok);
  t.peer_head->fields.clear();
  EXPECT_EQ(evaluate(reject_case(true), t).behavior, verdict::failed);
}

TEST(Evaluator, AcceptingAHandshakeThatMustBeRejectedFails) {
  auto t = opened();
  EXPECT_EQ(evaluate(reject_case(false), t).behavior, verdict::failed);
}

TEST(Evaluator, RejectionWithAnotherStatusIsNonStrict) {
  transcript t;
  t.connected = true;
  t.http_status = 400;
  EXPECT_EQ(evaluate(reject_case(false), t).behavior, verdict::non_strict);
}

TEST(Evaluator, AnAllowedRejectionIsJudgedLikeADemandedOne) {
  catalogue cat;
  handshake_expectation h;
  h.expect = handshake_expectation::outcome::either;
  h.require_version_header = true;
  cat.add("t/hs").section("4.4").must("426").describe("d").expect_handshake(h);
  const case_def c = cat.cases().front();
  transcript t;
  t.connected = true;
  t.http_status = 400;
  ref::http_head head;
  head.is_request = false;
  head.status = 400;
  t.peer_head = head;
  EXPECT_EQ(evaluate(c, t).behavior, verdict::failed);
  t.peer_head->fields.push_back({"Sec-WebSocket-Version", "13"});
  EXPECT_EQ(evaluate(c, t).behavior, verdict::ok);
}

TEST(Evaluator, InformationalHandshakeCaseIsInformationalWhenRejected) {
  catalogue cat;
  handshake_expectation h;
  h.expect = handshake_expectation::outcome::either;
  cat.add("t/hs").section("4.2.1").may("open").describe("d").expect_handshake(h).informational();
  transcript t;
  t.connected = true;
  t.http_status = 505;
  const auto r = evaluate(cat.cases().front(), t);
  EXPECT_EQ(r.behavior, verdict::informational);
  EXPECT_EQ(r.close, close_verdict::informational);
}

TEST(Evaluator, RefusingAHandshakeItShouldAcceptIsNonStrictOnly) {
  catalogue cat;
  cat.add("t/hs")
      .section("4.2.1")
      .should("accept")
      .describe("d")
      .expect_handshake(handshake_expectation{})
      .send({text("a")})
      .expect_echo({text_message("a")});
  const case_def c = cat.cases().front();
  transcript t;
  t.connected = true;
  t.http_status = 400;
  auto r = evaluate(c, t);
  EXPECT_EQ(r.behavior, verdict::non_strict);
  EXPECT_EQ(r.close, close_verdict::ok);
  EXPECT_FALSE(breaks_gate(r, false));
  t.http_status = 101;  // a 101 the session found invalid
  r = evaluate(c, t);
  EXPECT_EQ(r.behavior, verdict::failed);
  EXPECT_EQ(r.close, close_verdict::failed);
}

TEST(Evaluator, FailFastJudgesWhenTheTargetClosed) {
  catalogue cat;
  cat.add("t/ff")
      .section("8.1")
      .must("fast")
      .describe("d")
      .send({text("a", false)})
      .mark("A")
      .send({continuation("b")})
      .expect_fail({1007})
      .fail_fast("A");
  const case_def c = cat.cases().front();
  auto t = opened();
  t.marks["A"] = micros(100);
  target_fails(t, 1007);  // closes at 50 µs, before the mark
  EXPECT_EQ(evaluate(c, t).behavior, verdict::ok);
  t.close->at = micros(500);
  t.peer_eof_at = micros(600);
  EXPECT_EQ(evaluate(c, t).behavior, verdict::non_strict);
}

TEST(Evaluator, InformationalCaseIsInformationalWhateverHappened) {
  auto c = echo_case();
  c.expect.informational = true;
  auto t = opened();
  const auto r = evaluate(c, t);
  EXPECT_EQ(r.behavior, verdict::informational);
  EXPECT_EQ(r.close, close_verdict::informational);
}

TEST(Evaluator, LengthComparisonIgnoresContent) {
  auto c = echo_case();
  c.expect.compare = compare_mode::length;
  auto t = opened();
  t.messages.push_back(message(1, "Jello"));
  clean_close(t);
  EXPECT_EQ(evaluate(c, t).behavior, verdict::ok);
}

TEST(Evaluator, GateCountsMustFailuresAndUnderStrictShouldFailures) {
  case_result r;
  r.behavior = verdict::non_strict;
  r.close = close_verdict::ok;
  EXPECT_FALSE(breaks_gate(r, false));
  EXPECT_TRUE(breaks_gate(r, true));
  r.behavior = verdict::failed;
  EXPECT_TRUE(breaks_gate(r, false));
  r.behavior = verdict::ok;
  r.close = close_verdict::failed;
  EXPECT_TRUE(breaks_gate(r, false));
  r.close = close_verdict::unclean;
  EXPECT_FALSE(breaks_gate(r, false));
}

TEST(Evaluator, SpecDigestEqualsTheDigestOfTheMaterialisedPayload) {
  const auto p = payload_spec::repeat("BAsd7&jh23", 1000003);
  const auto bytes = p.materialize();
  EXPECT_EQ(spec_digest(p), payload_digest(bytes.data(), bytes.size()));
  EXPECT_NE(spec_digest(p), spec_digest(payload_spec::repeat("BAsd7&jh23", 1000002)));
}

// wsspec's Close frame (code `code`) is the stimulus; the close verdict decides the behavior.
case_def close_case(std::uint16_t code, bool invalid) {
  catalogue cat;
  close_expectation ce;
  ce.codes = invalid ? std::vector<std::uint16_t>{1002} : std::vector<std::uint16_t>{code, 1000};
  ce.allow_drop = invalid;
  ce.require_clean = !invalid;
  ce.decides_behavior = true;
  cat.add("t/close").section("7.4").must("close").describe("d").close(code).expect({ok({})}, ce);
  return cat.cases().front();
}

TEST(Evaluator, CloseThatDecidesBehaviorFailsAWrongAnswerCode) {
  auto t = opened();
  clean_close(t, 1012);
  EXPECT_EQ(evaluate(close_case(1012, false), t).behavior, verdict::ok);
  clean_close(t, 1002);
  const auto r = evaluate(close_case(1012, false), t);
  EXPECT_EQ(r.close, close_verdict::wrong_code);
  EXPECT_EQ(r.behavior, verdict::failed);
}

TEST(Evaluator, CloseThatDecidesBehaviorFailsAServerThatKeepsTcpOpen) {
  auto t = opened();
  clean_close(t, 1000);
  t.peer_eof_at.reset();
  t.we_closed_tcp_at = micros(1200);
  const auto r = evaluate(close_case(1000, false), t);
  EXPECT_EQ(r.close, close_verdict::unclean);
  EXPECT_EQ(r.behavior, verdict::failed);
}

TEST(Evaluator, InvalidCloseFromWsspecIsRejectedWith1002OrADrop) {
  auto t = opened();
  clean_close(t, 1002);
  EXPECT_EQ(evaluate(close_case(999, true), t).behavior, verdict::ok);
  // Answering as if the code were valid: the target did not fail the connection.
  clean_close(t, 1000);
  EXPECT_EQ(evaluate(close_case(999, true), t).behavior, verdict::failed);
  // A bare TCP close after wsspec's Close is a way to fail the connection (RFC 6455 §7.1.7).
  auto drop = opened();
  drop.close_sent_at = micros(100);
  drop.harness_closed_first = true;
  drop.peer_eof_at = micros(150);
  const auto r = evaluate(close_case(999, true), drop);
  EXPECT_EQ(r.close, close_verdict::ok);
  EXPECT_EQ(r.behavior, verdict::ok);
  // Silence until wsspec gives up is not.
  drop.peer_eof_at.reset();
  drop.we_closed_tcp_at = micros(1200);
  EXPECT_EQ(evaluate(close_case(999, true), drop).behavior, verdict::failed);
}

TEST(Evaluator, RefusalOutcomeMatchesOnlyWhenTheTargetClosedFirst) {
  catalogue cat;
  close_expectation ce;
  ce.closes = close_expectation::who::any;
  ce.codes = {1000, 1009};
  ce.allow_drop = true;
  cat.add("t/big")
      .section("10.4")
      .must("limits")
      .describe("d")
      .send({text("Hello")})
      .expect({ok({text_message("Hello")}), outcome{verdict::informational, {}, true}}, ce);
  const case_def c = cat.cases().front();
  auto refused = opened();
  target_fails(refused, 1009);
  auto r = evaluate(c, refused);
  EXPECT_EQ(r.behavior, verdict::informational);
  EXPECT_EQ(r.close, close_verdict::ok);
  EXPECT_NE(r.expected.find("and the target closes"), std::string::npos);
  // No echo and no refusal: wsspec had to close.
  auto silent = opened();
  clean_close(silent);
  EXPECT_EQ(evaluate(c, silent).behavior, verdict::failed);
}

TEST(Evaluator, ExpectedRunsOfTheSameEventAreCounted) {
  catalogue cat;
  cat.add("t/many").section("5.6").must("echo").describe("d").expect_echo(
      std::vector<expected_event>(1000, text_message("abc")));
  const auto r = evaluate(cat.cases().front(), opened());
  EXPECT_NE(r.expected.find("[text 3 B x1000]"), std::string::npos) << r.expected;
}

TEST(Evaluator, PongToAPingAfterTheViolationFails) {
  // RFC 6455 §7.1.7: after the frame it must fail on, the target processes nothing more.
  catalogue cat;
  cat.add("t/after")
      .section("5.2")
      .must("fail")
      .describe("d")
      .send({with_rsv(text("x"), 4), ping("after")})
      .expect_fail({1002})
      .forbid_pong(payload_spec::text("after"));
  const case_def c = cat.cases().front();
  auto t = opened();
  target_fails(t, 1002);
  t.pongs.push_back({'o', 't', 'h', 'e', 'r'});
  EXPECT_EQ(evaluate(c, t).behavior, verdict::ok);
  t.pongs.push_back({'a', 'f', 't', 'e', 'r'});
  const auto r = evaluate(c, t);
  EXPECT_EQ(r.behavior, verdict::failed);
  EXPECT_FALSE(r.reasons.empty());
}

}  // namespace
}  // namespace wsspec::harness
