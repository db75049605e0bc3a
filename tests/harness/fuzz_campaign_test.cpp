// Campaigns against the reference echo server over loopback: the oracle agrees with the reference
// (nothing found), runs are deterministic by index, and a campaign stops when told, when its runs
// are done, and at once against a target that cannot be reached.
#include "wsspec/harness/fuzz_campaign.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <thread>

#include "wsspec/harness/oracle.hpp"
#include "wsspec/harness/selector.hpp"
#include "wsspec/reference/asio/endpoint.hpp"

namespace wsspec::harness::fuzzing {
namespace {

// The reference echo server on its own thread, on a free port, without permessage-deflate.
class echo_server {
 public:
  echo_server() {
    ref::asio::echo_server_options o;
    o.port = 0;
    o.deflate = false;
    server_ = std::make_unique<ref::asio::echo_server>(ioc_, o);
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~echo_server() {
    ioc_.stop();
    thread_.join();
  }
  std::uint16_t port() const { return server_->port(); }

 private:
  boost::asio::io_context ioc_{1};
  std::unique_ptr<ref::asio::echo_server> server_;
  std::thread thread_;
};

std::vector<const case_def*> mutable_cases() {
  selection s;
  std::vector<std::string> unmatched;
  auto all = select(builtin_catalogue().cases(), s, unmatched);
  std::erase_if(all, [](const case_def* c) { return !fuzzable(*c); });
  return all;
}

campaign_options against(std::uint16_t port) {
  campaign_options o;
  o.port = port;
  o.host_header = "127.0.0.1:" + std::to_string(port);
  o.bases = mutable_cases();
  o.cat = &builtin_catalogue();
  o.jobs = 8;
  o.threads = 2;
  return o;
}

std::string describe(const campaign_result& r) {
  std::string s;
  for (const auto& f : r.findings) {
    s += "\n  " + f.key + " (run " + std::to_string(f.run) + ", from " + f.base +
         "): " + f.result.actual + "\n    expected: " + f.result.expected;
    for (const auto& why : f.result.reasons) s += "\n    - " + why.text;
  }
  return s;
}

TEST(FuzzCampaign, FindsNothingInTheReferenceIn10000Runs) {
  echo_server server;
  auto o = against(server.port());
  o.runs = 10000;
  const auto r = run_campaign(o);
  EXPECT_FALSE(r.unreachable) << r.unreachable_reason;
  EXPECT_FALSE(r.target_died);
  EXPECT_EQ(r.runs, 10000u);
  EXPECT_EQ(r.next_run, 10000u);
  EXPECT_EQ(r.harness_errors, 0u) << (r.harness_error_samples.empty()
                                          ? ""
                                          : r.harness_error_samples.front());
  EXPECT_TRUE(r.findings.empty()) << describe(r);
  // Most sessions are judged, and they cover every kind of frame and mutation.
  EXPECT_LT(r.undecided, r.runs / 10);
  for (const char* kind :
       {"text", "binary", "continuation", "close", "ping", "pong", "reserved-opcode", "rsv-bits",
        "unmasked", "non-minimal-length", "short-declared-length", "top-bit-length",
        "fragmented-control", "chopped-writes", "mutated-handshake"})
    EXPECT_GT(r.kinds.count(kind) ? r.kinds.at(kind) : 0u, 0u) << kind;
}

TEST(FuzzCampaign, RunsAreTheSameWhateverTheJobs) {
  echo_server server;
  auto one = against(server.port());
  one.runs = 200;
  one.jobs = 1;
  one.threads = 1;
  auto many = against(server.port());
  many.runs = 200;
  many.jobs = 8;
  const auto a = run_campaign(one);
  const auto b = run_campaign(many);
  EXPECT_EQ(a.kinds, b.kinds);
  EXPECT_EQ(a.undecided, b.undecided);
  auto other = against(server.port());
  other.runs = 200;
  other.seed = 2;
  EXPECT_NE(run_campaign(other).kinds, a.kinds);
}

TEST(FuzzCampaign, AResumedCampaignGoesOnFromItsNextRun) {
  echo_server server;
  auto first = against(server.port());
  first.runs = 100;
  const auto a = run_campaign(first);
  EXPECT_EQ(a.next_run, 100u);
  auto rest = against(server.port());
  rest.first_run = a.next_run;
  rest.runs = 100;
  const auto b = run_campaign(rest);
  EXPECT_EQ(b.next_run, 200u);
  auto whole = against(server.port());
  whole.runs = 200;
  auto sum = a.kinds;
  for (const auto& [k, n] : b.kinds) sum[k] += n;
  EXPECT_EQ(run_campaign(whole).kinds, sum);
}

TEST(FuzzCampaign, StopsWhenTold) {
  echo_server server;
  std::atomic<bool> stop{false};
  auto o = against(server.port());
  o.stop = &stop;
  std::uint64_t seen = 0;
  o.on_progress = [&](std::uint64_t runs, std::size_t) {
    seen = runs;
    if (runs >= 50) stop = true;
  };
  const auto r = run_campaign(o);  // no run limit, no duration: only the stop ends it
  EXPECT_GE(r.runs, 50u);
  EXPECT_GE(r.runs, seen);
  EXPECT_EQ(r.next_run, r.runs);
}

TEST(FuzzCampaign, StopsAfterItsDuration) {
  echo_server server;
  auto o = against(server.port());
  o.duration = std::chrono::milliseconds(300);
  const auto r = run_campaign(o);
  EXPECT_GT(r.runs, 0u);
  EXPECT_LT(r.wall, std::chrono::milliseconds(5000));
}

TEST(FuzzCampaign, AnUnreachableTargetIsSaidAtOnce) {
  std::uint16_t port = 0;
  {
    echo_server server;
    port = server.port();
  }
  auto o = against(port);
  o.runs = 10;
  const auto r = run_campaign(o);
  EXPECT_TRUE(r.unreachable);
  EXPECT_FALSE(r.unreachable_reason.empty());
  EXPECT_EQ(r.runs, 0u);
}

}  // namespace
}  // namespace wsspec::harness::fuzzing
