// The fault-injection self-test (DESIGN principle 12): passing the reference proves that a case is
// not too strict; this proves that the cases catch what they are built for. wsspec-faulty-peer
// runs as a child process, either as the reference with one rule of its error table switched off
// (every case naming the rule runs, and at least one must fail the peer), or as the reference
// with one hand-written fault planted (the cases named for the fault must give the verdict the
// RFC demands, and pass against the same peer without the fault).
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
#include <string>
#include <thread>
#include <vector>

#include "wsspec/harness/catalogue.hpp"
#include "wsspec/harness/runner.hpp"

extern char** environ;

namespace wsspec::harness {
namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

// ----- what the self-test expects ---------------------------------------------------------------

// Rules no server case can be asked to catch yet, or ever.
struct exemption {
  ref::error rule;
  const char* reason;
  // The reason lasts only until cases for the rule exist: a case naming it ends the exemption.
  bool pending;
};

constexpr const char* client_role = "client role: checked when the client catalogue lands";
constexpr const char* deflate_pending = "RFC 7692: the permessage-deflate families are pending";
constexpr const char* own_limit =
    "a limit is the implementation's own choice (RFC 6455 §10.4): a target without one breaks "
    "nothing";

const exemption exemptions[] = {
    {ref::error::masked_server_frame, client_role, true},
    {ref::error::bad_status_line, client_role, true},
    {ref::error::bad_status, client_role, true},
    {ref::error::missing_accept, client_role, true},
    {ref::error::bad_accept, client_role, true},
    {ref::error::duplicate_accept, client_role, true},
    {ref::error::unoffered_subprotocol, client_role, true},
    {ref::error::unoffered_extension, client_role, true},
    {ref::error::duplicate_extension, client_role, true},
    {ref::error::rsv1_on_continuation, deflate_pending, true},
    {ref::error::rsv1_on_control, deflate_pending, true},
    {ref::error::inflate_failed, deflate_pending, true},
    {ref::error::bad_extension_parameter, deflate_pending, true},
    {ref::error::frame_too_big, own_limit, false},
    {ref::error::message_too_big, own_limit, false},
    {ref::error::decompressed_too_big, own_limit, false},
    {ref::error::head_too_large, own_limit, false},
};

const exemption* exemption_for(ref::error rule) {
  for (const auto& e : exemptions)
    if (e.rule == rule) return &e;
  return nullptr;
}

// A hand-written fault of wsspec-faulty-peer, the cases that must catch it, and the verdict they
// must give: FAILED, or NON-STRICT where the fault breaks a SHOULD.
struct fault_row {
  std::string fault;
  std::vector<std::string> cases;
  verdict expected;
};

const std::vector<fault_row>& fault_rows() {
  const auto failed = verdict::failed;
  static const std::vector<fault_row> rows = {
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
  };
  return rows;
}

std::vector<ref::error> all_rules() {
  std::vector<ref::error> out;
  for (std::size_t i = 0; i < ref::error_count; ++i) out.push_back(static_cast<ref::error>(i));
  return out;
}

// The server cases that name `rule`, in catalogue order.
std::vector<const case_def*> cases_naming(ref::error rule) {
  std::vector<const case_def*> out;
  for (const auto& c : builtin_catalogue().cases())
    if (applies_to(c.roles, ref::role::server) &&
        std::find(c.rules.begin(), c.rules.end(), rule) != c.rules.end())
      out.push_back(&c);
  return out;
}

// The cases a row names; an id missing from the catalogue is reported in `unknown`.
std::vector<const case_def*> cases_of(const fault_row& row, std::vector<std::string>& unknown) {
  std::vector<const case_def*> out;
  for (const auto& id : row.cases) {
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

// ----- the faulty peer, as a child process -----------------------------------------------------

class faulty_peer {
 public:
  // Starts wsspec-faulty-peer with `args` on an ephemeral loopback port.
  explicit faulty_peer(const std::vector<std::string>& args) { start(args); }
  ~faulty_peer() { stop(); }
  faulty_peer(const faulty_peer&) = delete;
  faulty_peer& operator=(const faulty_peer&) = delete;

  // 0 when it did not start; problem() says why.
  std::uint16_t port() const noexcept { return port_; }
  const std::string& problem() const noexcept { return problem_; }

 private:
  void start(const std::vector<std::string>& args);
  void stop();
  // The first line the peer prints: its port.
  std::string read_line(int fd, clock_type::time_point deadline);

  pid_t pid_ = -1;
  int stdin_ = -1;
  std::uint16_t port_ = 0;
  std::string problem_;
};

void faulty_peer::start(const std::vector<std::string>& args) {
  std::vector<std::string> words{WSSPEC_FAULTY_PEER, "--listen", "127.0.0.1:0"};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  int in[2];
  int out[2];
  if (::pipe2(in, O_CLOEXEC) != 0) {
    problem_ = std::string("no pipe: ") + std::strerror(errno);
    return;
  }
  if (::pipe2(out, O_CLOEXEC) != 0) {
    problem_ = std::string("no pipe: ") + std::strerror(errno);
    ::close(in[0]);
    ::close(in[1]);
    return;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  // Other peers' pipes and the harness's connections stay out of the child: a socket it
  // inherited would keep a connection open after the harness closed it.
  posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 1);
  const int rc = ::posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(in[0]);
  ::close(out[1]);
  stdin_ = in[1];
  if (rc != 0) {
    pid_ = -1;
    problem_ = std::string("cannot start ") + argv[0] + ": " + std::strerror(rc);
    ::close(out[0]);
    return;
  }
  const std::string line = read_line(out[0], clock_type::now() + 20s);
  ::close(out[0]);
  try {
    const int port = std::stoi(line);
    if (port > 0 && port < 65536) port_ = static_cast<std::uint16_t>(port);
  } catch (const std::exception&) {
  }
  if (port_ == 0) problem_ = "it did not print the port it listens on (got '" + line + "')";
}

std::string faulty_peer::read_line(int fd, clock_type::time_point deadline) {
  std::string line;
  while (line.find('\n') == std::string::npos) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now());
    pollfd p{fd, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    char buf[64];
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    line.append(buf, static_cast<std::size_t>(n));
  }
  return line.substr(0, line.find('\n'));
}

void faulty_peer::stop() {
  // The peer exits when its standard input ends; one that does not within the bound is killed.
  if (stdin_ >= 0) ::close(stdin_);
  if (pid_ <= 0) return;
  const auto deadline = clock_type::now() + 5s;
  int status = 0;
  while (::waitpid(pid_, &status, WNOHANG) == 0) {
    if (clock_type::now() >= deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      return;
    }
    std::this_thread::sleep_for(10ms);
  }
}

// ----- runs against the peer ---------------------------------------------------------------------

struct peer_run {
  std::string problem;  // the peer did not start, or could not be reached
  std::vector<case_result> results;
};

// Cases at once against one peer: most of a run is waiting for a target that does not react.
constexpr std::size_t jobs_per_run = 48;
// Peers run at once.
constexpr std::size_t parallel_runs = 12;

peer_run run_against(const std::vector<std::string>& peer_args,
                     const std::vector<const case_def*>& cases) {
  std::string named = "wsspec-faulty-peer";
  for (const auto& a : peer_args) named += " " + a;
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

std::string rule_key(ref::error rule) {
  return "rule " + std::string(ref::name(rule));
}
std::string fault_key(const std::string& fault) {
  return "fault " + fault;
}
constexpr const char* unfaulted_key = "none";

struct job {
  std::vector<std::string> peer_args;
  std::vector<const case_def*> cases;
};

// Every run of the self-test: a rule switched off, a fault planted, and the peer without a fault
// for every case that one of the others runs.
std::map<std::string, job> all_jobs() {
  std::map<std::string, job> jobs;
  std::set<const case_def*> named;
  for (const ref::error rule : all_rules()) {
    if (exemption_for(rule)) continue;
    auto cases = cases_naming(rule);
    named.insert(cases.begin(), cases.end());
    if (!cases.empty())
      jobs[rule_key(rule)] = {{"--disable-rule", std::string(ref::name(rule))}, std::move(cases)};
  }
  for (const auto& row : fault_rows()) {
    std::vector<std::string> unknown;
    auto cases = cases_of(row, unknown);
    named.insert(cases.begin(), cases.end());
    jobs[fault_key(row.fault)] = {{"--fault", row.fault}, std::move(cases)};
  }
  job& none = jobs[unfaulted_key];
  none.peer_args = {"--fault", "none"};
  for (const auto& c : builtin_catalogue().cases())
    if (named.contains(&c)) none.cases.push_back(&c);
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
        auto deferred =
            std::async(std::launch::deferred, [&j] { return run_against(j.peer_args, j.cases); });
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
      std::packaged_task<peer_run()> task(
          [&j = planned] { return run_against(j.peer_args, j.cases); });
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
  std::size_t rules = 0;
  for (const ref::error rule : all_rules())
    if (!exemption_for(rule)) ++rules;
  EXPECT_GE(rules + fault_rows().size(), 30u)
      << rules << " rules switched off and " << fault_rows().size() << " hand-written faults";
  EXPECT_GE(fault_rows().size(), 20u);
}

TEST(FaultTable, EveryFaultOfThePeerHasARow) {
  std::set<std::string> peer_faults;
  const std::string command = std::string(WSSPEC_FAULTY_PEER) + " --list";
  std::unique_ptr<FILE, int (*)(FILE*)> listing(::popen(command.c_str(), "r"), ::pclose);
  ASSERT_TRUE(listing) << command;
  char line[512];
  while (std::fgets(line, sizeof line, listing.get())) {
    const std::string text(line);
    if (!text.starts_with("rule:")) peer_faults.insert(text.substr(0, text.find('\t')));
  }
  ASSERT_TRUE(peer_faults.contains("none")) << command << " lists no faults";
  peer_faults.erase("none");
  std::set<std::string> rows;
  for (const auto& row : fault_rows()) {
    EXPECT_TRUE(rows.insert(row.fault).second) << "two rows for " << row.fault;
    EXPECT_TRUE(peer_faults.contains(row.fault)) << "the peer has no fault " << row.fault;
    EXPECT_FALSE(row.cases.empty()) << row.fault << " names no case";
  }
  for (const auto& f : peer_faults)
    EXPECT_TRUE(rows.contains(f)) << "no row says which cases catch the fault " << f;
}

TEST(FaultTable, ExemptionsAreHonest) {
  std::set<ref::error> seen;
  for (const auto& e : exemptions) {
    EXPECT_TRUE(seen.insert(e.rule).second) << ref::name(e.rule) << " is exempt twice";
    if (e.pending) {
      EXPECT_TRUE(cases_naming(e.rule).empty())
          << ref::name(e.rule) << " is exempt (" << e.reason
          << ") although a case names it: remove the exemption";
    }
  }
}

class RuleSwitchedOff : public ::testing::TestWithParam<ref::error> {};

TEST_P(RuleSwitchedOff, ACaseCatchesIt) {
  const ref::error rule = GetParam();
  if (const auto* e = exemption_for(rule)) GTEST_SKIP() << e->reason;
  const auto cases = cases_naming(rule);
  ASSERT_FALSE(cases.empty()) << "no server case names the rule " << ref::name(rule) << " ("
                              << ref::describe(rule)
                              << "): nothing shows that a target breaking it fails";
  const peer_run& run = campaign::instance().result(rule_key(rule));
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
  EXPECT_FALSE(catching.empty())
      << "with " << ref::name(rule)
      << " switched off the reference still passes every case that names it:" << verdicts;
}

std::string rule_name(const ::testing::TestParamInfo<ref::error>& info) {
  return std::string(ref::name(info.param));
}

INSTANTIATE_TEST_SUITE_P(ErrorTable, RuleSwitchedOff, ::testing::ValuesIn(all_rules()), rule_name);

class HandWrittenFault : public ::testing::TestWithParam<fault_row> {};

TEST_P(HandWrittenFault, NamedCasesCatchIt) {
  const fault_row& row = GetParam();
  std::vector<std::string> unknown;
  const auto cases = cases_of(row, unknown);
  for (const auto& id : unknown) ADD_FAILURE() << "no case " << id;
  const peer_run& run = campaign::instance().result(fault_key(row.fault));
  ASSERT_TRUE(run.problem.empty()) << run.problem;
  ASSERT_EQ(run.results.size(), cases.size());
  RecordProperty("verdict", std::string(to_string(row.expected)));
  for (const auto& r : run.results)
    EXPECT_EQ(r.behavior, row.expected) << "with the fault " << row.fault << " planted, expected "
                                        << to_string(row.expected) << ", got " << explain(r);
}

std::string fault_name(const ::testing::TestParamInfo<fault_row>& info) {
  std::string n = info.param.fault;
  std::replace(n.begin(), n.end(), '-', '_');
  return n;
}

INSTANTIATE_TEST_SUITE_P(Peer, HandWrittenFault, ::testing::ValuesIn(fault_rows()), fault_name);

// Every case run above passes against the peer without a fault (or informs, where the case
// itself says the RFC leaves the behaviour open): the fault is what the cases catch.
TEST(UnfaultedPeer, EveryCaseRunPasses) {
  const peer_run& run = campaign::instance().result(unfaulted_key);
  ASSERT_TRUE(run.problem.empty()) << run.problem;
  EXPECT_FALSE(run.results.empty());
  for (const auto& r : run.results) {
    const bool informs =
        r.behavior == verdict::informational && r.close == close_verdict::informational;
    EXPECT_TRUE((r.behavior == verdict::ok && r.close == close_verdict::ok) || informs)
        << "against the peer without a fault: " << explain(r);
  }
}

}  // namespace
}  // namespace wsspec::harness
