// RFC 6455 §5.5 control frames: a Ping, Pong or Close whose payload exceeds 125 bytes is invalid,
// in either extended length form, and fails the connection (Autobahn 2.5, 7.3.6).
#include <string>

#include "common/builders.hpp"

namespace wsspec::cases {
namespace {

constexpr const char* control_limit_requirement =
    "All control frames MUST have a payload length of 125 bytes or less and MUST NOT be "
    "fragmented. [...] (§10.7) Incoming data MUST always be validated by both clients and "
    "servers.";

void add_control_frames(catalogue& cat) {
  struct oversize_case {
    const char* slug;
    const char* autobahn;
    std::uint8_t opcode;
    std::uint64_t length;
    const char* what;
  };
  const oversize_case oversize[] = {
      {"ping-126-bytes", "2.5", 9, 126,
       "a Ping with 126 bytes of application data (16-bit length form)"},
      {"ping-65536-bytes", "", 9, 65536,
       "a Ping with 65536 bytes of application data (64-bit length form)"},
      {"pong-126-bytes", "", 10, 126,
       "an unsolicited Pong with 126 bytes of application data (16-bit length form)"},
  };
  for (const auto& o : oversize) {
    const payload_spec payload = payload_spec::repeat_bytes({0xfe}, o.length);
    auto c = cat.add(std::string("rfc6455/5.5/") + o.slug)
                 .section("5.5")
                 .must(control_limit_requirement)
                 .autobahn(o.autobahn)
                 .describe(std::string("Send ") + o.what +
                           ", over the 125-byte control frame limit; the target fails the "
                           "connection with 1002 and answers nothing.")
                 .send({frame(o.opcode, payload)})
                 .rule(ref::error::control_frame_too_long)
                 .expect_fail(protocol_error);
    if (o.opcode == 9) c.forbid_pong(payload);
    if (*o.autobahn != '\0')
      c.note(
          "Autobahn scores a target that ignores the frame as behavior OK (only its close "
          "verdict fails); wsspec fails it, since the target MUST fail the connection.");
  }

  cat.add("rfc6455/5.5/close-frame-126-bytes")
      .section("5.5")
      .must(control_limit_requirement)
      .autobahn("7.3.6")
      .describe(
          "Send a Close frame with code 1000 and a 124-byte reason: a 126-byte body, one "
          "more than a control frame may carry; the target fails the connection with "
          "1002.")
      .note(closing_handshake_note)
      .close(1000, std::string(124, '*'))
      .rule(ref::error::control_frame_too_long)
      .expect({ok({})}, rejects_close(protocol_error));
}

}  // namespace

WSSPEC_FAMILY(6455, "5.5", add_control_frames);

}  // namespace wsspec::cases
