// RFC 6455 §5.5.3 Pong: an unsolicited Pong is a heartbeat that needs no answer and leaves the
// connection open; a Pong obeys the 125-byte control frame limit of §5.5 (Autobahn 2.7-2.9).
#include "common/builders.hpp"

namespace wsspec::cases {
namespace {

constexpr const char* unsolicited_requirement =
    "A Pong frame MAY be sent unsolicited.  This serves as a unidirectional heartbeat.  A "
    "response to an unsolicited Pong frame is not expected.";

constexpr const char* tolerated_note =
    "Autobahn fails a target that answers the unsolicited Pong with a Pong of its own; wsspec "
    "tolerates any unsolicited Pong from the target (RFC 6455 §5.5.3 allows them).";

void add_pong(catalogue& cat) {
  cat.add("rfc6455/5.5.3/unsolicited-pong-empty")
      .section("5.5.3")
      .must(unsolicited_requirement)
      .autobahn("2.7")
      .describe(
          "Send an unsolicited Pong without application data, then close with 1000; the "
          "target sends no message and completes the closing handshake.")
      .note(tolerated_note)
      .send({pong()})
      .expect_echo({});

  cat.add("rfc6455/5.5.3/unsolicited-pong-payload")
      .section("5.5.3")
      .must(unsolicited_requirement)
      .autobahn("2.8")
      .describe(
          "Send an unsolicited Pong with the payload 'unsolicited pong payload', then close "
          "with 1000; the target sends no message and completes the closing handshake.")
      .note(tolerated_note)
      .send({pong("unsolicited pong payload")})
      .expect_echo({});

  cat.add("rfc6455/5.5.3/unsolicited-pong-then-ping")
      .section("5.5.3")
      .must(
          "A Pong frame MAY be sent unsolicited. [...] (§5.5.2) Upon receipt of a Ping frame, "
          "an endpoint MUST send a Pong frame in response, unless it already received a Close "
          "frame.")
      .autobahn("2.9")
      .describe(
          "Send an unsolicited Pong, then a Ping 'ping payload' in the same write; the "
          "target ignores the Pong and answers the Ping with a Pong 'ping payload'.")
      .note(tolerated_note)
      .send({pong("unsolicited pong payload"), ping("ping payload")})
      .expect_echo({pong_of("ping payload")});

  cat.add("rfc6455/5.5.3/unsolicited-pong-then-text")
      .section("5.5.3")
      .must(
          "A Pong frame MAY be sent unsolicited.  This serves as a unidirectional heartbeat.  A "
          "response to an unsolicited Pong frame is not expected.")
      .describe(
          "Send an unsolicited Pong, then a text message in the same write; the connection "
          "stays open and the target echoes the text message.")
      .send({pong("heartbeat"), text("Hello, world!")})
      .expect_echo({text_message("Hello, world!")});

  cat.add("rfc6455/5.5.3/pong-125-bytes")
      .section("5.5.3")
      .must(
          "All control frames MUST have a payload length of 125 bytes or less [...] (§5.5.3) A "
          "Pong frame MAY be sent unsolicited.")
      .describe(
          "Send an unsolicited Pong with 125 bytes of application data (the largest a "
          "control frame may carry), then a text message; the target accepts the Pong and "
          "echoes the text message.")
      .send({frame(10, payload_spec::repeat_bytes({0xfe}, 125)), text("after the pong")})
      .expect_echo({text_message("after the pong")});
}

}  // namespace

WSSPEC_FAMILY(6455, "5.5.3", add_pong);

}  // namespace wsspec::cases
