// `wsspec fuzz` against the fault-injection peers: a campaign with a fixed seed finds each planted
// fault, and each rule switched off, within a bounded number of sessions; every finding's case
// file replays to the same verdict against the same peer; and against the peer without a fault it
// finds nothing.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <future>
#include <sstream>
#include <string>
#include <vector>

#include "peer_process.hpp"
#include "wsspec/harness/case_json.hpp"
#include "wsspec/harness/fuzz_campaign.hpp"
#include "wsspec/harness/oracle.hpp"
#include "wsspec/harness/runner.hpp"
#include "wsspec/harness/selector.hpp"

namespace wsspec::harness {
namespace {

// Sessions a campaign may take to find a fault before the test gives up on it.
constexpr std::uint64_t max_runs = 4000;

// What the campaign cannot find, and why.
struct out_of_reach {
  const char* what;  // a fault's name, or "rule:<name>"
  const char* reason;
};

constexpr const char* no_deflate =
    "the campaign does not negotiate permessage-deflate (RFC 7692 has its own catalogue cases)";
constexpr const char* client_side =
    "a rule a client checks in the server's frames or response: a server that breaks it is not "
    "made to";
constexpr const char* own_limit =
    "a limit is the implementation's own choice (RFC 6455 §10.4): a target without one breaks "
    "nothing";

const out_of_reach unreachable[] = {
    {"deflate-window-ignored", no_deflate},
    {"deflate-context-kept", no_deflate},
    {"deflate-stream-corrupted", no_deflate},
    {"rule:rsv1_on_continuation", no_deflate},
    {"rule:rsv1_on_control", no_deflate},
    {"rule:inflate_failed", no_deflate},
    {"rule:bad_extension_parameter",
     "its parameters are permessage-deflate's, and the campaign's reference declines the extension "
     "without reading them"},
    {"rule:decompressed_too_big", own_limit},
    {"rule:frame_too_big", own_limit},
    {"rule:message_too_big", own_limit},
    {"rule:head_too_large", own_limit},
    {"rule:duplicate_subprotocol",
     "a server may accept a subprotocol named twice (the MUST of RFC 6455 §4.1 binds the client)"},
    {"rule:masked_server_frame", client_side},
    {"rule:bad_status_line", client_side},
    {"rule:bad_status", client_side},
    {"rule:missing_accept", client_side},
    {"rule:bad_accept", client_side},
    {"rule:duplicate_accept", client_side},
    {"rule:unoffered_subprotocol", client_side},
    {"rule:unoffered_extension", client_side},
    {"rule:duplicate_extension", client_side},
};

const char* reason_out_of_reach(const std::string& what) {
  for (const auto& u : unreachable)
    if (what == u.what) return u.reason;
  return nullptr;
}

// Every fault and rule wsspec-faulty-peer --list names (but "none").
std::vector<std::string> planted() {
  return {"no-pong",
          "pong-other-payload",
          "pong-truncated",
          "pong-fragmented",
          "pong-too-long",
          "close-unanswered",
          "close-code-1005",
          "close-code-999",
          "close-code-5000",
          "close-one-byte-body",
          "close-reason-invalid-utf8",
          "data-after-close",
          "no-close-frame",
          "tcp-left-open",
          "reset-on-close",
          "fail-with-1000",
          "fail-without-close",
          "masked-frames",
          "rsv1-on-data",
          "non-minimal-length",
          "reserved-opcode",
          "corrupt-utf8",
          "text-as-binary",
          "last-byte-dropped",
          "message-twice",
          "messages-merged",
          "pong-after-message",
          "message-after-control-lost",
          "fragments-reordered",
          "fragment-dropped",
          "deflate-window-ignored",
          "deflate-context-kept",
          "deflate-stream-corrupted",
          "bad-accept",
          "no-upgrade-header",
          "unoffered-subprotocol",
          "unoffered-extension",
          "status-200",
          "refusal-without-version",
          "rule:reserved_bits",
          "rule:reserved_opcode",
          "rule:control_frame_too_long",
          "rule:control_frame_fragmented",
          "rule:unmasked_client_frame",
          "rule:masked_server_frame",
          "rule:length_top_bit",
          "rule:non_minimal_length",
          "rule:unexpected_continuation",
          "rule:expected_continuation",
          "rule:frame_after_close",
          "rule:invalid_utf8",
          "rule:close_payload_too_short",
          "rule:invalid_close_code",
          "rule:invalid_close_reason",
          "rule:frame_too_big",
          "rule:message_too_big",
          "rule:decompressed_too_big",
          "rule:head_too_large",
          "rule:rsv1_on_continuation",
          "rule:rsv1_on_control",
          "rule:inflate_failed",
          "rule:bad_request_line",
          "rule:bad_header_line",
          "rule:bad_method",
          "rule:bad_http_version",
          "rule:missing_host",
          "rule:duplicate_host",
          "rule:bad_upgrade",
          "rule:bad_connection",
          "rule:missing_key",
          "rule:bad_key",
          "rule:duplicate_key",
          "rule:missing_version",
          "rule:unsupported_version",
          "rule:duplicate_version",
          "rule:bad_subprotocol",
          "rule:duplicate_subprotocol",
          "rule:bad_extension_syntax",
          "rule:bad_extension_parameter",
          "rule:bad_status_line",
          "rule:bad_status",
          "rule:missing_accept",
          "rule:bad_accept",
          "rule:duplicate_accept",
          "rule:unoffered_subprotocol",
          "rule:unoffered_extension",
          "rule:duplicate_extension"};
}

std::vector<std::string> peer_args(const std::string& what) {
  if (what.rfind("rule:", 0) == 0) return {"--disable-rule", what.substr(5)};
  return {"--fault", what};
}

std::vector<const case_def*> mutable_cases() {
  selection s;
  std::vector<std::string> unmatched;
  auto all = select(builtin_catalogue().cases(), s, unmatched);
  std::erase_if(all, [](const case_def* c) { return !fuzzing::fuzzable(*c); });
  return all;
}

struct hunt {
  std::string problem;  // the peer did not start or could not be reached
  fuzzing::campaign_result result;
  std::vector<std::string> replay_mismatches;
};

// A campaign against the peer with `what` planted, stopped at its first finding; then each
// finding replayed from its case file.
hunt run_hunt(const std::string& what, std::uint64_t runs) {
  hunt h;
  faulty_peer peer(what == "none" ? std::vector<std::string>{} : peer_args(what));
  if (peer.port() == 0) {
    h.problem = what + ": " + peer.problem();
    return h;
  }
  std::atomic<bool> stop{false};
  fuzzing::campaign_options o;
  o.port = peer.port();
  o.host_header = "127.0.0.1:" + std::to_string(o.port);
  o.bases = mutable_cases();
  o.cat = &builtin_catalogue();
  o.jobs = 8;
  o.threads = 1;
  o.runs = runs;
  o.minimise_attempts = 24;
  o.stop = &stop;
  o.on_progress = [&](std::uint64_t, std::size_t findings) {
    if (findings > 0) stop = true;
  };
  h.result = fuzzing::run_campaign(o);
  if (h.result.unreachable) {
    h.problem = what + ": unreachable: " + h.result.unreachable_reason;
    return h;
  }
  for (const auto& f : h.result.findings) {
    if (f.key == "target_stopped_echoing/liveness") continue;
    // The case as its file holds it.
    std::stringstream file;
    file << nlohmann::json::array({to_json(f.found)}).dump();
    const auto cases = read_case_file(file);
    run_options ro;
    ro.port = peer.port();
    ro.host_header = o.host_header;
    ro.jobs = 1;
    ro.close_timeout = o.close_timeout;
    // The same verdict: a finding at the same level, for the same reason. Where a target's
    // Close crosses wsspec's on the wire the verdict depends on which arrives first, so a
    // replay gets three tries.
    const std::string code = f.key.substr(0, f.key.find('/'));
    std::string last;
    bool reproduced = false;
    for (int attempt = 0; attempt < 3 && !reproduced; ++attempt) {
      const auto replay = run_cases({&cases.front()}, ro);
      const auto& r = replay.results.front();
      const bool same_reason = std::any_of(r.reasons.begin(), r.reasons.end(),
                                           [&](const finding& x) { return x.code == code; }) ||
                               (code == "echo_cut_short" && r.behavior == verdict::non_strict);
      reproduced = fuzzing::finding_level(r) == fuzzing::finding_level(f.result) && same_reason;
      last = std::string(to_string(fuzzing::finding_level(r))) + " " +
             std::string(to_string(r.behavior)) + "/" + std::string(to_string(r.close)) + " (" +
             r.actual + ")";
    }
    if (!reproduced)
      h.replay_mismatches.push_back(f.key + ": found " +
                                    std::string(to_string(fuzzing::finding_level(f.result))) +
                                    ", replayed " + last);
  }
  return h;
}

std::string describe(const fuzzing::campaign_result& r) {
  std::string s;
  for (const auto& f : r.findings)
    s += "\n  " + f.key + " after " + std::to_string(r.runs) + " runs (run " +
         std::to_string(f.run) + ", from " + f.base + ")";
  return s;
}

TEST(FuzzAgainstFaults, ThePeerWithoutAFaultGivesNoFinding) {
  const auto h = run_hunt("none", 2000);
  ASSERT_TRUE(h.problem.empty()) << h.problem;
  EXPECT_EQ(h.result.runs, 2000u);
  EXPECT_TRUE(h.result.findings.empty()) << describe(h.result);
}

TEST(FuzzAgainstFaults, EachPlantedFaultIsFoundAndReplays) {
  std::vector<std::string> targets;
  for (const auto& what : planted())
    if (!reason_out_of_reach(what)) targets.push_back(what);
  // Two campaigns at once: each waits on its peer most of the time.
  std::vector<std::future<hunt>> running;
  std::size_t next = 0;
  const auto launch = [&] {
    const std::string what = targets[next++];
    running.push_back(std::async(std::launch::async, [what] { return run_hunt(what, max_runs); }));
  };
  for (int i = 0; i < 2 && next < targets.size(); ++i) launch();
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const hunt h = running[i].get();
    if (next < targets.size()) launch();
    const std::string& what = targets[i];
    ASSERT_TRUE(h.problem.empty()) << h.problem;
    EXPECT_FALSE(h.result.findings.empty())
        << what << ": nothing found in " << h.result.runs << " sessions";
    if (!h.result.findings.empty())
      std::cout << what << ": " << h.result.findings.front().key << " after " << h.result.runs
                << " sessions\n";
    for (const auto& m : h.replay_mismatches) ADD_FAILURE() << what << ": " << m;
  }
}

}  // namespace
}  // namespace wsspec::harness
