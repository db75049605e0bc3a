// RFC 6455 §5.5.1 the Close frame and the closing handshake: the target answers wsspec's Close
// with a Close, ignores whatever follows it, closes TCP first, and fails the connection when the
// Close frame itself is malformed, its reason included (Autobahn 7.1.x, 7.3.x, 7.5.1).
#include <optional>
#include <string>

#include "common/utf8.hpp"
#include "wsspec/reference/opcode.hpp"

namespace wsspec::cases {
namespace {

constexpr const char* answer_requirement =
    "If an endpoint receives a Close frame and did not previously send a Close frame, the "
    "endpoint MUST send a Close frame in response. (When sending a Close frame in response, the "
    "endpoint typically echos the status code it received.) [...] After both sending and "
    "receiving a Close message, an endpoint considers the WebSocket connection closed and MUST "
    "close the underlying TCP connection. The server MUST close the underlying TCP connection "
    "immediately; the client SHOULD wait for the server to close the connection";

constexpr const char* nothing_after_requirement =
    "The application MUST NOT send any more data frames after sending a Close frame. If an "
    "endpoint receives a Close frame and did not previously send a Close frame, the endpoint "
    "MUST send a Close frame in response. [...] After both sending and receiving a Close "
    "message, an endpoint considers the WebSocket connection closed and MUST close the "
    "underlying TCP connection.";

constexpr const char* body_requirement =
    "The Close frame MAY contain a body (the \"Application data\" portion of the frame) that "
    "indicates a reason for closing [...] If there is a body, the first two bytes of the body "
    "MUST be a 2-byte unsigned integer (in network byte order) representing a status code with "
    "value /code/ defined in Section 7.4. Following the 2-byte integer, the body MAY contain "
    "UTF-8-encoded data with value /reason/ [...] If an endpoint receives a Close frame and did "
    "not previously send a Close frame, the endpoint MUST send a Close frame in response.";

constexpr const char* hello = "Hello World!";

// Autobahn's filler for large text payloads.
constexpr const char* filler = "BAsd7&jh23";

constexpr const char* close_reason_requirement =
    "Following the 2-byte integer, the body MAY contain UTF-8-encoded data with value /reason/, "
    "the interpretation of which is not defined by this specification. [...] (§8.1) When an "
    "endpoint is to interpret a byte stream as UTF-8 but finds that the byte stream is not, in "
    "fact, a valid UTF-8 stream, that endpoint MUST _Fail the WebSocket Connection_.";

void add_close(catalogue& cat) {
  cat.add("rfc6455/5.5.1/close-after-echo")
      .section("5.5.1")
      .must(answer_requirement)
      .autobahn("7.1.1")
      .describe(
          "Send the text message 'Hello World!'; once it is echoed, wsspec closes with "
          "1000 and the target answers with 1000 and closes TCP.")
      .note(closing_handshake_note)
      .send({text(hello)})
      .expect({ok({text_message(hello)})}, answers_close({1000}));

  // Frames after wsspec's Close, in the same write: the target has already answered the Close
  // when it reads them, so it neither echoes them nor answers the second Close.
  struct after_close {
    const char* slug;
    const char* autobahn;
    const char* what;
    wire_frame frame;
    const char* note;
  };
  const after_close afters[] = {
      {"second-close-ignored", "7.1.2", "a second Close frame, without a body", close_frame({}),
       closing_handshake_note},
      {"close-then-ping", "7.1.3", "a Ping", ping(),
       "Autobahn fails a target that answers the Ping; wsspec tolerates a Pong, since RFC 6455 "
       "§5.5.1 forbids only data frames after a Close and §5.5.3 allows unsolicited Pongs. "
       "A close code outside the expected ones makes the behavior FAILED, as in Autobahn."},
      {"close-then-text", "7.1.4", "the text message 'Hello World!'", text(hello),
       closing_handshake_note},
  };
  for (const auto& a : afters) {
    auto c =
        cat.add(std::string("rfc6455/5.5.1/") + a.slug)
            .section("5.5.1")
            .must(nothing_after_requirement)
            .autobahn(a.autobahn)
            .describe(std::string("Send a Close frame (1000) followed, in the same write, by ") +
                      a.what +
                      "; the target answers the Close with 1000, ignores what follows it "
                      "and closes TCP.")
            .note(a.note)
            .close_then(1000, {a.frame})
            .expect({ok({})}, answers_close({1000}));
    // A data frame after the Close is what a target that keeps reading would process.
    if (!ref::is_control(a.frame.opcode)) c.rule(ref::error::frame_after_close);
  }

  cat.add("rfc6455/5.5.1/close-between-fragments")
      .section("5.5.1")
      .must(nothing_after_requirement)
      .autobahn("7.1.5")
      .describe(
          "Send a text fragment 'fragment1' with FIN clear, then a Close frame (1000) "
          "followed in the same write by the final continuation 'fragment2'; the target "
          "answers the Close with 1000 and never delivers the message.")
      .note(closing_handshake_note)
      .send({text("fragment1", false)})
      .close_then(1000, {continuation("fragment2")})
      .rule(ref::error::frame_after_close)
      .expect({ok({})}, answers_close({1000}));

  // RFC 6455 §5.5.1 leaves open whether messages that arrived before the Close are still
  // processed; whatever the target echoes must come before its own Close.
  const auto big = payload_spec::repeat(filler, 256 * 1024);
  cat.add("rfc6455/5.5.1/messages-before-close")
      .section("5.5.1")
      .may(
          "An endpoint MAY delay sending a Close frame until its current message is sent [...] "
          "However, there is no guarantee that the endpoint that has already sent a Close frame "
          "will continue to process data.")
      .autobahn("7.1.6")
      .describe(
          "Send a 256 KiB text message, the text message 'Hello World!', a Close frame "
          "(1000) and a Ping back to back; the target echoes both messages, then answers "
          "the Close. Dropping the echoes is allowed and reported as INFORMATIONAL.")
      .note(
          "Autobahn always reports INFORMATIONAL. wsspec reports OK when the target echoed "
          "both messages before its Close, INFORMATIONAL when it left echoes out (the RFC "
          "allows it), and FAILED when it sends a data frame after its own Close frame or "
          "breaks any other rule on the way.")
      .send({frame(1, big), text(hello)})
      .close_then(1000, {ping()})
      .expect({ok({message_of(1, big), text_message(hello)}),
               outcome{verdict::informational, {message_of(1, big)}},
               outcome{verdict::informational, {}}},
              close_expectation{});

  // Close bodies the target accepts: it answers with 1000 (or no code).
  struct valid_body {
    const char* slug;
    const char* autobahn;
    const char* what;
    std::optional<std::uint16_t> code;
    std::string reason;
  };
  const valid_body valid[] = {
      {"close-empty-body", "7.3.1", "a Close frame without a body", std::nullopt, ""},
      {"close-code-only", "7.3.3", "a Close frame with code 1000 and no reason", 1000, ""},
      {"close-code-and-reason", "7.3.4",
       "a Close frame with code 1000 and the reason 'Hello World!'", 1000, hello},
      {"close-reason-123-bytes", "7.3.5",
       "a Close frame with code 1000 and a 123-byte reason (a 125-byte body, the most a control "
       "frame may carry)",
       1000, std::string(123, '*')},
  };
  for (const auto& v : valid) {
    cat.add(std::string("rfc6455/5.5.1/") + v.slug)
        .section("5.5.1")
        .must(body_requirement)
        .autobahn(v.autobahn)
        .describe(std::string("Send ") + v.what +
                  "; the target answers with a Close (1000 or no code) and closes TCP.")
        .note(closing_handshake_note)
        .close(v.code, v.reason)
        .expect({ok({})}, answers_close({1000}));
  }

  cat.add("rfc6455/5.5.1/close-body-one-byte")
      .section("5.5.1")
      .must(body_requirement)
      .autobahn("7.3.2")
      .describe(
          "Send a Close frame whose body is the single byte 'a' (too short for a status "
          "code); the target fails the connection with 1002.")
      .note(closing_handshake_note)
      .close_raw(payload_spec::text("a"))
      .rule(ref::error::close_payload_too_short)
      .expect({ok({})}, rejects_close(protocol_error));

  const auto bad_utf8 = hex("cebae1bdb9cf83cebcceb5eda080656469746564");
  cat.add("rfc6455/5.5.1/close-reason-invalid-utf8")
      .section("5.5.1")
      .must(
          "Following the 2-byte integer, the body MAY contain UTF-8-encoded data with value "
          "/reason/ [...] (§8.1) When an endpoint is to interpret a byte stream as UTF-8 but "
          "finds that the byte stream is not, in fact, a valid UTF-8 stream, that endpoint "
          "MUST _Fail the WebSocket Connection_.")
      .autobahn("7.5.1")
      .describe(
          "Send a Close frame with code 1000 and a reason that is not UTF-8 (an encoded "
          "UTF-16 surrogate, U+D800, inside Greek text); the target fails the connection "
          "with 1007 (or 1002).")
      .note(closing_handshake_note)
      .close(1000, std::string(bad_utf8.begin(), bad_utf8.end()))
      .rule(ref::error::invalid_close_reason)
      .expect({ok({})}, rejects_close({1007, 1002}));

  // A reason that ends inside a code point, and one of 2-, 3- and 4-byte code points.
  {
    const bytes word = kosme();
    const bytes reason = join({utf8(u8"bye "), bytes(word.begin(), word.begin() + 3)});
    cat.add("rfc6455/5.5.1/close-reason-ends-inside-code-point")
        .section("5.5.1")
        .must(close_reason_requirement)
        .describe(
            "Send a Close frame with code 1000 and the reason 'bye ' CE BA E1, which ends "
            "inside a 3-byte code point; the target fails the connection, answering with "
            "1007 (or 1002), not 1000.")
        .note(
            "RFC 6455 §7.4.1 defines 1007 for data within a message, and a Close frame is not "
            "a message, so 1002 (protocol error) is accepted too, as in Autobahn 7.5.1. As "
            "there, a target that answers with 1000 is FAILED.")
        .close_raw(close_frame(1000, std::string(reason.begin(), reason.end())).payload)
        .rule(ref::error::invalid_close_reason)
        .expect({ok({})}, rejects_close({1007, 1002}));
    const bytes valid_reason = join({utf8(u8"bye "), word, utf8_of(0x10FFFF)});
    cat.add("rfc6455/5.5.1/close-reason-multi-byte-utf8")
        .section("5.5.1")
        .must(close_reason_requirement)
        .describe(
            "Send a Close frame with code 1000 and the reason 'bye', kosme and U+10FFFF "
            "(2-, 3- and 4-byte code points); the reason is valid, so the target answers "
            "with 1000.")
        .close(1000, std::string(valid_reason.begin(), valid_reason.end()))
        .expect({ok({})}, answers_close({1000}));
  }
}

}  // namespace

WSSPEC_FAMILY(6455, "5.5.1", add_close);

}  // namespace wsspec::cases
