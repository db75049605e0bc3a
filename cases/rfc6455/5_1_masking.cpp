// RFC 6455 §5.1 masking, both roles: an endpoint fails the connection on a frame masked the wrong
// way for its peer's role (a server on an unmasked frame, a client on a masked one), and masks
// its own frames as its role requires (the observer checks that in every case; the cases here
// check it on purpose).
#include <string>
#include <string_view>
#include <vector>

#include "common/builders.hpp"

namespace wsspec::cases {
namespace {

constexpr const char* close_on_wrong_mask =
    "The server MUST close the connection upon receiving a frame that is not masked. In this "
    "case, a server MAY send a Close frame with a status code of 1002 (protocol error) as "
    "defined in Section 7.4.1. [...] A client MUST close a connection if it detects a masked "
    "frame. In this case, it MAY use the status code 1002 (protocol error) as defined in "
    "Section 7.4.1.";
constexpr const char* mask_as_role =
    "a client MUST mask all frames that it sends to the server (see Section 5.3 for further "
    "details). [...] A server MUST NOT mask any frames that it sends to the client.";

constexpr const char* wrong_mask_note =
    "The MUST is to close the connection. The code is graded apart: §5.1 says the endpoint MAY "
    "send 1002, and §7.1.7 that it SHOULD send a Close frame with an appropriate status code, so "
    "a Close with another code, or a TCP close without a Close frame, is NON-STRICT. Answering a "
    "wrongly masked Close as a valid one (a normal closing handshake) is not closing on the "
    "violation: FAILED.";

// Masked the wrong way for the role wsspec plays: unmasked to a server, masked to a client.
wire_frame wrong_mask(wire_frame f) {
  f.mask = masking::inverted;
  return f;
}

void add_masking(catalogue& cat) {
  // ----- a frame masked the wrong way fails the connection ---------------------------------
  struct wrong_mask_row {
    const char* slug;
    std::vector<wire_frame> frames;
    const char* description;
  };
  const wrong_mask_row rows[] = {
      {"wrong-mask-text",
       {wrong_mask(text("Hello, world"))},
       "Send a text frame masked the wrong way (unmasked to a server, masked to a client); the "
       "target fails the connection (Close 1002 or a TCP close) without echoing it."},
      {"wrong-mask-empty-text",
       {wrong_mask(text(""))},
       "Send an empty text frame masked the wrong way (no payload, the mask bit alone is "
       "wrong); the target fails the connection without echoing it."},
      {"wrong-mask-binary",
       {wrong_mask(binary(hex("00ff10e0")))},
       "Send a binary frame masked the wrong way; the target fails the connection without "
       "echoing it."},
      {"wrong-mask-ping",
       {wrong_mask(ping("wrongly masked ping"))},
       "Send a Ping masked the wrong way; the target fails the connection without a Pong."},
      {"wrong-mask-pong",
       {wrong_mask(pong("wrongly masked pong"))},
       "Send an unsolicited Pong masked the wrong way; the target fails the connection."},
      {"wrong-mask-close",
       {wrong_mask(close_frame(1000))},
       "Send a Close 1000 masked the wrong way; the target fails the connection with 1002 (or "
       "a TCP close) rather than completing a normal closing handshake."},
      {"wrong-mask-continuation",
       {text("Hello, ", false), wrong_mask(continuation("world"))},
       "Send the first fragment of a text message masked as the role requires, then its final "
       "fragment masked the wrong way; the target fails the connection without delivering the "
       "message."},
  };
  for (const auto& r : rows) {
    auto c = cat.add(std::string("rfc6455/5.1/") + r.slug)
                 .section("5.1")
                 .roles(role_set::both)
                 .must(close_on_wrong_mask)
                 .rule(ref::error::unmasked_client_frame)
                 .rule(ref::error::masked_server_frame)
                 .describe(r.description)
                 .note(wrong_mask_note)
                 .send(r.frames)
                 .expect_fail(protocol_error);
    // A Pong would answer the very frame the target must fail on (RFC 6455 §7.1.7).
    if (std::string_view(r.slug) == "wrong-mask-ping")
      c.forbid_pong(payload_spec::text("wrongly masked ping"));
  }
  cat.add("rfc6455/5.1/wrong-mask-after-echo")
      .section("5.1")
      .roles(role_set::both)
      .must(close_on_wrong_mask)
      .describe(
          "Send a text message masked as the role requires and wait for its echo, then one "
          "masked the wrong way; the target echoes the first and fails the connection on the "
          "second.")
      .send({text("first, masked")})
      .await(1)
      .rule(ref::error::unmasked_client_frame)
      .rule(ref::error::masked_server_frame)
      .note(wrong_mask_note)
      .send({wrong_mask(text("second, wrongly masked"))})
      .expect_fail(protocol_error, {text_message("first, masked")});

  // ----- the target masks as its role requires -------------------------------------------------
  cat.add("rfc6455/5.1/echo-masked-as-role")
      .section("5.1")
      .roles(role_set::both)
      .must(mask_as_role)
      .describe(
          "Send a text and a binary message; the target echoes both, masked as its role "
          "requires: a server in unmasked frames, a client in masked ones (anything else is a "
          "violation wsspec reports).")
      .send({text("echo me"), binary(hex("0102030405"))})
      .expect_echo({text_message("echo me"), binary_message(hex("0102030405"))});
  cat.add("rfc6455/5.1/pong-masked-as-role")
      .section("5.1")
      .roles(role_set::both)
      .must(mask_as_role)
      .describe(
          "Send a Ping; the target answers with a Pong carrying the Ping's application data, "
          "masked as its role requires.")
      .send({ping("masked ping data")})
      .expect_echo({pong_of("masked ping data")});
}

}  // namespace

WSSPEC_FAMILY(6455, "5.1", add_masking);

}  // namespace wsspec::cases
