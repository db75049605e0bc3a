// RFC 6455 §8.1 handling errors in UTF-8-encoded data: an endpoint that finds invalid UTF-8 in a
// text message fails the connection (close code 1007, §7.4.1), as early as the first byte that
// cannot lead to valid UTF-8. Autobahn 6.x: invalid text (6.3), fail-fast (6.4) and the invalid
// rows of the UTF-8 decoder tables 6.5-6.23; plus a message that ends inside a code point.
#include <string>
#include <vector>

#include "common/utf8.hpp"

namespace wsspec::cases {
namespace {

constexpr const char* invalid_requirement =
    "When an endpoint is to interpret a byte stream as UTF-8 but finds that the byte stream is "
    "not, in fact, a valid UTF-8 stream, that endpoint MUST _Fail the WebSocket Connection_. "
    "[...] (§5.6) Invalid UTF-8 in reassembled messages is handled as described in Section 8.1.";

constexpr const char* fail_fast_note =
    "Autobahn waits 1 s between the parts; wsspec waits 150 ms. A target that fails the "
    "connection only once the rest of the message arrived is NON-STRICT, as in Autobahn. Autobahn "
    "also fails a target that closes on the valid first part alone; wsspec sends the valid part "
    "and the invalid one without a pause between them, and checks that valid prefixes split "
    "across frames are accepted in the 5.6 cases instead.";

// The mark after which the rest of a fail-fast message is sent.
constexpr const char* rest_mark = "rest-of-message";
constexpr auto fail_fast_pause = 150ms;

// ----- invalid text (Autobahn 6.3) ---------------------------------------------------------------

void add_invalid_text(catalogue& cat) {
  const bytes word = kosme();

  // Valid text, then the 3-byte form of the surrogate U+D800, then valid text again.
  const bytes surrogate_text = join({word, encode_as(0xD800, 3), utf8(u8"edited")});
  cat.add("rfc6455/8.1/utf8-surrogate-in-message")
      .section("8.1")
      .must(invalid_requirement)
      .autobahn("6.3.1")
      .describe(
          "Send a text frame of kosme, the surrogate U+D800 encoded as ED A0 80, and "
          "'edited' (" +
          spaced_hex(surrogate_text) +
          "); the target must fail the connection, with close code 1007.")
      .send({text_bytes(surrogate_text)})
      .rule(ref::error::invalid_utf8)
      .expect_fail(invalid_payload);
  cat.add("rfc6455/8.1/utf8-surrogate-one-byte-frames")
      .section("8.1")
      .must(invalid_requirement)
      .autobahn("6.3.2")
      .describe(
          "Send the same 20 bytes with the surrogate U+D800 one byte per frame, then an "
          "empty final frame; the target must fail the connection, with close code 1007.")
      .send(one_byte_frames(surrogate_text))
      .rule(ref::error::invalid_utf8)
      .expect_fail(invalid_payload);
}

// ----- fail fast (Autobahn 6.4) ------------------------------------------------------------------

void add_fail_fast(catalogue& cat) {
  const bytes word = kosme();
  const bytes above_max = encode_as(0x110000, 4);  // F4 90 80 80: U+110000, above U+10FFFF
  const bytes edited = utf8(u8"edited");
  const std::string why =
      "; the target must fail the connection, with close code 1007, as soon as the invalid byte "
      "arrives: the rest of the message follows only after a pause.";

  // The invalid code point is a frame of its own.
  cat.add("rfc6455/8.1/fail-fast-invalid-frame")
      .section("8.1")
      .must(invalid_requirement)
      .autobahn("6.4.1")
      .describe(
          "Send a text frame of kosme (FIN clear) and a continuation frame F4 90 80 80 "
          "(U+110000, above U+10FFFF), pause, then a final continuation frame 'edited'" +
          why)
      .note(fail_fast_note)
      .send({text_bytes(word, false), continuation_bytes(above_max, false)})
      .pause(fail_fast_pause)
      .mark(rest_mark)
      .send({continuation_bytes(edited, true)})
      .fail_fast(rest_mark)
      .rule(ref::error::invalid_utf8)
      .expect_fail(invalid_payload);

  // F4 is a valid start; the next byte, 90, is the first that cannot continue it.
  cat.add("rfc6455/8.1/fail-fast-invalid-byte")
      .section("8.1")
      .must(invalid_requirement)
      .autobahn("6.4.2")
      .describe(
          "Send a text frame of kosme and F4 (FIN clear), a continuation frame holding only "
          "90, the first byte that makes it invalid, pause, then a final continuation frame "
          "80 80 'edited'" +
          why)
      .note(fail_fast_note)
      .send({text_bytes(join({word, {0xF4}}), false), continuation_bytes({0x90}, false)})
      .pause(fail_fast_pause)
      .mark(rest_mark)
      .send({continuation_bytes(join({{0x80, 0x80}, edited}), true)})
      .fail_fast(rest_mark)
      .rule(ref::error::invalid_utf8)
      .expect_fail(invalid_payload);

  // Within one frame: the frame's header declares all 21 bytes, its payload arrives in three
  // writes. The all-zero masking key leaves the payload as it is, so the later writes are the
  // remaining payload bytes themselves (RFC 6455 §5.3 allows any 32-bit key).
  const auto frame_head = [&](bytes first_part) {
    wire_frame f = text_bytes(std::move(first_part), false);
    f.declared_length = word.size() + above_max.size() + edited.size();
    f.key = ref::mask_key{0, 0, 0, 0};
    return f;
  };
  cat.add("rfc6455/8.1/fail-fast-within-frame")
      .section("8.1")
      .must(invalid_requirement)
      .autobahn("6.4.3")
      .describe(
          "Send one 21-byte text frame (FIN clear) in three writes: its header with kosme, "
          "then F4 90 80 80 (U+110000), pause, then 'edited', and an empty final "
          "continuation frame" +
          why +
          " The target must check the payload as it arrives, not once the frame is "
          "complete.")
      .note(fail_fast_note)
      .send({frame_head(word)})
      .send_raw(payload_spec::bytes(above_max))
      .pause(fail_fast_pause)
      .mark(rest_mark)
      .send_raw(payload_spec::bytes(edited))
      .send({continuation_bytes({}, true)})
      .fail_fast(rest_mark)
      .rule(ref::error::invalid_utf8)
      .expect_fail(invalid_payload);
  cat.add("rfc6455/8.1/fail-fast-within-frame-at-byte")
      .section("8.1")
      .must(invalid_requirement)
      .autobahn("6.4.4")
      .describe(
          "Send one 21-byte text frame (FIN clear) in three writes: its header with kosme "
          "and F4, then the single byte 90 that makes it invalid, pause, then 80 80 "
          "'edited', and an empty final continuation frame" +
          why +
          " The target must check the payload as it arrives, not once the frame is "
          "complete.")
      .note(fail_fast_note)
      .send({frame_head(join({word, {0xF4}}))})
      .send_raw(payload_spec::bytes({0x90}))
      .pause(fail_fast_pause)
      .mark(rest_mark)
      .send_raw(payload_spec::bytes(join({{0x80, 0x80}, edited})))
      .send({continuation_bytes({}, true)})
      .fail_fast(rest_mark)
      .rule(ref::error::invalid_utf8)
      .expect_fail(invalid_payload);
}

// ----- the decoder tables (Autobahn 6.5-6.23): the invalid rows ---------------------------------

void add_decoder_tables(catalogue& cat) {
  for (const utf8_table& table : decoder_tables()) {
    for (std::size_t i = 0; i < table.rows.size(); ++i) {
      const utf8_row& r = table.rows[i];
      if (r.valid) continue;
      cat.add("rfc6455/8.1/utf8-" + table.slug + "-" + r.label)
          .section("8.1")
          .must(invalid_requirement)
          .autobahn(table.number + "." + std::to_string(i + 1))
          .send({text_bytes(r.payload)})
          .describe(decoder_row_sent(table, r) +
                    "The target must fail the connection, with close code 1007.")
          .rule(ref::error::invalid_utf8)
          .expect_fail(invalid_payload);
    }
  }
}

// ----- beyond Autobahn ---------------------------------------------------------------------------

void add_more(catalogue& cat) {
  const bytes word = kosme();

  // The last frame ends inside a code point.
  cat.add("rfc6455/8.1/utf8-message-ends-inside-code-point")
      .section("8.1")
      .must(invalid_requirement)
      .describe(
          "Send a text message of two frames, CE BA E1 BD B9 then CF 83 CE: every frame "
          "boundary is fine, but the message ends after CE, inside a 2-byte code point; the "
          "target must fail the connection, with close code 1007.")
      .send({text_bytes(bytes(word.begin(), word.begin() + 5), false),
             continuation_bytes(bytes(word.begin() + 5, word.begin() + 8), true)})
      .rule(ref::error::invalid_utf8)
      .expect_fail(invalid_payload);
  cat.add("rfc6455/8.1/utf8-unfinished-code-point-then-empty-final-frame")
      .section("8.1")
      .must(invalid_requirement)
      .describe(
          "Send a text frame CE BA E1 (FIN clear), which stops inside a 3-byte code point, "
          "then an empty final continuation frame; the message ends unfinished, so the "
          "target must fail the connection, with close code 1007.")
      .send(
          {text_bytes(bytes(word.begin(), word.begin() + 3), false), continuation_bytes({}, true)})
      .rule(ref::error::invalid_utf8)
      .expect_fail(invalid_payload);
}

void add_utf8(catalogue& cat) {
  add_invalid_text(cat);
  add_fail_fast(cat);
  add_decoder_tables(cat);
  add_more(cat);
}

}  // namespace

WSSPEC_FAMILY(6455, "8.1", add_utf8);

}  // namespace wsspec::cases
