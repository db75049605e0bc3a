// Merging shards gives what one unsharded run gives.
#include "wsspec/reports/merge.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "reports/fixtures.hpp"
#include "wsspec/reports/json.hpp"

namespace wsspec::reports {
namespace {

using namespace testing;

std::string json_of(const report& r) {
  std::ostringstream s;
  write_json(r, s);
  return s.str();
}

std::vector<std::string> ids(const agent_report& a) {
  std::vector<std::string> out;
  for (const auto& r : a.results) out.push_back(r.id);
  return out;
}

// Shard i of n as the selector makes it: every n-th case of the selection.
report shard(const report& whole, std::size_t i, std::size_t n) {
  report part = whole;
  for (auto& a : part.agents) {
    a.info.shard = std::to_string(i) + "/" + std::to_string(n);
    a.results.clear();
  }
  for (std::size_t k = 0; k < whole.agents.size(); ++k)
    for (std::size_t c = 0; c < whole.agents[k].results.size(); ++c)
      if (c % n == i - 1) part.agents[k].results.push_back(whole.agents[k].results[c]);
  return part;
}

TEST(Merge, ShardedAndMergedEqualsUnsharded) {
  const report whole = sample_report();
  const auto order = ids(whole.agents[0]);
  for (std::size_t n : {1u, 2u, 3u, 4u, 6u, 8u}) {
    std::vector<report> parts;
    for (std::size_t i = n; i >= 1; --i) parts.push_back(shard(whole, i, n));  // any order
    const report merged = merge(parts, order);
    EXPECT_EQ(json_of(merged), json_of(whole)) << n << " shards";
  }
}

TEST(Merge, SeparateAgentsStaySeparate) {
  const report whole = sample_report();
  report a, b;
  a.agents.push_back(whole.agents[0]);
  b.agents.push_back(whole.agents[1]);
  const report merged = merge({a, b}, ids(whole.agents[0]));
  EXPECT_EQ(json_of(merged), json_of(whole));
}

TEST(Merge, UnknownIdsFollowInTheOrderMet) {
  report r = sample_report();
  r.agents.pop_back();
  std::vector<std::string> order = ids(r.agents[0]);
  const std::string late = order[1], later = order[3];
  order.erase(order.begin() + 3);
  order.erase(order.begin() + 1);
  std::reverse(r.agents[0].results.begin(), r.agents[0].results.end());
  const auto got = ids(merge({r}, order).agents[0]);
  ASSERT_EQ(got.size(), 6u);
  EXPECT_EQ(got[0], order[0]);
  EXPECT_EQ(got[3], order[3]);
  EXPECT_EQ(got[4], later);  // met first in the reversed input
  EXPECT_EQ(got[5], late);
}

TEST(Merge, KeepsTheFirstRunInfoWithoutItsShard) {
  report one = shard(sample_report(), 1, 2), two = shard(sample_report(), 2, 2);
  two.agents[0].info.started = "later";
  const report merged = merge({one, two}, {});
  EXPECT_EQ(merged.agents[0].info.started, "2025-01-02T03:04:05Z");
  EXPECT_EQ(merged.agents[0].info.shard, "");
}

TEST(Merge, ACaseTwiceIsAnError) {
  const report whole = sample_report();
  EXPECT_THROW(merge({whole, whole}, {}), std::runtime_error);
}

}  // namespace
}  // namespace wsspec::reports
