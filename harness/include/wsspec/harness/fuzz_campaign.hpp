// A fuzzing campaign against a live server: catalogue cases mutated structurally, each mutated
// session run against the reference in-process (the oracle) and against the target, judged by
// the evaluator; every new finding minimised and kept as a case that replays it. After each
// session a plain echo must still work (liveness).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "wsspec/harness/catalogue.hpp"
#include "wsspec/harness/evaluator.hpp"
#include "wsspec/harness/mutator.hpp"
#include "wsspec/harness/transport.hpp"

namespace wsspec::harness::fuzzing {

// A campaign's bounds on mutations: pauses of at most 1 ms, enough to part TCP segments (what
// a pause is for) without making sessions slow.
inline mutation_limits campaign_limits() {
  mutation_limits l;
  l.max_pause = std::chrono::milliseconds(1);
  return l;
}

struct campaign_options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 9001;
  std::string host_header = "127.0.0.1:9001";
  std::string resource = "/";
  std::shared_ptr<ref::asio::tls_context> tls;  // wss://, as for run_options
  std::uint64_t seed = 1;
  std::uint64_t first_run = 0;            // the index of the first run (a resumed campaign goes on)
  std::uint64_t runs = 0;                 // 0: until `duration` or stop
  std::chrono::milliseconds duration{0};  // 0: until `runs` or stop
  std::size_t jobs = 1;                   // sessions at once
  std::size_t threads = 1;                // threads sharing the jobs
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds close_timeout{300};
  std::chrono::milliseconds budget{1000};  // one session, whatever the target does
  double time_scale = 1.0;
  mutation_limits limits = campaign_limits();
  unsigned max_rounds = 4;             // mutations per run: 1 to max_rounds
  std::size_t minimise_attempts = 96;  // candidate re-runs per finding
  bool liveness = true;                // a plain echo after every session
  // The cases mutated (server role); `cat` supplies the requirements of the rules.
  std::vector<const case_def*> bases;
  const catalogue* cat = nullptr;
  // Findings already known (a resumed campaign): not reported again.
  std::set<std::string> known;
  // Set from elsewhere (Ctrl-C): the campaign stops after the sessions in progress.
  const std::atomic<bool>* stop = nullptr;
  // Called now and then from the campaign's threads, one at a time.
  std::function<void(std::uint64_t runs, std::size_t findings)> on_progress;
};

struct fuzz_finding {
  std::string key;                 // "<reason code>/<rule>"
  case_def found;                  // the minimised case, with the expectation it breaks
  case_result result;              // its result against the target, with the wire log
  std::uint64_t run = 0;           // the run that found it
  std::string base;                // the catalogue case it was mutated from
  std::size_t minimise_steps = 0;  // reductions that kept it
};

struct campaign_result {
  std::uint64_t runs = 0;       // sessions judged
  std::uint64_t undecided = 0;  // sessions the reference left undecided (not judged)
  std::uint64_t informational = 0;
  std::uint64_t harness_errors = 0;  // sessions wsspec itself could not run (not findings)
  std::vector<std::string> harness_error_samples;  // the first few, each with its run
  std::uint64_t next_run = 0;                      // where a resumed campaign starts
  std::chrono::milliseconds wall{0};
  std::vector<fuzz_finding> findings;                // new ones, in the order found
  std::map<std::string, std::uint64_t> occurrences;  // finding key → runs that hit it
  std::map<std::string, std::uint64_t> kinds;        // see count_kinds
  bool unreachable = false;  // not one connection could be made at the start
  std::string unreachable_reason;
  bool target_died = false;  // it stopped accepting connections or echoing during the campaign
};

campaign_result run_campaign(const campaign_options& options);

}  // namespace wsspec::harness::fuzzing
