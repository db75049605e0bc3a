// The case file format: JSON, the same shape `wsspec list --json` prints, so users can write and
// run their own cases (--case-file). Payloads are {"text": ...} or {"hex": ...}, optionally
// repeated to a "length".
#pragma once

#include <istream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "wsspec/harness/case.hpp"

namespace wsspec::harness {

nlohmann::json to_json(const case_def& c);
// Throws std::runtime_error naming the case and field for anything malformed or unknown.
case_def case_from_json(const nlohmann::json& j);

// A whole file: an array of cases (or an object with a "cases" array).
std::vector<case_def> read_case_file(std::istream& in);

}  // namespace wsspec::harness
