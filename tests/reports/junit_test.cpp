// JUnit XML: golden output, the counts CI pages read, and a well-formed, schema-valid file
// whatever the target sent.
#include "wsspec/reports/junit.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <sstream>

#include "reports/fixtures.hpp"

namespace wsspec::reports {
namespace {

using namespace testing;

std::string render(const report& r, bool strict) {
  std::ostringstream s;
  write_junit(r, s, strict);
  return s.str();
}

std::size_t count(const std::string& hay, std::string_view needle) {
  std::size_t n = 0;
  for (auto at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1)) ++n;
  return n;
}

// Writes `xml` to a temporary file and runs `command` on it ("{}" is the file); the exit status.
int run_on_file(const std::string& xml, const std::string& command) {
  char path[] = "/tmp/wsspec-junit-XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) return -1;
  close(fd);
  std::ofstream(path, std::ios::binary) << xml;
  std::string cmd = command;
  cmd.replace(cmd.find("{}"), 2, path);
  const int rc = std::system((cmd + " >/dev/null 2>&1").c_str());
  std::remove(path);
  return rc;
}

// Parses with Python's XML parser when python3 is there; GTEST_SKIP otherwise.
#define EXPECT_WELL_FORMED(xml)                                                                   \
  do {                                                                                            \
    if (!have_command("python3")) GTEST_SKIP() << "python3 is not installed";                     \
    EXPECT_EQ(run_on_file(                                                                        \
                  xml, "python3 -c 'import sys, xml.dom.minidom as m; m.parse(sys.argv[1])' {}"), \
              0);                                                                                 \
  } while (0)

// Validates against the Jenkins/Ant-style schema beside this test when xmllint is there.
#define EXPECT_SCHEMA_VALID(xml)                                                        \
  do {                                                                                  \
    if (!have_command("xmllint")) GTEST_SKIP() << "xmllint is not installed";           \
    const auto xsd = std::filesystem::path(__FILE__).parent_path() / "junit.xsd";       \
    EXPECT_EQ(run_on_file(xml, "xmllint --noout --schema " + xsd.string() + " {}"), 0); \
  } while (0)

TEST(Junit, SampleMatchesGolden) {
  EXPECT_EQ(check_golden("sample.xml", render(sample_report(), false)), "");
  EXPECT_EQ(check_golden("sample-strict.xml", render(sample_report(), true)), "");
}

TEST(Junit, OneSuitePerAgentAndSectionAndOneCasePerResult) {
  const std::string xml = render(sample_report(), false);
  EXPECT_EQ(count(xml, "<testsuite "), 12u);
  EXPECT_EQ(count(xml, "<testcase "), 12u);
  EXPECT_NE(xml.find("<testsuite name=\"wsspec.Acme_WS_1_0.rfc6455.5_2\" tests=\"1\" "
                     "failures=\"0\" errors=\"0\" skipped=\"0\" time=\"0.012\">"),
            std::string::npos);
  EXPECT_NE(xml.find("classname=\"wsspec.libexample_2_3-rc1.rfc7692.7_2\""), std::string::npos);
  EXPECT_NE(xml.find("<testsuites name=\"wsspec\" tests=\"12\" failures=\"1\" errors=\"1\""),
            std::string::npos);
}

TEST(Junit, VerdictsMapToFailureErrorAndSkipped) {
  const std::string lax = render(sample_report(), false);
  EXPECT_EQ(count(lax, "<failure "), 1u);  // the MUST that failed
  EXPECT_EQ(count(lax, "<error "), 1u);
  EXPECT_EQ(count(lax, "<skipped "), 2u);
  EXPECT_NE(lax.find("expected: OK: [text 5 B]"), std::string::npos);
  EXPECT_NE(lax.find("- OK close_not_answered: no Close frame from the target"), std::string::npos);
  const std::string strict = render(sample_report(), true);
  EXPECT_EQ(count(strict, "<failure "), 3u);  // and the NON-STRICT results of both agents
  EXPECT_NE(strict.find("type=\"NON-STRICT\""), std::string::npos);
}

TEST(Junit, AFailureShowsItsFirstFindingAndListsThemAll) {
  const std::string xml = render(sample_report(), false);
  const auto at = xml.find(
      "<failure message=\"FAILED (close UNCLEAN): the target echoed a frame "
      "with RSV1 set instead of failing the connection\" type=\"FAILED\">");
  ASSERT_NE(at, std::string::npos);
  const std::string body = xml.substr(at, xml.find("</failure>", at) - at);
  EXPECT_NE(body.find("findings:\n- FAILED did_not_fail: the target echoed a frame with RSV1 set "
                      "instead of failing the connection\n- OK close_not_answered: no Close frame "
                      "from the target\n"),
            std::string::npos);
  // The findings of a case in ERROR too.
  EXPECT_NE(xml.find("- ERROR harness_fault: wsspec could not write: broken pipe\n</error>"),
            std::string::npos);
  // Without findings, the message says what happened.
  report r = sample_report();
  r.agents[1].results[0].reasons.clear();
  EXPECT_NE(render(r, false).find("<failure message=\"FAILED (close UNCLEAN): messages [text 5 B], "
                                  "no Close frame, TCP closed by wsspec\""),
            std::string::npos);
}

TEST(Junit, SampleIsWellFormedAndSchemaValid) {
  EXPECT_WELL_FORMED(render(sample_report(), true));
  EXPECT_SCHEMA_VALID(render(sample_report(), true));
}

TEST(Junit, HostileTextKeepsTheFileWellFormed) {
  const std::string xml = render(hostile_report(), false);
  EXPECT_TRUE(is_utf8(xml));
  for (char c : xml)
    EXPECT_FALSE(static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') << int(c);
  EXPECT_EQ(xml.find("<script"), std::string::npos);
  EXPECT_EQ(xml.find("<img"), std::string::npos);
  EXPECT_EQ(xml.find("]]>"), std::string::npos);
  EXPECT_LT(xml.size(), 64u * 1024);
  EXPECT_WELL_FORMED(xml);
  EXPECT_SCHEMA_VALID(xml);
}

}  // namespace
}  // namespace wsspec::reports
