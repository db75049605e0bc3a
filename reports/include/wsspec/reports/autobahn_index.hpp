// Autobahn|Testsuite's index.json, for tools that read Autobahn reports:
//   {"<agent>": {"<case number>": {"behavior", "behaviorClose", "duration" (ms),
//                                  "remoteCloseCode" (int or null), "reportfile"}}}
// with keys sorted and an indent of 3, as Autobahn's json.dumps(sort_keys=True, indent=3) writes
// it. Only cases that have an Autobahn number appear. Each names a per-case file; write those
// with write_autobahn_case beside the index.
#pragma once

#include <ostream>
#include <string>

#include "wsspec/reports/report.hpp"

namespace wsspec::reports {

void write_autobahn_index(const report& r, std::ostream& out);

// Autobahn's per-case file name: the agent lowercased, every character outside [a-z0-9] a space,
// trimmed, spaces as '_'; then "_case_", the case number with '.' as '_', and ".json".
std::string autobahn_report_file(const std::string& agent, const std::string& case_number);

// The per-case file: the result as results.json holds it (a wire log of more than 150 entries
// keeps its first 100 and last 50, with "entries_omitted"), plus Autobahn's names for the fields
// its readers look for (agent, behaviorClose, duration in ms, remoteCloseCode,
// remoteCloseReason).
void write_autobahn_case(const agent_report& a, const harness::case_result& r, std::ostream& out);

}  // namespace wsspec::reports
