// The fault-injection self-test (DESIGN principle 12): passing the reference proves that a case is
// not too strict; this proves that the cases catch what they are built for. In server role
// wsspec-faulty-peer runs as a child process and the cases connect to it; in client role
// wsspec-faulty-client is started by harness::serve_testees and runs the cases as Autobahn's
// testee client. Either endpoint is the reference with one rule of its error table switched off
// (every case of that role naming the rule runs, and at least one must fail the endpoint), or
// the reference with one hand-written fault planted (the cases named for the fault must give the
// verdict the RFC demands, and pass against the same endpoint without the fault).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "peer_process.hpp"
#include "wsspec/harness/catalogue.hpp"
#include "wsspec/harness/runner.hpp"
#include "wsspec/harness/testee_server.hpp"

extern char** environ;

namespace wsspec::harness {
namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

// ----- what the self-test expects ---------------------------------------------------------------

// The roles in which a rule is checked: each role checks what the other sends. A server checks
// the client's request (RFC 6455 §4.2.1) and that client frames are masked (§5.1); a client checks
// the server's response (§4.1) and that server frames are not masked (§5.1). Every other rule
// (framing, messages, closing, header syntax, extensions, limits) binds both.
constexpr ref::error server_only[] = {
    ref::error::unmasked_client_frame,
    ref::error::bad_request_line,
    ref::error::bad_method,
    ref::error::bad_http_version,
    ref::error::missing_host,
    ref::error::duplicate_host,
    ref::error::missing_key,
    ref::error::bad_key,
    ref::error::duplicate_key,
    ref::error::missing_version,
    ref::error::unsupported_version,
    ref::error::duplicate_version,
};
constexpr ref::error client_only[] = {
    ref::error::masked_server_frame,
    ref::error::bad_status_line,
    ref::error::bad_status,
    ref::error::missing_accept,
    ref::error::bad_accept,
    ref::error::duplicate_accept,
    ref::error::unoffered_subprotocol,
    ref::error::unoffered_extension,
    ref::error::duplicate_extension,
};

bool checked_in(ref::error rule, ref::role role) {
  const std::span<const ref::error> other =
      role == ref::role::server ? std::span<const ref::error>(client_only) : server_only;
  return std::find(other.begin(), other.end(), rule) == other.end();
}

// Rules no case of a role can be asked to catch yet, or ever.
struct exemption {
  ref::error rule;
  role_set roles;
  const char* reason;
  // The reason lasts only until cases for the rule exist: a case naming it ends the exemption.
  bool pending = false;
};

constexpr const char* own_limit =
    "a limit is the implementation's own choice (RFC 6455 §10.4): a target without one breaks "
    "nothing";

const exemption exemptions[] = {
    {ref::error::bad_subprotocol, role_set::client,
     "client role: testee clients offer no subprotocol, so a malformed Sec-WebSocket-Protocol "
     "in a response is also an unoffered one, which the client refuses first "
     "(unoffered_subprotocol)"},
    {ref::error::duplicate_subprotocol, role_set::both,
     "a repeated subprotocol breaks a MUST of the client (RFC 6455 §4.1); a server may accept "
     "it, and a client checks the single name of a response with bad_subprotocol"},
    {ref::error::frame_too_big, role_set::both, own_limit},
    {ref::error::message_too_big, role_set::both, own_limit},
    {ref::error::decompressed_too_big, role_set::both, own_limit},
    {ref::error::head_too_large, role_set::both, own_limit},
};

const exemption* exemption_for(ref::error rule, ref::role role) {
  for (const auto& e : exemptions)
    if (e.rule == rule && applies_to(e.roles, role)) return &e;
  return nullptr;
}

// A hand-written fault of a faulty endpoint, the cases that must catch it, and the verdict they
// must give: FAILED, or NON-STRICT where the fault breaks a SHOULD.
struct fault_row {
  std::string fault;
  std::vector<std::string> cases;
  verdict expected;
  // Client role: cases the client runs before those, not judged (a fault that repeats something
  // shows only from the second connection on).
  std::vector<std::string> first = {};
};

// The permessage-deflate faults, alike in both roles (RFC 7692 §7.2.1): wsspec inflates what the
// target sends with the agreed window and context, so compressing beyond them shows.
std::vector<fault_row> with_deflate_rows(std::vector<fault_row> rows) {
  const verdict failed = verdict::failed;
  rows.insert(rows.end(),
              {
                  {"deflate-window-ignored",
                   {"rfc7692/7.2/window-9-json-16-chars", "rfc7692/7.2/window-9-json-32768-chars"},
                   failed},
                  {"deflate-context-kept",
                   {"rfc7692/7.2/no-context-takeover-json-16-chars",
                    "rfc7692/7.2/no-context-takeover-window-15-json-1024-chars"},
                   failed},
                  {"deflate-stream-corrupted",
                   {"rfc7692/6/json-16-chars", "rfc7692/6/image-8192-bytes-frames-256"},
                   failed},
              });
  return rows;
}

const std::vector<fault_row>& fault_rows() {
  const auto failed = verdict::failed;
  static const std::vector<fault_row> rows = with_deflate_rows({
      // Ping and Pong (RFC 6455 §5.5, §5.5.2, §5.5.3).
      {"no-pong", {"rfc6455/5.5.2/ping-empty", "rfc6455/5.5.2/ping-text-payload"}, failed},
      {"pong-other-payload",
       {"rfc6455/5.5.2/ping-text-payload", "rfc6455/5.5.2/ping-binary-payload"},
       failed},
      {"pong-truncated",
       {"rfc6455/5.5.2/ping-text-payload", "rfc6455/5.5.2/ping-125-bytes"},
       failed},
      {"pong-fragmented",
       {"rfc6455/5.5.2/ping-text-payload", "rfc6455/5.1/pong-masked-as-role"},
       failed},
      {"pong-too-long",
       {"rfc6455/5.5.2/ping-125-bytes", "rfc6455/5.5.2/ping-125-bytes-chopped"},
       failed},
      // The closing handshake (RFC 6455 §5.5.1, §7.1, §7.4).
      {"close-unanswered",
       {"rfc6455/5.5.1/close-code-only", "rfc6455/7.4.1/close-code-1000"},
       failed},
      {"close-code-1005",
       {"rfc6455/5.5.1/close-code-only", "rfc6455/5.5.1/close-after-echo"},
       failed},
      {"close-code-999", {"rfc6455/5.5.1/close-after-echo"}, failed},
      {"close-code-5000", {"rfc6455/7.4.1/close-code-1001"}, failed},
      {"close-one-byte-body", {"rfc6455/5.5.1/close-code-only"}, failed},
      {"close-reason-invalid-utf8", {"rfc6455/5.5.1/close-code-and-reason"}, failed},
      {"data-after-close",
       {"rfc6455/5.5.1/close-after-echo", "rfc6455/5.5.1/close-empty-body"},
       failed},
      {"no-close-frame",
       {"rfc6455/5.5.1/close-after-echo", "rfc6455/5.5.1/close-empty-body"},
       failed},
      {"tcp-left-open", {"rfc6455/5.5.1/close-after-echo"}, failed},
      {"reset-on-close", {"rfc6455/5.5.1/close-after-echo"}, failed},
      // Failing the connection: RFC 6455 §7.1.7 says the Close frame SHOULD carry a code naming
      // the error, and SHOULD be sent at all.
      {"fail-with-1000",
       {"rfc6455/5.2/reserved-data-opcode-0x3", "rfc6455/5.1/wrong-mask-text"},
       verdict::non_strict},
      {"fail-without-close",
       {"rfc6455/5.2/reserved-data-opcode-0x3", "rfc6455/5.4/fragmented-ping"},
       verdict::non_strict},
      // Framing of what the target sends (RFC 6455 §5.1, §5.2).
      {"masked-frames",
       {"rfc6455/5.1/echo-masked-as-role", "rfc6455/5.1/pong-masked-as-role"},
       failed},
      {"rsv1-on-data", {"rfc6455/5.2/text-125", "rfc6455/5.4/text-in-two-fragments"}, failed},
      {"non-minimal-length", {"rfc6455/5.2/text-125", "rfc6455/5.2/binary-0"}, failed},
      {"reserved-opcode", {"rfc6455/5.2/binary-125"}, failed},
      // The messages the target echoes (RFC 6455 §5.4, §5.6, §8.1).
      {"corrupt-utf8", {"rfc6455/5.2/text-125", "rfc6455/5.4/text-in-two-fragments"}, failed},
      {"text-as-binary", {"rfc6455/5.2/text-125"}, failed},
      {"last-byte-dropped", {"rfc6455/5.2/binary-125", "rfc6455/5.2/text-65536"}, failed},
      {"message-twice", {"rfc6455/5.2/text-125"}, failed},
      {"messages-merged",
       {"rfc6455/5.4/two-fragmented-messages", "rfc6455/5.1/echo-masked-as-role"},
       failed},
      // Every Pong arrives, in order, before the echo: only the time of the first one (while the
      // message is still open) catches this.
      {"pong-after-message",
       {"rfc6455/5.4/pings-between-fragments-with-pause",
        "rfc6455/5.4/pings-between-fragments-with-pause-framewise"},
       failed},
      {"message-after-control-lost",
       {"rfc6455/5.5.3/unsolicited-pong-then-text", "rfc6455/5.4/ping-between-fragments"},
       failed},
      {"fragments-reordered",
       {"rfc6455/5.4/text-in-two-fragments", "rfc6455/5.4/ping-between-fragments"},
       failed},
      {"fragment-dropped",
       {"rfc6455/5.4/text-in-two-fragments", "rfc6455/5.4/two-fragmented-messages"},
       failed},
      // The opening handshake (RFC 6455 §4.2.2, §4.4).
      {"bad-accept", {"rfc6455/4.2.2/subprotocol-none-offered", "rfc6455/5.2/text-0"}, failed},
      {"no-upgrade-header", {"rfc6455/4.2.2/subprotocol-none-offered"}, failed},
      {"unoffered-subprotocol",
       {"rfc6455/4.2.2/subprotocol-none-offered", "rfc6455/4.2.2/subprotocol-one-offered"},
       failed},
      {"unoffered-extension",
       {"rfc6455/4.2.2/extension-unknown-offered", "rfc6455/5.2/text-0"},
       failed},
      {"status-200", {"rfc6455/5.2/text-0"}, failed},
      {"refusal-without-version", {"rfc6455/4.4/version-12", "rfc6455/4.4/version-25"}, failed},
  });
  return rows;
}

// The faults of wsspec-faulty-client (client role).
const std::vector<fault_row>& client_fault_rows() {
  const auto failed = verdict::failed;
  static const std::vector<fault_row> rows = with_deflate_rows({
      // Reading the server's opening handshake (RFC 6455 §4.1): each fault skips one check.
      {"accepts-any-status",
       {"rfc6455/4.1/status-200", "rfc6455/4.1/status-401", "rfc6455/4.1/status-503"},
       failed},
      {"lenient-status-line",
       {"rfc6455/4.1/status-line-no-space-before-reason", "rfc6455/4.1/status-line-lowercase-http"},
       failed},
      {"accepts-any-upgrade", {"rfc6455/4.1/upgrade-missing", "rfc6455/4.1/upgrade-h2c"}, failed},
      {"accepts-any-connection",
       {"rfc6455/4.1/connection-missing", "rfc6455/4.1/connection-keep-alive"},
       failed},
      {"accepts-wrong-accept",
       {"rfc6455/4.1/accept-of-another-key", "rfc6455/4.1/accept-is-the-key",
        "rfc6455/4.1/accept-empty", "rfc6455/4.1/accept-lowercase",
        "rfc6455/4.1/accept-off-by-one"},
       failed},
      {"accepts-missing-accept",
       {"rfc6455/4.1/accept-missing", "rfc6455/4.1/accept-misnamed"},
       failed},
      {"accepts-accept-twice",
       {"rfc6455/4.1/accept-twice-same", "rfc6455/4.1/accept-twice-right-then-wrong"},
       failed},
      {"accepts-unoffered-subprotocol",
       {"rfc6455/4.1/subprotocol-not-offered", "rfc6455/4.1/subprotocol-list"},
       failed},
      {"accepts-unoffered-extension",
       {"rfc6455/4.1/extension-unknown-not-offered", "rfc6455/4.1/extension-unknown-with-parameter",
        "rfc6455/4.1/extension-malformed", "rfc6455/4.1/extension-deflate-unknown-parameter"},
       failed},
      // What the client sends (RFC 6455 §4.1, §5.1, §5.3, §9.1). The nonce of the first
      // connection is fresh: the repeat shows from the second on.
      {"reused-request-key",
       {"rfc6455/5.2/text-125", "rfc6455/5.2/binary-125"},
       failed,
       {"rfc6455/5.2/text-0"}},
      {"data-before-response", {"rfc6455/5.2/text-125", "rfc6455/5.5.2/ping-empty"}, failed},
      {"unmasked-frames",
       {"rfc6455/5.2/text-125", "rfc6455/5.1/echo-masked-as-role", "rfc6455/5.5.2/ping-empty"},
       failed},
      {"constant-mask-key",
       {"rfc6455/5.5.2/ten-pings", "rfc6455/5.3/mask-keys-unpredictable"},
       failed},
      {"zero-mask-key", {"rfc6455/5.5.2/ten-pings", "rfc6455/5.3/mask-keys-unpredictable"}, failed},
      {"counter-mask-key",
       {"rfc6455/5.5.2/ten-pings", "rfc6455/5.3/mask-keys-unpredictable"},
       failed},
      {"rsv1-on-data",
       {"rfc6455/9.1/client-uses-no-declined-extension", "rfc6455/5.2/text-125"},
       failed},
      // Faults of both roles (RFC 6455 §5.5.2, §5.6, §7.4).
      {"no-pong", {"rfc6455/5.5.2/ping-empty", "rfc6455/5.5.2/ping-text-payload"}, failed},
      {"last-byte-dropped", {"rfc6455/5.2/binary-125", "rfc6455/5.2/text-65536"}, failed},
      {"close-code-1005",
       {"rfc6455/5.5.1/close-code-only", "rfc6455/7.4.1/close-code-1000"},
       failed},
      // The closing handshake (RFC 6455 §5.5.1) and closing TCP: the client SHOULD wait for the
      // server to close TCP (§7.1.1) and SHOULD NOT close the connection arbitrarily (§7.3).
      {"close-unanswered",
       {"rfc6455/5.5.1/close-code-only", "rfc6455/7.4.1/close-code-1000"},
       failed},
      {"closes-tcp-first",
       {"rfc6455/7.1.1/client-waits-for-server-tcp-close"},
       verdict::non_strict},
      {"closes-idle-connection",
       {"rfc6455/7.3/client-keeps-an-idle-connection"},
       verdict::non_strict},
  });
  return rows;
}

const std::vector<fault_row>& rows_of(ref::role role) {
  return role == ref::role::server ? fault_rows() : client_fault_rows();
}

std::vector<ref::error> all_rules() {
  std::vector<ref::error> out;
  for (std::size_t i = 0; i < ref::error_count; ++i) out.push_back(static_cast<ref::error>(i));
  return out;
}

// The cases of `role` that name `rule`, in catalogue order.
std::vector<const case_def*> cases_naming(ref::error rule, ref::role role) {
  std::vector<const case_def*> out;
  for (const auto& c : builtin_catalogue().cases())
    if (applies_to(c.roles, role) &&
        std::find(c.rules.begin(), c.rules.end(), rule) != c.rules.end())
      out.push_back(&c);
  return out;
}

// The cases a row names (`ids`); an id missing from the catalogue is reported in `unknown`.
std::vector<const case_def*> cases_of(const std::vector<std::string>& ids,
                                      std::vector<std::string>& unknown) {
  std::vector<const case_def*> out;
  for (const auto& id : ids) {
    if (const case_def* c = builtin_catalogue().find(id)) {
      out.push_back(c);
    } else {
      unknown.push_back(id);
    }
  }
  return out;
}

// A violation caught at the case's level: FAILED for a MUST, NON-STRICT (or worse) for a SHOULD.
bool caught(const case_def& c, verdict v) {
  switch (c.lvl) {
    case level::must:
      return v == verdict::failed;
    case level::should:
      return v == verdict::non_strict || v == verdict::failed;
    case level::may:
      return false;
  }
  return false;
}

std::string explain(const case_result& r) {
  std::string s = r.id + ": " + std::string(to_string(r.behavior)) + " / " +
                  std::string(to_string(r.close)) + " (" + r.actual + ")";
  for (const auto& why : r.reasons) s += "\n      - " + why.text + " [" + why.code + "]";
  return s;
}

// ----- runs against a faulty endpoint ------------------------------------------------------------

struct peer_run {
  std::string problem;  // the endpoint did not start, could not be reached, or ran no case
  std::vector<case_result> results;
};

// Cases at once against one peer: most of a run is waiting for a target that does not react.
constexpr std::size_t jobs_per_run = 48;
// Runs at once.
constexpr std::size_t parallel_runs = 12;

std::string words(std::string first, const std::vector<std::string>& args) {
  for (const auto& a : args) first += " " + a;
  return first;
}

// Server role: the cases connect to wsspec-faulty-peer.
peer_run run_against(const std::vector<std::string>& peer_args,
                     const std::vector<const case_def*>& cases) {
  const std::string named = words("wsspec-faulty-peer", peer_args);
  faulty_peer peer(peer_args);
  if (peer.port() == 0) return {named + ": " + peer.problem(), {}};
  run_options o;
  o.port = peer.port();
  o.host_header = "127.0.0.1:" + std::to_string(o.port);
  o.jobs = jobs_per_run;
  auto outcome = run_cases(cases, o);
  if (outcome.unreachable) return {named + ": unreachable: " + outcome.unreachable_reason, {}};
  return {{}, std::move(outcome.results)};
}

// Client role: wsspec serves the cases, and wsspec-faulty-client runs them one after the other,
// as Autobahn's testee client does.
peer_run run_client(const std::vector<std::string>& client_args,
                    const std::vector<const case_def*>& cases) {
  const std::string named = words("wsspec-faulty-client", client_args);
  testee_options o;
  o.port = 0;
  o.cases = cases;
  // "exec": the shell gives way to the client, so that nothing else holds its sockets.
  o.exec = words(std::string("exec ") + WSSPEC_FAULTY_CLIENT + " {url}", client_args);
  o.deadline = std::chrono::minutes(2);
  const testee_outcome out = serve_testees(o);
  if (out.listen_failed || out.exec_failed || out.client_stopped)
    return {named + ": " + out.problem, {}};
  if (out.client_exit.value_or(-1) != 0)
    return {named + ": exited with status " + std::to_string(out.client_exit.value_or(-1)), {}};
  if (out.agents.size() != 1)
    return {named + ": " + std::to_string(out.agents.size()) + " agents ran cases", {}};
  peer_run run;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto& r = out.agents.front().results[i];
    if (!r) return {named + ": the client did not run " + cases[i]->id, {}};
    run.results.push_back(*r);
  }
  return run;
}

std::string_view role_name(ref::role role) {
  return role == ref::role::server ? "server" : "client";
}
std::string rule_key(ref::error rule, ref::role role) {
  return std::string(role_name(role)) + " rule " + std::string(ref::name(rule));
}
std::string fault_key(const std::string& fault, ref::role role) {
  return std::string(role_name(role)) + " fault " + fault;
}
std::string unfaulted_key(ref::role role) {
  return std::string(role_name(role)) + " none";
}

struct job {
  ref::role role = ref::role::server;
  std::vector<std::string> args;
  std::vector<const case_def*> cases;

  peer_run run() const {
    return role == ref::role::server ? run_against(args, cases) : run_client(args, cases);
  }
};

// A client row's cases as they run: those it runs first, then those judged.
std::vector<const case_def*> run_cases_of(const fault_row& row) {
  std::vector<std::string> unknown;
  auto cases = cases_of(row.first, unknown);
  auto judged = cases_of(row.cases, unknown);
  cases.insert(cases.end(), judged.begin(), judged.end());
  return cases;
}

// Every run of the self-test, in each role: a rule switched off, a fault planted, and the
// endpoint without a fault for every case that one of the others runs.
std::map<std::string, job> all_jobs() {
  std::map<std::string, job> jobs;
  for (const ref::role role : {ref::role::server, ref::role::client}) {
    std::set<const case_def*> named;
    for (const ref::error rule : all_rules()) {
      const auto* e = exemption_for(rule, role);
      if (!checked_in(rule, role) || e) continue;
      auto cases = cases_naming(rule, role);
      named.insert(cases.begin(), cases.end());
      if (!cases.empty())
        jobs[rule_key(rule, role)] = {
            role, {"--disable-rule", std::string(ref::name(rule))}, std::move(cases)};
    }
    for (const auto& row : rows_of(role)) {
      auto cases = run_cases_of(row);
      named.insert(cases.begin(), cases.end());
      jobs[fault_key(row.fault, role)] = {role, {"--fault", row.fault}, std::move(cases)};
    }
    job& none = jobs[unfaulted_key(role)];
    none = {role, {"--fault", "none"}, {}};
    for (const auto& c : builtin_catalogue().cases())
      if (named.contains(&c)) none.cases.push_back(&c);
  }
  return jobs;
}

// The runs, each done once. When the whole self-test runs, they all start at the first request
// and overlap; when a filter picks some tests, each runs when its test asks for it.
class campaign {
 public:
  static campaign& instance() {
    static campaign c;
    return c;
  }
  ~campaign() {
    for (auto& w : workers_) w.join();
  }

  const peer_run& result(const std::string& key) {
    std::shared_future<peer_run> run;
    {
      const std::lock_guard lock(mutex_);
      const auto* unit = ::testing::UnitTest::GetInstance();
      if (runs_.empty() && unit->test_to_run_count() == unit->total_test_count()) start_all();
      auto it = runs_.find(key);
      if (it == runs_.end()) {
        const job& j = jobs_.at(key);
        auto deferred = std::async(std::launch::deferred, [&j] { return j.run(); });
        it = runs_.emplace(key, deferred.share()).first;
      }
      run = it->second;
    }
    return run.get();
  }

 private:
  campaign() : jobs_(all_jobs()) {}

  void start_all() {
    for (const auto& [key, planned] : jobs_) {
      std::packaged_task<peer_run()> task([&j = planned] { return j.run(); });
      runs_.emplace(key, task.get_future().share());
      queue_.push_back(std::move(task));
    }
    for (std::size_t w = 0; w < parallel_runs; ++w) {
      workers_.emplace_back([this] {
        for (;;) {
          std::packaged_task<peer_run()> task;
          {
            const std::lock_guard lock(mutex_);
            if (next_ == queue_.size()) return;
            task = std::move(queue_[next_++]);
          }
          task();
        }
      });
    }
  }

  const std::map<std::string, job> jobs_;
  std::mutex mutex_;
  std::map<std::string, std::shared_future<peer_run>> runs_;
  std::vector<std::packaged_task<peer_run()>> queue_;
  std::size_t next_ = 0;
  std::vector<std::thread> workers_;
};

// ----- the tests --------------------------------------------------------------------------------

TEST(FaultTable, AtLeastThirtyFaults) {
  for (const ref::role role : {ref::role::server, ref::role::client}) {
    std::size_t rules = 0;
    for (const ref::error rule : all_rules())
      if (checked_in(rule, role) && !exemption_for(rule, role)) ++rules;
    const std::size_t faults = rows_of(role).size();
    EXPECT_GE(rules + faults, 30u)
        << role_name(role) << " role: " << rules << " rules switched off and " << faults
        << " hand-written faults";
    EXPECT_GE(faults, 20u) << role_name(role) << " role";
  }
}

// The faults an endpoint lists (--list), without "none".
std::set<std::string> listed_faults(const std::string& endpoint) {
  std::set<std::string> out;
  const std::string command = endpoint + " --list";
  std::unique_ptr<FILE, int (*)(FILE*)> listing(::popen(command.c_str(), "r"), ::pclose);
  if (!listing) return out;
  char line[512];
  while (std::fgets(line, sizeof line, listing.get())) {
    const std::string text(line);
    if (!text.starts_with("rule:")) out.insert(text.substr(0, text.find('\t')));
  }
  return out;
}

class EveryFaultHasARow : public ::testing::TestWithParam<ref::role> {};

TEST_P(EveryFaultHasARow, AndEveryRowAFault) {
  const ref::role role = GetParam();
  const std::string endpoint =
      role == ref::role::server ? WSSPEC_FAULTY_PEER : WSSPEC_FAULTY_CLIENT;
  std::set<std::string> faults = listed_faults(endpoint);
  ASSERT_TRUE(faults.contains("none")) << endpoint << " --list lists no faults";
  faults.erase("none");
  std::set<std::string> rows;
  for (const auto& row : rows_of(role)) {
    EXPECT_TRUE(rows.insert(row.fault).second) << "two rows for " << row.fault;
    EXPECT_TRUE(faults.contains(row.fault)) << endpoint << " has no fault " << row.fault;
    EXPECT_FALSE(row.cases.empty()) << row.fault << " names no case";
    for (const case_def* c : run_cases_of(row))
      EXPECT_TRUE(applies_to(c->roles, role))
          << row.fault << ": " << c->id << " is not a case of the " << role_name(role) << " role";
  }
  for (const auto& f : faults)
    EXPECT_TRUE(rows.contains(f)) << "no row says which cases catch the fault " << f;
}

std::string role_param_name(const ::testing::TestParamInfo<ref::role>& info) {
  return std::string(role_name(info.param));
}

INSTANTIATE_TEST_SUITE_P(Role, EveryFaultHasARow,
                         ::testing::Values(ref::role::server, ref::role::client), role_param_name);

TEST(FaultTable, ExemptionsAreHonest) {
  std::set<std::pair<ref::error, ref::role>> seen;
  for (const auto& e : exemptions) {
    for (const ref::role role : {ref::role::server, ref::role::client}) {
      if (!applies_to(e.roles, role)) continue;
      EXPECT_TRUE(seen.insert({e.rule, role}).second)
          << ref::name(e.rule) << " is exempt twice in the " << role_name(role) << " role";
      EXPECT_TRUE(checked_in(e.rule, role)) << ref::name(e.rule) << " is exempt in the "
                                            << role_name(role) << " role, which does not check it";
      if (e.pending) {
        EXPECT_TRUE(cases_naming(e.rule, role).empty())
            << ref::name(e.rule) << " is exempt in the " << role_name(role) << " role (" << e.reason
            << ") although a case of that role names it: remove the exemption";
      }
    }
  }
}

struct rule_in_role {
  ref::error rule;
  ref::role role;
};

std::vector<rule_in_role> all_rules_in_roles() {
  std::vector<rule_in_role> out;
  for (const ref::role role : {ref::role::server, ref::role::client})
    for (const ref::error rule : all_rules())
      if (checked_in(rule, role)) out.push_back({rule, role});
  return out;
}

void PrintTo(const rule_in_role& r, std::ostream* os) {
  *os << role_name(r.role) << " rule " << ref::name(r.rule);
}

class RuleSwitchedOff : public ::testing::TestWithParam<rule_in_role> {};

TEST_P(RuleSwitchedOff, ACaseCatchesIt) {
  const auto [rule, role] = GetParam();
  const auto* e = exemption_for(rule, role);
  if (e) GTEST_SKIP() << e->reason;
  const auto cases = cases_naming(rule, role);
  ASSERT_FALSE(cases.empty()) << "no " << role_name(role) << " case names the rule "
                              << ref::name(rule) << " (" << ref::describe(rule)
                              << "): nothing shows that a target breaking it fails";
  const peer_run& run = campaign::instance().result(rule_key(rule, role));
  ASSERT_TRUE(run.problem.empty()) << run.problem;
  ASSERT_EQ(run.results.size(), cases.size());
  std::string catching;
  std::string verdicts;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    if (caught(*cases[i], run.results[i].behavior))
      catching += (catching.empty() ? "" : " ") + cases[i]->id;
    verdicts += "\n  " + explain(run.results[i]);
  }
  RecordProperty("caught_by", catching);
  EXPECT_FALSE(catching.empty()) << "with " << ref::name(rule) << " switched off the reference "
                                 << role_name(role)
                                 << " still passes every case that names it:" << verdicts;
}

std::string rule_name(const ::testing::TestParamInfo<rule_in_role>& info) {
  return std::string(role_name(info.param.role)) + "_" + std::string(ref::name(info.param.rule));
}

INSTANTIATE_TEST_SUITE_P(ErrorTable, RuleSwitchedOff, ::testing::ValuesIn(all_rules_in_roles()),
                         rule_name);

struct fault_in_role {
  fault_row row;
  ref::role role;
};

std::vector<fault_in_role> all_faults_in_roles() {
  std::vector<fault_in_role> out;
  for (const ref::role role : {ref::role::server, ref::role::client})
    for (const auto& row : rows_of(role)) out.push_back({row, role});
  return out;
}

void PrintTo(const fault_in_role& f, std::ostream* os) {
  *os << role_name(f.role) << " fault " << f.row.fault;
}

class HandWrittenFault : public ::testing::TestWithParam<fault_in_role> {};

TEST_P(HandWrittenFault, NamedCasesCatchIt) {
  const auto& [row, role] = GetParam();
  std::vector<std::string> unknown;
  const auto judged = cases_of(row.cases, unknown);
  const auto before = cases_of(row.first, unknown);
  for (const auto& id : unknown) ADD_FAILURE() << "no case " << id;
  const peer_run& run = campaign::instance().result(fault_key(row.fault, role));
  ASSERT_TRUE(run.problem.empty()) << run.problem;
  ASSERT_EQ(run.results.size(), before.size() + judged.size());
  RecordProperty("verdict", std::string(to_string(row.expected)));
  std::set<std::string> codes;
  for (std::size_t i = before.size(); i < run.results.size(); ++i)
    for (const auto& why : run.results[i].reasons) codes.insert(why.code);
  std::string findings;
  for (const auto& code : codes) findings += (findings.empty() ? "" : " ") + code;
  RecordProperty("findings", findings);
  for (std::size_t i = before.size(); i < run.results.size(); ++i) {
    const auto& r = run.results[i];
    EXPECT_EQ(r.behavior, row.expected) << "with the fault " << row.fault << " planted, expected "
                                        << to_string(row.expected) << ", got " << explain(r);
  }
}

std::string fault_name(const ::testing::TestParamInfo<fault_in_role>& info) {
  std::string n = std::string(role_name(info.param.role)) + "_" + info.param.row.fault;
  std::replace(n.begin(), n.end(), '-', '_');
  return n;
}

INSTANTIATE_TEST_SUITE_P(Endpoint, HandWrittenFault, ::testing::ValuesIn(all_faults_in_roles()),
                         fault_name);

// Every case run above passes against the endpoint without a fault (or informs, where the case
// itself says the RFC leaves the behaviour open): the fault is what the cases catch.
class Unfaulted : public ::testing::TestWithParam<ref::role> {};

TEST_P(Unfaulted, EveryCaseRunPasses) {
  const peer_run& run = campaign::instance().result(unfaulted_key(GetParam()));
  ASSERT_TRUE(run.problem.empty()) << run.problem;
  EXPECT_FALSE(run.results.empty());
  for (const auto& r : run.results) {
    const bool informs =
        r.behavior == verdict::informational && r.close == close_verdict::informational;
    EXPECT_TRUE((r.behavior == verdict::ok && r.close == close_verdict::ok) || informs)
        << "against the " << role_name(GetParam()) << " without a fault: " << explain(r);
  }
}

INSTANTIATE_TEST_SUITE_P(Role, Unfaulted, ::testing::Values(ref::role::server, ref::role::client),
                         role_param_name);

}  // namespace
}  // namespace wsspec::harness
