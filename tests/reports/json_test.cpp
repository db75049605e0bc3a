// results.json: write → read → write is identical, and hostile text stays valid JSON.
#include "wsspec/reports/json.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "reports/fixtures.hpp"

namespace wsspec::reports {
namespace {

using namespace testing;

std::string write(const report& r) {
  std::ostringstream s;
  write_json(r, s);
  return s.str();
}

report read(const std::string& text) {
  std::istringstream in(text);
  return read_json(in);
}

TEST(Json, SampleMatchesGolden) {
  EXPECT_EQ(check_golden("sample-results.json", write(sample_report())), "");
}

TEST(Json, RoundTripIsIdentical) {
  const std::string first = write(sample_report());
  EXPECT_EQ(write(read(first)), first);
}

// A wss:// run without certificate checks says so, and only such a run carries the key.
TEST(Json, AnUnverifiedTlsRunSaysSo) {
  auto r = sample_report();
  EXPECT_EQ(write(r).find("tls_unverified"), std::string::npos);
  r.agents.front().info.tls_unverified = true;
  const std::string text = write(r);
  EXPECT_NE(text.find("\"tls_unverified\": true"), std::string::npos);
  EXPECT_TRUE(read(text).agents.front().info.tls_unverified);
  EXPECT_EQ(write(read(text)), text);
}

TEST(Json, HostileRoundTripIsIdenticalAndValid) {
  const std::string first = write(hostile_report());
  EXPECT_TRUE(is_utf8(first));
  const auto doc = nlohmann::json::parse(first);
  const auto& close = doc["agents"][0]["results"][0]["transcript"]["close"];
  // The reason's bytes survive as hex beside the replaced text.
  EXPECT_EQ(close["reason_hex"].get<std::string>(),
            to_hex(bytes_of(hostile_report().agents[0].results[0].remote_close_reason)));
  const report back = read(first);
  EXPECT_EQ(back.agents[0].results[0].log.close->reason,
            hostile_report().agents[0].results[0].remote_close_reason);
  EXPECT_EQ(write(back), first);
}

TEST(Json, OneLinePerWireLogEntry) {
  const report r = hostile_report();
  const std::string text = write(r);
  // Each entry of a wire log (and each message, pong and violation of a transcript) is one line.
  std::size_t entries = 0, entry_lines = 0, lines = 0;
  for (const auto& res : r.agents[0].results) entries += res.log.entries.size();
  std::istringstream in(text);
  for (std::string line; std::getline(in, line); ++lines) {
    if (line.find("{\"") == std::string::npos || line.find("\"t_us\":") == std::string::npos)
      continue;
    // A whole entry: it opens and closes on its line.
    EXPECT_EQ(line.back() == ',' ? line[line.size() - 2] : line.back(), '}') << line.substr(0, 80);
    if (line.find("\"kind\":") != std::string::npos) ++entry_lines;
  }
  EXPECT_EQ(entry_lines, entries);
  EXPECT_LT(lines, entries + 200);
  // Above the entries, one field per line, indented by one space per level.
  EXPECT_EQ(text.rfind("{\n \"agents\": [\n  {\n   \"results\": [\n", 0), 0u);
  EXPECT_NE(text.find("\n     \"id\": \"rfc6455/7.4.1/hostile-close\",\n"), std::string::npos);
  EXPECT_NE(text.find("\n \"schema_version\": 2\n}\n"), std::string::npos);
}

TEST(Json, EachFindingCarriesItsCodeLevelAndText) {
  const auto doc = nlohmann::json::parse(write(sample_report()));
  EXPECT_EQ(doc["schema_version"], 2);
  const auto& failed = doc["agents"][1]["results"][0];
  ASSERT_EQ(failed["reasons"].size(), 2u);
  EXPECT_EQ(failed["reasons"][0],
            nlohmann::json({{"code", "did_not_fail"},
                            {"level", "FAILED"},
                            {"text",
                             "the target echoed a frame with RSV1 set instead of failing "
                             "the connection"}}));
  const auto& summary = doc["agents"][1]["summary"];
  EXPECT_EQ(summary["gate_failures"], 1);
  EXPECT_EQ(summary["errors"], 1);
}

TEST(Json, ReadsSchemaOneWithPlainReasons) {
  // Schema 1 wrote each reason as a string: it reads as a finding coded "finding" at the case's
  // behavior verdict.
  auto doc = nlohmann::json::parse(write(sample_report()));
  doc["schema_version"] = 1;
  for (auto& a : doc["agents"]) {
    a["summary"].erase("errors");
    for (auto& r : a["results"]) {
      auto texts = nlohmann::json::array();
      for (const auto& f : r["reasons"]) texts.push_back(f["text"]);
      r["reasons"] = texts;
    }
  }
  const report back = read(doc.dump());
  const auto& failed = back.agents[1].results[0];
  ASSERT_EQ(failed.reasons.size(), 2u);
  EXPECT_EQ(failed.reasons[1],
            (finding{"finding", verdict::failed, "no Close frame from the target"}));
  EXPECT_EQ(back.agents[1].results[5].reasons.front().level, verdict::error);
  // Rewritten, it is schema 2.
  EXPECT_NE(write(back).find("\"schema_version\": 2"), std::string::npos);
}

TEST(Json, SchemaTwoNeedsStructuredFindings) {
  auto doc = nlohmann::json::parse(write(sample_report()));
  doc["agents"][1]["results"][0]["reasons"][0] = "a plain string";
  EXPECT_THROW(read(doc.dump()), std::runtime_error);
  doc = nlohmann::json::parse(write(sample_report()));
  doc["agents"][1]["results"][0]["reasons"][0]["level"] = "BAD";
  EXPECT_THROW(read(doc.dump()), std::runtime_error);
}

TEST(Json, RejectsWhatItDidNotWrite) {
  EXPECT_THROW(read("not json"), std::runtime_error);
  EXPECT_THROW(read("{\"schema_version\": 99, \"agents\": []}"), std::runtime_error);
  EXPECT_THROW(read("{\"schema_version\": 0, \"agents\": []}"), std::runtime_error);
  EXPECT_THROW(read("{\"schema_version\": 1, \"agents\": [{}]}"), std::runtime_error);
}

}  // namespace
}  // namespace wsspec::reports
