// Testing clients: `wsspec test-client` and Autobahn fuzzingserver specs (`wsspec run`). wsspec
// listens, speaks Autobahn's testee protocol, and reports every selected case of every agent.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "run_common.hpp"

namespace wsspec::cli {

struct client_options : test_options {
  std::string listen = "127.0.0.1:9001";
  std::string exec;   // the client to start ("{url}" expands to the base URL)
  bool once = false;  // stop after the first /updateReports
  // wss://: serve with this certificate chain and key (PEM).
  std::string tls_cert;
  std::string tls_key;
};

int test_client(const client_options& o, std::ostream& out, std::ostream& err);

// An Autobahn fuzzingserver spec ({"url", "outdir", "cases", "exclude-cases",
// "exclude-agent-cases", "options", and "key" and "cert" for a wss:// url}), as it is. `path` names
// it in messages.
int run_fuzzingserver_spec(const nlohmann::json& spec, const std::string& path,
                           const client_options& base, std::ostream& out, std::ostream& err);

}  // namespace wsspec::cli
