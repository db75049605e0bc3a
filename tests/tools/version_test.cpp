#include "wsspec/version.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli_support.hpp"

namespace wsspec::cli {
namespace {

using support::wsspec;
using ::testing::MatchesRegex;

TEST(Version, ProjectVersionIsMajorMinorPatch) {
  EXPECT_THAT(std::string(project_version()), MatchesRegex("[0-9]+\\.[0-9]+\\.[0-9]+"));
}

TEST(Version, DescribeIsATagOrAHashWithItsDirtyMark) {
  const std::string d(git_describe());
  if (d.empty()) GTEST_SKIP() << "not built from a git checkout";
  // A bare hash, a tag, or a tag with the commits since and the hash; "-dirty" when tracked
  // files differed from the commit.
  EXPECT_THAT(d, MatchesRegex("([0-9a-f]{7,40}|[A-Za-z0-9._/+-]+(-[0-9]+-g[0-9a-f]{7,40})?)"
                              "(-dirty)?"));
}

TEST(Version, ShowsTheDescribeInParenthesesOnlyWhenThereIsOne) {
  const std::string p(project_version());
  const std::string d(git_describe());
  EXPECT_EQ(version(), d.empty() ? p : p + " (" + d + ")");
}

TEST(Version, VersionFlagPrintsTheVersionAndSucceeds) {
  const auto o = wsspec({"--version"});
  EXPECT_EQ(o.code, 0);
  EXPECT_EQ(o.out, "wsspec " + version() + "\n");
  EXPECT_EQ(o.err, "");
}

}  // namespace
}  // namespace wsspec::cli
