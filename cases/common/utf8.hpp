// UTF-8 for the text cases: code points in any n-byte bit pattern (valid or not), the words
// Autobahn sends, frames of raw bytes, and Autobahn's UTF-8 decoder tables (6.5-6.23), whose valid
// rows are §5.6 cases and whose invalid rows are §8.1 cases.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "common/builders.hpp"

namespace wsspec::cases {

using bytes = std::vector<std::uint8_t>;

// ----- UTF-8 bit patterns ---------------------------------------------------------------------

// The n-byte UTF-8 bit pattern of `value` (RFC 3629 §3) with no validity check: a lead byte of n
// one bits, a zero bit and the top bits of the value, then n-1 continuation bytes (binary 10
// followed by six bits of the value).
// Values that fit in fewer bytes give overlong forms, n = 5 and 6 the forms RFC 3629 dropped, and
// D800-DFFF the surrogates: each invalid decoder table is one of these patterns.
bytes encode_as(std::uint32_t value, int n);

// The shortest form of a code point: valid UTF-8 unless it is a surrogate or above U+10FFFF.
bytes utf8_of(std::uint32_t cp);

bytes utf8(std::u8string_view s);
bytes join(std::initializer_list<bytes> parts);
bytes without_last(bytes b);

// "CE BA E1", for descriptions.
std::string spaced_hex(const bytes& b);

// The Greek word "kosme" (U+03BA U+1F79 U+03C3 U+03BC U+03B5): one 3-byte and four 2-byte code
// points.
bytes kosme();

// ----- frames and echoes of raw bytes ---------------------------------------------------------

wire_frame text_bytes(bytes b, bool fin = true);
wire_frame continuation_bytes(bytes b, bool fin = true);

// One frame per byte, then an empty final continuation frame, as Autobahn's fragmenter sends a
// message whose length is a multiple of the fragment size.
std::vector<wire_frame> one_byte_frames(const bytes& b);

expected_event text_of(const bytes& b);

// ----- the decoder tables (Autobahn 6.5-6.23) ---------------------------------------------------

struct utf8_row {
  std::string label;  // the end of the case id
  bytes payload;
  bool valid;
  std::string what;  // shown in the description, next to the bytes
};

struct utf8_table {
  std::string number;  // the Autobahn subcategory; its rows are numbered from 1
  std::string slug;
  std::string rule;  // the UTF-8 rule the group checks
  std::vector<utf8_row> rows;
};

std::vector<utf8_table> decoder_tables();

// The start of a decoder table case's description: the bytes sent, what they are, and the rule.
std::string decoder_row_sent(const utf8_table& table, const utf8_row& row);

}  // namespace wsspec::cases
