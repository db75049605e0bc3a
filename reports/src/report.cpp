#include "wsspec/reports/report.hpp"

#include <unordered_map>

namespace wsspec::reports {

namespace {

using namespace harness;

constexpr int exit_passed = 0;
constexpr int exit_gate_failed = 1;
constexpr int exit_wsspec_fault = 2;

template <class Words, class Verdict>
std::size_t lookup(const Words& words, Verdict v) {
  const auto it = words.find(std::string(to_string(v)));
  return it == words.end() ? 0 : it->second;
}

void add(tally& t, const case_result& r, bool strict) {
  ++t.total;
  ++t.behavior[std::string(to_string(r.behavior))];
  ++t.close[std::string(to_string(r.close))];
  if (is_error(r))
    ++t.errors;
  else if (is_gate_failure(r, strict))
    ++t.gate_failures;
}

}  // namespace

bool is_error(const case_result& r) noexcept {
  return r.behavior == verdict::error || r.close == close_verdict::error;
}

bool is_gate_failure(const case_result& r, bool strict) noexcept {
  return is_error(r) || breaks_gate(r, strict);
}

std::size_t tally::count(verdict v) const {
  return lookup(behavior, v);
}

std::size_t tally::count(close_verdict v) const {
  return lookup(close, v);
}

std::size_t tally::close_not_ok() const {
  return total - count(close_verdict::ok) - count(close_verdict::informational);
}

std::string section_label(const case_result& r) {
  return r.rfc + " §" + r.section;
}

summary summarize(const agent_report& a) {
  return summarize(a, a.info.strict);
}

summary summarize(const agent_report& a, bool strict) {
  summary s;
  s.strict = strict;
  std::unordered_map<std::string, std::size_t> section_index;
  for (const auto& r : a.results) {
    add(s, r, strict);
    auto [it, fresh] = section_index.try_emplace(section_label(r), s.sections.size());
    if (fresh) s.sections.emplace_back(it->first, tally{});
    add(s.sections[it->second].second, r, strict);
    add(s.levels[r.lvl], r, strict);
  }
  return s;
}

int exit_status(const summary& s) noexcept {
  if (s.errors) return exit_wsspec_fault;
  return s.gate_failures ? exit_gate_failed : exit_passed;
}

}  // namespace wsspec::reports
