// `wsspec fuzz`: a fuzzing campaign against a live server, with the reference as the oracle.
// Findings go to OUT/findings/ as case files that `wsspec test-server --case-file` replays, and
// the campaign to OUT/results.json, index.html and the other reports; OUT/campaign.json lets
// `--resume OUT` go on where it stopped.
#pragma once

#include <atomic>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "run_common.hpp"

namespace wsspec::cli {

struct fuzz_options {
  std::string url;
  std::vector<std::string> cases;  // the catalogue cases to mutate (default: every server case)
  std::vector<std::string> exclude;
  std::string duration;  // "60s", "5m", "500ms", "1h" or seconds; empty: --runs or Ctrl-C
  std::uint64_t runs = 0;
  std::size_t jobs = 8;
  std::size_t threads = 0;  // 0: one per core, at most 2 and at most jobs
  std::uint64_t seed = 1;
  std::string out_dir = "wsspec-fuzz";
  std::string resume;  // a campaign folder to go on with
  std::uint64_t timeout_ms = 300;
  double slow = 1.0;
  bool no_liveness = false;
  bool quiet = false;
  std::string agent;
  std::string ca_file;
  bool insecure = false;
  std::string client_cert;
  std::string client_key;
};

// Parses "60s", "5m", "250ms", "1h" or a plain number of seconds; false when it is none.
bool parse_duration(const std::string& text, std::uint64_t& ms);

// Runs the campaign. `stop`, when given, ends it as Ctrl-C does (the command installs a
// SIGINT/SIGTERM handler that sets it). Exit status: 0 nothing found, 1 a MUST-level finding,
// 2 usage error or a target that cannot be reached.
int fuzz(const fuzz_options& o, std::ostream& out, std::ostream& err,
         std::atomic<bool>* stop = nullptr);

}  // namespace wsspec::cli
