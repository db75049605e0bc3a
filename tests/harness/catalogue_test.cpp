// The catalogue registry: the built-in catalogue is sound, and validation catches what would
// make a case unusable.
#include "wsspec/harness/catalogue.hpp"

#include <gtest/gtest.h>

namespace wsspec::harness {
namespace {

case_builder complete(catalogue& cat, std::string id) {
  auto b = cat.add(std::move(id));
  b.section("5.2").must("req").describe("d").send({text("x")}).expect_echo({text_message("x")});
  return b;
}

TEST(Catalogue, ACompleteCaseValidates) {
  catalogue cat;
  complete(cat, "a");
  EXPECT_TRUE(cat.validate().empty());
}

TEST(Catalogue, EachMissingFieldIsReported) {
  catalogue cat;
  cat.add("x");
  const auto problems = cat.validate();
  auto mentions = [&](std::string_view what) {
    return std::any_of(problems.begin(), problems.end(),
                       [&](const std::string& p) { return p.find(what) != std::string::npos; });
  };
  EXPECT_TRUE(mentions("no section"));
  EXPECT_TRUE(mentions("no quoted requirement"));
  EXPECT_TRUE(mentions("no description"));
  EXPECT_TRUE(mentions("no acceptable outcome"));
}

TEST(Catalogue, DuplicateIdsAndAliasesAreReported) {
  catalogue cat;
  complete(cat, "a").autobahn("1.1.1");
  complete(cat, "a");
  complete(cat, "b").autobahn("1.1.1");
  const auto problems = cat.validate();
  EXPECT_EQ(problems.size(), 2u);
}

TEST(Catalogue, FailFastNeedsItsMark) {
  catalogue cat;
  complete(cat, "a").fail_fast("nowhere");
  EXPECT_EQ(cat.validate().size(), 1u);
}

}  // namespace
}  // namespace wsspec::harness
