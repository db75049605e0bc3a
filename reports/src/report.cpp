#include "wsspec/reports/report.hpp"

namespace wsspec::reports {

summary summarize(const agent_report& a) {
  summary s;
  for (const auto& r : a.results) {
    ++s.total;
    ++s.behavior[std::string(harness::to_string(r.behavior))];
    ++s.close[std::string(harness::to_string(r.close))];
    if (harness::breaks_gate(r, a.info.strict)) ++s.gate_failures;
  }
  return s;
}

}  // namespace wsspec::reports
