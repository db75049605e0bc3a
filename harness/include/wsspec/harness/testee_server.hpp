// Testing clients: wsspec is the server they connect to, speaking Autobahn|Testsuite's
// fuzzingserver protocol so that existing testee clients work unchanged:
//   /getCaseCount                      one text message: the number of cases
//   /getCaseInfo?case=N                {"id": ..., "description": ...}
//   /getCaseStatus?case=N&agent=A      {"behavior": ...} once agent A's case N has a result
//   /runCase?case=N&agent=A            runs case N (1-based, or casetuple=6.4.3) on this connection
//   /updateReports[?agent=A]           the reports are written
// Several agents may be tested by one server, each with its own results.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "wsspec/harness/evaluator.hpp"

// The TLS context of wss:// (Boost.Asio's ssl::context; see wsspec/reference/asio/tls.hpp).
namespace boost::asio::ssl {
class context;
}

namespace wsspec::harness {

struct testee_options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 9001;           // 0: any free port
  std::vector<const case_def*> cases;  // case N of the protocol is cases[N - 1]
  std::uint64_t seed = 1;
  double time_scale = 1.0;
  std::chrono::milliseconds close_timeout{1000};
  // A connection that has not sent its whole request within this time is dropped.
  std::chrono::milliseconds request_timeout{5000};
  // Stop after this many /updateReports, once no connection is in progress (0: serve until
  // interrupted; 1: Autobahn's testee client is done).
  std::size_t stop_after_updates = 0;
  // Testing one client started with `exec`: wsspec starts it, and the run ends when it exits.
  // A client with no connection in progress for `idle_timeout`, or still running after
  // `deadline`, hangs: it is stopped.
  std::string exec;  // "{url}" expands to the base URL (ws://host:port, or wss://)
  // wss://: serve every connection over TLS with this context (ref::asio::make_server_context).
  std::shared_ptr<boost::asio::ssl::context> tls;
  std::chrono::milliseconds idle_timeout{10000};
  std::chrono::milliseconds deadline{std::chrono::hours(1)};
  // Called as wsspec listens (the bound port), as each case ends, and on /updateReports (an
  // empty agent: every agent), with every agent's results so far.
  std::function<void(std::uint16_t port)> on_listening;
  std::function<void(const std::string& agent, const case_result&, std::size_t index)> on_result;
  std::function<void(const std::string& agent, const std::vector<struct agent_results>& agents)>
      on_update_reports;
  // Cases an agent is not to run (Autobahn's exclude-agent-cases): /runCase opens and closes the
  // connection at once, and no result is recorded.
  std::function<bool(const std::string& agent, std::size_t index)> skip;
};

struct agent_results {
  std::string agent;
  std::vector<std::optional<case_result>> results;  // by index in testee_options::cases
};

struct testee_outcome {
  std::vector<agent_results> agents;  // in the order they first ran a case
  bool listen_failed = false;         // wsspec could not listen (the reason in `problem`)
  bool exec_failed = false;           // the client could not be started
  bool client_stopped = false;        // it hung and was stopped
  std::optional<int> client_exit;     // its exit status
  std::string problem;                // one line, for the user
  std::chrono::milliseconds wall{0};
};

// Serves until interrupted (SIGINT, SIGTERM), until the first /updateReports with `once`, or,
// with `exec`, until the client exits or is stopped.
testee_outcome serve_testees(const testee_options& options);

// The result of a case the agent never ran: FAILED (the client never connected for it).
case_result not_run(const case_def& c, std::string why);

// The value of `name` in a query string ("case=3&agent=x%20y"), percent-decoded ('+' is a
// space); nullopt when absent.
std::optional<std::string> query_value(std::string_view query, std::string_view name);

}  // namespace wsspec::harness
