// Runs a selection of cases against a target, several at once, each within its deadline, and
// always returns a result for every case, whatever the target does.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "wsspec/harness/evaluator.hpp"
#include "wsspec/harness/session.hpp"
#include "wsspec/harness/transport.hpp"

namespace wsspec::harness {

struct run_options {
  ref::role target = ref::role::server;
  std::string host = "127.0.0.1";
  std::uint16_t port = 9001;
  std::string host_header = "127.0.0.1:9001";
  std::string resource = "/";
  std::size_t jobs = 8;
  std::uint64_t seed = 1;
  double time_scale = 1.0;
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds close_timeout{1000};
  // wss://: every connection runs the TLS handshake with this context (ref::asio::
  // make_client_context) and checks the certificate against `host`; null: ws://.
  std::shared_ptr<ref::asio::tls_context> tls;
  // Testing the reference in-process: each case gets a fresh reference connection as its peer
  // instead of a TCP connection.
  std::function<std::unique_ptr<transport>(net::any_io_executor)> in_memory_peer;
  // Called as each case finishes (in completion order), with its index in the selection.
  std::function<void(const case_result&, std::size_t index)> on_result;
};

struct run_outcome {
  std::vector<case_result> results;  // in selection order
  bool unreachable = false;          // not one connection could be made
  std::string unreachable_reason;
  std::chrono::milliseconds wall{0};
};

// Runs one case on a connected transport within a hard deadline (a fault of wsspec, should a
// session overrun, is recorded as harness_error), then closes the transport. The transcript is
// kept whatever happens; judge it with evaluate().
net::awaitable<void> run_recorded(const case_def& c, transport& t, session_config sc,
                                  transcript& tr);

run_outcome run_cases(const std::vector<const case_def*>& cases, const run_options& options);

}  // namespace wsspec::harness
