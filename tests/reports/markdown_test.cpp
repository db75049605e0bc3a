// The Markdown summary: golden output, and target text that renders as itself.
#include "wsspec/reports/markdown.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "reports/fixtures.hpp"

namespace wsspec::reports {
namespace {

using namespace testing;

// Whether `needle` occurs without a backslash before it.
bool unescaped(const std::string& md, std::string_view needle) {
  for (auto at = md.find(needle); at != std::string::npos; at = md.find(needle, at + 1))
    if (at == 0 || md[at - 1] != '\\') return true;
  return false;
}

std::size_t count_of(const std::string& hay, std::string_view needle) {
  std::size_t n = 0;
  for (auto at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1)) ++n;
  return n;
}

std::string render(const report& r) {
  std::ostringstream s;
  write_markdown(r, s);
  return s.str();
}

TEST(Markdown, SampleMatchesGolden) {
  EXPECT_EQ(check_golden("sample.md", render(sample_report())), "");
}

TEST(Markdown, ListsTotalsSectionsAndFailures) {
  const std::string md = render(sample_report());
  EXPECT_NE(md.find("**Gate passed**: no MUST failures in 6 cases"), std::string::npos);
  EXPECT_NE(md.find("**Gate failed**: 1 MUST failure in 6 cases"), std::string::npos);
  EXPECT_NE(md.find("; 1 case ended in ERROR (a fault of wsspec, not of the target)."),
            std::string::npos);
  EXPECT_NE(md.find("| RFC 6455 §5\\.2 | 1 |"), std::string::npos);
  // Every finding of a failed case, one per line of its cell.
  EXPECT_NE(md.find("| `rfc6455/5.2/rsv1-text` (Autobahn 3\\.2) | FAILED | UNCLEAN | FAILED "
                    "`did_not_fail` the target echoed a frame with RSV1 set instead of failing the "
                    "connection<br>OK `close_not_answered` no Close frame from the target |"),
            std::string::npos);
  EXPECT_NE(md.find("| `rfc6455/10.4/text-16mib` (Autobahn 9\\.1\\.6) | ERROR | OK | ERROR "
                    "`harness_fault` wsspec could not write\\: broken pipe |"),
            std::string::npos);
}

TEST(Markdown, AnUnverifiedTlsRunSaysSo) {
  auto r = sample_report();
  std::ostringstream plain;
  write_markdown(r, plain);
  EXPECT_EQ(plain.str().find("--insecure"), std::string::npos);
  r.agents.front().info.tls_unverified = true;
  std::ostringstream s;
  write_markdown(r, s);
  EXPECT_NE(s.str().find("not verified (--insecure)"), std::string::npos);
}

TEST(Markdown, HostileTextRendersAsItself) {
  const std::string md = render(hostile_report());
  EXPECT_TRUE(is_utf8(md));
  EXPECT_FALSE(unescaped(md, "<script"));
  EXPECT_FALSE(unescaped(md, "<img"));
  EXPECT_NE(md.find("\\<script\\>alert\\(\\'xss\\'\\)\\<\\/script\\>"), std::string::npos);
  // No link, mention or table break from the target.
  EXPECT_EQ(md.find("[link]("), std::string::npos);
  EXPECT_EQ(md.find(" @everyone"), std::string::npos);
  EXPECT_EQ(md.find("http://"), std::string::npos);
  EXPECT_NE(md.find("\\| pipe"), std::string::npos);
  // The failed case's row keeps its four cells, whatever its findings hold.
  const auto row = md.find("| `rfc6455/7.4.1/hostile-close`");
  ASSERT_NE(row, std::string::npos);
  const std::string line = md.substr(row, md.find('\n', row) - row);
  std::size_t cells = 0;
  for (std::size_t i = 0; i < line.size(); ++i)
    cells += line[i] == '|' && (!i || line[i - 1] != '\\');
  EXPECT_EQ(cells, 5u) << line;
  for (char c : md) EXPECT_FALSE(static_cast<unsigned char>(c) < 0x20 && c != '\n') << int(c);
}

TEST(Markdown, FindingsOfACaseAreCapped) {
  report r = sample_report();
  auto& failed = r.agents[1].results[0];
  failed.reasons.assign(25, {"target_violation", verdict::failed, "the target broke a rule"});
  const std::string md = render(r);
  EXPECT_EQ(count_of(md, "`target_violation`"), 10u);
  EXPECT_NE(md.find("<br>and 15 more |"), std::string::npos);
}

TEST(Markdown, FailureListIsCapped) {
  report r = sample_report();
  auto& a = r.agents[1];
  const auto failed = a.results[0];
  for (int i = 0; i < 120; ++i) {
    a.results.push_back(failed);
    a.results.back().id += std::to_string(i);
  }
  const std::string md = render(r);
  EXPECT_NE(md.find("And 72 more (see the HTML report)."), std::string::npos);
  EXPECT_LT(md.size(), 32u * 1024);
}

}  // namespace
}  // namespace wsspec::reports
