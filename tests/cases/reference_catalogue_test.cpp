// Every case of the catalogue passes against the reference implementation: in-process (the
// reference connection as the in-memory peer) and over loopback (the reference echo server).
// A non-pass is a bug in the case or in the reference.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <thread>

#include "wsspec/harness/catalogue.hpp"
#include "wsspec/harness/runner.hpp"
#include "wsspec/harness/selector.hpp"
#include "wsspec/reference/asio/endpoint.hpp"

namespace wsspec::harness {
namespace {

std::vector<const case_def*> cases_for(ref::role target) {
  selection s;
  s.target = target;
  std::vector<std::string> unmatched;
  return select(builtin_catalogue().cases(), s, unmatched);
}
std::vector<const case_def*> server_cases() {
  return cases_for(ref::role::server);
}
std::vector<const case_def*> client_cases() {
  return cases_for(ref::role::client);
}

// The verdicts the reference must reach: OK, or what the case itself declares for a behaviour
// the RFC leaves open.
void expect_pass(const case_result& r) {
  std::string why;
  for (const auto& reason : r.reasons) why += "\n  - " + reason.text;
  const bool informational =
      r.behavior == verdict::informational && r.close == close_verdict::informational;
  EXPECT_TRUE((r.behavior == verdict::ok && r.close == close_verdict::ok) || informational)
      << r.id << ": " << to_string(r.behavior) << " / " << to_string(r.close)
      << "\n  expected: " << r.expected << "\n  actual: " << r.actual << why;
}

ref::connection_config reference_server() {
  ref::connection_config c;
  c.self = ref::role::server;
  c.accept_any_subprotocol = true;
  return c;
}

ref::connection_config reference_client() {
  ref::connection_config c;
  c.self = ref::role::client;
  c.request.host = "127.0.0.1:9001";
  c.request.target = "/runCase?case=1&agent=reference";
  // As `wsspec echo-client` offers it, so that the compression cases run in client role too.
  ref::deflate_offer offer;
  offer.client_max_window_bits_present = true;
  c.offer_deflate = offer;
  return c;
}

class InProcess : public ::testing::TestWithParam<const case_def*> {};
class InProcessClient : public ::testing::TestWithParam<const case_def*> {};

// A case that expects the target to fail the connection or refuse the handshake.
bool expects_failure(const case_def& c) {
  return c.expect.close.closes == close_expectation::who::target ||
         (c.expect.handshake &&
          c.expect.handshake->expect == handshake_expectation::outcome::reject);
}

// Runs `c` against a fresh in-process reference connection of the other role and checks that it
// passes, and that the rules the reference failed on are ones the case names: a case that names
// a rule the reference never checks on its input could not catch a target that breaks it.
void passes_against_the_reference(const case_def& c, ref::role target) {
  std::vector<ref::error> failures;
  run_options o;
  o.target = target;
  o.jobs = 1;
  o.in_memory_peer = [&](net::any_io_executor ex) {
    return make_reference_peer(
        std::move(ex), target == ref::role::server ? reference_server() : reference_client(),
        [&](ref::error e) { failures.push_back(e); });
  };
  const auto outcome = run_cases({&c}, o);
  ASSERT_EQ(outcome.results.size(), 1u);
  expect_pass(outcome.results.front());
  if (expects_failure(c)) {
    EXPECT_FALSE(c.rules.empty()) << c.id << " names no reference rule";
  }
  for (auto e : failures)
    EXPECT_NE(std::find(c.rules.begin(), c.rules.end(), e), c.rules.end())
        << c.id << ": the reference fails on " << ref::name(e) << ", which the case does not name";
  if (target == ref::role::server && !c.rules.empty() &&
      c.expect.close.closes == close_expectation::who::target) {
    EXPECT_FALSE(failures.empty()) << c.id << " names a rule, but the reference failed on none";
  }
}

TEST_P(InProcess, ReferencePasses) {
  passes_against_the_reference(*GetParam(), ref::role::server);
}

// The same catalogue in client role: wsspec serves, the reference client connects and echoes.
TEST_P(InProcessClient, ReferencePasses) {
  passes_against_the_reference(*GetParam(), ref::role::client);
}

std::string case_name(const ::testing::TestParamInfo<const case_def*>& info) {
  std::string n = info.param->id;
  for (char& ch : n)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return n;
}

INSTANTIATE_TEST_SUITE_P(Catalogue, InProcess, ::testing::ValuesIn(server_cases()), case_name);
INSTANTIATE_TEST_SUITE_P(Catalogue, InProcessClient, ::testing::ValuesIn(client_cases()),
                         case_name);

TEST(Loopback, WholeCatalogueAgainstTheReferenceEchoServer) {
  boost::asio::io_context ioc(1);
  ref::asio::echo_server_options so;
  so.port = 0;
  ref::asio::echo_server server(ioc, so);
  std::thread t([&] { ioc.run(); });
  run_options o;
  o.port = server.port();
  o.host_header = "127.0.0.1:" + std::to_string(server.port());
  o.jobs = 8;
  const auto cases = server_cases();
  const auto outcome = run_cases(cases, o);
  server.stop();
  ioc.stop();
  t.join();
  ASSERT_FALSE(outcome.unreachable) << outcome.unreachable_reason;
  ASSERT_EQ(outcome.results.size(), cases.size());
  for (const auto& r : outcome.results) expect_pass(r);
}

}  // namespace
}  // namespace wsspec::harness
