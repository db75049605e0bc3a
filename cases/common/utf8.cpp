// UTF-8 for the text cases: the bit patterns, the words and the decoder tables of utf8.hpp.
#include "common/utf8.hpp"

#include <algorithm>

namespace wsspec::cases {
namespace {

// The largest value the n-byte pattern can hold: 7 bits in one byte, 5n+1 bits in n > 1 bytes.
std::uint32_t highest(int n) {
  return n == 1 ? 0x7Fu : (std::uint32_t{1} << (5 * n + 1)) - 1;
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

const std::uint32_t kosme_code_points[] = {0x3BA, 0x1F79, 0x3C3, 0x3BC, 0x3B5};

utf8_row code_point(std::uint32_t cp, std::string what = {}) {
  return {code_point_slug(cp), utf8_of(cp), true,
          code_point_name(cp) + (what.empty() ? "" : ", " + what)};
}

std::string bytes_label(int n) {
  return std::to_string(n) + "-byte";
}

}  // namespace

// ----- UTF-8 bit patterns ---------------------------------------------------------------------

bytes encode_as(std::uint32_t value, int n) {
  if (n == 1) return {static_cast<std::uint8_t>(value)};
  bytes out;
  out.push_back(static_cast<std::uint8_t>(((0xFF00u >> n) & 0xFFu) | (value >> (6 * (n - 1)))));
  for (int k = n - 2; k >= 0; --k)
    out.push_back(static_cast<std::uint8_t>(0x80u | ((value >> (6 * k)) & 0x3Fu)));
  return out;
}

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

bytes kosme() {
  bytes out;
  for (std::uint32_t cp : kosme_code_points) out = join({out, utf8_of(cp)});
  return out;
}

// ----- frames and echoes of raw bytes ---------------------------------------------------------

wire_frame text_bytes(bytes b, bool fin) {
  return frame(1, payload_spec::bytes(b), fin);
}
wire_frame continuation_bytes(bytes b, bool fin) {
  return frame(0, payload_spec::bytes(b), fin);
}

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

std::vector<utf8_table> decoder_tables() {
  std::vector<utf8_table> g;

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
    utf8_table prefixes{
        "6.6",
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
    utf8_table first{
        "6.8",
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
    utf8_table last{
        "6.10",
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
    utf8_table cont{"6.12",
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
    utf8_table lonely{
        "6.13",
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
  std::vector<utf8_row> truncated;
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
    utf8_table o{std::move(number), std::move(slug), std::move(rule), {}};
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
    utf8_table single{"6.20",
                      "surrogate",
                      "the UTF-16 surrogates U+D800 to U+DFFF must not be encoded in UTF-8 "
                      "(RFC 3629 §3)",
                      {}};
    for (std::uint32_t s : {0xD800u, 0xDB7Fu, 0xDB80u, 0xDBFFu, 0xDC00u, 0xDF80u, 0xDFFFu})
      single.rows.push_back(
          {code_point_slug(s), encode_as(s, 3), false, "the surrogate " + code_point_name(s)});
    g.push_back(std::move(single));
    utf8_table pairs{
        "6.21",
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
    utf8_table nonchar{
        "6.22",
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
    utf8_table specials{"6.23",
                        "special",
                        "the Specials U+FFF9 to U+FFFF, the replacement character among them, are "
                        "valid UTF-8",
                        {}};
    for (std::uint32_t cp = 0xFFF9; cp <= 0xFFFF; ++cp) specials.rows.push_back(code_point(cp));
    g.push_back(std::move(specials));
  }
  return g;
}

std::string decoder_row_sent(const utf8_table& table, const utf8_row& row) {
  return "Send a text message of " + spaced_hex(row.payload) + " (" + row.what +
         ") in one frame: " + table.rule + ". ";
}

}  // namespace wsspec::cases
