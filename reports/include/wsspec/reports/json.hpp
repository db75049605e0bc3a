// results.json: the source of truth every other format is rendered from. Everything a target
// sent stays valid JSON: raw bytes are written as hex, and text that is not UTF-8 is written
// with replacement characters beside its hex. The file is indented one field per line, except that
// each entry of a wire log (and each message, pong and violation of a transcript) is one line.
#pragma once

#include <istream>
#include <nlohmann/json_fwd.hpp>
#include <ostream>
#include <string>

#include "wsspec/reports/report.hpp"

namespace wsspec::reports {

void write_json(const report& r, std::ostream& out);
// Reads what write_json writes, and results.json files of every older schema_version; throws
// std::runtime_error with a one-line reason otherwise.
report read_json(std::istream& in);

// One result as results.json holds it, for files that carry a single case.
nlohmann::json result_to_json(const harness::case_result& r);

std::string to_hex(const std::vector<std::uint8_t>& bytes);

}  // namespace wsspec::reports
