// Expectations: a baseline allows the run it came from; the gate tells regressions from
// improvements.
#include "wsspec/reports/expect.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "reports/fixtures.hpp"

namespace wsspec::reports {
namespace {

using namespace testing;

expectations round_trip(const expectations& e) {
  std::stringstream s;
  write_expectations(e, s);
  return read_expectations(s);
}

std::string error_of(const std::string& text) {
  std::istringstream in(text);
  try {
    read_expectations(in);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

TEST(Expect, ABaselineAllowsItsOwnRun) {
  const report r = sample_report();
  for (const auto& a : r.agents) {
    const auto e = round_trip(expectations_from(a));
    EXPECT_EQ(e.agent, a.info.agent);
    EXPECT_EQ(e.cases.size(), a.results.size());
    const auto c = check_expectations(a, e, true);
    EXPECT_TRUE(c.passed());
    EXPECT_TRUE(c.improvements.empty());
    EXPECT_EQ(c.not_run, 0u);
  }
}

TEST(Expect, WorseThanAllowedIsARegressionBetterIsAnImprovement) {
  const report r = sample_report();
  const auto baseline = expectations_from(r.agents[1]);  // the agent with a failure
  agent_report now = r.agents[1];
  now.results[0].behavior = harness::verdict::ok;  // the failure is fixed
  now.results[0].close = harness::close_verdict::ok;
  now.results[1].behavior = harness::verdict::failed;      // a pass broke
  now.results[2].close = harness::close_verdict::unclean;  // a clean close became unclean
  const auto c = check_expectations(now, baseline, false);
  EXPECT_FALSE(c.passed());
  ASSERT_EQ(c.regressions.size(), 2u);
  EXPECT_EQ(c.regressions[0]->id, now.results[1].id);
  EXPECT_EQ(c.regressions[1]->id, now.results[2].id);
  ASSERT_EQ(c.improvements.size(), 1u);
  EXPECT_EQ(c.improvements[0]->id, now.results[0].id);
}

TEST(Expect, ImprovementsAloneStillPass) {
  const auto baseline = expectations_from(sample_report().agents[1]);
  agent_report now = sample_report().agents[0];  // everything passes there
  now.info.agent = baseline.agent;
  const auto c = check_expectations(now, baseline, false);
  EXPECT_TRUE(c.passed());
  EXPECT_FALSE(c.improvements.empty());
}

TEST(Expect, UnlistedCasesAreGatedAsUsual) {
  expectations none;
  const auto lax = check_expectations(sample_report().agents[1], none, false);
  EXPECT_EQ(lax.regressions.size(), 2u);  // the MUST that failed, and the case in ERROR
  const auto strict = check_expectations(sample_report().agents[1], none, true);
  EXPECT_EQ(strict.regressions.size(), 3u);  // and the NON-STRICT
}

TEST(Expect, SeveralAllowedVerdictsAndNotRunCases) {
  const auto e = round_trip([] {
    std::istringstream in(R"({"wsspec_expectations": 1, "agent": "x", "cases": {
        "rfc6455/5.2/rsv1-text": {"behavior": ["OK", "FAILED"], "close": ["OK", "UNCLEAN"]},
        "gone/case": {"behavior": ["OK"]}}})");
    return read_expectations(in);
  }());
  agent_report a = sample_report().agents[1];
  a.results.resize(1);
  const auto c = check_expectations(a, e, false);
  EXPECT_TRUE(c.passed());
  EXPECT_EQ(c.not_run, 1u);
  // Without "close", every close verdict is allowed.
  EXPECT_EQ(e.cases.at("gone/case").close.size(), 6u);
}

TEST(Expect, RejectsMalformedFiles) {
  EXPECT_NE(error_of("[]"), "");
  EXPECT_NE(error_of("{\"wsspec_expectations\": 2, \"cases\": {}}").find("version"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"wsspec_expectations": 1, "cases": {"a": {"behavior": ["GOOD"]}}})")
                .find("unknown verdict 'GOOD'"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"wsspec_expectations": 1, "cases": {"a": {"behavior": []}}})"), "");
  EXPECT_NE(error_of("{\"wsspec_expectations\": 1}").find("cases"), std::string::npos);
}

}  // namespace
}  // namespace wsspec::reports
