// The HTML page: golden output, one self-contained file, inert whatever the target sent, of
// bounded size however much it sent, and light however many cases and agents it holds: the page
// itself holds the summary and the matrix, and every case's details, wire log included, are packed
// in it to be unpacked when the case is opened.
#include "wsspec/reports/html.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>

#include "reports/fixtures.hpp"
#include "wsspec/reports/packed.hpp"

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

// The value of attribute `name` in the first tag at or after `from` that has it ("" if none).
std::string attribute(const std::string& html, std::size_t from, const std::string& name) {
  const std::string key = " " + name + "=\"";
  const auto at = html.find(key, from);
  if (at == std::string::npos) return "";
  const auto start = at + key.size();
  return html.substr(start, html.find('"', start) - start);
}

// A page and what it packed, as its script unpacks it: each <data value> in order is a pack, its
// parts separated by NUL; an agent's list of cases is part 0 of the pack its data-list names, a
// case's body the part its data-body names.
struct page {
  std::string html;
  std::vector<std::vector<std::string>> packs;

  explicit page(const report& r) : html(render(r)) {
    const std::string open = "<data value=\"";
    for (auto at = html.find(open); at != std::string::npos; at = html.find(open, at + 1)) {
      const auto from = at + open.size();
      const auto text = unpack(std::string_view(html).substr(from, html.find('"', from) - from));
      EXPECT_TRUE(text.has_value()) << "pack " << packs.size() << " does not unpack";
      std::vector<std::string> parts(1);
      for (char c : text.value_or("")) {
        if (c)
          parts.back().push_back(c);
        else
          parts.emplace_back();
      }
      packs.push_back(std::move(parts));
    }
  }

  const std::string& part(const std::string& where) const {
    static const std::string none;
    std::istringstream in(where);
    std::size_t k = 0, n = 0;
    if (!(in >> k >> n) || k >= packs.size() || n >= packs[k].size()) return none;
    return packs[k][n];
  }

  // Agent a's list of cases.
  const std::string& list(std::size_t a) const {
    const auto at = html.find("id=\"agent-" + std::to_string(a) + "\"");
    return part(attribute(html, at, "data-list") + " 0");
  }

  // The <details> of case `anchor` (a0-c1) in its agent's list, and its body.
  std::string details(const std::string& anchor) const {
    const std::size_t a = std::stoul(anchor.substr(1, anchor.find('-') - 1));
    const std::string& l = list(a);
    const auto at = l.find("<details class=\"case\" id=\"" + anchor + "\"");
    return at == std::string::npos ? "" : l.substr(at, l.find('\n', at) - at);
  }
  const std::string& body(const std::string& anchor) const {
    return part(attribute(details(anchor), 0, "data-body"));
  }

  // The page and everything it packed: what a reader can see once everything is opened.
  std::string everything() const {
    std::string all = html;
    for (const auto& p : packs)
      for (const auto& part : p) all += "\n" + part;
    return all;
  }
};

// Every tag ("<name ...>") of some HTML, as written, outside the page's own style and script.
std::vector<std::string> tags(std::string html) {
  for (std::string_view element : {"style", "script"}) {
    const std::string open = "<" + std::string(element) + ">";
    const std::string close = "</" + std::string(element) + ">";
    const auto from = html.find(open);
    const auto to = html.find(close, from);
    if (from != std::string::npos && to != std::string::npos)
      html.erase(from + open.size(), to - from - open.size());
  }
  std::vector<std::string> out;
  for (auto at = html.find('<'); at != std::string::npos; at = html.find('<', at + 1)) {
    const auto end = html.find('>', at);
    if (end == std::string::npos) break;
    out.push_back(html.substr(at, end - at + 1));
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

// The names of a tag's attributes, each written name="value" (a value never holds '"') or as a
// bare name; "?" for anything else.
std::vector<std::string> attribute_names(const std::string& tag) {
  std::vector<std::string> names;
  std::size_t i = 1 + tag_name(tag).size() + (tag[1] == '/' ? 1 : 0);
  while (i < tag.size()) {
    while (i < tag.size() && tag[i] == ' ') ++i;
    if (i >= tag.size() || tag[i] == '>') break;
    std::string name;
    while (i < tag.size() && (std::isalnum(static_cast<unsigned char>(tag[i])) || tag[i] == '-'))
      name += tag[i++];
    if (name.empty()) return {"?"};
    if (tag[i] == '=') {
      if (tag[i + 1] != '"') return {"?"};
      const auto end = tag.find('"', i + 2);
      if (end == std::string::npos) return {"?"};
      i = end + 1;
    }
    names.push_back(name);
  }
  return names;
}

// Only the page's own elements and attributes, however the HTML was made.
void expect_only_our_markup(const std::string& html) {
  static const std::set<std::string> elements = {
      "!doctype", "html",    "head",       "meta",    "title",  "style",  "body",   "header",
      "h1",       "p",       "main",       "section", "h2",     "h3",     "table",  "colgroup",
      "col",      "thead",   "tbody",      "tr",      "th",     "td",     "strong", "code",
      "span",     "div",     "label",      "input",   "select", "option", "a",      "small",
      "details",  "summary", "blockquote", "dl",      "dt",     "dd",     "ul",     "li",
      "pre",      "footer",  "data",       "script"};
  static const std::set<std::string> attributes = {
      "lang",          "charset",     "name",      "content",      "http-equiv",
      "class",         "id",          "title",     "style",        "href",
      "type",          "placeholder", "role",      "value",        "colspan",
      "open",          "hidden",      "data-row",  "data-section", "data-level",
      "data-verdicts", "data-failed", "data-list", "data-body",    "data-agent-summary"};
  for (const auto& tag : tags(html)) {
    EXPECT_TRUE(elements.count(tag_name(tag))) << tag.substr(0, 80);
    if (tag_name(tag) == "!doctype") continue;
    for (const auto& a : attribute_names(tag))
      EXPECT_TRUE(attributes.count(a)) << a << " in " << tag.substr(0, 120);
  }
}

TEST(Html, SampleMatchesGolden) {
  EXPECT_EQ(check_golden("sample.html", render(sample_report())), "");
}

TEST(Html, HostileMatchesGolden) {
  EXPECT_EQ(check_golden("hostile.html", render(hostile_report())), "");
}

TEST(Html, ManyAgentsMatchesGolden) {
  EXPECT_EQ(check_golden("many.html", render(many_agents_report())), "");
}

TEST(Html, AnUnverifiedTlsRunSaysSoInItsOptions) {
  auto r = sample_report();
  EXPECT_EQ(render(r).find("--insecure"), std::string::npos);
  r.agents.front().info.tls_unverified = true;
  EXPECT_NE(render(r).find("server certificate not verified (--insecure)"), std::string::npos);
}

TEST(Html, IsOneSelfContainedFile) {
  const page p(sample_report());
  for (const std::string& html : {p.html, p.everything()})
    for (std::string_view external :
         {"<link", "<img", "<iframe", " src=", "url(", "@import", "http:", "https:"})
      EXPECT_EQ(html.find(external), std::string::npos) << external;
  EXPECT_EQ(count(p.html, "<style>"), 1u);
  EXPECT_EQ(count(p.html, "<script>"), 1u);
  EXPECT_EQ(count(p.everything(), "<script"), 1u);
  // Only the page's script runs, nothing is loaded, and the only HTML its script makes from text
  // goes through its one Trusted Types policy.
  const std::string csp = attribute(p.html, p.html.find("Content-Security-Policy"), "content");
  EXPECT_EQ(csp.find("default-src 'none'; "), 0u) << csp;
  EXPECT_NE(csp.find("script-src 'sha256-"), std::string::npos) << csp;
  EXPECT_NE(csp.find("require-trusted-types-for 'script'; trusted-types wsspec-case"),
            std::string::npos)
      << csp;
  EXPECT_EQ(csp.find("unsafe-eval"), std::string::npos);
  EXPECT_EQ(csp.find("script-src 'unsafe-inline'"), std::string::npos);
  EXPECT_NE(p.html.find("createPolicy('wsspec-case'"), std::string::npos);
}

TEST(Html, ThePageHoldsNoCaseDetailsOnlyTheirPacks) {
  const page p(many_agents_report());
  // The summary and the matrix are in the page as it is.
  EXPECT_NE(p.html.find("id=\"summary\""), std::string::npos);
  EXPECT_EQ(count(p.html, "<tr data-row="), 6u);
  EXPECT_EQ(count(p.html, "href=\"#a9-c5\""), 1u);
  // No wire log, requirement or case summary line: those are packed.
  for (std::string_view packed :
       {"class=\"log\"", "MASK 11 22 33 44", "Switching Protocols", "log of agent",
        "A server MUST do what", "<details class=\"case\"", "<blockquote"})
    EXPECT_EQ(p.html.find(packed), std::string::npos) << packed;
  EXPECT_NE(p.everything().find("MASK 11 22 33 44"), std::string::npos);
}

TEST(Html, EveryCaseOpensWithItsOwnLog) {
  const report r = many_agents_report();
  const page p(r);
  std::set<std::string> places;
  for (std::size_t a = 0; a < r.agents.size(); ++a) {
    EXPECT_EQ(count(p.list(a), "<details class=\"case\""), r.agents[a].results.size()) << a;
    for (std::size_t i = 0; i < r.agents[a].results.size(); ++i) {
      const auto& res = r.agents[a].results[i];
      const std::string anchor = "a" + std::to_string(a) + "-c" + std::to_string(i);
      const std::string details = p.details(anchor);
      ASSERT_NE(details, "") << anchor;
      EXPECT_NE(details.find("<code>" + res.id + "</code>"), std::string::npos) << anchor;
      EXPECT_TRUE(places.insert(attribute(details, 0, "data-body")).second) << "shared body";
      const std::string& body = p.body(anchor);
      EXPECT_NE(body.find("<table class=\"log\">"), std::string::npos) << anchor;
      EXPECT_NE(body.find("log of agent " + std::to_string(a) + " for " + res.id + "<"),
                std::string::npos)
          << anchor;
      EXPECT_EQ(count(body, "log of agent "), 1u) << anchor << ": only its own log";
      EXPECT_EQ(count(body, "<blockquote class=\"req\">"), 1u) << anchor;
    }
  }
}

TEST(Html, CasesThatAreNotOkStartOpen) {
  const report r = sample_report();
  const page p(r);
  for (std::size_t a = 0; a < r.agents.size(); ++a)
    for (std::size_t i = 0; i < r.agents[a].results.size(); ++i) {
      const auto& res = r.agents[a].results[i];
      const bool ok = (res.behavior == verdict::ok || res.behavior == verdict::informational) &&
                      (res.close == close_verdict::ok || res.close == close_verdict::informational);
      const std::string details = p.details("a" + std::to_string(a) + "-c" + std::to_string(i));
      EXPECT_EQ(details.find("\" open>") != std::string::npos, !ok) << details.substr(0, 120);
    }
}

TEST(Html, ShowsWhatEachCaseChecksAndItsEvidence) {
  const page p(sample_report());
  const std::string& body = p.body("a1-c0");
  // The quoted requirement, escaped; expected, actual, reasons and the close behaviour.
  EXPECT_NE(
      body.find("A server MUST do what the RFC says &amp; not &quot;more&quot; &lt;or less&gt;."),
      std::string::npos);
  EXPECT_NE(body.find("the target echoed a frame with RSV1 set"), std::string::npos);
  EXPECT_NE(p.body("a0-c0").find("the target's Close code 1000"), std::string::npos);
  // wsspec's masked frame is shown unmasked, as text and as hex.
  EXPECT_NE(body.find("<span class=\"txt\">Hello</span> <span class=\"hex\">48 65 6c 6c 6f</span>"),
            std::string::npos);
  EXPECT_NE(body.find("MASK 11 22 33 44"), std::string::npos);
  // The close frame's code is decoded.
  EXPECT_NE(body.find("code 1000"), std::string::npos);
}

TEST(Html, PutsAgentsSideBySide) {
  const page p(sample_report());
  EXPECT_NE(p.html.find("<th class=\"agent\"><span class=\"name\" title=\"Acme WS 1.0\">Acme WS "
                        "1.0</span></th>"),
            std::string::npos);
  EXPECT_NE(p.html.find("title=\"libexample/2.3-rc1\">libexample/2.3-rc1</span></th>"),
            std::string::npos);
  // Each case row has a cell per agent, each linking to that agent's details.
  EXPECT_NE(p.html.find("href=\"#a0-c0\""), std::string::npos);
  EXPECT_NE(p.html.find("href=\"#a1-c0\""), std::string::npos);
  EXPECT_NE(p.details("a1-c5"), "");
  // Few agents: durations in the cells, and each agent's list starts open.
  EXPECT_NE(p.html.find("<small>12 ms · 1000</small>"), std::string::npos);
  EXPECT_EQ(count(p.html, "<details class=\"list\""), 2u);
  EXPECT_EQ(count(p.html, "\" open><summary><h2>Details: "), 2u);
}

TEST(Html, StaysCompactWithManyAgents) {
  const report r = many_agents_report();
  const page p(r);
  // Agents' names cut to their column, whole in the tooltip.
  EXPECT_NE(p.html.find("<table class=\"matrix head many\""), std::string::npos);
  const std::string& longest = r.agents[1].info.agent;
  EXPECT_NE(p.html.find("<th class=\"agent\"><span class=\"name\" title=\"" + longest + "\">"),
            std::string::npos);
  // Each cell holds the verdict; duration and close code are in its tooltip.
  EXPECT_EQ(p.html.find("<small>"), std::string::npos);
  EXPECT_NE(p.html.find("href=\"#a0-c0\" title=\"Pass · 12 ms · 1000\">Pass</a>"),
            std::string::npos);
  // Fixed columns: the header and every group of rows are as wide.
  const std::string width = "style=\"width:" + std::to_string(380 + 96 + 78 + 112 * 10) + "px";
  EXPECT_EQ(count(p.html, "<table class=\"matrix"), 1u + 6u);
  EXPECT_EQ(count(p.html, width), 2u * 6u + 1u);
  // Rows grouped by section, each group labelled; the lists start closed.
  EXPECT_NE(p.html.find("<tr class=\"label\"><th colspan=\"13\"><span>RFC 6455 §5.2</span>"),
            std::string::npos);
  EXPECT_EQ(count(p.html, "<details class=\"list\""), 10u);
  EXPECT_EQ(count(p.html, "\" open><summary><h2>Details: "), 0u);
}

TEST(Html, MarksCasesAnAgentDidNotRun) {
  report r = sample_report();
  r.agents[1].results.pop_back();
  const page p(r);
  EXPECT_NE(p.html.find("not run"), std::string::npos);
  EXPECT_EQ(p.details("a1-c5"), "");
  EXPECT_EQ(count(p.list(1), "<details class=\"case\""), 5u);
}

TEST(Html, HostileTextStaysText) {
  const page p(hostile_report());
  const std::string all = p.everything();
  EXPECT_TRUE(is_utf8(all));
  // Only the page's own elements and attributes, in the page and in everything it packed: no
  // element, attribute or script came from the target.
  expect_only_our_markup(p.html);
  for (const auto& pack : p.packs)
    for (const auto& part : pack) expect_only_our_markup(part);
  EXPECT_EQ(count(all, "<script"), 1u);
  EXPECT_NE(all.find("&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;"), std::string::npos);
  // The agent's name, in text and in attribute values.
  EXPECT_NE(p.html.find("title=\"&quot;&gt;&lt;img src=x onerror=alert(1)&gt; agent\""),
            std::string::npos);
  EXPECT_NE(p.body("a0-c0").find("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"),
            std::string::npos);
  // Invalid UTF-8 became replacement characters; control bytes became visible symbols.
  EXPECT_NE(all.find("bad \xef\xbf\xbd\xef\xbf\xbd"), std::string::npos);
  EXPECT_NE(all.find("nul \xe2\x90\x80\xe2\x90\x81\xe2\x90\x9b[31m \xe2\x90\xa1 end"),
            std::string::npos);
  // No control character anywhere: NUL, which separates packed parts, is never in a part.
  for (char c : all) EXPECT_FALSE(static_cast<unsigned char>(c) < 0x20 && c != '\n') << int(c);
}

TEST(Html, SizeIsBoundedWhateverTheTargetSent) {
  const report r = hostile_report();
  const page p(r);
  EXPECT_LT(p.html.size(), 128u * 1024) << "a 16 MiB message must not make the page huge";
  const std::string& big = p.body("a0-c1");
  EXPECT_LT(big.size(), 256u * 1024);
  EXPECT_NE(big.find("entries not shown here"), std::string::npos);
  // A frame declaring 16 MiB shows its length and a capped preview.
  EXPECT_NE(big.find("LEN 16777216 (64-bit)"), std::string::npos);

  // Many cases with long logs: each shows its first and last entries, and the page stays small.
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
  const page lots(many);
  EXPECT_LT(lots.html.size(), 4u * 1024 * 1024);
  EXPECT_EQ(count(lots.body("a0-c399"), "<tr class=\""), 100u + 1u) << "100 entries and a gap";
  EXPECT_NE(lots.body("a0-c399").find("200 entries not shown here"), std::string::npos);
  EXPECT_GT(lots.packs.size(), 2u) << "bodies are packed in groups, not all in one";
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
  const std::string plain = render(many_agents_report());
  const std::locale grouped(std::locale::classic(), new grouping);
  std::ostringstream s;
  s.imbue(grouped);
  write_html(many_agents_report(), s);
  EXPECT_EQ(s.str(), plain);
  // Nor the global locale, which streams the writer makes for itself would otherwise take.
  const std::locale saved = std::locale::global(grouped);
  const std::string under_global = render(many_agents_report());
  std::locale::global(saved);
  EXPECT_EQ(under_global, plain);
}

}  // namespace
}  // namespace wsspec::reports
