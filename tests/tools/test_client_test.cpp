// wsspec test-client and fuzzingserver specs: the reference testee client passes the whole
// client catalogue over loopback; a client that never connects, or hangs, still ends the run
// within its deadlines with every selected case reported; the exit status is the gate's.
#include "wsspec/test_client.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "support/tls_certs.hpp"
#include "tools/cli_support.hpp"

namespace wsspec::cli {
namespace {

using nlohmann::json;
using support::temp_dir;
using support::wsspec;

json load(const std::string& path) {
  std::ifstream f(path);
  return json::parse(f);
}

// The reference testee client offers permessage-deflate, as `wsspec echo-client` does by default.
const std::string reference_client = std::string(WSSPEC_BINARY) + " echo-client {url}";

// Autobahn 12.x and 13.x, long streams of messages, pass against the reference client in process
// (tests/cases) and against the peers' clients (tests/integration); here the rest of the catalogue
// runs over loopback, the other RFC 7692 cases included.
TEST(TestClient, TheReferenceClientPassesTheWholeClientCatalogue) {
  temp_dir dir;
  const auto o = wsspec({"test-client", "--listen", "127.0.0.1:0", "--exec", reference_client,
                         "--exclude", "12.*", "--exclude", "13.*", "--out", dir / "out", "-q"});
  EXPECT_EQ(o.code, 0) << o.out << o.err;
  const auto doc = load(dir / "out/results.json");
  ASSERT_EQ(doc["agents"].size(), 1u);
  const auto& a = doc["agents"][0];
  EXPECT_EQ(a["run"]["role"], "client");
  EXPECT_EQ(a["run"]["agent"], "wsspec-reference");
  EXPECT_GT(a["results"].size(), 400u);
  for (const auto& r : a["results"]) {
    const std::string b = r["behavior"];
    EXPECT_TRUE(b == "OK" || b == "INFORMATIONAL") << r["id"] << ": " << b;
  }
  // The RFC 7692 cases ran: none is UNIMPLEMENTED.
  EXPECT_GT(a["results"].size(), 440u);
  // Autobahn's index.json names the agent and its cases by their Autobahn numbers.
  const auto index = load(dir / "out/index.json");
  EXPECT_TRUE(index.contains("wsspec-reference"));
  EXPECT_TRUE(index["wsspec-reference"].contains("1.1.1"));
}

TEST(TestClient, ACompressionCaseIsUnimplementedForAClientWithoutDeflate) {
  temp_dir dir;
  const auto o = wsspec({"test-client", "12.1.1", "rfc7692/7/response-server-window-7",
                         "rfc7692/6.1/rsv1-on-ping", "--listen", "127.0.0.1:0", "--exec",
                         std::string(WSSPEC_BINARY) + " echo-client {url} --no-deflate", "--out",
                         dir / "out", "-q"});
  EXPECT_EQ(o.code, 0) << o.out << o.err;
  const auto doc = load(dir / "out/results.json");
  ASSERT_EQ(doc["agents"][0]["results"].size(), 3u);
  for (const auto& r : doc["agents"][0]["results"]) {
    EXPECT_EQ(r["behavior"], "UNIMPLEMENTED") << r["id"];
    EXPECT_EQ(r["behavior_close"], "OK") << r["id"];
  }
}

TEST(TestClient, AClientThatNeverConnectsHasEveryCaseFailed) {
  temp_dir dir;
  const auto o = wsspec({"test-client", "1.1.1", "2.1", "--listen", "127.0.0.1:0", "--exec",
                         "exit 0", "--agent", "absent", "--out", dir / "out"});
  EXPECT_EQ(o.code, 1) << o.out << o.err;
  const auto doc = load(dir / "out/results.json");
  ASSERT_EQ(doc["agents"].size(), 1u);
  EXPECT_EQ(doc["agents"][0]["run"]["agent"], "absent");
  ASSERT_EQ(doc["agents"][0]["results"].size(), 2u);
  for (const auto& r : doc["agents"][0]["results"]) {
    EXPECT_EQ(r["behavior"], "FAILED");
    EXPECT_EQ(r["reasons"][0]["code"], "case_not_run");
  }
  EXPECT_NE(o.out.find("exited with status 0"), std::string::npos) << o.out;
}

TEST(TestClient, AHangingClientIsStoppedAndTheRunReported) {
  temp_dir dir;
  // --slow 0.1 makes the idle deadline one second.
  const auto o = wsspec({"test-client", "1.1.1", "--listen", "127.0.0.1:0", "--exec", "sleep 60",
                         "--slow", "0.1", "--out", dir / "out"});
  EXPECT_EQ(o.code, 1) << o.out << o.err;
  EXPECT_NE(o.out.find("stopped it"), std::string::npos) << o.out;
  const auto doc = load(dir / "out/results.json");
  ASSERT_EQ(doc["agents"][0]["results"].size(), 1u);
  EXPECT_EQ(doc["agents"][0]["results"][0]["reasons"][0]["code"], "case_not_run");
}

TEST(TestClient, ExpectationsGateTheClientRun) {
  temp_dir dir;
  const auto first = wsspec({"test-client", "1.1.1", "2.1", "--listen", "127.0.0.1:0", "--exec",
                             "exit 0", "--agent", "absent", "--out", dir / "out"});
  ASSERT_EQ(first.code, 1);
  ASSERT_EQ(wsspec({"expect", "--from", dir / "out/results.json", "-o", dir / "expect.json"}).code,
            0);
  const auto again =
      wsspec({"test-client", "1.1.1", "2.1", "--listen", "127.0.0.1:0", "--exec", "exit 0",
              "--agent", "absent", "--expect", dir / "expect.json", "--out", dir / "out2"});
  EXPECT_EQ(again.code, 0) << again.out << again.err;
}

TEST(TestClient, RunsAnAutobahnFuzzingServerSpec) {
  temp_dir dir;
  std::ofstream(dir / "fuzzingserver.json") << json{
      {"url", "ws://127.0.0.1:0"},
      {"outdir", dir / "reports"},
      {"cases", {"1.*", "2.*"}},
      {"exclude-cases", {"1.2.*"}},
      {"exclude-agent-cases", {{"wsspec-ref*", {"2.1"}}}},
      {"options", json::object()}}.dump();
  const auto o = wsspec({"run", dir / "fuzzingserver.json", "--exec", reference_client, "-q"});
  EXPECT_EQ(o.code, 0) << o.out << o.err;
  const auto index = load(dir / "reports/index.json");
  ASSERT_TRUE(index.contains("wsspec-reference")) << index.dump();
  const auto& cases = index["wsspec-reference"];
  EXPECT_TRUE(cases.contains("1.1.1"));
  EXPECT_TRUE(cases.contains("2.2"));
  EXPECT_FALSE(cases.contains("1.2.1"));  // excluded for everyone
  EXPECT_FALSE(cases.contains("2.1"));    // excluded for this agent
}

// wss://: the client under test gets a wss:// URL and the same cases pass over TLS; a client
// that does not trust wsspec's certificate runs none of them.
TEST(TestClient, ServesClientsOverTls) {
  const test::test_pki pki;
  temp_dir dir;
  const std::vector<std::string> tls = {"--tls-cert", pki.cert("server"), "--tls-key",
                                        pki.key("server")};
  auto args = std::vector<std::string>{"test-client", "1.*",
                                       "2.*",         "5.*",
                                       "7.*",         "12.1.1",
                                       "--listen",    "127.0.0.1:0",
                                       "--exec",      reference_client + " --ca " + pki.cert("ca"),
                                       "-q",          "--out",
                                       dir / "out"};
  args.insert(args.end(), tls.begin(), tls.end());
  const auto o = wsspec(args);
  EXPECT_EQ(o.code, 0) << o.out << o.err;
  EXPECT_NE(o.out.find("wss://127.0.0.1:"), std::string::npos) << o.out;
  const auto results = load(dir / "out/results.json")["agents"][0]["results"];
  EXPECT_GT(results.size(), 50u);
  for (const auto& r : results) EXPECT_EQ(r["behavior"], "OK") << r["id"];

  // Without the CA, the reference client refuses the certificate and runs nothing.
  args = {"test-client",    "1.1.1", "--listen", "127.0.0.1:0",    "--exec",
          reference_client, "-q",    "--out",    dir / "untrusted"};
  args.insert(args.end(), tls.begin(), tls.end());
  const auto refused = wsspec(args);
  EXPECT_EQ(refused.code, 1) << refused.out << refused.err;
}

TEST(TestClient, RunsAFuzzingServerSpecOverTls) {
  const test::test_pki pki;
  temp_dir dir;
  std::ofstream(dir / "fuzzingserver.json")
      << json{{"url", "wss://127.0.0.1:0"}, {"outdir", dir / "reports"},
              {"cert", pki.cert("server")}, {"key", pki.key("server")},
              {"cases", {"1.1.1", "2.1"}},  {"options", json::object()}}
             .dump();
  const auto o = wsspec({"run", dir / "fuzzingserver.json", "--exec",
                         reference_client + " --ca " + pki.cert("ca"), "-q"});
  EXPECT_EQ(o.code, 0) << o.out << o.err;
  const auto index = load(dir / "reports/index.json");
  ASSERT_TRUE(index.contains("wsspec-reference")) << index.dump();
  EXPECT_EQ(index["wsspec-reference"]["1.1.1"]["behavior"], "OK");
  // A wss:// url without its certificate is a usage error.
  std::ofstream(dir / "no-cert.json")
      << json{{"url", "wss://127.0.0.1:0"}, {"cases", {"1.1.1"}}}.dump();
  const auto bad = wsspec({"run", dir / "no-cert.json", "--exec", reference_client});
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("\"cert\""), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace wsspec::cli
