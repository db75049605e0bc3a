#include "wsspec/reports/markdown.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "wsspec/reports/text.hpp"

namespace wsspec::reports {

namespace {

using namespace harness;

constexpr std::size_t failures_listed = 50;  // per agent
constexpr std::size_t reason_cap = 200;      // bytes of one finding
constexpr std::size_t findings_listed = 10;  // per case

constexpr verdict verdict_order[] = {
    verdict::ok,     verdict::non_strict, verdict::informational, verdict::unimplemented,
    verdict::failed, verdict::error};

std::string md(std::string_view s, std::size_t cap = reason_cap) {
  return text::markdown(text::clip(text::visible(s), cap));
}

// An identifier (a case id, a finding's code) in a code span when it is a plain word of letters,
// digits and . / _ -; anything else is escaped like any other text.
std::string word(std::string_view s) {
  const bool plain =
      !s.empty() && s.size() <= reason_cap && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '.' || c == '/' || c == '_' || c == '-';
      });
  return plain ? "`" + std::string(s) + "`" : md(s);
}

// Every finding of a case, one per line of its table cell.
std::string findings(const case_result& r) {
  if (r.reasons.empty()) return md(r.actual);
  std::string out;
  for (std::size_t i = 0; i < r.reasons.size() && i < findings_listed; ++i) {
    const finding& f = r.reasons[i];
    if (i) out += "<br>";
    out += std::string(to_string(f.level)) + " " + word(f.code) + " " + md(f.text);
  }
  if (r.reasons.size() > findings_listed)
    out += "<br>and " + std::to_string(r.reasons.size() - findings_listed) + " more";
  return out;
}

std::string gate_line(const agent_report& a, const summary& s) {
  const std::string what = a.info.strict ? "MUST/SHOULD" : "MUST";
  std::string line = s.gate_failures || s.errors ? "**Gate failed**: " : "**Gate passed**: ";
  line += s.gate_failures ? std::to_string(s.gate_failures) + " " + what +
                                (s.gate_failures == 1 ? " failure" : " failures")
                          : "no " + what + " failures";
  line += " in " + std::to_string(s.total) + " cases against " + md(a.info.target) + " (" +
          std::to_string(a.info.wall_ms) + " ms)";
  if (a.info.tls_unverified) line += "; the server's certificate was not verified (--insecure)";
  if (const auto& f = a.info.fuzz) {
    line += "; a fuzzing campaign of " + std::to_string(f->runs) + " sessions found " +
            std::to_string(f->findings.size()) +
            (f->findings.size() == 1 ? " rule broken" : " rules broken");
    if (f->target_died) line += ", and the target stopped echoing";
  }
  if (s.errors)
    line += "; " + std::to_string(s.errors) + (s.errors == 1 ? " case" : " cases") +
            " ended in ERROR (a fault of wsspec, not of the target)";
  return line + ".";
}

void agent_summary(const agent_report& a, std::ostream& out) {
  const summary s = summarize(a);
  out << "### " << md(a.info.agent) << "\n\n" << gate_line(a, s) << "\n\n";

  out << "| Verdict | Cases |\n| --- | ---: |\n";
  for (verdict v : verdict_order)
    if (const std::size_t n = s.count(v)) out << "| " << to_string(v) << " | " << n << " |\n";
  out << "\n";

  out << "| Section | Cases |";
  for (verdict v : verdict_order) out << " " << to_string(v) << " |";
  out << "\n| --- | ---: |";
  for (std::size_t i = 0; i < std::size(verdict_order); ++i) out << " ---: |";
  out << "\n";
  for (const auto& [label, t] : s.sections) {
    out << "| " << md(label) << " | " << t.total << " |";
    for (verdict v : verdict_order) {
      const std::size_t n = t.count(v);
      out << " " << (n ? std::to_string(n) : "") << " |";
    }
    out << "\n";
  }
  out << "\n";

  std::vector<const case_result*> failed;
  for (const auto& r : a.results)
    if (is_gate_failure(r, s.strict)) failed.push_back(&r);
  if (failed.empty()) return;
  out << "**Failed cases**\n\n| Case | Verdict | Close | Findings |\n| --- | --- | --- | --- |\n";
  for (std::size_t i = 0; i < failed.size() && i < failures_listed; ++i) {
    const auto& r = *failed[i];
    out << "| " << word(r.id);
    if (!r.autobahn.empty()) out << " (Autobahn " << md(r.autobahn) << ")";
    out << " | " << to_string(r.behavior) << " | " << to_string(r.close) << " | " << findings(r)
        << " |\n";
  }
  out << "\n";
  if (failed.size() > failures_listed)
    out << "And " << failed.size() - failures_listed << " more (see the HTML report).\n\n";
}

}  // namespace

void write_markdown(const report& r, std::ostream& out) {
  const text::classic_numbers numbers(out);
  out << "## wsspec conformance summary\n\n";
  for (const auto& a : r.agents) agent_summary(a, out);
}

}  // namespace wsspec::reports
