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
  EXPECT_NE(md.find("| RFC 6455 §5\\.2 | 1 |"), std::string::npos);
  EXPECT_NE(md.find("- `rfc6455/5.2/rsv1-text` (Autobahn 3\\.2) FAILED, close UNCLEAN: the target "
                    "echoed a frame with RSV1 set instead of failing the connection"),
            std::string::npos);
  EXPECT_NE(md.find("- `rfc6455/10.4/text-16mib` (Autobahn 9\\.1\\.6) ERROR"), std::string::npos);
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
  for (char c : md) EXPECT_FALSE(static_cast<unsigned char>(c) < 0x20 && c != '\n') << int(c);
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
  EXPECT_NE(md.find("- and 72 more (see the HTML report)"), std::string::npos);
  EXPECT_LT(md.size(), 32u * 1024);
}

}  // namespace
}  // namespace wsspec::reports
