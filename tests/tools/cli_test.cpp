// The command line: reports written by test-server, re-rendered and merged from saved results,
// expectations, Autobahn spec files, and one line on stderr with exit status 2 for any misuse.
#include "wsspec/cli.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "support/tls_certs.hpp"
#include "tools/cli_support.hpp"
#include "wsspec/reference/asio/endpoint.hpp"

namespace wsspec::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using support::outcome;
using support::temp_dir;
using support::wsspec;

// The reference echo server on its own thread, on a free port. With a small `max_message` it
// refuses longer messages, failing the cases that send them: a target that breaks a MUST.
// With `tls`, it serves wss://.
class echo_server {
 public:
  explicit echo_server(std::uint64_t max_message = 64ull << 20,
                       std::shared_ptr<ref::asio::tls_context> tls = nullptr) {
    ref::asio::echo_server_options o;
    o.port = 0;
    o.max_message_size = max_message;
    o.tls = std::move(tls);
    server_ = std::make_unique<ref::asio::echo_server>(ioc_, o);
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~echo_server() {
    ioc_.stop();
    thread_.join();
  }
  std::string url() const { return "ws://127.0.0.1:" + std::to_string(server_->port()) + "/"; }
  std::string wss_url(const std::string& host) const {
    return "wss://" + host + ":" + std::to_string(server_->port()) + "/";
  }

 private:
  boost::asio::io_context ioc_{1};
  std::unique_ptr<ref::asio::echo_server> server_;
  std::thread thread_;
};

std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

void spit(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

std::vector<std::string> ids_in(const std::string& results_path) {
  std::vector<std::string> ids;
  const json doc = json::parse(slurp(results_path));
  for (const auto& r : doc["agents"][0]["results"]) ids.push_back(r["id"].get<std::string>());
  return ids;
}

// The id of the case with this Autobahn number in a results.json.
std::string id_of(const std::string& results_path, const std::string& autobahn) {
  const json doc = json::parse(slurp(results_path));
  for (const auto& r : doc["agents"][0]["results"])
    if (r["autobahn"] == autobahn) return r["id"].get<std::string>();
  return "";
}

TEST(Cli, EveryMisuseIsOneLineOnStderrAndExitTwo) {
  temp_dir dir;
  spit(dir / "bad.json", "{not json");
  spit(dir / "server-spec.json",
       R"({"url": "ws://127.0.0.1:9001", "cases": ["*"], "key": "k.pem", "cert": "c.pem"})");
  spit(dir / "neither-spec.json", R"({"cases": ["*"]})");
  spit(dir / "empty-spec.json", R"({"servers": []})");
  spit(dir / "expect.json", R"({"wsspec_expectations": 1, "cases": {"x": {"behavior": ["MEH"]}}})");
  const std::vector<std::vector<std::string>> lines = {
      {},
      {"bogus"},
      {"report"},
      {"report", "html"},
      {"report", "pdf", dir / "bad.json"},
      {"report", "html", dir / "missing.json"},
      {"report", "junit", dir / "bad.json"},
      {"report", "merge", dir / "bad.json"},
      {"report", "merge", dir / "missing.json", "-o", dir / "out.json"},
      {"expect", "--from", dir / "missing.json"},
      {"expect", "--from", dir / "bad.json", "-o", dir / "e.json"},
      {"run"},
      {"run", dir / "missing.json"},
      {"run", dir / "bad.json"},
      {"run", dir / "server-spec.json"},
      {"run", dir / "neither-spec.json"},
      {"run", dir / "empty-spec.json"},
      {"test-client", "--listen", "9001"},
      {"test-client", "no-such-case-anywhere"},
      {"test-client", "--shard", "3/2"},
      {"test-client", "--listen", "192.0.2.1:9001", "--exec", "true"},
      {"test-server"},
      {"test-server", "http://127.0.0.1:9001/"},
      {"test-server", "ws://127.0.0.1:9/", "--shard", "3/2"},
      {"test-server", "ws://127.0.0.1:9/", "--expect", dir / "missing.json"},
      {"test-server", "ws://127.0.0.1:9/", "--expect", dir / "expect.json"},
      {"test-server", "ws://127.0.0.1:9/", "no-such-case"},
      {"test-server", "ws://127.0.0.1:9/", "--insecure"},
      {"test-server", "wss://127.0.0.1:9/", "--ca", dir / "missing.pem"},
      {"test-server", "wss://127.0.0.1:9/", "--client-cert", dir / "missing.pem"},
      {"echo-server", "--tls-cert", dir / "missing.pem"},
      {"echo-server", "--tls-cert", dir / "missing.pem", "--tls-key", dir / "missing.key"},
  };
  for (const auto& line : lines) {
    const auto o = wsspec(line);
    std::string shown;
    for (const auto& a : line) shown += " " + a;
    EXPECT_EQ(o.code, 2) << shown;
    EXPECT_EQ(std::count(o.err.begin(), o.err.end(), '\n'), 1) << shown << ": " << o.err;
    EXPECT_EQ(o.err.rfind("wsspec: ", 0), 0u) << shown << ": " << o.err;
  }
  // The reference client says why on the process's own stderr.
  EXPECT_EQ(wsspec({"echo-client", "wss://127.0.0.1:9/", "--ca", dir / "missing.pem"}).code, 2);
  EXPECT_NE(wsspec({"run", dir / "server-spec.json"}).err.find("wss://"), std::string::npos);
  EXPECT_NE(wsspec({"run", dir / "neither-spec.json"}).err.find("fuzzingserver"),
            std::string::npos);
}

TEST(Cli, AnUnreachableTargetExitsTwo) {
  const auto o = wsspec({"test-server", "ws://127.0.0.1:9/", "1.1.1", "--out", "/nonexistent"});
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("could not be reached"), std::string::npos);
}

TEST(Cli, TestServerWritesEveryReportAndTheyReRenderFromResults) {
  echo_server server;
  temp_dir dir;
  const auto o = wsspec({"test-server", server.url(), "1.1.1", "1.1.2", "2.1", "--out", dir / "out",
                         "--agent", "Ref Server", "--junit", dir / "extra.xml"});
  ASSERT_EQ(o.code, 0) << o.out << o.err;
  for (const char* f : {"results.json", "index.html", "junit.xml", "index.json",
                        "ref_server_case_1_1_1.json", "ref_server_case_2_1.json"})
    EXPECT_TRUE(fs::exists(dir.path() / "out" / f)) << f;
  EXPECT_NE(o.out.find("Reports in " + (dir / "out")), std::string::npos);
  EXPECT_NE(o.out.find("JUnit XML: " + (dir / "extra.xml")), std::string::npos);
  EXPECT_EQ(slurp(dir / "extra.xml"), slurp(dir / "out/junit.xml"));
  const json index = json::parse(slurp(dir / "out/index.json"));
  EXPECT_EQ(index["Ref Server"].size(), 3u);
  EXPECT_EQ(index["Ref Server"]["2.1"]["behavior"], "OK");

  // Reports are functions of results.json: rendering it again gives the same files.
  const std::string results = dir / "out/results.json";
  EXPECT_EQ(wsspec({"report", "html", results, "-o", dir / "again.html"}).code, 0);
  EXPECT_EQ(slurp(dir / "again.html"), slurp(dir / "out/index.html"));
  EXPECT_EQ(wsspec({"report", "junit", results, "-o", dir / "again.xml"}).code, 0);
  EXPECT_EQ(slurp(dir / "again.xml"), slurp(dir / "out/junit.xml"));
  const auto md = wsspec({"report", "markdown", results});
  EXPECT_EQ(md.code, 0);
  EXPECT_NE(md.out.find("**Gate passed**"), std::string::npos);
}

TEST(Cli, ExpectationsGateTheRun) {
  echo_server server(1);  // 1.1.1 sends an empty message (passes), 1.1.2 one of 125 bytes (fails)
  temp_dir dir;
  const std::vector<std::string> run = {"test-server", server.url(), "1.1.1",
                                        "1.1.2",       "--out",      dir / "out"};
  const auto first = wsspec(run);
  EXPECT_EQ(first.code, 1) << first.out << first.err;  // a MUST not met
  const std::string passes = id_of(dir / "out/results.json", "1.1.1");
  const std::string fails = id_of(dir / "out/results.json", "1.1.2");

  ASSERT_EQ(wsspec({"expect", "--from", dir / "out/results.json", "-o", dir / "expect.json"}).code,
            0);
  auto with_expect = run;
  with_expect.insert(with_expect.end(), {"--expect", dir / "expect.json"});
  const auto known = wsspec(with_expect);
  EXPECT_EQ(known.code, 0) << known.out;
  EXPECT_NE(known.out.find("0 not allowed, 0 improved"), std::string::npos) << known.out;

  // Allow only FAILED where the target passes (an improvement), then only OK where it fails.
  json e = json::parse(slurp(dir / "expect.json"));
  e["cases"][passes]["behavior"] = {"FAILED"};
  spit(dir / "expect.json", e.dump());
  const auto better = wsspec(with_expect);
  EXPECT_EQ(better.code, 0) << better.out;
  EXPECT_NE(better.out.find("Better than"), std::string::npos);
  EXPECT_NE(better.out.find(passes + ": now OK"), std::string::npos);

  e["cases"][fails]["behavior"] = {"OK"};
  spit(dir / "expect.json", e.dump());
  const auto worse = wsspec(with_expect);
  EXPECT_EQ(worse.code, 1) << worse.out;
  EXPECT_NE(worse.out.find("Not allowed by"), std::string::npos);
}

TEST(Cli, MergedShardsEqualOneRun) {
  echo_server server;
  temp_dir dir;
  const std::vector<std::string> base = {"test-server", server.url(), "1.1.*", "2.*", "-q"};
  auto run_into = [&](const std::string& out, const std::string& shard) {
    auto args = base;
    args.insert(args.end(), {"--out", dir / out});
    if (!shard.empty()) args.insert(args.end(), {"--shard", shard});
    return wsspec(args).code;
  };
  ASSERT_EQ(run_into("whole", ""), 0);
  ASSERT_EQ(run_into("s1", "1/3"), 0);
  ASSERT_EQ(run_into("s2", "2/3"), 0);
  ASSERT_EQ(run_into("s3", "3/3"), 0);
  const auto m = wsspec({"report", "merge", dir / "s3/results.json", dir / "s1/results.json",
                         dir / "s2/results.json", "-o", dir / "merged.json"});
  ASSERT_EQ(m.code, 0) << m.err;
  EXPECT_EQ(ids_in(dir / "merged.json"), ids_in(dir / "whole/results.json"));
  const json merged = json::parse(slurp(dir / "merged.json"));
  EXPECT_EQ(merged["agents"].size(), 1u);
  EXPECT_EQ(merged["agents"][0]["run"]["shard"], "");
  // Merging a shard twice is refused.
  EXPECT_EQ(wsspec({"report", "merge", dir / "s1/results.json", dir / "s1/results.json", "-o",
                    dir / "twice.json"})
                .code,
            2);
}

TEST(Cli, RunsAnAutobahnFuzzingClientSpec) {
  echo_server server;
  temp_dir dir;
  const std::string url = server.url().substr(0, server.url().size() - 1);  // as Autobahn writes it
  const json spec = {
      {"options", {{"failByDrop", false}}},
      {"outdir", dir / "reports"},
      {"servers", {{{"agent", "Ref A"}, {"url", url}}, {{"agent", "ref-b"}, {"url", url}}}},
      {"cases", {"1.1.*"}},
      {"exclude-cases", {"1.1.8"}},
      {"exclude-agent-cases", {{"ref-*", {"1.1.7"}}}}};
  spit(dir / "fuzzingclient.json", spec.dump(2));
  const auto o = wsspec({"run", dir / "fuzzingclient.json", "-q"});
  ASSERT_EQ(o.code, 0) << o.out << o.err;
  const json index = json::parse(slurp(dir / "reports/index.json"));
  EXPECT_EQ(index["Ref A"].size(), 7u);
  EXPECT_EQ(index["ref-b"].size(), 6u);
  EXPECT_FALSE(index["ref-b"].contains("1.1.7"));
  EXPECT_TRUE(fs::exists(dir.path() / "reports/ref_a_case_1_1_1.json"));
  EXPECT_TRUE(fs::exists(dir.path() / "reports/index.html"));
  EXPECT_EQ(json::parse(slurp(dir / "reports/results.json"))["agents"].size(), 2u);

  // Autobahn's pattern rules: without '*', a pattern is one exact case number.
  spit(dir / "exact.json", json({{"outdir", dir / "exact"},
                                 {"servers", {{{"agent", "x"}, {"url", url}}}},
                                 {"cases", {"1.1"}}})
                               .dump());
  const auto exact = wsspec({"run", dir / "exact.json", "-q"});
  EXPECT_EQ(exact.code, 2);
  EXPECT_NE(exact.err.find("no case of the spec is left"), std::string::npos);
}

TEST(Cli, AnUnreachableServerInASpecExitsTwoAfterTheOthers) {
  echo_server server;
  temp_dir dir;
  const json spec = {{"outdir", dir / "reports"},
                     {"servers",
                      {{{"agent", "down"}, {"url", "ws://127.0.0.1:9"}},
                       {{"agent", "up"}, {"url", server.url()}}}},
                     {"cases", {"1.1.1"}}};
  spit(dir / "spec.json", spec.dump());
  const auto o = wsspec({"run", dir / "spec.json"});
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("could not be reached"), std::string::npos);
  const json index = json::parse(slurp(dir / "reports/index.json"));
  EXPECT_TRUE(index.contains("up"));
  EXPECT_FALSE(index.contains("down"));
}

TEST(Cli, RulesGateOnUncoveredSentencesAndPrintJson) {
  const auto gate = wsspec({"rules", "--uncovered"});
  EXPECT_EQ(gate.code, 0) << gate.out;  // every sentence binding servers has cases or a reason
  EXPECT_NE(gate.out.find("No sentence is uncovered."), std::string::npos) << gate.out;
  // Nothing is left planned: RFC 7692 has its cases too.
  EXPECT_EQ(gate.out.find("Planned ("), std::string::npos) << gate.out;

  const auto j = wsspec({"rules", "--json", "--rfc", "6455"});
  ASSERT_EQ(j.code, 0) << j.err;
  const json doc = json::parse(j.out);
  ASSERT_TRUE(doc["sentences"].is_array());
  EXPECT_GT(doc["sentences"].size(), 100u);
  for (const auto& s : doc["sentences"]) {
    EXPECT_EQ(s["rfc"], "RFC 6455");
    for (const char* key : {"id", "section", "level", "side", "status", "text"})
      EXPECT_TRUE(s[key].is_string()) << key;
    EXPECT_TRUE(s["cases"].is_array());
  }
  EXPECT_EQ(doc["summary"]["uncovered"], 0);

  const auto table = wsspec({"rules"});
  EXPECT_EQ(table.code, 0);
  EXPECT_NE(table.out.find("6455/5.5.2#1"), std::string::npos);
  EXPECT_NE(table.out.find("7692/"), std::string::npos);

  for (const std::vector<std::string>& misuse :
       {std::vector<std::string>{"rules", "--rfc", "2616"},
        std::vector<std::string>{"rules", "--markdown", "--json"},
        std::vector<std::string>{"rules", "--uncovered", "--markdown"}}) {
    const auto o = wsspec(misuse);
    EXPECT_EQ(o.code, 2) << misuse[1];
    EXPECT_EQ(std::count(o.err.begin(), o.err.end(), '\n'), 1) << o.err;
  }
}

}  // namespace
}  // namespace wsspec::cli

namespace wsspec::cli {
namespace {

std::shared_ptr<ref::asio::tls_context> serving(const test::test_pki& pki,
                                                const std::string& name) {
  ref::asio::tls_server_options o;
  o.cert_file = pki.cert(name);
  o.key_file = pki.key(name);
  return ref::asio::make_server_context(o);
}

// wss://: the same cases pass over TLS against the reference, with the certificate checked
// against the CA given by --ca and the host name of the URL.
TEST(Cli, TestServerOverTlsPassesTheReference) {
  const test::test_pki pki;
  echo_server server(64ull << 20, serving(pki, "server"));
  temp_dir dir;
  // The 8 KiB head in one-byte writes (8 500 TLS records) is left out: under ASan it outlasts the
  // reference server's 5 s for a handshake.
  const auto o = wsspec({"test-server", server.wss_url("localhost"), "1.*", "2.*", "3.*", "4.*",
                         "5.*", "7.*", "10.*", "12.1.1", "rfc6455/4*", "--exclude",
                         "rfc6455/4.2.1/large-head-in-1-byte-writes", "--ca", pki.cert("ca"), "-q",
                         "--out", dir / "out"});
  EXPECT_EQ(o.code, 0) << o.out << o.err;
  const json doc = json::parse(slurp(dir / "out/results.json"));
  const auto& results = doc["agents"][0]["results"];
  EXPECT_GT(results.size(), 100u);
  for (const auto& r : results) {
    const std::string behavior = r["behavior"].get<std::string>();
    EXPECT_TRUE(behavior == "OK" || behavior == "INFORMATIONAL") << r["id"] << ": " << behavior;
  }
}

// A certificate the client cannot trust is one line and exit 2, never a FAILED case.
TEST(Cli, AnUntrustedCertificateIsOneLineAndExitTwo) {
  const test::test_pki pki;
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"other_host", "mismatch"}, {"expired", "expired"}, {"self_signed", "self-signed"}};
  for (const auto& [name, reason] : bad) {
    echo_server server(64ull << 20, serving(pki, name));
    temp_dir dir;
    const auto o = wsspec({"test-server", server.wss_url("localhost"), "1.1.1", "--ca",
                           pki.cert("ca"), "--out", dir / "out"});
    EXPECT_EQ(o.code, 2) << name;
    EXPECT_EQ(std::count(o.err.begin(), o.err.end(), '\n'), 1) << name << ": " << o.err;
    EXPECT_NE(o.err.find(reason), std::string::npos) << name << ": " << o.err;
  }
  // --insecure takes any certificate, and says so.
  echo_server server(64ull << 20, serving(pki, "self_signed"));
  temp_dir dir;
  const auto o = wsspec(
      {"test-server", server.wss_url("localhost"), "1.1.1", "--insecure", "--out", dir / "out"});
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.out.find("not verified"), std::string::npos) << o.out;
  EXPECT_TRUE(json::parse(slurp(dir / "out/results.json"))["agents"][0]["run"].value(
      "tls_unverified", false));
}

}  // namespace
}  // namespace wsspec::cli
