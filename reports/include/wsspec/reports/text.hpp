// Text helpers shared by the writers. Everything a target sent may be any bytes: these turn it
// into valid, visible UTF-8 and escape it for the format at hand, so that no writer ever copies
// target bytes into its output as they came.
#pragma once

#include <cstdint>
#include <locale>
#include <ostream>
#include <span>
#include <string>
#include <string_view>

namespace wsspec::reports::text {

// Valid UTF-8: every ill-formed subsequence becomes one U+FFFD, control characters become
// visible symbols (C0 as the Control Pictures block, U+2400 + c; DEL as U+2421; C1 and the
// noncharacters U+FFFE/U+FFFF as U+FFFD). Tab is kept; line breaks are kept (CRLF and a lone CR
// become LF) when `keep_lines`, and shown as symbols otherwise.
std::string visible(std::string_view s, bool keep_lines = false);

// At most `max_bytes` bytes of valid UTF-8 (cut at a character boundary), followed by a note of
// how much was left out.
std::string clip(std::string_view utf8, std::size_t max_bytes);

// Whether `bytes` is UTF-8 without control characters other than tab, CR and LF. When
// `truncated`, the bytes are the start of something longer and may end inside a character.
bool printable_utf8(std::span<const std::uint8_t> bytes, bool truncated);

// visible() then escaped for HTML text and attribute values (& < > " ').
std::string html(std::string_view s, bool keep_lines = false);
// visible() (line breaks kept) then escaped for XML 1.0: the result only holds characters XML 1.0
// allows. In an attribute value, tab and line feed are written as character references so that
// they survive attribute-value normalisation.
std::string xml(std::string_view s, bool attribute = false);
// visible() on one line, then every ASCII punctuation character backslash-escaped, so that
// Markdown renders it as itself: no emphasis, link, autolink, mention, HTML or table break.
std::string markdown(std::string_view s);

// Numbers written as the formats need them (no digit grouping, '.' as the decimal point),
// whatever locale the caller's stream has, for as long as this object lives.
class classic_numbers {
 public:
  explicit classic_numbers(std::ostream& out)
      : out_(out), saved_(out.imbue(std::locale::classic())) {}
  ~classic_numbers() { out_.imbue(saved_); }
  classic_numbers(const classic_numbers&) = delete;
  classic_numbers& operator=(const classic_numbers&) = delete;

 private:
  std::ostream& out_;
  std::locale saved_;
};

// Lowercase hex, bytes separated by spaces: "81 7e 00".
std::string spaced_hex(std::span<const std::uint8_t> bytes);

}  // namespace wsspec::reports::text
