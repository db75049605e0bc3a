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

TEST(Json, RejectsWhatItDidNotWrite) {
  EXPECT_THROW(read("not json"), std::runtime_error);
  EXPECT_THROW(read("{\"schema_version\": 99, \"agents\": []}"), std::runtime_error);
  EXPECT_THROW(read("{\"schema_version\": 1, \"agents\": [{}]}"), std::runtime_error);
}

}  // namespace
}  // namespace wsspec::reports
