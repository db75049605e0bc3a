// How a session ends a case follows from the case alone.
#include "wsspec/harness/plan.hpp"

#include <gtest/gtest.h>

#include "wsspec/harness/catalogue.hpp"

namespace wsspec::harness {
namespace {

TEST(Plan, AMustFailCaseWaitsForTheTargetAndGoesAwayOtherwise) {
  catalogue cat;
  cat.add("t/f").section("5.2").must("r").describe("d").send({text("x")}).expect_fail({1002});
  const auto e = plan_ending(cat.cases().front());
  EXPECT_EQ(e.until, case_ending::wait::target_ends);
  EXPECT_EQ(e.close_code, 1001);
  // A target that echoes more than the case allows has processed the frame: no need to wait.
  EXPECT_EQ(e.messages, 0u);
  catalogue after;
  after.add("t/g")
      .section("5.2")
      .must("r")
      .describe("d")
      .send({text("ok"), text("x")})
      .expect_fail({1002}, {text_message("ok")});
  EXPECT_EQ(plan_ending(after.cases().front()).messages, 1u);
}

TEST(Plan, AnEchoCaseWaitsForTheMostEventsAnyOutcomeLists) {
  catalogue cat;
  cat.add("t/e")
      .section("5.4")
      .must("r")
      .describe("d")
      .send({text("x")})
      .expect({ok({text_message("a"), pong_of("p"), pong_of("q")}),
               non_strict({text_message("a"), text_message("b")})},
              close_expectation{});
  const auto e = plan_ending(cat.cases().front());
  EXPECT_EQ(e.until, case_ending::wait::events);
  EXPECT_EQ(e.messages, 2u);
  EXPECT_EQ(e.pongs, 2u);
  EXPECT_EQ(e.close_code, 1000);
}

}  // namespace
}  // namespace wsspec::harness
