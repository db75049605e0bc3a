#include "wsspec/reports/markdown.hpp"

#include <map>
#include <string>
#include <vector>

#include "wsspec/reports/text.hpp"

namespace wsspec::reports {

namespace {

using namespace harness;

constexpr std::size_t failures_listed = 50;  // per agent
constexpr std::size_t reason_cap = 200;      // bytes of one reason

constexpr verdict verdict_order[] = {
    verdict::ok,     verdict::non_strict, verdict::informational, verdict::unimplemented,
    verdict::failed, verdict::error};

std::string md(std::string_view s, std::size_t cap = reason_cap) {
  return text::markdown(text::clip(text::visible(s), cap));
}

std::size_t count(const summary& s, verdict v) {
  const auto it = s.behavior.find(std::string(to_string(v)));
  return it == s.behavior.end() ? 0 : it->second;
}

void agent_summary(const agent_report& a, std::ostream& out) {
  const summary s = summarize(a);
  out << "### " << md(a.info.agent) << "\n\n";
  out << (s.gate_failures ? "**Gate failed**: " + std::to_string(s.gate_failures) +
                                (a.info.strict ? " MUST/SHOULD" : " MUST") +
                                (s.gate_failures == 1 ? " failure" : " failures")
                          : std::string("**Gate passed**: no ") +
                                (a.info.strict ? "MUST/SHOULD" : "MUST") + " failures")
      << " in " << s.total << " cases against " << md(a.info.target) << " (" << a.info.wall_ms
      << " ms).\n\n";

  out << "| Verdict | Cases |\n| --- | ---: |\n";
  for (verdict v : verdict_order)
    if (const std::size_t n = count(s, v)) out << "| " << to_string(v) << " | " << n << " |\n";
  out << "\n";

  // Sections in order of first appearance.
  std::vector<std::string> order;
  std::map<std::string, std::map<verdict, std::size_t>> per;
  for (const auto& r : a.results) {
    const std::string label = r.rfc + " §" + r.section;
    if (!per.count(label)) order.push_back(label);
    ++per[label][r.behavior];
  }
  out << "| Section | Cases |";
  for (verdict v : verdict_order) out << " " << to_string(v) << " |";
  out << "\n| --- | ---: |";
  for (std::size_t i = 0; i < std::size(verdict_order); ++i) out << " ---: |";
  out << "\n";
  for (const auto& label : order) {
    std::size_t total = 0;
    for (const auto& [v, n] : per[label]) total += n;
    out << "| " << md(label) << " | " << total << " |";
    for (verdict v : verdict_order) {
      const std::size_t n = per[label][v];
      out << " " << (n ? std::to_string(n) : "") << " |";
    }
    out << "\n";
  }
  out << "\n";

  std::vector<const case_result*> failed;
  for (const auto& r : a.results)
    if (breaks_gate(r, a.info.strict) || r.behavior == verdict::error) failed.push_back(&r);
  if (failed.empty()) return;
  out << "**Failed cases**\n\n";
  for (std::size_t i = 0; i < failed.size() && i < failures_listed; ++i) {
    const auto& r = *failed[i];
    const std::string why = r.reasons.empty() ? r.actual : r.reasons.front();
    // A code span shows its content literally; only a backtick could end it early.
    std::string id = text::clip(text::visible(r.id), reason_cap);
    for (char& c : id)
      if (c == '`') c = '\'';
    out << "- `" << id << "`";
    if (!r.autobahn.empty()) out << " (Autobahn " << md(r.autobahn) << ")";
    out << " " << to_string(r.behavior) << ", close " << to_string(r.close) << ": " << md(why)
        << "\n";
  }
  if (failed.size() > failures_listed)
    out << "- and " << failed.size() - failures_listed << " more (see the HTML report)\n";
  out << "\n";
}

}  // namespace

void write_markdown(const report& r, std::ostream& out) {
  const text::classic_numbers numbers(out);
  out << "## wsspec conformance summary\n\n";
  for (const auto& a : r.agents) agent_summary(a, out);
}

}  // namespace wsspec::reports
