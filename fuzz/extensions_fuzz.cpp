// extensions_fuzz: the Sec-WebSocket-Extensions grammar (RFC 6455 §9.1).
//
// Input: field values separated by LF (one field line each; a real value cannot hold an LF).
//
// Oracle: parse_extensions accepts a value or rejects it with bad_extension_syntax, nothing else.
// An accepted list is not empty, every extension and parameter name is a token and every value is
// a token (a quoted-string value must be one once unquoted), and format_extensions writes it so
// that it parses back to the same list. The lines parsed as one header are accepted exactly when
// each line is, and give the lines' lists one after the other. Formatting an extension made of the
// first line's bytes (token names, values of any bytes, which the formatter quotes and escapes
// when they are not tokens) never yields a value that parses to a different list.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.hpp"
#include "wsspec/reference/extensions.hpp"
#include "wsspec/reference/http_head.hpp"

namespace {

using namespace wsspec;

void check_list(const std::vector<ref::extension>& list) {
  WSSPEC_FUZZ_CHECK(!list.empty());
  for (const auto& ext : list) {
    WSSPEC_FUZZ_CHECK(ref::is_token(ext.name));
    for (const auto& p : ext.params) {
      WSSPEC_FUZZ_CHECK(ref::is_token(p.name));
      if (p.value) WSSPEC_FUZZ_CHECK(ref::is_token(*p.value));
    }
  }
  const std::string text = ref::format_extensions(list);
  const auto again = ref::parse_extensions(text);
  WSSPEC_FUZZ_CHECK(again.ok());
  WSSPEC_FUZZ_CHECK(*again == list);
}

// An extension named by the first piece of `s`, with one parameter per later piece (split at
// ';'), each value taken as is: whatever bytes it holds.
std::vector<ref::extension> raw_list(std::string_view s) {
  std::vector<std::string_view> pieces;
  for (std::size_t at = 0;;) {
    const auto semi = s.find(';', at);
    pieces.push_back(s.substr(at, semi == std::string_view::npos ? s.npos : semi - at));
    if (semi == std::string_view::npos) break;
    at = semi + 1;
  }
  ref::extension ext{std::string(pieces.front()), {}};
  for (std::size_t i = 1; i < pieces.size(); ++i) {
    const auto eq = pieces[i].find('=');
    if (eq == std::string_view::npos) {
      ext.params.push_back({std::string(pieces[i]), std::nullopt});
    } else {
      ext.params.push_back(
          {std::string(pieces[i].substr(0, eq)), std::string(pieces[i].substr(eq + 1))});
    }
  }
  return {ext};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string_view> lines;
  for (std::size_t at = 0;;) {
    const auto lf = input.find('\n', at);
    lines.push_back(input.substr(at, lf == std::string_view::npos ? input.npos : lf - at));
    if (lf == std::string_view::npos) break;
    at = lf + 1;
  }

  bool all_ok = true;
  std::vector<ref::extension> joined;
  for (const auto line : lines) {
    const auto parsed = ref::parse_extensions(line);
    if (!parsed) {
      WSSPEC_FUZZ_CHECK(parsed.err() == ref::error::bad_extension_syntax);
      all_ok = false;
      continue;
    }
    check_list(*parsed);
    joined.insert(joined.end(), parsed->begin(), parsed->end());
  }
  const auto together = ref::parse_extensions(lines);
  WSSPEC_FUZZ_CHECK(together.ok() == all_ok);
  if (together) {
    WSSPEC_FUZZ_CHECK(*together == joined);
  } else {
    WSSPEC_FUZZ_CHECK(together.err() == ref::error::bad_extension_syntax);
  }

  const auto raw = raw_list(lines.front());
  if (!ref::is_token(raw.front().name)) return 0;
  for (const auto& p : raw.front().params)
    if (!ref::is_token(p.name)) return 0;
  const auto reparsed = ref::parse_extensions(ref::format_extensions(raw));
  if (reparsed) WSSPEC_FUZZ_CHECK(*reparsed == raw);
  return 0;
}
