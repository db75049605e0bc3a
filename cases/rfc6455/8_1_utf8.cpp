// RFC 6455 §5.6 and §8.1: a text message is UTF-8. Its frames may split a code point anywhere, the
// message as a whole may not be invalid, and an endpoint that finds invalid UTF-8 fails the
// connection (close code 1007, §7.4.1), as early as the first byte that cannot lead to valid
// UTF-8. Autobahn 6.x: empty and fragmented text (6.1, 6.2), invalid text (6.3), fail-fast
// (6.4) and the UTF-8 decoder tables 6.5-6.23; plus frames splitting a 4-byte code point, a
// message that ends inside a code point, binary data that is not UTF-8, and Close reasons.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/builders.hpp"

namespace wsspec::cases {
namespace {

using bytes = std::vector<std::uint8_t>;

constexpr const char* text_requirement =
    "The \"Payload data\" is text data encoded as UTF-8. Note that a particular text frame might "
    "include a partial UTF-8 sequence; however, the whole message MUST contain valid UTF-8.";

constexpr const char* binary_requirement =
    "The \"Payload data\" is arbitrary binary data whose interpretation is solely up to the "
    "application layer.";

constexpr const char* invalid_requirement =
    "When an endpoint is to interpret a byte stream as UTF-8 but finds that the byte stream is "
    "not, in fact, a valid UTF-8 stream, that endpoint MUST _Fail the WebSocket Connection_. "
    "[...] (§5.6) Invalid UTF-8 in reassembled messages is handled as described in Section 8.1.";

constexpr const char* close_reason_requirement =
    "Following the 2-byte integer, the body MAY contain UTF-8-encoded data with value /reason/, "
    "the interpretation of which is not defined by this specification. [...] (§8.1) When an "
    "endpoint is to interpret a byte stream as UTF-8 but finds that the byte stream is not, in "
    "fact, a valid UTF-8 stream, that endpoint MUST _Fail the WebSocket Connection_.";

constexpr const char* fail_fast_note =
    "Autobahn waits 1 s between the parts; wsspec waits 150 ms. A target that fails the "
    "connection only once the rest of the message arrived is NON-STRICT, as in Autobahn. Autobahn "
    "also fails a target that closes on the valid first part alone; wsspec sends the valid part "
    "and the invalid one without a pause between them, and checks that valid prefixes split "
    "across frames are accepted in the 5.6 cases instead.";

// The mark after which the rest of a fail-fast message is sent.
constexpr const char* rest_mark = "rest-of-message";
constexpr auto fail_fast_pause = 150ms;

// ----- UTF-8 bit patterns ---------------------------------------------------------------------

// The n-byte UTF-8 bit pattern of `value` (RFC 3629 §3) with no validity check: a lead byte of n
// one bits, a zero bit and the top bits of the value, then n-1 bytes 10xxxxxx of six bits each.
// Values that fit in fewer bytes give overlong forms, n = 5 and 6 the forms RFC 3629 dropped, and
// D800-DFFF the surrogates: each invalid table below is one of these patterns.
bytes encode_as(std::uint32_t value, int n) {
  if (n == 1) return {static_cast<std::uint8_t>(value)};
  bytes out;
  out.push_back(static_cast<std::uint8_t>(((0xFF00u >> n) & 0xFFu) | (value >> (6 * (n - 1)))));
  for (int k = n - 2; k >= 0; --k)
    out.push_back(static_cast<std::uint8_t>(0x80u | ((value >> (6 * k)) & 0x3Fu)));
  return out;
}

// The largest value the n-byte pattern can hold: 7 bits in one byte, 5n+1 bits in n > 1 bytes.
std::uint32_t highest(int n) {
  return n == 1 ? 0x7Fu : (std::uint32_t{1} << (5 * n + 1)) - 1;
}

// The shortest form of a code point: valid UTF-8 unless it is a surrogate or above U+10FFFF.
bytes utf8_of(std::uint32_t cp) {
  return encode_as(cp, cp <= 0x7F ? 1 : cp <= 0x7FF ? 2 : cp <= 0xFFFF ? 3 : 4);
}

bytes utf8(std::u8string_view s) {
  return bytes(s.begin(), s.end());
}

bytes join(std::initializer_list<bytes> parts) {
  bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

bytes without_last(bytes b) {
  b.pop_back();
  return b;
}

std::string spaced_hex(const bytes& b) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string s;
  for (std::uint8_t x : b) {
    if (!s.empty()) s += ' ';
    s += digits[x >> 4];
    s += digits[x & 0xF];
  }
  return s;
}

std::string code_point_name(std::uint32_t cp) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string s;
  for (int shift = 20; shift >= 0; shift -= 4) {
    const unsigned d = (cp >> shift) & 0xF;
    if (s.empty() && d == 0 && shift > 12) continue;
    s += digits[d];
  }
  return "U+" + s;
}

// "U+10FFFF" → "u10ffff", for case ids.
std::string code_point_slug(std::uint32_t cp) {
  std::string s = code_point_name(cp).substr(2);
  for (char& ch : s) ch = static_cast<char>(ch >= 'A' ? ch - 'A' + 'a' : ch);
  return "u" + s;
}

// The Greek word "kosme" (U+03BA U+1F79 U+03C3 U+03BC U+03B5): one 3-byte and four 2-byte code
// points.
const std::uint32_t kosme_code_points[] = {0x3BA, 0x1F79, 0x3C3, 0x3BC, 0x3B5};

bytes kosme() {
  bytes out;
  for (std::uint32_t cp : kosme_code_points) out = join({out, utf8_of(cp)});
  return out;
}

// "Hello-µ@ßöäüàá-UTF-8!!", Autobahn's 6.2 text: ASCII with 2-byte code points.
bytes hello_text() {
  return utf8(u8"Hello-\u00b5@\u00df\u00f6\u00e4\u00fc\u00e0\u00e1-UTF-8!!");
}

wire_frame text_bytes(bytes b, bool fin = true) {
  return frame(1, payload_spec::bytes(b), fin);
}
wire_frame continuation_bytes(bytes b, bool fin = true) {
  return frame(0, payload_spec::bytes(b), fin);
}

// One frame per byte, then an empty final continuation frame, as Autobahn's fragmenter sends a
// message whose length is a multiple of the fragment size.
std::vector<wire_frame> one_byte_frames(const bytes& b) {
  std::vector<wire_frame> frames;
  for (std::size_t i = 0; i < b.size(); ++i)
    frames.push_back(frame(i == 0 ? 1 : 0, payload_spec::bytes({b[i]}), false));
  frames.push_back(continuation_bytes({}, true));
  return frames;
}

expected_event text_of(const bytes& b) {
  return message_of(1, payload_spec::bytes(b));
}

// ----- the decoder tables (Autobahn 6.5-6.23) ---------------------------------------------------

struct row {
  std::string label;  // the end of the case id
  bytes payload;
  bool valid;
  std::string what;  // shown in the description, next to the bytes
};

struct group {
  std::string number;  // the Autobahn subcategory; its rows are numbered from 1
  std::string slug;
  std::string rule;  // the UTF-8 rule the group checks
  std::vector<row> rows;
};

row code_point(std::uint32_t cp, std::string what = {}) {
  return {code_point_slug(cp), utf8_of(cp), true,
          code_point_name(cp) + (what.empty() ? "" : ", " + what)};
}

std::string bytes_label(int n) {
  return std::to_string(n) + "-byte";
}

std::vector<group> decoder_tables() {
  std::vector<group> g;

  // ASCII mixed with 2-, 3- and 4-byte code points is valid.
  g.push_back({"6.5",
               "sample",
               "ordinary text with multi-byte code points is valid UTF-8",
               {{"ascii", utf8(u8"hello$world"), true, "ASCII only"},
                {"2-byte", utf8(u8"hello\u00a2world"), true, "with U+00A2"},
                {"3-byte", utf8(u8"hello\u20acworld"), true, "with U+20AC"},
                {"4-byte", utf8(u8"hello\U00024B62world"), true, "with U+24B62"},
                {"kosme", kosme(), true, "the Greek word kosme"}}});

  // Every prefix of a valid string: valid exactly when it ends between two code points.
  {
    group prefixes{"6.6",
                   "kosme-prefix",
                   "a prefix of valid text is valid only when it ends on a code point boundary; "
                   "a message may not end inside a code point",
                   {}};
    const bytes word = kosme();
    std::vector<std::size_t> boundaries;
    std::size_t at = 0;
    for (std::uint32_t cp : kosme_code_points) boundaries.push_back(at += utf8_of(cp).size());
    for (std::size_t n = 1; n <= word.size(); ++n) {
      const bool whole = std::find(boundaries.begin(), boundaries.end(), n) != boundaries.end();
      prefixes.rows.push_back({std::to_string(n),
                               bytes(word.begin(), word.begin() + static_cast<std::ptrdiff_t>(n)),
                               whole, "the first " + std::to_string(n) + " bytes of kosme"});
    }
    g.push_back(std::move(prefixes));
  }

  // The lowest code point of each length is valid.
  g.push_back({"6.7",
               "first",
               "the lowest code point of each encoded length is valid UTF-8",
               {code_point(0x0), code_point(0x80), code_point(0x800), code_point(0x10000)}});

  // RFC 3629 §3 limits UTF-8 to four bytes: the lowest 5- and 6-byte patterns are invalid.
  {
    group first{"6.8",
                "first-obsolete",
                "RFC 3629 §3 restricts UTF-8 to four bytes (U+10FFFF); the 5- and 6-byte forms "
                "of the older definition are invalid",
                {}};
    for (int n : {5, 6})
      first.rows.push_back({bytes_label(n), encode_as(highest(n - 1) + 1, n), false,
                            "the lowest " + bytes_label(n) + " pattern"});
    g.push_back(std::move(first));
  }

  // The highest code point of each length, up to U+10FFFF, is valid.
  g.push_back({"6.9",
               "last",
               "the highest code point of each encoded length is valid UTF-8",
               {code_point(0x7F), code_point(0x7FF), code_point(0xFFFF), code_point(0x10FFFF)}});

  // RFC 3629 §3: nothing above U+10FFFF, whether in four bytes or the obsolete five and six.
  {
    group last{"6.10",
               "last-obsolete",
               "RFC 3629 §3 ends UTF-8 at U+10FFFF: the highest 4-, 5- and 6-byte patterns are "
               "invalid",
               {}};
    for (int n : {4, 5, 6})
      last.rows.push_back({bytes_label(n), encode_as(highest(n), n), false,
                           "the highest " + bytes_label(n) + " pattern"});
    g.push_back(std::move(last));
  }

  // Code points next to the surrogates and at the top of Unicode; U+110000 is out of range.
  g.push_back({"6.11",
               "boundary",
               "code points next to the surrogate range and the last one, U+10FFFF, are valid; "
               "the 4-byte pattern of U+110000 is not (RFC 3629 §3)",
               {code_point(0xD7FF, "just below the surrogates"),
                code_point(0xE000, "just above the surrogates"),
                code_point(0xFFFD, "the replacement character"),
                code_point(0x10FFFF, "the last code point"),
                {"u110000", encode_as(0x110000, 4), false, "U+110000, beyond Unicode"}}});

  // A continuation byte 80-BF cannot start a code point.
  {
    group cont{"6.12",
               "unexpected-continuation",
               "a continuation byte (80 to BF) cannot start a code point",
               {}};
    cont.rows.push_back({"80", {0x80}, false, "the first continuation byte alone"});
    cont.rows.push_back({"bf", {0xBF}, false, "the last continuation byte alone"});
    for (int n = 2; n <= 6; ++n) {
      bytes run;
      for (int i = 0; i < n; ++i) run.push_back(i % 2 == 0 ? 0x80 : 0xBF);
      cont.rows.push_back(
          {std::to_string(n) + "-bytes", run, false, std::to_string(n) + " continuation bytes"});
    }
    bytes all;
    for (unsigned b = 0x80; b <= 0xBE; ++b) all.push_back(static_cast<std::uint8_t>(b));
    cont.rows.push_back({"80-to-be", all, false,
                         "the continuation bytes 80 to BE (Autobahn's list stops before BF)"});
    g.push_back(std::move(cont));
  }

  // A lead byte followed by a space, not by the continuation bytes it announces.
  {
    group lonely{"6.13",
                 "lonely-lead",
                 "a lead byte must be followed by continuation bytes; each one here is followed "
                 "by a space",
                 {}};
    struct range {
      int n;
      unsigned first, last;  // Autobahn's lists stop one byte short of each range
    };
    for (const range r : {range{2, 0xC0, 0xDE}, range{3, 0xE0, 0xEE}, range{4, 0xF0, 0xF6},
                          range{5, 0xF8, 0xFA}, range{6, 0xFC, 0xFC}}) {
      bytes run;
      for (unsigned b = r.first; b <= r.last; ++b) {
        run.push_back(static_cast<std::uint8_t>(b));
        run.push_back(0x20);
      }
      lonely.rows.push_back({bytes_label(r.n), run, false,
                             "each " + bytes_label(r.n) + " lead byte from " +
                                 spaced_hex({static_cast<std::uint8_t>(r.first)}) + " to " +
                                 spaced_hex({static_cast<std::uint8_t>(r.last)}) +
                                 ", then a space"});
    }
    g.push_back(std::move(lonely));
  }

  // A sequence cut short: the lowest and the highest pattern of each length, minus its last byte.
  std::vector<row> truncated;
  for (const bool high : {false, true})
    for (int n = 2; n <= 6; ++n)
      truncated.push_back({bytes_label(n) + (high ? "-highest" : "-lowest"),
                           without_last(encode_as(high ? highest(n) : 0, n)), false,
                           "the " + std::string(high ? "highest" : "lowest") + " " +
                               bytes_label(n) + " pattern without its last byte"});
  g.push_back({"6.14", "missing-last-byte",
               "a multi-byte sequence whose last continuation byte is missing is invalid",
               truncated});

  // The same truncated sequences, one after another in one message.
  {
    bytes all;
    for (const auto& r : truncated) all = join({all, r.payload});
    g.push_back({"6.15",
                 "missing-last-byte-concatenated",
                 "sequences that each lack their last continuation byte, concatenated, are invalid",
                 {{"all", all, false, "the ten truncated sequences of 6.14 in a row"}}});
  }

  // FE and FF never occur in UTF-8.
  g.push_back({"6.16",
               "impossible",
               "the bytes FE and FF never occur in UTF-8",
               {{"fe", {0xFE}, false, "FE"},
                {"ff", {0xFF}, false, "FF"},
                {"fefeffff", {0xFE, 0xFE, 0xFF, 0xFF}, false, "FE FE FF FF"}}});

  // Overlong forms (RFC 3629 §3: a character is encoded in the fewest bytes that hold it).
  const auto overlong = [](std::string number, std::string slug, std::string rule,
                           std::uint32_t (*value)(int), std::string what) {
    group o{std::move(number), std::move(slug), std::move(rule), {}};
    for (int n = 2; n <= 6; ++n)
      o.rows.push_back({bytes_label(n), encode_as(value(n), n), false,
                        what + " in " + std::to_string(n) + " bytes"});
    return o;
  };
  g.push_back(overlong(
      "6.17", "overlong-solidus",
      "an overlong form (more bytes than the value needs, RFC 3629 §3) is invalid, here of "
      "the ASCII character '/'",
      [](int) { return std::uint32_t{0x2F}; }, "U+002F"));
  g.push_back(overlong(
      "6.18", "overlong-max",
      "the largest value of each overlong length is still overlong and invalid (RFC 3629 §3)",
      [](int n) { return highest(n - 1); }, "the largest overlong value"));
  g.push_back(overlong(
      "6.19", "overlong-nul",
      "an overlong form of U+0000 is invalid (RFC 3629 §3), a classic way to smuggle a NUL "
      "past a filter",
      [](int) { return std::uint32_t{0}; }, "U+0000"));

  // RFC 3629 §3: the surrogates U+D800-U+DFFF are not encoded in UTF-8, alone or in pairs.
  {
    group single{"6.20",
                 "surrogate",
                 "the UTF-16 surrogates U+D800 to U+DFFF must not be encoded in UTF-8 "
                 "(RFC 3629 §3)",
                 {}};
    for (std::uint32_t s : {0xD800u, 0xDB7Fu, 0xDB80u, 0xDBFFu, 0xDC00u, 0xDF80u, 0xDFFFu})
      single.rows.push_back(
          {code_point_slug(s), encode_as(s, 3), false, "the surrogate " + code_point_name(s)});
    g.push_back(std::move(single));
    group pairs{"6.21",
                "surrogate-pair",
                "a high and a low surrogate, each encoded in three bytes (CESU-8), are not UTF-8 "
                "(RFC 3629 §3)",
                {}};
    for (std::uint32_t high : {0xD800u, 0xDB7Fu, 0xDB80u, 0xDBFFu})
      for (std::uint32_t low : {0xDC00u, 0xDFFFu})
        pairs.rows.push_back({code_point_slug(high) + "-" + code_point_slug(low),
                              join({encode_as(high, 3), encode_as(low, 3)}), false,
                              "the pair " + code_point_name(high) + " " + code_point_name(low)});
    g.push_back(std::move(pairs));
  }

  // Noncharacters: the last two code points of every plane are valid UTF-8 all the same.
  {
    group nonchar{"6.22",
                  "noncharacter",
                  "noncharacters (the last two code points of each of the 17 planes) are valid "
                  "UTF-8 and must be accepted",
                  {}};
    for (std::uint32_t plane = 0; plane <= 0x10; ++plane)
      for (std::uint32_t low : {0xFFFEu, 0xFFFFu})
        nonchar.rows.push_back(code_point(plane << 16 | low, "a noncharacter"));
    g.push_back(std::move(nonchar));
  }

  // The Specials block, with the replacement character U+FFFD, is valid UTF-8.
  {
    group specials{"6.23",
                   "special",
                   "the Specials U+FFF9 to U+FFFF, the replacement character among them, are "
                   "valid UTF-8",
                   {}};
    for (std::uint32_t cp = 0xFFF9; cp <= 0xFFFF; ++cp) specials.rows.push_back(code_point(cp));
    g.push_back(std::move(specials));
  }
  return g;
}

void add_decoder_tables(catalogue& cat) {
  for (const group& gr : decoder_tables()) {
    for (std::size_t i = 0; i < gr.rows.size(); ++i) {
      const row& r = gr.rows[i];
      const std::string section = r.valid ? "5.6" : "8.1";
      auto c = cat.add("rfc6455/" + section + "/utf8-" + gr.slug + "-" + r.label)
                   .section(section)
                   .must(r.valid ? text_requirement : invalid_requirement)
                   .autobahn(gr.number + "." + std::to_string(i + 1))
                   .send({text_bytes(r.payload)});
      const std::string sent = "Send a text message of " + spaced_hex(r.payload) + " (" + r.what +
                               ") in one frame: " + gr.rule + ". ";
      if (r.valid) {
        c.describe(sent + "The target echoes it unchanged.").expect_echo({text_of(r.payload)});
      } else {
        c.describe(sent + "The target must fail the connection, with close code 1007.")
            .rule(ref::error::invalid_utf8)
            .expect_fail(invalid_payload);
      }
    }
  }
}

// ----- empty, fragmented and invalid text (Autobahn 6.1-6.3) -------------------------------------

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

// ----- beyond Autobahn
// ----------------------------------------------------------------------------

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

  // The reason of a Close frame is UTF-8 too (Autobahn 7.5.1 sends a surrogate in it).
  {
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

void add_utf8(catalogue& cat) {
  add_fragmented_text(cat);
  add_fail_fast(cat);
  add_decoder_tables(cat);
  add_more(cat);
}

}  // namespace

WSSPEC_FAMILY(6455, "8.1", add_utf8);

}  // namespace wsspec::cases
