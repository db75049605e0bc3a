// RFC 6455 §5.5.2 Ping: every Ping is answered by a Pong with identical application data, for
// payloads up to the 125-byte control frame limit of §5.5, however the bytes arrive
// (Autobahn 2.1-2.4, 2.6, 2.10, 2.11). A Ping after a Close frame: rfc6455/5.5.1/close-then-ping.
#include "common/builders.hpp"

namespace wsspec::cases {
namespace {

constexpr const char* pong_requirement =
    "Upon receipt of a Ping frame, an endpoint MUST send a Pong frame in response, unless it "
    "already received a Close frame. [...] (§5.5.3) A Pong frame sent in response to a Ping frame "
    "must have identical \"Application data\" as found in the message body of the Ping frame "
    "being replied to.";

expected_event pong_with(payload_spec p) {
  return {expected_event::kind::pong, 10, std::move(p)};
}

// Ten Pings "payload-0" .. "payload-9" and the Pongs that answer them.
std::vector<wire_frame> ten_pings() {
  std::vector<wire_frame> frames;
  for (int i = 0; i < 10; ++i) frames.push_back(ping("payload-" + std::to_string(i)));
  return frames;
}

std::vector<outcome> ten_pongs() {
  std::vector<expected_event> all;
  for (int i = 0; i < 10; ++i) all.push_back(pong_of("payload-" + std::to_string(i)));
  // RFC 6455 §5.5.3: an endpoint MAY answer only the most recently processed Ping.
  return {ok(std::move(all)), outcome{verdict::informational, {pong_of("payload-9")}}};
}

constexpr const char* ten_pings_note =
    "Autobahn requires all ten Pongs; RFC 6455 §5.5.3 lets a target that has not yet answered "
    "earlier Pings answer only the most recent one, which wsspec reports as INFORMATIONAL.";

void add_ping(catalogue& cat) {
  // Pings of increasing size, each answered by an identical Pong.
  struct echo_case {
    const char* slug;
    const char* autobahn;
    payload_spec payload;
    std::size_t chop;
    const char* what;
  };
  const echo_case echoes[] = {
      {"ping-empty", "2.1", {}, 0, "a Ping without application data"},
      {"ping-text-payload", "2.2", payload_spec::text("Hello, world!"), 0,
       "a Ping with the 13-byte text payload 'Hello, world!'"},
      {"ping-binary-payload", "2.3", payload_spec::bytes(hex("00fffefdfcfb00ff")), 0,
       "a Ping with an 8-byte payload that is not UTF-8"},
      {"ping-125-bytes", "2.4", payload_spec::repeat_bytes({0xfe}, 125), 0,
       "a Ping with 125 bytes of application data (the largest a control frame may carry)"},
      {"ping-125-bytes-chopped", "2.6", payload_spec::repeat_bytes({0xfe}, 125), 1,
       "a Ping with 125 bytes of application data, written one byte per TCP write"},
  };
  for (const auto& e : echoes) {
    auto c = cat.add(std::string("rfc6455/5.5.2/") + e.slug)
                 .section("5.5.2")
                 .must(pong_requirement)
                 .autobahn(e.autobahn)
                 .describe(std::string("Send ") + e.what +
                           "; the target answers with a Pong carrying the same bytes.");
    if (e.chop > 0) {
      c.send_chopped({frame(9, e.payload)}, e.chop);
    } else {
      c.send({frame(9, e.payload)});
    }
    c.expect_echo({pong_with(e.payload)});
  }

  cat.add("rfc6455/5.5.2/ten-pings")
      .section("5.5.2")
      .must(pong_requirement)
      .autobahn("2.10")
      .describe(
          "Send ten Pings 'payload-0' .. 'payload-9' in one write; the target answers each "
          "with its Pong, in order.")
      .note(ten_pings_note)
      .send(ten_pings())
      .expect(ten_pongs(), close_expectation{});

  cat.add("rfc6455/5.5.2/ten-pings-chopped")
      .section("5.5.2")
      .must(pong_requirement)
      .autobahn("2.11")
      .describe(
          "Send ten Pings 'payload-0' .. 'payload-9', written one byte per TCP write; the "
          "target answers each with its Pong, in order.")
      .note(ten_pings_note)
      .send_chopped(ten_pings(), 1)
      .expect(ten_pongs(), close_expectation{});

  {
    auto c = cat.add("rfc6455/5.5.2/ten-pings-paused")
                 .section("5.5.2")
                 .must(pong_requirement)
                 .describe(
                     "Send ten Pings 'payload-0' .. 'payload-9', each in its own write 10 ms "
                     "after the previous one; the target answers each with its Pong, in "
                     "order.");
    const auto pings = ten_pings();
    for (std::size_t i = 0; i < pings.size(); ++i) {
      if (i > 0) c.pause(10ms);
      c.send({pings[i]});
    }
    std::vector<expected_event> all;
    for (int i = 0; i < 10; ++i) all.push_back(pong_of("payload-" + std::to_string(i)));
    c.expect_echo(std::move(all));
  }
}

}  // namespace

WSSPEC_FAMILY(6455, "5.5.2", add_ping);

}  // namespace wsspec::cases
