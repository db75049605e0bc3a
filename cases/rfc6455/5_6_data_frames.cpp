// RFC 6455 §5.6 data frames: a text message is UTF-8, which its frames may split anywhere, and a
// binary message is whatever bytes the application sent. Autobahn 6.x: empty and fragmented text
// (6.1, 6.2) and the valid rows of the UTF-8 decoder tables 6.5-6.23, plus frames splitting a
// 4-byte code point and binary data that is not UTF-8. Sustained: 1000 messages of one size, each
// sent once the previous one is echoed, measure the target's round-trip time (Autobahn 9.7.x,
// 9.8.x); those performance cases run alone, after the others.
#include <cstdint>
#include <string>
#include <vector>

#include "common/utf8.hpp"

namespace wsspec::cases {
namespace {

constexpr const char* data_requirement =
    "Data frames carry application-layer and/or extension-layer data. The opcode determines the "
    "interpretation of the data: Text The \"Payload data\" is text data encoded as UTF-8. [...] "
    "Binary The \"Payload data\" is arbitrary binary data whose interpretation is solely up to "
    "the application layer.";

constexpr std::size_t round_trip_count = 1000;

constexpr const char* text_requirement =
    "The \"Payload data\" is text data encoded as UTF-8. Note that a particular text frame might "
    "include a partial UTF-8 sequence; however, the whole message MUST contain valid UTF-8.";

constexpr const char* binary_requirement =
    "The \"Payload data\" is arbitrary binary data whose interpretation is solely up to the "
    "application layer.";

// "Hello-µ@ßöäüàá-UTF-8!!", Autobahn's 6.2 text: ASCII with 2-byte code points.
bytes hello_text() {
  return utf8(u8"Hello-\u00b5@\u00df\u00f6\u00e4\u00fc\u00e0\u00e1-UTF-8!!");
}

// ----- sustained round trips (Autobahn 9.7, 9.8) -------------------------------------------------

void add_round_trips(catalogue& cat) {
  const std::uint64_t sizes[] = {0, 16, 64, 256, 1024, 4096};
  for (std::uint8_t op = 1; op <= 2; ++op) {
    const std::string kind = op == 1 ? "text" : "binary";
    for (std::size_t i = 0; i < std::size(sizes); ++i) {
      const payload_spec payload = op == 1 ? payload_spec::repeat("*", sizes[i])
                                           : payload_spec::repeat_bytes({0xfe}, sizes[i]);
      // Generous (the reference needs about a quarter of a millisecond per round trip on
      // loopback; this allows some 30 ms each), yet bounded.
      const auto budget = std::chrono::milliseconds(30000 + 2 * sizes[i]);
      cat.add("rfc6455/5.6/" + kind + "-round-trips-" + std::to_string(sizes[i]) + "b")
          .section("5.6")
          .must(data_requirement)
          .autobahn((op == 1 ? "9.7." : "9.8.") + std::to_string(i + 1))
          .describe("Send " + std::to_string(round_trip_count) + " " + kind + " messages of " +
                    std::to_string(sizes[i]) +
                    " bytes one at a time, each once the previous one was echoed; the target "
                    "echoes every one unchanged. The duration is the time of 1000 round trips.")
          .note(
              "Autobahn checks only each echo's type and length; wsspec compares every echo "
              "exactly (the digest is computed as the bytes arrive).")
          .performance()
          .budget(budget)
          .round_trips(op, payload, round_trip_count, budget)
          .expect_echo(std::vector<expected_event>(round_trip_count, message_of(op, payload)));
    }
  }
}

// ----- empty and fragmented text (Autobahn 6.1, 6.2) ---------------------------------------------

void add_fragmented_text(catalogue& cat) {
  const bytes hello = hello_text();
  const bytes word = kosme();

  cat.add("rfc6455/5.6/utf8-empty-message")
      .section("5.6")
      .must(text_requirement)
      .autobahn("6.1.1")
      .describe("Send an empty text message in one frame; the target echoes it.")
      .send({text_bytes({})})
      .expect_echo({text_of({})});
  cat.add("rfc6455/5.6/utf8-empty-fragments")
      .section("5.6")
      .must(text_requirement)
      .autobahn("6.1.2")
      .describe(
          "Send a text message of three empty frames; the target echoes one empty text "
          "message.")
      .send({text_bytes({}, false), continuation_bytes({}, false), continuation_bytes({}, true)})
      .expect_echo({text_of({})});
  cat.add("rfc6455/5.6/utf8-empty-first-and-last-fragments")
      .section("5.6")
      .must(text_requirement)
      .autobahn("6.1.3")
      .describe(
          "Send a text message whose first and last frames are empty and whose middle frame "
          "holds 'middle frame payload'; the target echoes the text.")
      .send({text("", false), continuation("middle frame payload", false), continuation("", true)})
      .expect_echo({text_message("middle frame payload")});

  cat.add("rfc6455/5.6/utf8-one-frame")
      .section("5.6")
      .must(text_requirement)
      .autobahn("6.2.1")
      .describe("Send '" + std::string(hello.begin(), hello.end()) +
                "' (ASCII and 2-byte code points, 29 bytes) in one text frame; the target echoes "
                "it.")
      .send({text_bytes(hello)})
      .expect_echo({text_of(hello)});
  cat.add("rfc6455/5.6/utf8-split-between-code-points")
      .section("5.6")
      .must(text_requirement)
      .autobahn("6.2.2")
      .describe(
          "Send the same 29 bytes in two frames split between two code points (15 + 14 "
          "bytes); the target echoes the text.")
      .send({text_bytes(bytes(hello.begin(), hello.begin() + 15), false),
             continuation_bytes(bytes(hello.begin() + 15, hello.end()), true)})
      .expect_echo({text_of(hello)});
  cat.add("rfc6455/5.6/utf8-one-byte-frames")
      .section("5.6")
      .must(text_requirement)
      .autobahn("6.2.3")
      .describe(
          "Send the same 29 bytes one byte per frame, so that every 2-byte code point is "
          "split across two frames, then an empty final frame; the target echoes the text.")
      .send(one_byte_frames(hello))
      .expect_echo({text_of(hello)});
  cat.add("rfc6455/5.6/utf8-kosme-one-byte-frames")
      .section("5.6")
      .must(text_requirement)
      .autobahn("6.2.4")
      .describe("Send the Greek word kosme (" + spaced_hex(word) +
                ", 2- and 3-byte code points) one byte per frame, then an empty final frame; the "
                "target echoes the text.")
      .send(one_byte_frames(word))
      .expect_echo({text_of(word)});
}

// ----- the decoder tables (Autobahn 6.5-6.23): the valid rows -----------------------------------

void add_decoder_tables(catalogue& cat) {
  for (const utf8_table& table : decoder_tables()) {
    for (std::size_t i = 0; i < table.rows.size(); ++i) {
      const utf8_row& r = table.rows[i];
      if (!r.valid) continue;
      cat.add("rfc6455/5.6/utf8-" + table.slug + "-" + r.label)
          .section("5.6")
          .must(text_requirement)
          .autobahn(table.number + "." + std::to_string(i + 1))
          .send({text_bytes(r.payload)})
          .describe(decoder_row_sent(table, r) + "The target echoes it unchanged.")
          .expect_echo({text_of(r.payload)});
    }
  }
}

// ----- beyond Autobahn ---------------------------------------------------------------------------

void add_more(catalogue& cat) {
  const bytes word = kosme();
  const bytes emoji = utf8_of(0x1F600);  // F0 9F 98 80

  // A 4-byte code point whose bytes arrive in three frames.
  {
    const bytes head = join({utf8(u8"smile "), {emoji[0]}});
    const bytes middle{emoji[1], emoji[2]};
    const bytes tail = join({{emoji[3]}, utf8(u8" done")});
    cat.add("rfc6455/5.6/utf8-code-point-across-three-frames")
        .section("5.6")
        .must(text_requirement)
        .describe(
            "Send 'smile U+1F600 done' in three text frames that split the 4-byte code "
            "point F0 9F 98 80 as F0 | 9F 98 | 80; the target echoes the text.")
        .send({text_bytes(head, false), continuation_bytes(middle, false),
               continuation_bytes(tail, true)})
        .expect_echo({text_of(join({head, middle, tail}))});
  }

  // The restricted second byte after F4 (80 to 8F) is checked across frame boundaries.
  {
    const bytes last = utf8_of(0x10FFFF);
    std::vector<wire_frame> frames;
    for (std::size_t i = 0; i < last.size(); ++i)
      frames.push_back(frame(i == 0 ? 1 : 0, payload_spec::bytes({last[i]}), i + 1 == last.size()));
    cat.add("rfc6455/5.6/utf8-last-code-point-one-byte-frames")
        .section("5.6")
        .must(text_requirement)
        .describe(
            "Send U+10FFFF (F4 8F BF BF), the last code point, as four text frames of one "
            "byte each; the target echoes it.")
        .send(frames)
        .expect_echo({text_of(last)});
  }

  // Every byte of a text frame in its own TCP write.
  {
    const bytes mixed = join({word, utf8_of(0x10000), utf8_of(0x10FFFF), utf8(u8"!")});
    cat.add("rfc6455/5.6/utf8-one-byte-writes")
        .section("5.6")
        .must(text_requirement)
        .describe("Send one text frame of kosme, U+10000, U+10FFFF and '!' (" + spaced_hex(mixed) +
                  ") one byte per TCP write; the target echoes it, whatever the reads split.")
        .send_chopped({text_bytes(mixed)}, 1)
        .expect_echo({text_of(mixed)});
  }

  // Binary data is not UTF-8 and is not checked as such.
  {
    const bytes not_text =
        join({{0xFE, 0xFF}, encode_as(0x2F, 2), encode_as(0xD800, 3), without_last(word)});
    cat.add("rfc6455/5.6/binary-not-utf8")
        .section("5.6")
        .must(binary_requirement)
        .describe("Send a binary message of bytes that are not UTF-8 (" + spaced_hex(not_text) +
                  ": impossible bytes, an overlong form, a surrogate, a cut code point); the "
                  "target echoes it as binary.")
        .send({frame(2, payload_spec::bytes(not_text))})
        .expect_echo({message_of(2, payload_spec::bytes(not_text))});
  }
}

void add_data_frames(catalogue& cat) {
  add_round_trips(cat);
  add_fragmented_text(cat);
  add_decoder_tables(cat);
  add_more(cat);
}

}  // namespace

WSSPEC_FAMILY(6455, "5.6", add_data_frames);

}  // namespace wsspec::cases
