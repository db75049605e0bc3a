// The summary every writer shows and the one gate decision: counts by verdict, section and level,
// the gate with and without strict, and the exit status.
#include "wsspec/reports/report.hpp"

#include <gtest/gtest.h>

#include "reports/fixtures.hpp"

namespace wsspec::reports {
namespace {

using namespace testing;

case_result result(verdict behavior, close_verdict close, level lvl = level::must,
                   std::string section = "5.2") {
  case_result r;
  r.id = "t/" + section;
  r.rfc = "RFC 6455";
  r.section = std::move(section);
  r.lvl = lvl;
  r.behavior = behavior;
  r.close = close;
  return r;
}

TEST(Report, CountsEveryVerdictByWord) {
  const summary s = summarize(sample_report().agents[1]);
  EXPECT_EQ(s.total, 6u);
  EXPECT_EQ(s.count(verdict::failed), 1u);
  EXPECT_EQ(s.count(verdict::ok), 1u);
  EXPECT_EQ(s.count(verdict::non_strict), 1u);
  EXPECT_EQ(s.count(verdict::informational), 1u);
  EXPECT_EQ(s.count(verdict::unimplemented), 1u);
  EXPECT_EQ(s.count(verdict::error), 1u);
  EXPECT_EQ(s.behavior.at("FAILED"), 1u);
  EXPECT_EQ(s.count(close_verdict::unclean), 1u);
  EXPECT_EQ(s.count(close_verdict::ok), 4u);
  EXPECT_EQ(s.close_not_ok(), 1u);  // UNCLEAN; INFORMATIONAL is not counted
}

TEST(Report, CountsBySectionInOrderOfAppearance) {
  agent_report a;
  a.results = {result(verdict::ok, close_verdict::ok, level::must, "5.4"),
               result(verdict::failed, close_verdict::ok, level::must, "5.2"),
               result(verdict::non_strict, close_verdict::ok, level::should, "5.4")};
  a.results.back().rfc = "RFC 7692";
  a.results.push_back(result(verdict::error, close_verdict::error, level::must, "5.4"));
  const summary s = summarize(a);
  ASSERT_EQ(s.sections.size(), 3u);
  EXPECT_EQ(s.sections[0].first, "RFC 6455 §5.4");
  EXPECT_EQ(s.sections[1].first, "RFC 6455 §5.2");
  EXPECT_EQ(s.sections[2].first, "RFC 7692 §5.4");
  const tally& first = s.sections[0].second;
  EXPECT_EQ(first.total, 2u);
  EXPECT_EQ(first.count(verdict::ok), 1u);
  EXPECT_EQ(first.count(verdict::error), 1u);
  EXPECT_EQ(first.errors, 1u);
  EXPECT_EQ(first.gate_failures, 0u);
  EXPECT_EQ(s.sections[1].second.gate_failures, 1u);
  EXPECT_EQ(s.sections[2].second.count(verdict::non_strict), 1u);
  EXPECT_EQ(section_label(a.results[2]), "RFC 7692 §5.4");
}

TEST(Report, CountsByLevel) {
  const summary s = summarize(sample_report().agents[1]);
  ASSERT_EQ(s.levels.size(), 3u);
  const tally& must = s.levels.at(level::must);
  EXPECT_EQ(must.total, 4u);
  EXPECT_EQ(must.count(verdict::failed), 1u);
  EXPECT_EQ(must.gate_failures, 1u);
  EXPECT_EQ(must.errors, 1u);
  EXPECT_EQ(s.levels.at(level::should).count(verdict::non_strict), 1u);
  EXPECT_EQ(s.levels.at(level::should).gate_failures, 0u);
  EXPECT_EQ(s.levels.at(level::may).count(verdict::informational), 1u);
  // Under strict the SHOULD not met breaks the gate too.
  EXPECT_EQ(summarize(sample_report().agents[1], true).levels.at(level::should).gate_failures, 1u);
}

TEST(Report, GateCountsMustFailuresAndUnderStrictShouldFailures) {
  const agent_report a = sample_report().agents[1];
  const summary lax = summarize(a);
  EXPECT_FALSE(lax.strict);
  EXPECT_EQ(lax.gate_failures, 1u);  // the MUST that failed
  EXPECT_EQ(lax.errors, 1u);         // counted apart: a fault of wsspec
  const summary strict = summarize(a, true);
  EXPECT_TRUE(strict.strict);
  EXPECT_EQ(strict.gate_failures, 2u);  // and the NON-STRICT
  EXPECT_EQ(strict.errors, 1u);
  // An agent's own run decides its gate unless the caller says otherwise.
  agent_report own = a;
  own.info.strict = true;
  EXPECT_EQ(summarize(own).gate_failures, 2u);
  EXPECT_EQ(summarize(own, false).gate_failures, 1u);
}

TEST(Report, WhatFailsTheGate) {
  EXPECT_FALSE(is_gate_failure(result(verdict::ok, close_verdict::ok), false));
  EXPECT_FALSE(is_gate_failure(result(verdict::informational, close_verdict::unclean), false));
  EXPECT_FALSE(is_gate_failure(result(verdict::unimplemented, close_verdict::wrong_code), true));
  EXPECT_TRUE(is_gate_failure(result(verdict::failed, close_verdict::ok), false));
  EXPECT_TRUE(is_gate_failure(result(verdict::ok, close_verdict::failed), false));
  EXPECT_FALSE(is_gate_failure(result(verdict::non_strict, close_verdict::ok), false));
  EXPECT_TRUE(is_gate_failure(result(verdict::non_strict, close_verdict::ok), true));
  // Either verdict in ERROR is a fault of wsspec, and fails the gate whatever the level.
  for (bool strict : {false, true}) {
    EXPECT_TRUE(is_gate_failure(result(verdict::error, close_verdict::error), strict));
    EXPECT_TRUE(is_gate_failure(result(verdict::ok, close_verdict::error, level::may), strict));
  }
  EXPECT_TRUE(is_error(result(verdict::failed, close_verdict::error)));
  EXPECT_FALSE(is_error(result(verdict::failed, close_verdict::failed)));
}

TEST(Report, ExitStatus) {
  // Everything passes for the first agent.
  agent_report a = sample_report().agents[0];
  EXPECT_EQ(exit_status(summarize(a)), 0);
  // Its SHOULD not met fails only a strict gate.
  EXPECT_EQ(exit_status(summarize(a, true)), 1);
  a.results.push_back(result(verdict::failed, close_verdict::ok));
  EXPECT_EQ(exit_status(summarize(a)), 1);
  // A case in ERROR makes it 2, whatever else failed.
  a.results.push_back(result(verdict::error, close_verdict::error));
  EXPECT_EQ(exit_status(summarize(a)), 2);
  EXPECT_EQ(exit_status(summarize(sample_report().agents[1])), 2);
  agent_report only_error;
  only_error.results.push_back(result(verdict::ok, close_verdict::error));
  EXPECT_EQ(exit_status(summarize(only_error)), 2);
  EXPECT_EQ(exit_status(summarize(agent_report{})), 0);
}

}  // namespace
}  // namespace wsspec::reports
