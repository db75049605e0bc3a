// `wsspec fuzz`: a campaign's folder (findings, reports, campaign.json), --resume, replaying a
// finding with test-server --case-file, and one line with exit status 2 for any misuse.
#include "wsspec/fuzz_command.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "fault/peer_process.hpp"
#include "tools/cli_support.hpp"
#include "wsspec/reference/asio/endpoint.hpp"

namespace wsspec::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using support::outcome;
using support::temp_dir;
using support::wsspec;

// The reference echo server on its own thread.
class echo_server {
 public:
  echo_server() {
    ref::asio::echo_server_options o;
    o.port = 0;
    server_ = std::make_unique<ref::asio::echo_server>(ioc_, o);
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~echo_server() {
    ioc_.stop();
    thread_.join();
  }
  std::string url() const { return "ws://127.0.0.1:" + std::to_string(server_->port()) + "/"; }

 private:
  boost::asio::io_context ioc_{1};
  std::unique_ptr<ref::asio::echo_server> server_;
  std::thread thread_;
};

json read(const std::string& path) {
  std::ifstream f(path);
  return json::parse(f);
}

std::size_t lines(const std::string& s) {
  return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n'));
}

TEST(FuzzCommand, ParsesDurations) {
  std::uint64_t ms = 0;
  EXPECT_TRUE(parse_duration("60s", ms));
  EXPECT_EQ(ms, 60000u);
  EXPECT_TRUE(parse_duration("5m", ms));
  EXPECT_EQ(ms, 300000u);
  EXPECT_TRUE(parse_duration("250ms", ms));
  EXPECT_EQ(ms, 250u);
  EXPECT_TRUE(parse_duration("1h", ms));
  EXPECT_EQ(ms, 3600000u);
  EXPECT_TRUE(parse_duration("2", ms));
  EXPECT_EQ(ms, 2000u);
  for (const char* bad : {"", "s", "5x", "-1s", "0s", "1.5s", "99999999999999s"})
    EXPECT_FALSE(parse_duration(bad, ms)) << bad;
}

TEST(FuzzCommand, ACampaignAgainstTheReferenceFindsNothingAndCanBeResumed) {
  echo_server server;
  temp_dir dir;
  const auto out = dir / "campaign";
  const auto first = wsspec({"fuzz", server.url(), "--runs", "300", "--out", out, "-q"});
  EXPECT_EQ(first.code, 0) << first.out << first.err;
  EXPECT_TRUE(first.err.empty()) << first.err;
  const auto campaign = read(out + "/campaign.json");
  EXPECT_EQ(campaign["next_run"], 300);
  EXPECT_EQ(campaign["runs"], 300);
  EXPECT_TRUE(campaign["findings"].empty());
  const auto results = read(out + "/results.json");
  const auto& info = results["agents"][0]["run"];
  EXPECT_EQ(info["fuzz"]["runs"], 300);
  EXPECT_GT(info["fuzz"]["runs_per_second"].get<double>(), 0.0);
  EXPECT_TRUE(results["agents"][0]["results"].empty());
  EXPECT_TRUE(fs::exists(out + "/index.html"));
  EXPECT_TRUE(fs::is_empty(out + "/findings"));

  const auto more = wsspec({"fuzz", "--resume", out, "--runs", "100", "-q"});
  EXPECT_EQ(more.code, 0) << more.out << more.err;
  const auto resumed = read(out + "/campaign.json");
  EXPECT_EQ(resumed["next_run"], 400);
  EXPECT_EQ(resumed["runs"], 400);
  EXPECT_EQ(resumed["target"], server.url());
}

TEST(FuzzCommand, AFindingIsACaseFileThatReplaysToTheSameVerdict) {
  // The reference echo server with a fault: it echoes every message without its last byte.
  harness::faulty_peer peer({"--fault", "last-byte-dropped"});
  ASSERT_NE(peer.port(), 0) << peer.problem();
  const std::string url = "ws://127.0.0.1:" + std::to_string(peer.port()) + "/";
  temp_dir dir;
  const auto out = dir / "campaign";
  const auto run =
      wsspec({"fuzz", url, "--runs", "200", "--out", out, "-q", "--no-liveness", "rfc6455/5.6"});
  EXPECT_EQ(run.code, 1) << run.out << run.err;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(out + "/findings")) files.push_back(e.path());
  ASSERT_FALSE(files.empty()) << run.out;
  const auto results = read(out + "/results.json");
  ASSERT_EQ(results["agents"][0]["results"].size(), files.size());
  for (const auto& r : results["agents"][0]["results"]) {
    const std::string id = r["id"];
    fs::path file;
    for (const auto& f : files)
      if (read(f.string())[0]["id"] == id) file = f;
    ASSERT_FALSE(file.empty()) << id;
    temp_dir replay_dir;
    const auto replay =
        wsspec({"test-server", url, "--case-file", file.string(), "--out", replay_dir / "r", "-q"});
    const auto replayed = read(replay_dir / "r/results.json")["agents"][0]["results"][0];
    EXPECT_EQ(replayed["behavior"], r["behavior"]) << file << replay.out;
    EXPECT_EQ(replayed["behavior_close"], r["behavior_close"]) << file << replay.out;
    EXPECT_EQ(replay.code, r["behavior"] == "FAILED" || r["behavior_close"] == "FAILED" ? 1 : 0)
        << replay.out;
  }
  EXPECT_NE(run.out.find("findings/"), std::string::npos) << run.out;
}

TEST(FuzzCommand, MisuseIsOneLineAndExitStatus2) {
  echo_server server;
  temp_dir dir;
  const std::vector<std::vector<std::string>> bad = {
      {"fuzz"},
      {"fuzz", "http://127.0.0.1:1/"},
      {"fuzz", server.url(), "--duration", "soon"},
      {"fuzz", server.url(), "--jobs", "0"},
      {"fuzz", server.url(), "no-such-case"},
      {"fuzz", server.url(), "--ca", "x.pem"},
      {"fuzz", "--resume", dir / "nothing-here"},
      {"fuzz", "ws://127.0.0.1:1/", "--runs", "5", "--out", dir / "x"},
  };
  for (const auto& args : bad) {
    const auto r = wsspec(args);
    std::string joined;
    for (const auto& a : args) joined += a + " ";
    EXPECT_EQ(r.code, 2) << joined << r.out << r.err;
    EXPECT_EQ(lines(r.err), 1u) << joined << r.err;
  }
}

}  // namespace
}  // namespace wsspec::cli
