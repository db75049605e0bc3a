// Field lines of an HTTP head as the faults rewrite them. A head is a string of lines, each ended
// by CRLF (or a bare LF, which a response under test may use), the last one empty.
#pragma once

#include <string>
#include <string_view>

#include "wsspec/reference/http_head.hpp"

namespace wsspec::fault {

// The field name of a line ("" for the status or request line and for a line without a colon).
inline std::string_view field_name(std::string_view line) {
  const auto colon = line.find(':');
  return colon == std::string_view::npos ? std::string_view{} : line.substr(0, colon);
}

// Calls `keep(line)` for every line of `head` after the first (with its line end); the lines for
// which it returns false are removed.
template <class Keep>
void filter_fields(std::string& head, Keep keep) {
  std::string kept;
  bool first = true;
  for (std::size_t at = 0; at < head.size();) {
    const std::size_t lf = head.find('\n', at);
    const std::size_t next = lf == std::string::npos ? head.size() : lf + 1;
    const std::string_view line = std::string_view(head).substr(at, next - at);
    if (first || keep(line)) kept += line;
    first = false;
    at = next;
  }
  head = std::move(kept);
}

// Removes every field line named `name` (field names are case-insensitive, RFC 9110 §5.1).
inline void remove_field(std::string& head, std::string_view name) {
  filter_fields(head,
                [name](std::string_view line) { return !ref::iequals(field_name(line), name); });
}

// Adds a field line at the end of the head, before the empty line, with the head's line end.
inline void add_field(std::string& head, std::string_view line) {
  const bool crlf = head.ends_with("\r\n");
  head.insert(head.size() - (crlf ? 2 : 1), std::string(line) + (crlf ? "\r\n" : "\n"));
}

// The number of field lines named `name`.
inline std::size_t count_field(std::string head, std::string_view name) {
  std::size_t n = 0;
  filter_fields(head, [&](std::string_view line) {
    n += ref::iequals(field_name(line), name) ? 1 : 0;
    return true;
  });
  return n;
}

}  // namespace wsspec::fault
