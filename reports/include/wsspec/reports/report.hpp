// A run's results as the report writers see them. Writers are pure functions of a Report: they
// read no clock and no environment, so a report can be re-rendered later from its JSON alone.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "wsspec/harness/evaluator.hpp"

namespace wsspec::reports {

// 2: each reason is a finding {"code", "level", "text"}, and the summary counts `errors`.
// 1: each reason is a string (still read; see read_json).
inline constexpr int schema_version = 2;

// A `wsspec fuzz` campaign: how much it ran and what it found. Its findings are the run's
// results, one per rule broken.
struct fuzz_summary {
  std::uint64_t runs = 0;           // sessions run, over every part of a resumed campaign
  std::uint64_t undecided = 0;      // sessions the reference left undecided
  std::uint64_t informational = 0;  // sessions where the target only chose differently
  std::uint64_t next_run = 0;       // where `--resume` goes on
  std::uint64_t wall_ms = 0;        // time spent fuzzing, over every part
  bool target_died = false;         // it stopped echoing during the campaign
  std::map<std::string, std::uint64_t> findings;  // rule broken → sessions that broke it
  std::map<std::string, std::uint64_t> kinds;     // what the mutated sessions sent → sessions
  bool operator==(const fuzz_summary&) const = default;
};

struct run_info {
  std::string tool_version;
  std::string target;           // the URL tested, or the listen address testing a client
  std::string role = "server";  // the target's role
  std::string agent;
  std::uint64_t seed = 1;
  std::vector<std::string> selection;
  std::vector<std::string> exclude;
  std::string shard;  // "I/N" when sharded
  std::size_t jobs = 1;
  double time_scale = 1.0;
  std::uint64_t close_timeout_ms = 1000;
  std::string started;  // when the run started (as given by the caller)
  std::uint64_t wall_ms = 0;
  bool strict = false;
  // wss:// with the server's certificate not verified (test-server --insecure).
  bool tls_unverified = false;
  std::optional<fuzz_summary> fuzz;  // set for a fuzzing campaign
};

struct agent_report {
  run_info info;
  std::vector<harness::case_result> results;  // in catalogue order
};

struct report {
  std::vector<agent_report> agents;
};

// The one place that decides how a result counts. A result fails the gate when it breaks it
// (harness::breaks_gate: a MUST not met or a failed close, and under `strict` a SHOULD not met),
// or when either of its verdicts is ERROR: a fault of wsspec, which no report may hide.
bool is_error(const harness::case_result& r) noexcept;
bool is_gate_failure(const harness::case_result& r, bool strict) noexcept;

// Counts of one group of results.
struct tally {
  std::size_t total = 0;
  std::map<std::string, std::size_t> behavior;  // verdict word → cases
  std::map<std::string, std::size_t> close;     // close verdict word → cases
  std::size_t gate_failures = 0;                // cases failing the gate that are not in ERROR
  std::size_t errors = 0;                       // cases in ERROR (they fail the gate too)

  std::size_t count(harness::verdict v) const;
  std::size_t count(harness::close_verdict v) const;
  // Cases whose close verdict is neither OK nor INFORMATIONAL.
  std::size_t close_not_ok() const;
};

// Every count a writer shows, for one agent: the whole run, each RFC section and each level.
struct summary : tally {
  bool strict = false;                                  // the gate the counts were made for
  std::vector<std::pair<std::string, tally>> sections;  // by section_label, in order of appearance
  std::map<harness::level, tally> levels;               // the levels that have cases
};

// "RFC 6455 §5.4": how a result's section is named in every report.
std::string section_label(const harness::case_result& r);

// Counts under the agent's own gate (its run_info::strict), or under `strict` when given.
summary summarize(const agent_report& a);
summary summarize(const agent_report& a, bool strict);

// The run's exit status: 2 when any case is in ERROR (a fault of wsspec), else 1 when the gate
// failed, else 0.
int exit_status(const summary& s) noexcept;

}  // namespace wsspec::reports
