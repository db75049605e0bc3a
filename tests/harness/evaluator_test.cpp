// The evaluator is a pure function of a case and a transcript: each test builds both by hand.
#include "wsspec/harness/evaluator.hpp"

#include <gtest/gtest.h>

#include <algorithm>

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

// wsspec's Close was the case's stimulus (a step), carrying `code`.
void stimulus(transcript& t, std::optional<std::uint16_t> code) {
  t.close_sent_by_step = true;
  t.close_sent_code = code;
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

// RFC 6455 §7.1.1: over TLS the target SHOULD close the TLS session (close_notify) as well as TCP.
TEST(Evaluator, ClosingTcpWithoutTheTlsSessionIsNonStrict) {
  auto t = opened();
  t.messages.push_back(message(1, "Hello"));
  clean_close(t);
  t.tls_session_closed = false;
  auto r = evaluate(echo_case(), t);
  EXPECT_EQ(r.behavior, verdict::non_strict);
  ASSERT_FALSE(r.reasons.empty());
  EXPECT_EQ(r.reasons.back().code, "tls_session_not_closed");
  t.tls_session_closed = true;
  EXPECT_EQ(evaluate(echo_case(), t).behavior, verdict::ok);
  // A violation stays FAILED.
  t.tls_session_closed = false;
  t.messages.front() = message(1, "Hellx");
  EXPECT_EQ(evaluate(echo_case(), t).behavior, verdict::failed);
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

TEST(Evaluator, FailingByDroppingTcpOrAResetWithoutACloseIsNonStrict) {
  // RFC 6455 §7.1.7: the endpoint SHOULD send a Close frame with an appropriate status code.
  auto t = opened();
  t.peer_eof_at = micros(40);
  auto r = evaluate(fail_case(), t);
  EXPECT_EQ(r.behavior, verdict::non_strict);
  EXPECT_EQ(r.close, close_verdict::ok);  // Autobahn's close column accepts a drop
  EXPECT_TRUE(breaks_gate(r, true));
  EXPECT_FALSE(breaks_gate(r, false));
  auto reset = opened();
  reset.reset_at = micros(40);
  EXPECT_EQ(evaluate(fail_case(), reset).behavior, verdict::non_strict);
  // A SHOULD never raises a MAY-level case above its own level.
  EXPECT_EQ(evaluate(fail_case(level::may), t).behavior, verdict::informational);
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
  EXPECT_NE(r.reasons.back().text.find("masked"), std::string::npos);
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
  EXPECT_NE(r.reasons.front().text.find("refused"), std::string::npos);
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
  t.close_sent_at = micros(550);
  t.peer_eof_at = micros(600);
  const auto late = evaluate(c, t);
  EXPECT_EQ(late.behavior, verdict::non_strict);
  ASSERT_EQ(late.reasons.size(), 1u);
  // A target that never fails is FAILED, with one reason: not also "failed only late" because it
  // answered wsspec's closing Close at the end.
  auto never = opened();
  never.marks["A"] = micros(100);
  never.close_sent_at = micros(3000);
  never.harness_closed_first = true;
  never.close = observed_close{1001, "", std::nullopt, micros(3100)};
  never.peer_eof_at = micros(3200);
  const auto r = evaluate(c, never);
  EXPECT_EQ(r.behavior, verdict::failed);
  EXPECT_EQ(
      std::count_if(r.reasons.begin(), r.reasons.end(),
                    [](const finding& f) { return f.text.find("only after") != f.text.npos; }),
      0);
}

TEST(Evaluator, InformationalCaseInformsOnlyWhenNothingWasBroken) {
  auto c = echo_case();
  c.expect.informational = true;
  auto t = opened();
  t.messages.push_back(message(1, "Hello"));
  clean_close(t);
  const auto r = evaluate(c, t);
  EXPECT_EQ(r.behavior, verdict::informational);
  EXPECT_EQ(r.close, close_verdict::informational);
  // A missing echo stays unmet: "informational" never softens a finding.
  auto silent = opened();
  clean_close(silent);
  EXPECT_EQ(evaluate(c, silent).behavior, verdict::failed);
  // Nor does it soften the target's own violation.
  t.violations.emplace_back(ref::error::masked_server_frame, "frame 1");
  EXPECT_EQ(evaluate(c, t).behavior, verdict::failed);
}

TEST(Evaluator, LengthComparisonIgnoresContent) {
  auto c = echo_case();
  c.expect.compare = compare_mode::length;
  auto t = opened();
  t.messages.push_back(message(1, "Jello"));
  clean_close(t);
  EXPECT_EQ(evaluate(c, t).behavior, verdict::ok);
}

TEST(Evaluator, ACloseFailureBreaksTheGateAtTheCasesLevel) {
  case_result r;
  r.behavior = verdict::non_strict;
  r.close = close_verdict::failed;
  r.lvl = level::should;
  EXPECT_FALSE(breaks_gate(r, false));
  EXPECT_TRUE(breaks_gate(r, true));
  r.lvl = level::must;
  r.behavior = verdict::ok;
  EXPECT_TRUE(breaks_gate(r, false));
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
  ce.decides_behavior = !invalid;
  // wsspec's invalid Close is the stimulus: the target must fail the connection.
  if (invalid) ce.closes = close_expectation::who::target;
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

TEST(Evaluator, InvalidCloseFromWsspecIsRejectedWith1002) {
  auto t = opened();
  clean_close(t, 1002);
  stimulus(t, 999);
  EXPECT_EQ(evaluate(close_case(999, true), t).behavior, verdict::ok);
  // Answering as if the code were valid (1000, the code echoed, or no code): the target did not
  // fail the connection.
  for (std::optional<std::uint16_t> answer :
       {std::optional<std::uint16_t>(1000), std::optional<std::uint16_t>(999),
        std::optional<std::uint16_t>()}) {
    clean_close(t);
    t.close->code = answer;
    stimulus(t, 999);
    EXPECT_EQ(evaluate(close_case(999, true), t).behavior, verdict::failed);
  }
  // Failing with another code breaks the §7.1.7 SHOULD only.
  clean_close(t, 1011);
  stimulus(t, 999);
  EXPECT_EQ(evaluate(close_case(999, true), t).behavior, verdict::non_strict);
  // So does a bare TCP close after wsspec's Close (RFC 6455 §7.1.7: it SHOULD send a Close).
  auto drop = opened();
  drop.close_sent_at = micros(100);
  drop.harness_closed_first = true;
  stimulus(drop, 999);
  drop.peer_eof_at = micros(150);
  const auto r = evaluate(close_case(999, true), drop);
  EXPECT_EQ(r.close, close_verdict::ok);
  EXPECT_EQ(r.behavior, verdict::non_strict);
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

// ----- grading paths that let a broken target pass ------------------------------------------

// A must-fail case whose invalid frame is a Close frame (Autobahn 3.7, 5.1/wrong-mask-close).
case_def invalid_close_frame_case() {
  catalogue cat;
  cat.add("t/rsv-close")
      .section("5.2")
      .must("fail")
      .describe("d")
      .send({with_rsv(close_frame(1000), 7)})
      .expect_fail({1002});
  return cat.cases().front();
}

TEST(Evaluator, IgnoringAViolationInACloseFrameFails) {
  auto t = opened();
  clean_close(t, 1000);
  stimulus(t, 1000);
  const auto r = evaluate(invalid_close_frame_case(), t);
  EXPECT_EQ(r.behavior, verdict::failed);
  EXPECT_TRUE(breaks_gate(r, false));
  clean_close(t, 1002);
  stimulus(t, 1000);
  EXPECT_EQ(evaluate(invalid_close_frame_case(), t).behavior, verdict::ok);
}

// An informational handshake case: the server may accept or refuse (Autobahn has none).
case_def either_case() {
  catalogue cat;
  handshake_expectation h;
  h.expect = handshake_expectation::outcome::either;
  cat.add("t/either")
      .section("4.2.1")
      .must("either")
      .describe("d")
      .send({text("Hello")})
      .expect_echo({text_message("Hello")})
      .expect_handshake(h)
      .informational();
  return cat.cases().front();
}

TEST(Evaluator, InformationalHandshakeCaseKeepsEveryViolationFailed) {
  auto refused = opened();
  refused.handshake_complete = false;
  refused.http_status = 400;
  EXPECT_EQ(evaluate(either_case(), refused).behavior, verdict::informational);
  // A 101 with a wrong Sec-WebSocket-Accept.
  auto bad_accept = opened();
  bad_accept.handshake_complete = false;
  bad_accept.handshake_problem = ref::error::bad_accept;
  EXPECT_EQ(evaluate(either_case(), bad_accept).behavior, verdict::failed);
  // Accepted, but no echo.
  auto silent = opened();
  clean_close(silent);
  EXPECT_EQ(evaluate(either_case(), silent).behavior, verdict::failed);
  // Accepted and echoed, but the target masks its frames.
  auto masked = opened();
  masked.messages.push_back(message(1, "Hello"));
  clean_close(masked);
  EXPECT_EQ(evaluate(either_case(), masked).behavior, verdict::informational);
  masked.violations.emplace_back(ref::error::masked_server_frame, "frame 1");
  EXPECT_EQ(evaluate(either_case(), masked).behavior, verdict::failed);
}

TEST(Evaluator, RejectionWithoutAnErrorStatusMissesTheRequirement) {
  // RFC 6455 §4.2.1: the server MUST return an HTTP response with an appropriate error code.
  transcript silent;
  silent.connected = true;
  silent.peer_eof_at = micros(10);
  EXPECT_EQ(evaluate(reject_case(false), silent).behavior, verdict::failed);
  transcript timeout;
  timeout.connected = true;
  EXPECT_EQ(evaluate(reject_case(false), timeout).behavior, verdict::failed);
  for (int status : {200, 204, 302, 307}) {
    transcript t;
    t.connected = true;
    t.http_status = status;
    EXPECT_EQ(evaluate(reject_case(false), t).behavior, verdict::failed) << status;
  }
  // Only another 4xx/5xx than the one named is soft.
  transcript other;
  other.connected = true;
  other.http_status = 400;
  EXPECT_EQ(evaluate(reject_case(false), other).behavior, verdict::non_strict);
}

TEST(Evaluator, WrongCloseCodeWhenFailingIsNonStrict) {
  // RFC 6455 §7.1.7 and §7.4.1: the endpoint SHOULD send an appropriate status code.
  for (std::uint16_t code : {1000, 1001, 1011}) {
    auto t = opened();
    target_fails(t, code);
    const auto r = evaluate(fail_case(), t);
    EXPECT_EQ(r.behavior, verdict::non_strict) << code;
    EXPECT_EQ(r.close, close_verdict::wrong_code) << code;
    EXPECT_TRUE(breaks_gate(r, true));
  }
  catalogue cat;
  cat.add("t/utf8")
      .section("8.1")
      .must("fail")
      .describe("d")
      .send({frame(1, payload_spec::bytes(hex("ff")))})
      .expect_fail({1007});
  auto t = opened();
  target_fails(t, 1002);
  EXPECT_EQ(evaluate(cat.cases().front(), t).behavior, verdict::non_strict);
}

TEST(Evaluator, SizeRefusalCountsOnlyAsACloseWith1009Or1008) {
  catalogue cat;
  close_expectation ce;
  ce.closes = close_expectation::who::any;
  ce.codes = {1000, 1008, 1009};
  ce.allow_drop = true;
  cat.add("t/limit")
      .section("10.4")
      .must("limit")
      .describe("d")
      .send({text("big")})
      .expect({ok({text_message("big")}), outcome{verdict::informational, {}, true, {1009, 1008}}},
              ce);
  const case_def c = cat.cases().front();
  auto refused = opened();
  target_fails(refused, 1009);
  EXPECT_EQ(evaluate(c, refused).behavior, verdict::informational);
  auto reset = opened();
  reset.reset_at = micros(50);
  EXPECT_EQ(evaluate(c, reset).behavior, verdict::failed);
  auto dropped = opened();
  dropped.peer_eof_at = micros(50);
  EXPECT_EQ(evaluate(c, dropped).behavior, verdict::failed);
  auto wrong = opened();
  target_fails(wrong, 1011);
  EXPECT_EQ(evaluate(c, wrong).behavior, verdict::failed);
}

TEST(Evaluator, VersionRefusalReadsEveryFieldAsATokenList) {
  transcript t;
  t.connected = true;
  t.http_status = 426;
  ref::http_head head;
  head.is_request = false;
  head.status = 426;
  head.fields.push_back({"Sec-WebSocket-Version", "113"});
  t.peer_head = head;
  EXPECT_EQ(evaluate(reject_case(true), t).behavior, verdict::failed);
  t.peer_head->fields = {{"Sec-WebSocket-Version", "8"}, {"sec-websocket-version", "7, 13"}};
  EXPECT_EQ(evaluate(reject_case(true), t).behavior, verdict::ok);
  t.peer_head->fields = {{"Sec-WebSocket-Version", "8,13 "}};
  EXPECT_EQ(evaluate(reject_case(true), t).behavior, verdict::ok);
  t.peer_head->fields = {{"Sec-WebSocket-Version", "130"}};
  EXPECT_EQ(evaluate(reject_case(true), t).behavior, verdict::failed);
}

TEST(Evaluator, PongMustArriveBeforeTheMessageGoesOn) {
  catalogue cat;
  cat.add("t/pong-in-fragments")
      .section("5.4")
      .must("pong")
      .describe("d")
      .send({text("a", false), ping("p1")})
      .pause(std::chrono::milliseconds(100))
      .mark("rest")
      .send({continuation("b")})
      .expect_echo({pong_of("p1"), text_message("ab")})
      .pong_before(payload_spec::text("p1"), "rest");
  const case_def c = cat.cases().front();
  auto t = opened();
  t.marks["rest"] = micros(100);
  t.pongs.push_back({'p', '1'});
  t.pong_at.push_back(micros(50));
  t.messages.push_back(message(1, "ab"));
  clean_close(t);
  EXPECT_EQ(evaluate(c, t).behavior, verdict::ok);
  t.pong_at.back() = micros(150);
  EXPECT_EQ(evaluate(c, t).behavior, verdict::failed);
}

TEST(Evaluator, ControlFrameAfterTheTargetsCloseIsReported) {
  auto t = opened();
  t.messages.push_back(message(1, "Hello"));
  clean_close(t);
  t.control_after_close = 1;
  const auto r = evaluate(echo_case(), t);
  EXPECT_EQ(r.behavior, verdict::informational);
  EXPECT_FALSE(r.reasons.empty());
}

TEST(Evaluator, CloseNotAnsweredFailsWhateverTheCaseLevel) {
  // RFC 6455 §5.5.1: an endpoint MUST answer a Close frame with a Close frame.
  auto c = close_case(1012, false);
  c.lvl = level::should;
  auto t = opened();
  clean_close(t, 1002);
  EXPECT_EQ(evaluate(c, t).behavior, verdict::non_strict);
  t.close.reset();
  EXPECT_EQ(evaluate(c, t).behavior, verdict::failed);
}

// ----- findings ------------------------------------------------------------------------------

// Whether `r` holds a finding with `code` at `level`.
bool has_finding(const case_result& r, std::string_view code, verdict level) {
  return std::any_of(r.reasons.begin(), r.reasons.end(), [&](const finding& f) {
    return f.code == code && f.level == level && !f.text.empty();
  });
}

TEST(Evaluator, EveryFindingNamesItsCodeAndTheVerdictItGives) {
  // A target that ignores the frame it must fail on.
  auto silent = opened();
  silent.close_sent_at = micros(3000);
  silent.harness_closed_first = true;
  silent.close = observed_close{1000, "", std::nullopt, micros(3100)};
  silent.peer_eof_at = micros(3200);
  auto r = evaluate(fail_case(), silent);
  EXPECT_EQ(r.behavior, verdict::failed);
  EXPECT_TRUE(has_finding(r, "did_not_fail", verdict::failed));
  EXPECT_TRUE(
      has_finding(evaluate(fail_case(level::should), silent), "did_not_fail", verdict::non_strict));
  // A target that fails the connection with a code the case does not name.
  auto wrong = opened();
  target_fails(wrong, 1011);
  r = evaluate(fail_case(), wrong);
  EXPECT_EQ(r.behavior, verdict::non_strict);
  EXPECT_TRUE(has_finding(r, "wrong_close_code", verdict::non_strict));
  // Or without a Close frame at all.
  auto dropped = opened();
  dropped.peer_eof_at = micros(50);
  EXPECT_TRUE(has_finding(evaluate(fail_case(), dropped), "no_close_frame", verdict::non_strict));
  // A wrong echo and the target's own violation, each with its code.
  auto t = opened();
  t.messages.push_back(message(1, "Hellx"));
  clean_close(t);
  t.violations.emplace_back(ref::error::masked_server_frame, "frame 1");
  r = evaluate(echo_case(), t);
  EXPECT_TRUE(has_finding(r, "unexpected_messages", verdict::failed));
  EXPECT_TRUE(has_finding(r, "target_violation", verdict::failed));
  // A close finding gives the behavior nothing unless the case's close decides it.
  auto open_tcp = opened();
  open_tcp.messages.push_back(message(1, "Hello"));
  clean_close(open_tcp);
  open_tcp.peer_eof_at.reset();
  EXPECT_TRUE(has_finding(evaluate(echo_case(), open_tcp), "server_kept_tcp_open", verdict::ok));
  auto unanswered = opened();
  clean_close(unanswered, 1002);
  unanswered.close.reset();
  EXPECT_TRUE(has_finding(evaluate(close_case(1012, false), unanswered), "close_not_answered",
                          verdict::failed));
  // A rejection without the version header, a fault of wsspec, and a target that went away.
  transcript hs;
  hs.connected = true;
  hs.http_status = 426;
  EXPECT_TRUE(
      has_finding(evaluate(reject_case(true), hs), "version_header_missing", verdict::failed));
  auto fault = opened();
  fault.harness_error = "bug";
  EXPECT_TRUE(has_finding(evaluate(echo_case(), fault), "harness_fault", verdict::error));
  transcript gone;
  gone.connect_error = "refused";
  EXPECT_TRUE(has_finding(evaluate(echo_case(), gone), "unreachable", verdict::failed));
}

TEST(Evaluator, NoFindingGivesMoreThanTheVerdict) {
  // The behavior verdict is at least as severe as every finding's own.
  auto t = opened();
  t.messages.push_back(message(1, "Hello"));
  t.messages.push_back(message(1, "Hello"));
  t.control_after_close = 2;
  clean_close(t, 1002);
  for (const auto& c : {echo_case(), fail_case(), fail_case(level::may)}) {
    const auto r = evaluate(c, t);
    ASSERT_FALSE(r.reasons.empty()) << c.id;
    for (const auto& f : r.reasons) {
      EXPECT_LE(severity(f.level), severity(r.behavior)) << c.id << ": " << f.code;
      EXPECT_FALSE(f.code.empty());
      EXPECT_EQ(f.code.find_first_not_of("abcdefghijklmnopqrstuvwxyz_"), std::string::npos);
    }
  }
}

TEST(Evaluator, ResponseWithAnExtensionsFieldTwiceFails) {
  // RFC 6455 §11.3.2: Sec-WebSocket-Extensions MUST NOT appear more than once in a response.
  auto t = opened();
  t.messages.push_back(message(1, "Hello"));
  clean_close(t);
  ref::http_head head;
  head.is_request = false;
  head.status = 101;
  head.fields = {{"Sec-WebSocket-Extensions", "permessage-deflate"}};
  t.peer_head = head;
  EXPECT_EQ(evaluate(echo_case(), t).behavior, verdict::ok);
  t.peer_head->fields.push_back({"sec-websocket-extensions", "x-other"});
  EXPECT_EQ(evaluate(echo_case(), t).behavior, verdict::failed);
  t.peer_head->fields = {{"Sec-WebSocket-Protocol", "a"}, {"Sec-WebSocket-Protocol", "b"}};
  EXPECT_EQ(evaluate(echo_case(), t).behavior, verdict::failed);
}

// ----- testing a client ---------------------------------------------------------------------

transcript client_opened() {
  auto t = opened();
  t.target = ref::role::client;
  return t;
}

bool has_code(const case_result& r, std::string_view code) {
  return std::any_of(r.reasons.begin(), r.reasons.end(),
                     [&](const finding& f) { return f.code == code; });
}

case_def client_fails_case() {
  catalogue cat;
  cat.add("t/bad-accept")
      .section("4.1")
      .roles(role_set::client)
      .must("fail")
      .describe("d")
      .response_accept("wrong")
      .expect_client_fails()
      .send({text("probe")});
  return cat.cases().front();
}

TEST(Evaluator, AClientThatClosesOnABadResponseWithoutDataPasses) {
  auto t = client_opened();
  t.peer_eof_at = micros(50);
  const auto r = evaluate(client_fails_case(), t);
  EXPECT_EQ(r.behavior, verdict::ok);
  EXPECT_EQ(r.close, close_verdict::ok);
}

TEST(Evaluator, AClientThatEchoesAfterABadResponseFails) {
  auto t = client_opened();
  t.messages.push_back(message(1, "probe"));
  clean_close(t);
  const auto r = evaluate(client_fails_case(), t);
  EXPECT_EQ(r.behavior, verdict::failed);
  EXPECT_TRUE(has_code(r, "accepted_bad_response"));
}

TEST(Evaluator, AClientThatKeepsTheConnectionAfterABadResponseFails) {
  auto t = client_opened();
  t.budget_expired = true;
  const auto r = evaluate(client_fails_case(), t);
  EXPECT_EQ(r.behavior, verdict::failed);
  EXPECT_TRUE(has_code(r, "did_not_fail"));
}

TEST(Evaluator, AnInvalidClientRequestFailsEveryCase) {
  auto t = client_opened();
  t.handshake_complete = false;
  t.http_status = 400;
  t.peer_head = ref::http_head{};
  t.handshake_problem = ref::error::missing_key;
  const auto r = evaluate(echo_case(), t);
  EXPECT_EQ(r.behavior, verdict::failed);
  EXPECT_TRUE(has_code(r, "bad_request"));
}

TEST(Evaluator, AClientThatNeverConnectedDidNotRunTheCase) {
  transcript t;
  t.target = ref::role::client;
  const auto r = evaluate(echo_case(), t);
  EXPECT_EQ(r.behavior, verdict::failed);
  EXPECT_TRUE(has_code(r, "case_not_run"));
}

TEST(Evaluator, AReusedKeyOrDataBeforeTheResponseFailsAnEchoThatWasRight) {
  for (int fault = 0; fault < 2; ++fault) {
    auto t = client_opened();
    t.messages.push_back(message(1, "Hello"));
    clean_close(t);
    if (fault == 0) t.key_reused_from = "t/earlier";
    if (fault == 1) t.bytes_before_response = 6;
    const auto r = evaluate(echo_case(), t);
    EXPECT_EQ(r.behavior, verdict::failed) << fault;
    EXPECT_TRUE(has_code(r, fault == 0 ? "key_reused" : "data_before_response")) << fault;
  }
}

TEST(Evaluator, AConstantMaskKeyFailsAClientCaseButNotAServerCase) {
  auto t = client_opened();
  t.messages.push_back(message(1, "Hello"));
  clean_close(t);
  t.rx_mask_keys = {0x12345678, 0x12345678, 0x12345678};
  const auto r = evaluate(echo_case(), t);
  EXPECT_EQ(r.behavior, verdict::failed);
  EXPECT_TRUE(has_code(r, "constant_mask_key"));
  t.target = ref::role::server;
  EXPECT_EQ(evaluate(echo_case(), t).behavior, verdict::ok);
}

TEST(Evaluator, AClientThatClosesTcpBeforeTheServerIsNonStrict) {
  catalogue cat;
  cat.add("t/wait")
      .section("7.1.1")
      .roles(role_set::client)
      .should("wait")
      .describe("d")
      .send({text("Hello")})
      .expect_echo({text_message("Hello")})
      .server_close_delay(milliseconds(500));
  const case_def c = cat.cases().front();
  auto t = client_opened();
  t.messages.push_back(message(1, "Hello"));
  clean_close(t);  // the client's FIN at 200 us
  t.we_shut_down_at = micros(500000);
  auto r = evaluate(c, t);
  EXPECT_EQ(r.behavior, verdict::non_strict);
  EXPECT_TRUE(has_code(r, "client_closed_tcp_first"));
  t.peer_eof_at = micros(500100);  // after wsspec's FIN
  r = evaluate(c, t);
  EXPECT_EQ(r.behavior, verdict::ok);
}

TEST(Evaluator, AClientResetAfterTheClosingHandshakeIsNotUnclean) {
  auto t = client_opened();
  t.messages.push_back(message(1, "Hello"));
  clean_close(t);
  t.peer_eof_at.reset();
  t.reset_at = micros(200);
  EXPECT_EQ(evaluate(echo_case(), t).close, close_verdict::ok);
  t.target = ref::role::server;
  EXPECT_EQ(evaluate(echo_case(), t).close, close_verdict::unclean);
}

// ----- permessage-deflate ---------------------------------------------------------------------

case_def stream_case() {
  message_stream ms;
  ms.source = corpus::json;
  ms.units = 100;
  ms.count = 3;
  catalogue cat;
  cat.add("t/stream")
      .rfc("RFC 7692")
      .section("6")
      .must("compress")
      .describe("d")
      .offer_deflate()
      .requires_deflate()
      .stream(ms)
      .expect_stream_echo();
  return cat.cases().front();
}

observed_message stream_echo(const case_def& c, std::size_t i) {
  const auto& ms = std::get<message_stream>(c.steps.front());
  const auto bytes = ms.message(i);
  observed_message m;
  m.opcode = ms.opcode;
  m.length = bytes.size();
  m.digest = payload_digest(bytes.data(), bytes.size());
  return m;
}

TEST(Evaluator, AStreamEchoedExactlyIsOk) {
  const auto c = stream_case();
  auto t = opened();
  t.deflate_agreed = true;
  for (std::size_t i = 0; i < 3; ++i) t.messages.push_back(stream_echo(c, i));
  clean_close(t);
  const auto r = evaluate(c, t);
  EXPECT_EQ(r.behavior, verdict::ok) << r.reasons.size();
  EXPECT_NE(r.expected.find("3 text messages of 100 characters of the json corpus"),
            std::string::npos)
      << r.expected;
}

TEST(Evaluator, AStreamWithOneEchoChangedOrMissingFails) {
  const auto c = stream_case();
  auto t = opened();
  t.deflate_agreed = true;
  t.messages = {stream_echo(c, 0), stream_echo(c, 2), stream_echo(c, 1)};
  clean_close(t);
  auto r = evaluate(c, t);
  EXPECT_EQ(r.behavior, verdict::failed);
  EXPECT_TRUE(has_finding(r, "stream_mismatch", verdict::failed));
  t.messages = {stream_echo(c, 0), stream_echo(c, 1)};
  r = evaluate(c, t);
  EXPECT_EQ(r.behavior, verdict::failed);
  EXPECT_TRUE(has_finding(r, "stream_incomplete", verdict::failed));
  t.messages = {stream_echo(c, 0), stream_echo(c, 1), stream_echo(c, 2), stream_echo(c, 2)};
  EXPECT_TRUE(has_finding(evaluate(c, t), "stream_extra", verdict::failed));
}

TEST(Evaluator, WithoutDeflateACompressionCaseIsUnimplemented) {
  const auto c = stream_case();
  auto t = opened();
  clean_close(t);
  const auto r = evaluate(c, t);
  EXPECT_EQ(r.behavior, verdict::unimplemented);
  EXPECT_EQ(r.close, close_verdict::ok);
  EXPECT_TRUE(has_finding(r, "deflate_not_agreed", verdict::unimplemented));
  // A violation is never softened to UNIMPLEMENTED.
  t.violations.push_back({ref::error::reserved_bits, ""});
  EXPECT_EQ(evaluate(c, t).behavior, verdict::failed);
}

TEST(Evaluator, ATargetCaseIsUnimplementedWithoutDeflateEvenIfItWasToFail) {
  catalogue cat;
  cat.add("t/rsv1")
      .rfc("RFC 7692")
      .section("6.1")
      .must("fail")
      .describe("d")
      .offer_deflate()
      .requires_deflate()
      .send({with_rsv(ping("x"), 4)})
      .expect_fail({1002});
  auto t = opened();
  clean_close(t);
  const auto r = evaluate(cat.cases().front(), t);
  EXPECT_EQ(r.behavior, verdict::unimplemented);
  EXPECT_EQ(r.close, close_verdict::ok);
}

case_def decline_case() {
  handshake_expectation hx;
  hx.expect = handshake_expectation::outcome::either;
  hx.deflate = handshake_expectation::deflate_outcome::decline;
  hx.refusal_informs = true;
  catalogue cat;
  cat.add("t/decline")
      .rfc("RFC 7692")
      .section("7")
      .roles(role_set::server)
      .must("decline")
      .describe("d")
      .offer_extensions(*ref::parse_extensions("permessage-deflate; x=1"))
      .expect_handshake(hx)
      .send({text("Hello")})
      .expect_echo({text_message("Hello")});
  return cat.cases().front();
}

TEST(Evaluator, AnOfferThatMustBeDeclinedAndIsAcceptedFails) {
  auto t = opened();
  t.messages.push_back(message(1, "Hello"));
  clean_close(t);
  EXPECT_EQ(evaluate(decline_case(), t).behavior, verdict::ok);
  t.deflate_agreed = true;
  const auto r = evaluate(decline_case(), t);
  EXPECT_EQ(r.behavior, verdict::failed);
  EXPECT_TRUE(has_finding(r, "deflate_not_declined", verdict::failed));
}

TEST(Evaluator, RefusingTheWholeHandshakeInsteadOfDecliningInforms) {
  transcript t;
  t.connected = true;
  t.handshake_sent = true;
  t.http_status = 400;
  t.peer_eof_at = micros(10);
  const auto r = evaluate(decline_case(), t);
  EXPECT_EQ(r.behavior, verdict::informational);
  EXPECT_TRUE(has_finding(r, "refused_handshake", verdict::informational));
  // A 200 is no refusal at all.
  t.http_status = 200;
  EXPECT_EQ(evaluate(decline_case(), t).behavior, verdict::failed);
}

TEST(Evaluator, AClientThatOfferedNoDeflateLeavesADeflateResponseCaseUnimplemented) {
  catalogue cat;
  cat.add("t/bad-param")
      .rfc("RFC 7692")
      .section("7")
      .roles(role_set::client)
      .must("fail")
      .describe("d")
      .response_extensions("permessage-deflate; server_max_window_bits=7")
      .requires_deflate()
      .expect_client_fails()
      .send({text("probe")});
  auto t = client_opened();
  clean_close(t);
  auto r = evaluate(cat.cases().front(), t);
  EXPECT_EQ(r.behavior, verdict::unimplemented);
  EXPECT_TRUE(has_code(r, "deflate_not_agreed"));
  // A client that offered it and echoes the probe fails.
  t.deflate_offered = true;
  t.messages.push_back(message(1, "probe"));
  r = evaluate(cat.cases().front(), t);
  EXPECT_EQ(r.behavior, verdict::failed);
  EXPECT_TRUE(has_code(r, "accepted_bad_response"));
}

}  // namespace
}  // namespace wsspec::harness
