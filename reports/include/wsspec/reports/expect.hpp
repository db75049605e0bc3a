// Expectations: a baseline of the verdicts allowed per case for one agent (wsspec expect), and the
// gate that checks a run against it (wsspec test-server --expect). The file is JSON:
//   {"wsspec_expectations": 1, "agent": "NAME",
//    "cases": {"<case id>": {"behavior": ["FAILED"], "close": ["OK", "UNCLEAN"]}, ...}}
// A list may name several verdicts (edit the file to allow a flaky close, say).
#pragma once

#include <istream>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "wsspec/reports/report.hpp"

namespace wsspec::reports {

inline constexpr int expectations_version = 1;

struct allowed_verdicts {
  std::vector<harness::verdict> behavior;
  std::vector<harness::close_verdict> close;
};

struct expectations {
  std::string agent;
  std::map<std::string, allowed_verdicts> cases;
};

// The verdicts observed in a run, as the baseline that allows exactly them.
expectations expectations_from(const agent_report& a);
void write_expectations(const expectations& e, std::ostream& out);
// Throws std::runtime_error with a one-line reason on anything but a valid file.
expectations read_expectations(std::istream& in);

struct expectation_check {
  // Results the file does not allow and that are not better than what it allows; and results of
  // cases the file does not list that break the gate. Any of these fails the run.
  std::vector<const harness::case_result*> regressions;
  // Results better than the file allows (on one axis, and not worse on the other): the baseline
  // can be tightened.
  std::vector<const harness::case_result*> improvements;
  // Cases the file lists that this run did not have.
  std::size_t not_run = 0;
  bool passed() const noexcept { return regressions.empty(); }
};

// `strict` applies to cases the file does not list (a NON-STRICT result breaks the gate then).
expectation_check check_expectations(const agent_report& a, const expectations& e, bool strict);

}  // namespace wsspec::reports
