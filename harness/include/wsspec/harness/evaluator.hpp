// Judging is a pure function of a case and its transcript: no sockets, no clock.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "wsspec/harness/case.hpp"
#include "wsspec/harness/transcript.hpp"

namespace wsspec::harness {

// One thing the evaluator found about a target. `code` is a stable snake_case word that tools may
// match on (the same fact always has the same code); `level` is the verdict this finding alone
// gives the case (OK when it only explains the close verdict); `text` says it in words.
struct finding {
  std::string code;
  verdict level = verdict::ok;
  std::string text;
  bool operator==(const finding&) const = default;
};

struct case_result {
  // What the case checks (copied so that a result stands on its own in a report).
  std::string id;
  std::string rfc;
  std::string section;
  std::string requirement;
  level lvl = level::must;
  std::string autobahn;
  std::string description;
  std::string note;
  // The verdicts.
  verdict behavior = verdict::error;
  close_verdict close = close_verdict::error;
  std::vector<finding> reasons;  // why, one per finding, in the order they were found
  std::string expected;          // the acceptable outcomes, in words
  std::string actual;            // what happened, in words
  std::optional<std::uint16_t> remote_close_code;
  std::string remote_close_reason;
  micros duration{0};
  transcript log;  // attached by the runner
};

case_result evaluate(const case_def& c, const transcript& t);

// The verdict for a requirement of this level that was not met.
verdict unmet(level l) noexcept;
// Order of severity: OK < INFORMATIONAL < NON-STRICT < UNIMPLEMENTED < FAILED < ERROR.
int severity(verdict v) noexcept;
// Whether a result breaks the gate: a MUST not met (FAILED), or under `strict` a SHOULD too.
bool breaks_gate(const case_result& r, bool strict) noexcept;

// Digest of a payload without materialising it (see payload_digest).
std::uint64_t spec_digest(const payload_spec& p) noexcept;

}  // namespace wsspec::harness
