// The oracle turns what the reference did with a stimulus into the case a live target is judged
// by. Each test runs a stimulus against the in-process reference, derives the case, and judges
// the reference's own transcript (it must pass) and transcripts of targets that do otherwise.
#include "wsspec/harness/oracle.hpp"

#include <gtest/gtest.h>

#include "wsspec/harness/runner.hpp"

namespace wsspec::harness::fuzzing {
namespace {

ref::connection_config reference_server() {
  ref::connection_config c;
  c.self = ref::role::server;
  c.deflate.enabled = false;
  return c;
}

// The stimulus run against the in-process reference, as the campaign runs it.
reference_run run_reference(const case_def& stimulus) {
  reference_run out;
  run_options o;
  o.jobs = 1;
  o.close_timeout = std::chrono::milliseconds(50);
  o.in_memory_peer = [&](net::any_io_executor ex) {
    return make_reference_peer(
        std::move(ex), reference_server(), [&](ref::error e) { out.failures.push_back(e); },
        [&](const ref::message_event& m) {
          out.echoed.emplace_back(static_cast<std::uint8_t>(m.op), m.data);
        });
  };
  auto r = run_cases({&stimulus}, o);
  out.log = std::move(r.results.front().log);
  return out;
}

case_def stimulus_of(std::vector<step> steps) {
  case_def c;
  c.id = "rfc6455/5.2/stimulus";
  c.section = "5.2";
  c.requirement = "stimulus";
  c.description = "a stimulus";
  c.steps = std::move(steps);
  c.budget = std::chrono::milliseconds(1000);
  return c;
}

step closing(std::uint16_t code, std::string reason = {}) {
  close_step c;
  c.code = code;
  c.reason = std::move(reason);
  return c;
}

wire_frame unmasked(wire_frame f) {
  f.mask = masking::inverted;
  return f;
}

struct derived {
  reference_run reference;
  case_def expected;
};

ref::error d_rule(const struct derived& d);

derived derive(const case_def& stimulus, const case_def* base = nullptr) {
  derived d;
  d.reference = run_reference(stimulus);
  auto c = expect_as_reference(stimulus, d.reference, base, builtin_catalogue());
  EXPECT_TRUE(c.has_value());
  if (c) d.expected = std::move(*c);
  return d;
}

ref::error d_rule(const derived& d) {
  return d.reference.failures.empty() ? ref::error{} : d.reference.failures.front();
}

// `log` as a target that did not fail the connection would leave it: wsspec closed with 1000
// and the target answered, then closed TCP.
transcript not_failed(transcript log) {
  log.close = observed_close{1000, "", std::nullopt, micros(300)};
  log.close_sent_at = micros(200);
  log.close_sent_by_step = false;
  log.harness_closed_first = true;
  log.peer_eof_at = micros(400);
  return log;
}

TEST(Oracle, TheReferencesOwnRunPassesWhatItDerives) {
  const std::vector<std::vector<step>> stimuli = {
      {send_frames{{text("Hello"), ping("p"), binary({1, 2, 3})}}},
      {send_frames{{text("a", false), ping("x"), continuation("b")}}, closing(1000, "bye")},
      {send_frames{{frame(0x3, payload_spec::text("x"))}}},
      {send_frames{{text("ok"), unmasked(text("bad"))}}},
      {send_frames{{frame(1, payload_spec::bytes({0xED, 0xA0, 0x80}))}}},
      {closing(999)},
  };
  for (const auto& steps : stimuli) {
    const auto d = derive(stimulus_of(steps));
    const auto r = evaluate(d.expected, d.reference.log);
    EXPECT_EQ(finding_level(r), verdict::ok) << d.expected.description << "\n" << r.actual;
    EXPECT_EQ(r.behavior, verdict::ok) << d.expected.description;
  }
}

TEST(Oracle, AReservedOpcodeTakesTheRequirementOfTheRuleAndExpectsAFailure) {
  const auto d = derive(stimulus_of({send_frames{{frame(0x3, payload_spec::text("x"))}}}));
  ASSERT_EQ(d.reference.failures.size(), 1u);
  EXPECT_EQ(d.reference.failures.front(), ref::error::reserved_opcode);
  EXPECT_EQ(d.expected.rules, std::vector<ref::error>{ref::error::reserved_opcode});
  EXPECT_EQ(d.expected.section, "5.2");
  EXPECT_EQ(d.expected.lvl, level::must);
  EXPECT_NE(d.expected.requirement.find("MUST"), std::string::npos);
  EXPECT_EQ(d.expected.expect.close.closes, close_expectation::who::target);
  EXPECT_NE(
      std::find(d.expected.expect.close.codes.begin(), d.expected.expect.close.codes.end(), 1002),
      d.expected.expect.close.codes.end());
}

TEST(Oracle, ATargetThatIgnoresAFrameItMustFailOnIsFailed) {
  const auto d = derive(stimulus_of({send_frames{{frame(0x3, payload_spec::text("x"))}}}));
  // The target went on as if nothing happened: wsspec closed, it answered.
  const transcript t = not_failed(d.reference.log);
  const auto r = evaluate(d.expected, t);
  EXPECT_EQ(finding_level(r), verdict::failed);
  EXPECT_EQ(finding_key(r, d.reference), "did_not_fail/reserved_opcode");
}

TEST(Oracle, AnotherStatusCodeWhenFailingIsNonStrict) {
  const auto d = derive(stimulus_of({send_frames{{frame(0x3, payload_spec::text("x"))}}}));
  transcript t = d.reference.log;
  ASSERT_TRUE(t.close);
  t.close->code = 1011;
  const auto r = evaluate(d.expected, t);
  EXPECT_EQ(finding_level(r), verdict::non_strict);
  EXPECT_EQ(finding_key(r, d.reference), "wrong_close_code/reserved_opcode");
}

TEST(Oracle, TwoRulesBrokenAtOnceAcceptEitherCode) {
  // A 16-bit length for one byte (a protocol error) of text that is not UTF-8: the reference
  // fails on the length with 1002; 1007 names the other violation.
  auto f = frame(1, payload_spec::bytes({0xE0}));
  f.length_bytes = 2;
  const auto d = derive(stimulus_of({send_frames{{f}}}));
  const auto& codes = d.expected.expect.close.codes;
  EXPECT_NE(std::find(codes.begin(), codes.end(), 1002), codes.end());
  EXPECT_NE(std::find(codes.begin(), codes.end(), 1007), codes.end());
  // Invalid UTF-8 first, then a continuation with RSV1 set: 1007 from the reference, 1002 too.
  auto rsv = continuation("");
  rsv.rsv1 = true;
  const auto utf8_first = derive(
      stimulus_of({send_frames{{frame(1, payload_spec::bytes({0xED, 0xA0, 0x80}), false), rsv}}}));
  const auto& both = utf8_first.expected.expect.close.codes;
  EXPECT_EQ(both.front(), 1007);
  EXPECT_NE(std::find(both.begin(), both.end(), 1002), both.end());
  // A reserved opcode alone: 1002 only.
  const auto alone = derive(stimulus_of({send_frames{{frame(0x3, payload_spec::text("x"))}}}));
  EXPECT_EQ(alone.expected.expect.close.codes, std::vector<std::uint16_t>{1002});
}

// Accepting either code softens nothing else: a target that names the other broken rule passes,
// one that names neither is still NON-STRICT, and one that does not fail at all is FAILED: the
// non-minimal length alone is a SHOULD, but the text that is not UTF-8 breaks §8.1's MUST.
TEST(Oracle, EitherCodeStillCatchesFaultyTargets) {
  auto f = frame(1, payload_spec::bytes({0xE0}));
  f.length_bytes = 2;
  const auto d = derive(stimulus_of({send_frames{{f}}}));
  transcript other_rule = d.reference.log;
  ASSERT_TRUE(other_rule.close);
  other_rule.close->code = 1007;
  EXPECT_EQ(finding_level(evaluate(d.expected, other_rule)), verdict::ok);
  transcript neither = d.reference.log;
  neither.close->code = 1011;
  EXPECT_EQ(finding_level(evaluate(d.expected, neither)), verdict::non_strict);
  const transcript ignored = not_failed(d.reference.log);
  EXPECT_EQ(finding_level(evaluate(d.expected, ignored)), verdict::failed);
  EXPECT_EQ(d.expected.section, "8.1");
  // The same non-minimal length on valid text stays a SHOULD: ignoring it is NON-STRICT.
  auto valid = frame(1, payload_spec::text("x"));
  valid.length_bytes = 2;
  const auto v = derive(stimulus_of({send_frames{{valid}}}));
  EXPECT_EQ(v.expected.lvl, level::should);
  // A character split between two fragments is valid text: no escalation either.
  auto split = frame(1, payload_spec::bytes({0xC3}), false);
  split.length_bytes = 2;
  const auto sp = derive(stimulus_of({send_frames{{split, continuation(std::string("\xA9"))}}}));
  EXPECT_NE(sp.expected.lvl, level::must);
}

TEST(Oracle, FailingWithoutACloseFrameIsNonStrict) {
  const auto d = derive(stimulus_of({send_frames{{unmasked(text("bad"))}}}));
  transcript t = d.reference.log;
  t.close.reset();
  t.harness_closed_first = false;
  t.close_sent_at.reset();
  ASSERT_TRUE(t.peer_eof_at);
  const auto r = evaluate(d.expected, t);
  // RFC 6455 §7.1.7: the endpoint SHOULD send a Close frame when it fails the connection.
  EXPECT_EQ(finding_level(r), verdict::non_strict) << r.actual;
  EXPECT_EQ(finding_key(r, d.reference), "no_close_frame/unmasked_client_frame");
}

TEST(Oracle, EchoesMissingBeforeAFailureAreNonStrictAndWrongOnesFailed) {
  const auto d =
      derive(stimulus_of({send_frames{{text("one"), text("two"), unmasked(text("bad"))}}}));
  ASSERT_EQ(d.reference.log.messages.size(), 2u);
  transcript fewer = d.reference.log;
  fewer.messages.resize(1);
  const auto cut = evaluate(d.expected, fewer);
  EXPECT_EQ(finding_level(cut), verdict::non_strict);
  EXPECT_EQ(finding_key(cut, d.reference), "echo_cut_short");
  transcript wrong = d.reference.log;
  wrong.messages[0].digest ^= 1;
  const auto r = evaluate(d.expected, wrong);
  EXPECT_EQ(finding_level(r), verdict::failed);
  EXPECT_EQ(finding_key(r, d.reference), "unexpected_messages/unmasked_client_frame");
}

TEST(Oracle, AValidStreamMustBeEchoedExactlyAndItsPingsAnswered) {
  const auto d =
      derive(stimulus_of({send_frames{{text("a", false), ping("p"), continuation("b")}}}));
  EXPECT_TRUE(d.reference.failures.empty());
  EXPECT_EQ(d.expected.section, "6.2");
  EXPECT_EQ(d.expected.expect.close.closes, close_expectation::who::harness);
  transcript no_pong = d.reference.log;
  no_pong.pongs.clear();
  auto r = evaluate(d.expected, no_pong);
  EXPECT_EQ(finding_level(r), verdict::failed);
  EXPECT_EQ(finding_key(r, d.reference), "unexpected_messages/valid");
  transcript lost = d.reference.log;
  lost.messages.clear();
  EXPECT_EQ(finding_level(evaluate(d.expected, lost)), verdict::failed);
  // Failing a valid stream is a violation too.
  transcript failed = d.reference.log;
  failed.close = observed_close{1002, "", std::nullopt, micros(10)};
  failed.harness_closed_first = false;
  failed.close_sent_at = micros(20);
  EXPECT_EQ(finding_level(evaluate(d.expected, failed)), verdict::failed);
}

TEST(Oracle, ARefusedHandshakeMustBeRefusedAndAnAcceptedMutatedOneMayBe) {
  case_def refused = stimulus_of({send_frames{{text("x")}}});
  refused.handshake.omit_headers = {"Upgrade"};
  const auto d = derive(refused);
  ASSERT_TRUE(d.expected.expect.handshake);
  EXPECT_EQ(d.expected.expect.handshake->expect, handshake_expectation::outcome::reject);
  transcript accepted = d.reference.log;
  accepted.http_status = 101;
  accepted.handshake_complete = true;
  EXPECT_EQ(finding_level(evaluate(d.expected, accepted)), verdict::failed);

  case_def odd = stimulus_of({send_frames{{text("x")}}});
  odd.handshake.extra_headers = {{"X-Odd", "1"}};
  const auto e = derive(odd);
  ASSERT_TRUE(e.expected.expect.handshake);
  EXPECT_TRUE(e.expected.expect.handshake->refusal_informs);
  transcript refusal = e.reference.log;
  refusal.handshake_complete = false;
  refusal.http_status = 400;
  const auto r = evaluate(e.expected, refusal);
  EXPECT_EQ(r.behavior, verdict::informational);
  EXPECT_EQ(finding_level(r), verdict::ok);
}

TEST(Oracle, AStimulusTheReferenceIsStillReadingDecidesNothing) {
  // A binary frame that declares 200 bytes and brings 3: the reference waits for the rest (and
  // takes wsspec's closing Close for part of it).
  auto f = binary({1, 2, 3});
  f.declared_length = 200;
  const auto stimulus = stimulus_of({send_frames{{f}}});
  const auto reference = run_reference(stimulus);
  EXPECT_FALSE(expect_as_reference(stimulus, reference, nullptr, builtin_catalogue()))
      << reference.failures.size() << " " << reference.log.close.has_value();
}

TEST(Oracle, TheRuleCaseIsTheBaseCaseWhenItNamesTheRule) {
  const auto& cat = builtin_catalogue();
  const case_def* base = nullptr;
  for (const auto& c : cat.cases())
    if (std::find(c.rules.begin(), c.rules.end(), ref::error::reserved_opcode) != c.rules.end() &&
        applies_to(c.roles, ref::role::server)) {
      base = &c;
      break;
    }
  ASSERT_NE(base, nullptr);
  const auto d = derive(stimulus_of({send_frames{{frame(0xB, payload_spec::text(""))}}}), base);
  EXPECT_EQ(d.expected.requirement, base->requirement);
  EXPECT_NE(d.expected.note.find(base->id), std::string::npos);
}

TEST(Oracle, AFailureInsideAnUnfinishedMessageOrFrameOnlyInforms) {
  // Invalid UTF-8 in the first fragment of a message that never ends: the reference fails at
  // once; a target that validates whole messages never sees the end.
  const auto open =
      derive(stimulus_of({send_frames{{frame(1, payload_spec::bytes({0xED, 0xB0}), false)}}}));
  ASSERT_EQ(d_rule(open), ref::error::invalid_utf8);
  EXPECT_EQ(open.expected.lvl, level::may);
  const transcript waited = not_failed(open.reference.log);
  EXPECT_EQ(finding_level(evaluate(open.expected, waited)), verdict::ok);
  // A frame cut short by its declared length leaves bytes read as the next header.
  auto cut = text("Hello after");
  cut.declared_length = 3;
  EXPECT_EQ(derive(stimulus_of({send_frames{{cut}}})).expected.lvl, level::may);
  // The same bytes in a message that ends: the target must fail.
  const auto whole =
      derive(stimulus_of({send_frames{{frame(1, payload_spec::bytes({0xED, 0xB0}))}}}));
  EXPECT_EQ(whole.expected.lvl, level::must);
  EXPECT_EQ(finding_level(evaluate(whole.expected, waited)), verdict::failed);
}

TEST(Oracle, ARefusedHandshakeSendsNoFrames) {
  case_def refused = stimulus_of({send_frames{{text("x")}}});
  refused.handshake.omit_headers = {"Sec-WebSocket-Key"};
  const auto d = derive(refused);
  EXPECT_TRUE(d.expected.steps.empty());
}

TEST(Oracle, TheStimulusBeforeItsFirstClose) {
  EXPECT_FALSE(before_first_close(stimulus_of({send_frames{{text("a"), ping()}}})));
  const auto at_step = before_first_close(
      stimulus_of({send_frames{{text("a")}}, closing(1000), send_frames{{text("b")}}}));
  ASSERT_TRUE(at_step);
  ASSERT_EQ(at_step->steps.size(), 1u);
  EXPECT_EQ(std::get<send_frames>(at_step->steps[0]).frames.size(), 1u);
  const auto in_frames =
      before_first_close(stimulus_of({send_frames{{text("a"), close_frame(1000), text("b")}}}));
  ASSERT_TRUE(in_frames);
  ASSERT_EQ(in_frames->steps.size(), 1u);
  EXPECT_EQ(std::get<send_frames>(in_frames->steps[0]).frames.size(), 1u);
  const auto first = before_first_close(stimulus_of({send_frames{{close_frame(1000)}}}));
  ASSERT_TRUE(first);
  EXPECT_TRUE(first->steps.empty());
}

TEST(Oracle, PinnedKeysMakeTheBytesTheSameEveryTime) {
  auto c = stimulus_of({send_frames{{text("a"), ping()}}, closing(1000)});
  std::get<close_step>(c.steps[1]).then = {text("after")};
  generator g(7);
  pin_mask_keys(c, g);
  const auto& frames = std::get<send_frames>(c.steps[0]).frames;
  EXPECT_TRUE(frames[0].key && frames[1].key);
  EXPECT_NE(*frames[0].key, *frames[1].key);
  EXPECT_TRUE(std::get<close_step>(c.steps[1]).then[0].key);
  const auto before = *frames[0].key;
  generator h(8);
  pin_mask_keys(c, h);
  EXPECT_EQ(*std::get<send_frames>(c.steps[0]).frames[0].key, before);  // kept once pinned
}

TEST(Oracle, KindsCountWhatTheStimulusSends) {
  auto f = text("x", false);
  f.rsv2 = true;
  f.length_bytes = 8;
  auto c = stimulus_of(
      {send_frames{{f, ping(), unmasked(continuation("y")), frame(0x5, {})}, 3}, closing(1000)});
  c.handshake.raw_request = "GET / HTTP/1.1\n\n";
  std::map<std::string, std::uint64_t> kinds;
  count_kinds(c, kinds);
  EXPECT_EQ(kinds["text"], 1u);
  EXPECT_EQ(kinds["ping"], 1u);
  EXPECT_EQ(kinds["continuation"], 1u);
  EXPECT_EQ(kinds["reserved-opcode"], 1u);
  EXPECT_EQ(kinds["rsv-bits"], 1u);
  EXPECT_EQ(kinds["non-minimal-length"], 1u);
  EXPECT_EQ(kinds["unmasked"], 1u);
  EXPECT_EQ(kinds["chopped-writes"], 1u);
  EXPECT_EQ(kinds["close"], 1u);
  EXPECT_EQ(kinds["mutated-handshake"], 1u);
}

}  // namespace
}  // namespace wsspec::harness::fuzzing
