// RFC 6455 §5.1 masking (server role): the server fails the connection on any frame the client
// sent unmasked, and never masks its own frames (the observer flags a masked server frame in every
// case; the cases here check it on purpose).
#include <string>
#include <string_view>
#include <vector>

#include "common/builders.hpp"

namespace wsspec::cases {
namespace {

constexpr const char* close_on_unmasked =
    "The server MUST close the connection upon receiving a frame that is not masked. In this "
    "case, a server MAY send a Close frame with a status code of 1002 (protocol error) as "
    "defined in Section 7.4.1.";
constexpr const char* server_does_not_mask =
    "A server MUST NOT mask any frames that it sends to the client.";

constexpr const char* unmasked_note =
    "The MUST is to close the connection. The code is graded apart: §5.1 says the server MAY "
    "send 1002, and §7.1.7 that it SHOULD send a Close frame with an appropriate status code, so "
    "a Close with another code, or a TCP close without a Close frame, is NON-STRICT. Answering an "
    "unmasked Close as a valid one (a normal closing handshake) is not closing on the violation: "
    "FAILED.";

wire_frame unmasked(wire_frame f) {
  f.masked = false;
  return f;
}

void add_masking(catalogue& cat) {
  // ----- an unmasked frame fails the connection --------------------------------------------
  struct unmasked_row {
    const char* slug;
    std::vector<wire_frame> frames;
    const char* description;
  };
  const unmasked_row rows[] = {
      {"unmasked-text",
       {unmasked(text("Hello, world"))},
       "Send an unmasked text frame; the server fails the connection (Close 1002 or a TCP "
       "close) without echoing it."},
      {"unmasked-empty-text",
       {unmasked(text(""))},
       "Send an unmasked empty text frame (no payload to unmask, the mask bit alone is "
       "wrong); the server fails the connection without echoing it."},
      {"unmasked-binary",
       {unmasked(binary(hex("00ff10e0")))},
       "Send an unmasked binary frame; the server fails the connection without echoing it."},
      {"unmasked-ping",
       {unmasked(ping("unmasked ping"))},
       "Send an unmasked Ping; the server fails the connection."},
      {"unmasked-pong",
       {unmasked(pong("unmasked pong"))},
       "Send an unmasked unsolicited Pong; the server fails the connection."},
      {"unmasked-close",
       {unmasked(close_frame(1000))},
       "Send an unmasked Close 1000; the server fails the connection with 1002 (or a TCP "
       "close) rather than completing a normal closing handshake."},
      {"unmasked-continuation",
       {text("Hello, ", false), unmasked(continuation("world"))},
       "Send a masked first fragment of a text message, then its final fragment unmasked; the "
       "server fails the connection without delivering the message."},
  };
  for (const auto& r : rows) {
    auto c = cat.add(std::string("rfc6455/5.1/") + r.slug)
                 .section("5.1")
                 .roles(role_set::server)
                 .must(close_on_unmasked)
                 .rule(ref::error::unmasked_client_frame)
                 .describe(r.description)
                 .note(unmasked_note)
                 .send(r.frames)
                 .expect_fail(protocol_error);
    // A Pong would answer the very frame the server must fail on (RFC 6455 §7.1.7).
    if (std::string_view(r.slug) == "unmasked-ping")
      c.forbid_pong(payload_spec::text("unmasked ping"));
  }
  cat.add("rfc6455/5.1/unmasked-after-echo")
      .section("5.1")
      .roles(role_set::server)
      .must(close_on_unmasked)
      .describe(
          "Send a masked text message and wait for its echo, then an unmasked one; the server "
          "echoes the first and fails the connection on the second.")
      .send({text("first, masked")})
      .await(1)
      .rule(ref::error::unmasked_client_frame)
      .note(unmasked_note)
      .send({unmasked(text("second, unmasked"))})
      .expect_fail(protocol_error, {text_message("first, masked")});

  // ----- the server never masks ----------------------------------------------------------------
  cat.add("rfc6455/5.1/server-frames-unmasked")
      .section("5.1")
      .roles(role_set::server)
      .must(server_does_not_mask)
      .describe(
          "Send a masked text and a masked binary message; the server echoes both in unmasked "
          "frames (a masked frame from the server is a violation wsspec reports).")
      .send({text("echo me unmasked"), binary(hex("0102030405"))})
      .expect_echo({text_message("echo me unmasked"), binary_message(hex("0102030405"))});
  cat.add("rfc6455/5.1/server-pong-unmasked")
      .section("5.1")
      .roles(role_set::server)
      .must(server_does_not_mask)
      .describe(
          "Send a masked Ping; the server answers with a Pong carrying the unmasked application "
          "data, in an unmasked frame.")
      .send({ping("masked ping data")})
      .expect_echo({pong_of("masked ping data")});
}

}  // namespace

WSSPEC_FAMILY(6455, "5.1", add_masking);

}  // namespace wsspec::cases
