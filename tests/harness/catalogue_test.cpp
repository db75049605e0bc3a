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

TEST(Catalogue, AnIdNamingAnotherSectionIsReported) {
  catalogue cat;
  complete(cat, "rfc6455/5.2/same-section");
  complete(cat, "rfc6455/5.2.1/subsection").section("5.2");
  complete(cat, "rfc7692/7.2/other-rfc").rfc("RFC 7692");
  complete(cat, "not-an-rfc-id/5.5/free-form");
  const auto problems = cat.validate();
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_NE(problems[0].find("rfc6455/5.2.1/subsection"), std::string::npos) << problems[0];
  EXPECT_NE(problems[0].find("5.2.1"), std::string::npos) << problems[0];
  EXPECT_NE(problems[1].find("rfc7692/7.2/other-rfc"), std::string::npos) << problems[1];
}

TEST(Catalogue, IdSectionIsTheSecondPartOfAnRfcId) {
  EXPECT_EQ(id_section("rfc6455/5.5.1/close-after-echo"), "5.5.1");
  EXPECT_EQ(id_section("rfc7692/7.2.3/x"), "7.2.3");
  EXPECT_EQ(id_section("rfc6455/5.5.1"), "");
  EXPECT_EQ(id_section("rfc/5.5.1/x"), "");
  EXPECT_EQ(id_section("rfcx/5.5.1/x"), "");
  EXPECT_EQ(id_section("mine/5.5.1/x"), "");
}

TEST(Catalogue, AddRecordsWhereTheCaseIsDefined) {
  catalogue cat;
  const unsigned line = __LINE__ + 1;
  const auto& c = cat.add("a").def();
  EXPECT_EQ(c.source_line, line);
  EXPECT_EQ(c.source_file, "tests/harness/catalogue_test.cpp");
}

TEST(Catalogue, SourcePathsStartAtTheCasesDirectory) {
  EXPECT_EQ(case_source_path("/src/wsspec/cases/rfc6455/5_2_base_framing.cpp"),
            "cases/rfc6455/5_2_base_framing.cpp");
  EXPECT_EQ(case_source_path("/srv/cases/wsspec/cases/rfc7692/7_2_compression.cpp"),
            "cases/rfc7692/7_2_compression.cpp");
  EXPECT_EQ(case_source_path("cases/rfc6455/5_1_masking.cpp"), "cases/rfc6455/5_1_masking.cpp");
  EXPECT_EQ(case_source_path("/elsewhere/tests/harness/x_test.cpp"), "x_test.cpp");
  EXPECT_EQ(case_source_path("x_test.cpp"), "x_test.cpp");
}

TEST(Catalogue, FailFastNeedsItsMark) {
  catalogue cat;
  complete(cat, "a").fail_fast("nowhere");
  EXPECT_EQ(cat.validate().size(), 1u);
}

}  // namespace
}  // namespace wsspec::harness
