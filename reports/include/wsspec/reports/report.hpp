// A run's results as the report writers see them. Writers are pure functions of a Report: they
// read no clock and no environment, so a report can be re-rendered later from its JSON alone.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "wsspec/harness/evaluator.hpp"

namespace wsspec::reports {

inline constexpr int schema_version = 1;

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
};

struct summary {
  std::map<std::string, std::size_t> behavior;  // verdict word → count
  std::map<std::string, std::size_t> close;
  std::size_t total = 0;
  std::size_t gate_failures = 0;  // cases that break the gate (MUST failed; SHOULD when strict)
};

struct agent_report {
  run_info info;
  std::vector<harness::case_result> results;  // in catalogue order
};

struct report {
  std::vector<agent_report> agents;
};

summary summarize(const agent_report& a);

}  // namespace wsspec::reports
