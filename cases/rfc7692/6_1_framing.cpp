// RFC 7692 §6.1: the "Per-Message Compressed" bit (RSV1) belongs on the first frame of a
// compressed data message only, and only once permessage-deflate was agreed. Both roles.
#include <string>
#include <vector>

#include "common/deflate.hpp"

namespace wsspec::cases {
namespace {

constexpr const char* rsv1_rule =
    "An endpoint MUST NOT set the \"Per-Message Compressed\" bit of control frames and "
    "non-first fragments of a data message. An endpoint receiving such a frame MUST _Fail the "
    "WebSocket Connection_.";

void add_rsv1_cases(catalogue& cat) {
  framing_case(cat, "rsv1-on-continuation", "6.1", rsv1_rule)
      .describe(
          "Send a compressed text message in two frames: \"Hello\" compressed in the first "
          "(RSV1 set), then an empty final continuation frame with RSV1 set too. The target "
          "fails the connection with 1002. " +
          std::string(unimplemented_note))
      .rule(ref::error::rsv1_on_continuation)
      .send({compressed(text("Hello", false)), with_rsv(continuation("", true), 4)})
      .expect_fail(protocol_error);
  const struct {
    const char* slug;
    wire_frame frame;
    const char* what;
  } controls[] = {
      {"rsv1-on-ping", ping("x"), "a Ping"},
      {"rsv1-on-pong", pong("x"), "an unsolicited Pong"},
      {"rsv1-on-close", close_frame(1000), "a Close (1000)"},
  };
  for (const auto& row : controls)
    framing_case(cat, row.slug, "6.1", rsv1_rule)
        .describe(std::string("Send ") + row.what +
                  " with RSV1 set, the Per-Message Compressed bit that control frames never "
                  "carry. The target fails the connection with 1002. " +
                  unimplemented_note)
        .rule(ref::error::rsv1_on_control)
        .send({with_rsv(row.frame, 4)})
        .expect_fail(protocol_error);

  cat.add("rfc7692/6.1/rsv1-after-declined-offer")
      .rfc("RFC 7692")
      .section("6.1")
      .roles(role_set::client)
      .must(
          "RFC 6455 §5.2: RSV1, RSV2, RSV3: 1 bit each MUST be 0 unless an extension is "
          "negotiated that defines meanings for non-zero values. If a nonzero value is received "
          "and none of the negotiated extensions defines the meaning of such a nonzero value, "
          "the receiving endpoint MUST _Fail the WebSocket Connection_.")
      .describe(
          "Decline the client's permessage-deflate offer (a 101 without it), then send a text "
          "frame with RSV1 set, as if compressed. The client fails the connection with 1002.")
      .rule(ref::error::reserved_bits)
      .answer_deflate(decline_policy())
      .send({with_rsv(text("Hello"), 4)})
      .expect_fail(protocol_error);
}

void add_framing(catalogue& cat) {
  add_rsv1_cases(cat);
}

}  // namespace

WSSPEC_FAMILY(7692, "6.1", add_framing);

}  // namespace wsspec::cases
