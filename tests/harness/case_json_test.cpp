// The case file format round-trips the whole built-in catalogue and rejects malformed input
// with a reason that names the case and field.
#include "wsspec/harness/case_json.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
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

// A fuzzed case keeps every byte of text that is not UTF-8: a Close reason, a request written by
// hand, a header value.
TEST(CaseJson, TextThatIsNotUtf8RoundTripsAsHex) {
  catalogue cat;
  cat.add("x")
      .section("5.5.1")
      .must("r")
      .describe("d")
      .raw_request(std::string("GET {target} HTTP/1.1\nHost: {host}\xff\n\n"))
      .request_header("X-Bytes", "a\xc0\x80")
      .close(1000, "\xed\xa0\x80")
      .expect_fail({1007});
  const auto& c = cat.cases().front();
  const auto j = to_json(c);
  EXPECT_EQ(j["steps"][0]["close"]["reason"]["hex"], "eda080");
  EXPECT_TRUE(j["handshake"]["raw_request"].is_object());
  EXPECT_EQ(j["handshake"]["extra_headers"][0][1]["hex"], "61c080");
  EXPECT_NO_THROW((void)j.dump());
  const auto back = case_from_json(nlohmann::json::parse(j.dump()));
  EXPECT_EQ(std::get<close_step>(back.steps[0]).reason, "\xed\xa0\x80");
  EXPECT_EQ(back.handshake.raw_request, c.handshake.raw_request);
  EXPECT_EQ(back.handshake.extra_headers, c.handshake.extra_headers);
  EXPECT_NE(error_of(R"([{"id": "my/case", "section": "5.2", "requirement": "r",
      "description": "d", "steps": [{"close": {"code": 1000, "reason": {"hex": "f"}}}],
      "expect": {"outcomes": []}}])")
                .find("odd number"),
            std::string::npos);
}

// A client case that sets every field of the response and the close delay.
case_def client_case_with_every_response_field() {
  catalogue cat;
  cat.add("rfc6455/4.1/every-response-field")
      .section("4.1")
      .roles(role_set::client)
      .must("r")
      .describe("d")
      .response_status(426, "Upgrade Required")
      .response_accept("{accept}, {key}")
      .response_subprotocol("chat")
      .response_extensions("x-wsspec-unknown; mode=fast")
      .response_header("X-Key", "{key}")
      .response_header("Set-Cookie", "a=1")
      .omit_response_header("Connection")
      .raw_response("HTTP/1.1 426 Upgrade Required\r\nX: {accept}\r\n\r\n")
      .response_chopped(7, std::chrono::milliseconds(25))
      .frames_with_response({text("with the response"), ping("p")})
      .send({text("hi")})
      .expect_echo({text_message("hi")})
      .server_close_delay(std::chrono::milliseconds(1500));
  return cat.cases().front();
}

TEST(CaseJson, TheResponseToAClientRoundTrips) {
  const case_def c = client_case_with_every_response_field();
  const auto j = to_json(c);
  const auto& r = j["handshake"]["response"];
  EXPECT_EQ(r["status"], 426);
  EXPECT_EQ(r["reason"], "Upgrade Required");
  EXPECT_EQ(r["accept"], "{accept}, {key}");
  EXPECT_EQ(r["extra_headers"][0][1], "{key}");
  EXPECT_EQ(r["omit_headers"][0], "Connection");
  EXPECT_EQ(r["chop"], 7);
  EXPECT_EQ(r["pause_ms"], 25);
  EXPECT_EQ(r["frames_with_response"].size(), 2u);
  EXPECT_EQ(j["expect"]["close"]["server_close_delay_ms"], 1500);
  const case_def back = case_from_json(j);
  EXPECT_EQ(back.handshake.response, c.handshake.response);
  EXPECT_EQ(back.expect.close.server_close_delay, c.expect.close.server_close_delay);
  EXPECT_EQ(to_json(back), j);
}

TEST(CaseJson, EmptyAndDefaultResponseValuesAreKept) {
  // An empty reason or accept is a value a case sends on purpose, not the default.
  catalogue cat;
  auto b = cat.add("x").section("4.1").roles(role_set::client).must("r").describe("d");
  response_spec rs;
  rs.reason = "";
  rs.accept = "";
  b.respond(rs).send({text("hi")}).expect_echo({text_message("hi")});
  const auto j = to_json(cat.cases().front());
  EXPECT_EQ(j["handshake"]["response"], (nlohmann::json{{"reason", ""}, {"accept", ""}}));
  EXPECT_EQ(case_from_json(j).handshake.response, rs);
}

TEST(CaseJson, OnlyWhatDiffersFromTheDefaultResponseIsWritten) {
  catalogue cat;
  cat.add("x")
      .section("4.1")
      .roles(role_set::client)
      .must("r")
      .describe("d")
      .send({text("hi")})
      .expect_echo({text_message("hi")});
  auto j = to_json(cat.cases().front());
  EXPECT_FALSE(j.contains("handshake"));
  EXPECT_FALSE(j["expect"]["close"].contains("server_close_delay_ms"));
  cat.cases().front().handshake.response.status = 200;
  j = to_json(cat.cases().front());
  EXPECT_EQ(j["handshake"], (nlohmann::json{{"response", {{"status", 200}}}}));
}

// `edit` applied to the JSON of the client case above; the error it gives, or "".
std::string error_of_client_case(const std::function<void(nlohmann::json&)>& edit) {
  auto j = to_json(client_case_with_every_response_field());
  edit(j);
  try {
    case_from_json(j);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

TEST(CaseJson, BadResponseValuesAreRejectedWithAReason) {
  using nlohmann::json;
  const auto response = [](json& j) -> json& { return j["handshake"]["response"]; };
  EXPECT_EQ(error_of_client_case([](json&) {}), "");
  auto e = error_of_client_case([&](json& j) { response(j)["status"] = 42; });
  EXPECT_NE(e.find("status must be a three-digit"), std::string::npos) << e;
  EXPECT_NE(e.find("case rfc6455/4.1/every-response-field.handshake.response"), std::string::npos)
      << e;
  e = error_of_client_case([&](json& j) { response(j)["status"] = "101"; });
  EXPECT_NE(e.find("field \"status\" has the wrong type"), std::string::npos) << e;
  e = error_of_client_case([&](json& j) { response(j)["reason"] = "OK\r\nX-Injected: 1"; });
  EXPECT_NE(e.find("reason must not hold CR or LF"), std::string::npos) << e;
  e = error_of_client_case([&](json& j) { response(j)["extra_headers"] = json{{"X"}}; });
  EXPECT_NE(e.find("[name, value] pairs"), std::string::npos) << e;
  e = error_of_client_case([&](json& j) {
    response(j)["extra_headers"] = json::array({json::array({"X Y", "1"})});
  });
  EXPECT_NE(e.find("\"X Y\" is not a field name"), std::string::npos) << e;
  e = error_of_client_case([&](json& j) { response(j)["omit_headers"] = {"Sec-WebSocket-Key"}; });
  EXPECT_NE(e.find("omit_headers names \"Sec-WebSocket-Key\""), std::string::npos) << e;
  e = error_of_client_case([&](json& j) { response(j)["pause_ms"] = -1; });
  EXPECT_NE(e.find("pause_ms must be between"), std::string::npos) << e;
  e = error_of_client_case([&](json& j) { response(j)["chop"] = -3; });
  EXPECT_NE(e.find("field \"chop\" has the wrong type or is out of range"), std::string::npos) << e;
  e = error_of_client_case([&](json& j) { response(j).erase("chop"); });
  EXPECT_NE(e.find("pause_ms needs a chop"), std::string::npos) << e;
  e = error_of_client_case([&](json& j) { response(j)["raw"] = ""; });
  EXPECT_NE(e.find("raw must not be empty"), std::string::npos) << e;
  e = error_of_client_case([&](json& j) { response(j)["stauts"] = 200; });
  EXPECT_NE(e.find("unknown field \"stauts\""), std::string::npos) << e;
  e = error_of_client_case([&](json& j) { response(j)["frames_with_response"][0]["opcode"] = 16; });
  EXPECT_NE(e.find("frames_with_response[0]"), std::string::npos) << e;
  e = error_of_client_case([&](json& j) { j["roles"] = "both"; });
  EXPECT_NE(e.find("response is for cases that test clients only"), std::string::npos) << e;
  e = error_of_client_case([&](json& j) { j["expect"]["close"]["server_close_delay_ms"] = -5; });
  EXPECT_NE(e.find("server_close_delay_ms must be between 0 and 3600000"), std::string::npos) << e;
  e = error_of_client_case([&](json& j) { j["expect"]["close"]["server_close_delay_ms"] = 1.5; });
  EXPECT_NE(e.find("server_close_delay_ms\" has the wrong type"), std::string::npos) << e;
}

TEST(CaseJson, DeflateOffersAnswersStreamsAndTheirExpectationsRoundTrip) {
  catalogue cat;
  message_stream ms;
  ms.source = corpus::html;
  ms.units = 4096;
  ms.count = 12;
  ms.fragment = 256;
  ref::deflate_offer first;
  first.server_no_context_takeover = true;
  first.server_max_window_bits = 9;
  ref::deflate_server_policy answer;
  answer.client_no_context_takeover = true;
  answer.client_max_window_bits = 10;
  handshake_expectation hx;
  hx.expect = handshake_expectation::outcome::either;
  hx.deflate = handshake_expectation::deflate_outcome::decline;
  hx.refusal_informs = true;
  cat.add("t/deflate")
      .rfc("RFC 7692")
      .section("7.2")
      .must("r")
      .describe("d")
      .offer_deflate({first, ref::deflate_offer{}})
      .answer_deflate(answer)
      .requires_deflate()
      .stream(ms)
      .expect_stream_echo()
      .expect_handshake(hx);
  const case_def& c = cat.cases().front();
  const auto j = to_json(c);
  EXPECT_EQ(j["handshake"]["deflate_offers"][0],
            "permessage-deflate; server_no_context_takeover; server_max_window_bits=9");
  EXPECT_EQ(j["handshake"]["deflate_offers"][1], "permessage-deflate");
  EXPECT_EQ(j["steps"][0]["stream"]["corpus"], "html");
  EXPECT_EQ(j["expect"]["handshake"]["deflate"], "decline");
  const case_def back = case_from_json(j);
  EXPECT_EQ(back.handshake.deflate_offers, c.handshake.deflate_offers);
  ASSERT_TRUE(back.handshake.deflate_answer);
  EXPECT_EQ(back.handshake.deflate_answer->client_max_window_bits, 10);
  EXPECT_TRUE(back.handshake.deflate_answer->client_no_context_takeover);
  EXPECT_EQ(std::get<message_stream>(back.steps.front()), ms);
  EXPECT_TRUE(back.expect.requires_deflate);
  EXPECT_TRUE(back.expect.echo_streams);
  EXPECT_TRUE(back.expect.handshake->refusal_informs);
  EXPECT_EQ(to_json(back), j);
}

TEST(CaseJson, AnEarlierOfferDeflateFlagLoadsAsTheDefaultOffer) {
  const auto cases = [] {
    std::istringstream in(
        R"([{"id": "my/case", "section": "5.2", "requirement": "r", "description": "d",
             "handshake": {"offer_deflate": true}, "steps": [], "expect": {}}])");
    return read_case_file(in);
  }();
  ASSERT_EQ(cases.front().handshake.deflate_offers.size(), 1u);
  EXPECT_TRUE(cases.front().handshake.deflate_offers.front().client_max_window_bits_present);
}

TEST(CaseJson, BadDeflateFieldsAreRejectedWithAReason) {
  const auto with = [](std::string handshake, std::string steps = "[]") {
    return error_of(R"([{"id": "my/case", "section": "5.2", "requirement": "r", "description": "d",
                        "handshake": )" +
                    handshake + R"(, "steps": )" + steps + R"(, "expect": {}}])");
  };
  EXPECT_NE(with(R"({"deflate_offers": ["permessage-deflate; server_max_window_bits=7"]})")
                .find("no valid offer"),
            std::string::npos);
  EXPECT_NE(with(R"({"deflate_offers": ["x-other"]})").find("one permessage-deflate element"),
            std::string::npos);
  EXPECT_NE(with(R"({"deflate_answer": {"client_max_window_bits": 16}})").find("8 to 15"),
            std::string::npos);
  EXPECT_NE(
      with("{}", R"([{"stream": {"corpus": "poetry", "units": 1, "count": 1}}])").find("corpus is"),
      std::string::npos);
  EXPECT_NE(with("{}", R"([{"stream": {"corpus": "noise", "units": 1, "count": 1}}])")
                .find("binary corpus"),
            std::string::npos);
}

}  // namespace
}  // namespace wsspec::harness
