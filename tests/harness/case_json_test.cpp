// The case file format round-trips the whole built-in catalogue and rejects malformed input
// with a reason that names the case and field.
#include "wsspec/harness/case_json.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "wsspec/harness/catalogue.hpp"

namespace wsspec::harness {
namespace {

std::string error_of(std::string text) {
  std::istringstream in(text);
  try {
    read_case_file(in);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

constexpr const char* minimal =
    R"([{"id": "my/case", "section": "5.2", "requirement": "r", "description": "d",
         "steps": [{"send_frames": {"frames": [{"opcode": 1, "payload": {"text": "hi"}}]}}],
         "expect": {"outcomes": [{"events": [{"payload": {"text": "hi"}}]}]}}])";

TEST(CaseJson, MinimalFileLoadsWithDefaults) {
  std::istringstream in(minimal);
  const auto cases = read_case_file(in);
  ASSERT_EQ(cases.size(), 1u);
  const auto& c = cases.front();
  EXPECT_EQ(c.lvl, level::must);
  EXPECT_EQ(c.roles, role_set::both);
  EXPECT_EQ(c.expect.close.closes, close_expectation::who::harness);
  ASSERT_EQ(c.expect.outcomes.size(), 1u);
  EXPECT_EQ(c.expect.outcomes[0].events[0].payload.materialize(),
            (std::vector<std::uint8_t>{'h', 'i'}));
}

TEST(CaseJson, MalformedInputIsRejectedWithAReason) {
  EXPECT_NE(error_of("{"), "");
  EXPECT_NE(error_of("{}").find("array"), std::string::npos);
  std::string typo = minimal;
  typo.replace(typo.find("\"section\""), 9, "\"sectoin\": \"x\", \"section\"");
  EXPECT_NE(error_of(typo).find("unknown field \"sectoin\""), std::string::npos);
  std::string missing = minimal;
  missing.replace(missing.find("\"section\""), 9, "\"other\"");
  EXPECT_NE(error_of(missing).find("missing field \"section\""), std::string::npos);
  std::string bad_step = minimal;
  bad_step.replace(bad_step.find("send_frames"), 11, "send_framez");
  EXPECT_NE(error_of(bad_step).find("unknown step"), std::string::npos);
  std::string bad_hex = minimal;
  bad_hex.replace(bad_hex.find("\"text\": \"hi\""), 12, "\"hex\": \"abc\"");
  EXPECT_NE(error_of(bad_hex).find("odd"), std::string::npos);
  std::string bad_opcode = minimal;
  bad_opcode.replace(bad_opcode.find("\"opcode\": 1"), 11, "\"opcode\": 16");
  EXPECT_NE(error_of(bad_opcode).find("opcode"), std::string::npos);
}

TEST(CaseJson, NonUtf8PayloadsAreWrittenAsHex) {
  catalogue cat;
  cat.add("x")
      .section("8.1")
      .must("r")
      .describe("d")
      .send({frame(1, payload_spec::bytes({0xff}))})
      .expect_fail({1007});
  const auto j = to_json(cat.cases().front());
  EXPECT_EQ(j["steps"][0]["send_frames"]["frames"][0]["payload"]["hex"], "ff");
}

}  // namespace
}  // namespace wsspec::harness
