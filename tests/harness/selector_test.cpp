#include "wsspec/harness/selector.hpp"

#include <gtest/gtest.h>

#include "wsspec/harness/catalogue.hpp"

namespace wsspec::harness {
namespace {

catalogue sample() {
  catalogue cat;
  auto add = [&](std::string id, std::string ab, role_set roles = role_set::both) {
    cat.add(std::move(id)).autobahn(std::move(ab)).roles(roles);
  };
  add("rfc6455/5.4/a", "5.1");
  add("rfc6455/5.4/b", "5.2");
  add("rfc6455/5.5.2/ping", "2.1");
  add("rfc6455/8.1/utf8-x", "6.4.1");
  add("rfc6455/8.1/utf8-y", "6.4.2");
  add("rfc6455/8.1/utf8-z", "6.40.1");
  add("rfc6455/4.2.1/host", "", role_set::server);
  add("rfc6455/4.1/accept", "", role_set::client);
  return cat;
}

std::vector<std::string> ids(const std::vector<const case_def*>& cs) {
  std::vector<std::string> out;
  for (const auto* c : cs) out.push_back(c->id);
  return out;
}

std::vector<std::string> pick(std::vector<std::string> include,
                              std::vector<std::string> exclude = {},
                              ref::role role = ref::role::server) {
  static const catalogue cat = sample();
  selection s;
  s.include = std::move(include);
  s.exclude = std::move(exclude);
  s.target = role;
  std::vector<std::string> unmatched;
  return ids(select(cat.cases(), s, unmatched));
}

TEST(Selector, EmptySelectionIsEverythingForTheRole) {
  EXPECT_EQ(pick({}).size(), 7u);
  EXPECT_EQ(pick({}, {}, ref::role::client).size(), 7u);
}

TEST(Selector, ExactIdAndAutobahnNumber) {
  EXPECT_EQ(pick({"rfc6455/5.4/b"}), std::vector<std::string>{"rfc6455/5.4/b"});
  EXPECT_EQ(pick({"2.1"}), std::vector<std::string>{"rfc6455/5.5.2/ping"});
}

TEST(Selector, SectionPrefixStopsAtABoundary) {
  EXPECT_EQ(pick({"rfc6455/5.4"}).size(), 2u);
  EXPECT_EQ(pick({"rfc6455/5"}).size(), 3u);  // 5.4 and 5.5.2, not 4.2.1
  EXPECT_EQ(pick({"6.4"}).size(), 2u);        // 6.4.1 and 6.4.2, not 6.40.1
}

TEST(Selector, GlobsMatchIdsAndAutobahnNumbers) {
  EXPECT_EQ(pick({"6.4.*"}).size(), 2u);
  EXPECT_EQ(pick({"6.*"}).size(), 3u);
  EXPECT_EQ(pick({"*utf8-?"}).size(), 0u);
  EXPECT_EQ(pick({"rfc6455/8.1/utf8-*"}).size(), 3u);
}

TEST(Selector, ExcludeRemoves) {
  EXPECT_EQ(pick({"6.*"}, {"6.4.2"}),
            (std::vector<std::string>{"rfc6455/8.1/utf8-x", "rfc6455/8.1/utf8-z"}));
}

TEST(Selector, RoleFilters) {
  EXPECT_EQ(pick({"rfc6455/4"}), std::vector<std::string>{"rfc6455/4.2.1/host"});
  EXPECT_EQ(pick({"rfc6455/4"}, {}, ref::role::client),
            std::vector<std::string>{"rfc6455/4.1/accept"});
}

TEST(Selector, PatternThatMatchesNothingIsReported) {
  const catalogue cat = sample();
  selection s;
  s.include = {"2.1", "99.9"};
  std::vector<std::string> unmatched;
  select(cat.cases(), s, unmatched);
  EXPECT_EQ(unmatched, std::vector<std::string>{"99.9"});
}

TEST(Selector, ShardsPartitionTheSelectionInOrder) {
  const catalogue cat = sample();
  std::vector<std::string> joined;
  for (std::size_t i = 1; i <= 3; ++i) {
    selection s;
    s.shard_index = i;
    s.shard_count = 3;
    std::vector<std::string> unmatched;
    for (auto& id : ids(select(cat.cases(), s, unmatched))) joined.push_back(id);
  }
  EXPECT_EQ(joined.size(), 7u);
  std::sort(joined.begin(), joined.end());
  EXPECT_EQ(std::unique(joined.begin(), joined.end()), joined.end());
}

}  // namespace
}  // namespace wsspec::harness
