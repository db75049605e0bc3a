// Autobahn's index.json: golden output, its file naming rule, and the per-case files it names.
#include "wsspec/reports/autobahn_index.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "reports/fixtures.hpp"

namespace wsspec::reports {
namespace {

using namespace testing;
using nlohmann::json;

std::string render(const report& r) {
  std::ostringstream s;
  write_autobahn_index(r, s);
  return s.str();
}

TEST(AutobahnIndex, SampleMatchesGolden) {
  EXPECT_EQ(check_golden("sample-index.json", render(sample_report())), "");
}

TEST(AutobahnIndex, HoldsOnlyCasesWithAnAutobahnNumber) {
  const json j = json::parse(render(sample_report()));
  ASSERT_TRUE(j.contains("Acme WS 1.0"));
  const auto& cases = j["Acme WS 1.0"];
  EXPECT_EQ(cases.size(), 5u);  // rfc6455/5.5.2/ping-after-close has none
  EXPECT_EQ(cases["3.2"], json({{"behavior", "OK"},
                                {"behaviorClose", "OK"},
                                {"duration", 12},
                                {"remoteCloseCode", 1000},
                                {"reportfile", "acme_ws_1_0_case_3_2.json"}}));
  EXPECT_TRUE(j["libexample/2.3-rc1"]["3.2"]["remoteCloseCode"].is_null());
  EXPECT_EQ(j["libexample/2.3-rc1"]["3.2"]["behavior"], "FAILED");
  EXPECT_EQ(j["libexample/2.3-rc1"]["3.2"]["behaviorClose"], "UNCLEAN");
}

TEST(AutobahnIndex, IsWrittenLikeJsonDumpsWithSortedKeysAndIndentThree) {
  const std::string text = render(sample_report());
  EXPECT_EQ(text.rfind("{\n   \"Acme WS 1.0\": {\n      \"12.1.1\": {\n         \"behavior\"", 0),
            0u);
}

TEST(AutobahnIndex, ReportFileNamesFollowAutobahn) {
  EXPECT_EQ(autobahn_report_file("AutobahnPython/0.6.0", "1.1.1"),
            "autobahnpython_0_6_0_case_1_1_1.json");
  EXPECT_EQ(autobahn_report_file("  My Server  ", "12.1.10"), "my_server_case_12_1_10.json");
  EXPECT_EQ(autobahn_report_file("a..b", "2.1"), "a__b_case_2_1.json");
  EXPECT_EQ(autobahn_report_file("\"><img>", "3.1"), "img_case_3_1.json");
}

TEST(AutobahnIndex, CaseFileHoldsTheResultAndAutobahnFields) {
  const report r = sample_report();
  std::ostringstream s;
  write_autobahn_case(r.agents[1], r.agents[1].results[0], s);
  const json j = json::parse(s.str());
  EXPECT_EQ(j["id"], "rfc6455/5.2/rsv1-text");
  EXPECT_EQ(j["autobahn"], "3.2");
  EXPECT_EQ(j["agent"], "libexample/2.3-rc1");
  EXPECT_EQ(j["behavior"], "FAILED");
  EXPECT_EQ(j["behaviorClose"], "UNCLEAN");
  EXPECT_EQ(j["duration"], 12);
  EXPECT_TRUE(j["remoteCloseCode"].is_null());
  EXPECT_TRUE(j.contains("transcript"));
}

TEST(AutobahnIndex, HostileTextStaysValidJson) {
  const report r = hostile_report();
  const std::string index = render(r);
  EXPECT_TRUE(is_utf8(index));
  const json j = json::parse(index);
  EXPECT_EQ(j.size(), 1u);
  std::ostringstream s;
  write_autobahn_case(r.agents[0], r.agents[0].results[0], s);
  EXPECT_TRUE(is_utf8(s.str()));
  const json c = json::parse(s.str());
  EXPECT_EQ(c["remoteCloseCode"], 1002);
  EXPECT_NE(c["remoteCloseReason"].get<std::string>().find("<script>"), std::string::npos);
}

}  // namespace
}  // namespace wsspec::reports
