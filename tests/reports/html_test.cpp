// The HTML page: golden output, one self-contained file, inert whatever the target sent, and of
// bounded size however much it sent.
#include "wsspec/reports/html.hpp"

#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "reports/fixtures.hpp"

namespace wsspec::reports {
namespace {

using namespace testing;

std::string render(const report& r) {
  std::ostringstream s;
  write_html(r, s);
  return s.str();
}

std::size_t count(const std::string& hay, std::string_view needle) {
  std::size_t n = 0;
  for (auto at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1)) ++n;
  return n;
}

// Every tag of the page ("<name ...>"), as written, outside the page's own style and script.
std::vector<std::string> tags(std::string page) {
  for (std::string_view element : {"style", "script"}) {
    const std::string open = "<" + std::string(element) + ">";
    const std::string close = "</" + std::string(element) + ">";
    const auto from = page.find(open);
    const auto to = page.find(close, from);
    if (from != std::string::npos && to != std::string::npos)
      page.erase(from + open.size(), to - from - open.size());
  }
  std::vector<std::string> out;
  for (auto at = page.find('<'); at != std::string::npos; at = page.find('<', at + 1)) {
    const auto end = page.find('>', at);
    if (end == std::string::npos) break;
    out.push_back(page.substr(at, end - at + 1));
  }
  return out;
}

std::string tag_name(const std::string& tag) {
  std::size_t i = 1;
  if (i < tag.size() && tag[i] == '/') ++i;
  std::string name;
  while (i < tag.size() && (std::isalnum(static_cast<unsigned char>(tag[i])) || tag[i] == '!'))
    name += static_cast<char>(std::tolower(static_cast<unsigned char>(tag[i++])));
  return name;
}

TEST(Html, SampleMatchesGolden) {
  EXPECT_EQ(check_golden("sample.html", render(sample_report())), "");
}

TEST(Html, HostileMatchesGolden) {
  EXPECT_EQ(check_golden("hostile.html", render(hostile_report())), "");
}

TEST(Html, IsOneSelfContainedFile) {
  const std::string page = render(sample_report());
  for (std::string_view external :
       {"<link", "<img", "<iframe", " src=", "url(", "@import", "http:", "https:"})
    EXPECT_EQ(page.find(external), std::string::npos) << external;
  EXPECT_EQ(count(page, "<style>"), 1u);
  EXPECT_EQ(count(page, "<script>"), 1u);
  EXPECT_NE(page.find("Content-Security-Policy"), std::string::npos);
}

TEST(Html, ShowsWhatEachCaseChecksAndItsEvidence) {
  const std::string page = render(sample_report());
  // The quoted requirement, escaped; expected, actual, reasons and the close behaviour.
  EXPECT_NE(
      page.find("A server MUST do what the RFC says &amp; not &quot;more&quot; &lt;or less&gt;."),
      std::string::npos);
  EXPECT_NE(page.find("the target echoed a frame with RSV1 set"), std::string::npos);
  EXPECT_NE(page.find("the target's Close code 1000"), std::string::npos);
  // wsspec's masked frame is shown unmasked, as text and as hex.
  EXPECT_NE(page.find("<span class=\"txt\">Hello</span> <span class=\"hex\">48 65 6c 6c 6f</span>"),
            std::string::npos);
  EXPECT_NE(page.find("MASK 11 22 33 44"), std::string::npos);
  // The close frame's code is decoded.
  EXPECT_NE(page.find("code 1000"), std::string::npos);
}

TEST(Html, PutsAgentsSideBySide) {
  const std::string page = render(sample_report());
  EXPECT_NE(page.find("<th class=\"agent\">Acme WS 1.0</th>"), std::string::npos);
  EXPECT_NE(page.find("<th class=\"agent\">libexample/2.3-rc1</th>"), std::string::npos);
  // Each case row has a cell per agent, each linking to that agent's details.
  EXPECT_NE(page.find("href=\"#a0-c0\""), std::string::npos);
  EXPECT_NE(page.find("href=\"#a1-c0\""), std::string::npos);
  EXPECT_NE(page.find("id=\"a1-c5\""), std::string::npos);
}

TEST(Html, MarksCasesAnAgentDidNotRun) {
  report r = sample_report();
  r.agents[1].results.pop_back();
  EXPECT_NE(render(r).find("not run"), std::string::npos);
}

TEST(Html, HostileTextStaysText) {
  const std::string page = render(hostile_report());
  EXPECT_TRUE(is_utf8(page));
  // Only the page's own tags: no element, attribute or script came from the target.
  const std::set<std::string> ours = {
      "!doctype", "html",  "head",    "meta",    "title",      "style",  "body",
      "header",   "h1",    "p",       "main",    "section",    "h2",     "h3",
      "table",    "thead", "tbody",   "tr",      "th",         "td",     "strong",
      "code",     "span",  "div",     "label",   "input",      "select", "option",
      "a",        "small", "details", "summary", "blockquote", "dl",     "dt",
      "dd",       "ul",    "li",      "pre",     "footer",     "script"};
  for (const auto& tag : tags(page)) {
    EXPECT_TRUE(ours.count(tag_name(tag))) << tag.substr(0, 80);
    EXPECT_EQ(tag.find("onerror"), std::string::npos) << tag.substr(0, 80);
    EXPECT_EQ(tag.find("alert"), std::string::npos) << tag.substr(0, 80);
  }
  EXPECT_EQ(count(page, "<script"), 1u);
  EXPECT_NE(page.find("&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(page.find("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
  // Invalid UTF-8 became replacement characters; control bytes became visible symbols.
  EXPECT_NE(page.find("bad \xef\xbf\xbd\xef\xbf\xbd"), std::string::npos);
  EXPECT_NE(page.find("nul \xe2\x90\x80\xe2\x90\x81\xe2\x90\x9b[31m \xe2\x90\xa1 end"),
            std::string::npos);
  for (char c : page) EXPECT_FALSE(static_cast<unsigned char>(c) < 0x20 && c != '\n') << int(c);
}

TEST(Html, SizeIsBoundedWhateverTheTargetSent) {
  const report r = hostile_report();
  const std::string page = render(r);
  EXPECT_LT(page.size(), 256u * 1024) << "a 16 MiB message must not make the page huge";
  EXPECT_NE(page.find("entries not shown here"), std::string::npos);
  // A frame declaring 16 MiB shows its length and a capped preview.
  EXPECT_NE(page.find("LEN 16777216 (64-bit)"), std::string::npos);

  // Many cases with long logs: past the page's budget, logs are shortened further.
  report many;
  many.agents.push_back(r.agents[0]);
  many.agents[0].results.clear();
  auto base = r.agents[0].results[1];
  base.log.entries.resize(300);
  for (auto& e : base.log.entries) e.bytes.resize(std::min<std::size_t>(e.bytes.size(), 64));
  for (int i = 0; i < 400; ++i) {
    many.agents[0].results.push_back(base);
    many.agents[0].results.back().id += std::to_string(i);
  }
  EXPECT_LT(render(many).size(), 16u * 1024 * 1024);
}

TEST(Html, AnEmptyReportStillRenders) {
  const std::string page = render(report{});
  EXPECT_NE(page.find("0 agents, 0 results"), std::string::npos);
  EXPECT_NE(page.find("</html>"), std::string::npos);
}

TEST(Html, IgnoresTheStreamLocale) {
  struct grouping : std::numpunct<char> {
    char do_thousands_sep() const override { return ','; }
    std::string do_grouping() const override { return "\3"; }
  };
  std::ostringstream s;
  s.imbue(std::locale(std::locale::classic(), new grouping));
  write_html(sample_report(), s);
  EXPECT_EQ(s.str(), render(sample_report()));
}

}  // namespace
}  // namespace wsspec::reports
