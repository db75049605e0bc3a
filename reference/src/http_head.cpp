#include "wsspec/reference/http_head.hpp"

#include <algorithm>

#include "wsspec/reference/enforcement.hpp"

namespace wsspec::ref {
namespace {

constexpr bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

constexpr bool is_alpha(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// RFC 9110 §5.6.2: tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_"
// / "`" / "|" / "~" / DIGIT / ALPHA.
constexpr bool is_tchar(char c) noexcept {
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return is_digit(c) || is_alpha(c);
  }
}

constexpr bool is_ows(char c) noexcept {
  return c == ' ' || c == '\t';
}

constexpr char to_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
  return s;
}

// RFC 9112 §2.3: HTTP-version = HTTP-name "/" DIGIT "." DIGIT, HTTP-name = %s"HTTP" (case
// sensitive).
bool parse_version(std::string_view s, int& major, int& minor) noexcept {
  if (s.size() != 8 || s.substr(0, 5) != "HTTP/" || !is_digit(s[5]) || s[6] != '.' ||
      !is_digit(s[7]))
    return false;
  major = s[5] - '0';
  minor = s[7] - '0';
  return true;
}

// RFC 9112 §3: request-line = method SP request-target SP HTTP-version, where method is a token
// and the request-target holds no whitespace or control characters.
bool parse_request_line(std::string_view line, http_head& head) {
  const auto sp1 = line.find(' ');
  if (sp1 == std::string_view::npos) return false;
  const auto sp2 = line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) return false;
  const auto method = line.substr(0, sp1);
  const auto target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const auto version = line.substr(sp2 + 1);
  if (!is_token(method) || target.empty()) return false;
  for (const char c : target) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return false;
  }
  if (!parse_version(version, head.version_major, head.version_minor)) return false;
  head.is_request = true;
  head.method = method;
  head.target = target;
  return true;
}

// RFC 9112 §4: status-line = HTTP-version SP status-code SP [ reason-phrase ], status-code =
// 3DIGIT, reason-phrase = 1*( HTAB / SP / VCHAR / obs-text ). A status line that ends right after
// the status code is accepted too, since a client SHOULD ignore the reason-phrase.
bool parse_status_line(std::string_view line, http_head& head) {
  if (line.size() < 12 || line[8] != ' ') return false;
  if (!parse_version(line.substr(0, 8), head.version_major, head.version_minor)) return false;
  if (!is_digit(line[9]) || !is_digit(line[10]) || !is_digit(line[11])) return false;
  std::string_view reason;
  if (line.size() > 12) {
    if (line[12] != ' ') return false;
    reason = line.substr(13);
  }
  for (const char c : reason) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f) return false;
  }
  head.is_request = false;
  head.status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
  head.reason = reason;
  return true;
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (to_lower(a[i]) != to_lower(b[i])) return false;
  return true;
}

std::vector<std::string_view> split_list(std::string_view value) {
  std::vector<std::string_view> out;
  while (true) {
    const auto comma = value.find(',');
    const auto element = trim(value.substr(0, comma));
    // RFC 9110 §5.6.1: a recipient MUST accept and ignore empty list elements.
    if (!element.empty()) out.push_back(element);
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return out;
}

bool is_token(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (const char c : s)
    if (!is_tchar(c)) return false;
  return true;
}

const std::string* http_head::find(std::string_view name) const noexcept {
  for (const auto& f : fields)
    if (iequals(f.name, name)) return &f.value;
  return nullptr;
}

std::size_t http_head::count(std::string_view name) const noexcept {
  std::size_t n = 0;
  for (const auto& f : fields)
    if (iequals(f.name, name)) ++n;
  return n;
}

std::vector<std::string_view> http_head::all(std::string_view name) const {
  std::vector<std::string_view> out;
  for (const auto& f : fields)
    if (iequals(f.name, name)) out.emplace_back(f.value);
  return out;
}

http_head_parser::http_head_parser(kind k, http_limits limits) noexcept
    : kind_(k), limits_(limits) {
  head_.is_request = k == kind::request;
}

error http_head_parser::line_error() const noexcept {
  if (first_line_done_) return error::bad_header_line;
  return kind_ == kind::request ? error::bad_request_line : error::bad_status_line;
}

parse_result http_head_parser::fail(error e, std::size_t consumed) {
  failed_ = true;
  err_ = e;
  line_.clear();
  return {parse_status::error, consumed, e};
}

parse_result http_head_parser::feed(std::span<const std::uint8_t> input) {
  if (done_) return {parse_status::done, 0, {}};
  if (failed_) return {parse_status::error, 0, err_};
  for (std::size_t i = 0; i < input.size(); ++i) {
    // RFC 9112 §2.3 / RFC 6585 §5: a head larger than the configured limit is refused (431)
    // before it is buffered.
    if (total_ >= limits_.max_head_size) return fail(error::head_too_large, i);
    ++total_;
    const char c = static_cast<char>(input[i]);
    if (saw_cr_) {
      saw_cr_ = false;
      // RFC 9112 §2.2: every line of the head ends with CRLF; a CR is only valid before LF.
      if (c != '\n') return fail(line_error(), i + 1);
      const auto r = parse_line(i + 1);
      if (r.status != parse_status::need_more) return r;
      line_.clear();
    } else if (c == '\r') {
      saw_cr_ = true;
    } else if (c == '\n') {
      // RFC 9112 §2.2: a bare LF is not accepted as a line terminator.
      return fail(line_error(), i + 1);
    } else {
      line_.push_back(c);
    }
  }
  return {parse_status::need_more, input.size(), {}};
}

parse_result http_head_parser::parse_line(std::size_t consumed) {
  const std::string_view line = line_;
  if (!first_line_done_) {
    if (line.empty()) {
      // RFC 9112 §2.2: a server SHOULD ignore at least one empty line received before the
      // request-line; a status line has no such allowance.
      if (kind_ == kind::request) return {parse_status::need_more, consumed, {}};
      return fail(error::bad_status_line, consumed);
    }
    const bool ok =
        kind_ == kind::request ? parse_request_line(line, head_) : parse_status_line(line, head_);
    if (!ok && enforced(line_error())) return fail(line_error(), consumed);
    // A lax client reads the first three digits of the status line as the status code.
    if (!ok && kind_ == kind::response) {
      for (std::size_t i = 0; i + 3 <= line.size() && head_.status == 0; ++i) {
        const auto d = line.substr(i, 3);
        if (std::all_of(d.begin(), d.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
            (i + 3 == line.size() || line[i + 3] < '0' || line[i + 3] > '9'))
          head_.status = (d[0] - '0') * 100 + (d[1] - '0') * 10 + (d[2] - '0');
      }
    }
    // A lax server takes the request line's first two words as the method and the target.
    if (!ok && kind_ == kind::request) {
      const auto sp = line.find(' ');
      head_.method = line.substr(0, sp);
      head_.target =
          sp == std::string_view::npos ? "/" : line.substr(sp + 1, line.find(' ', sp + 1) - sp - 1);
    }
    first_line_done_ = true;
    return {parse_status::need_more, consumed, {}};
  }
  if (line.empty()) {
    // RFC 9112 §2.1: the empty line ends the head; what follows belongs to the next protocol.
    done_ = true;
    line_.clear();
    line_.shrink_to_fit();
    return {parse_status::done, consumed, {}};
  }
  // A malformed field line fails the head; a lax server skips the line.
  const auto malformed = [&] {
    if (enforced(error::bad_header_line)) return fail(error::bad_header_line, consumed);
    return parse_result{parse_status::need_more, consumed, {}};
  };
  if (is_ows(line.front())) {
    // RFC 9112 §5.2: "A user agent that receives an obs-fold in a response message [...] MUST
    // replace each received obs-fold with one or more SP octets prior to interpreting the field
    // value"; a server MAY reject one in a request, and wsspec's does. Whitespace between the
    // start-line and the first field is rejected either way (RFC 9112 §2.2).
    if (kind_ == kind::request || head_.fields.empty()) return malformed();
    std::string& value = head_.fields.back().value;
    const auto more = trim(line);
    // RFC 9110 §5.5: field values containing CR, LF or NUL are invalid, folded or not.
    for (const char c : more)
      if (c == '\0' || c == '\r' || c == '\n') return malformed();
    if (!more.empty()) value += (value.empty() ? "" : " ") + std::string(more);
    return {parse_status::need_more, consumed, {}};
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return malformed();
  const auto name = line.substr(0, colon);
  // RFC 9112 §5.1: field-name is a token with no whitespace before the colon.
  if (!is_token(name)) return malformed();
  const auto value = trim(line.substr(colon + 1));
  // RFC 9110 §5.5: field values containing CR, LF or NUL are invalid.
  for (const char c : value)
    if (c == '\0' || c == '\r' || c == '\n') return malformed();
  if (head_.fields.size() >= limits_.max_fields) return fail(error::head_too_large, consumed);
  head_.fields.push_back({std::string(name), std::string(value)});
  return {parse_status::need_more, consumed, {}};
}

}  // namespace wsspec::ref
