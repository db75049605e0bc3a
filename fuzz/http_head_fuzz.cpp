// http_head_fuzz: the incremental, bounded HTTP/1.1 head parser (RFC 9112 §2-§5), both kinds.
//
// Input: [flags][max_head_size: 2][max_fields: 1][split plan][bytes].
// flags bit 0: a response (status line) rather than a request; a limit of 0 means the default.
//
// Oracle: the result (status, error, bytes consumed, head) is the same fed whole or in the plan's
// chunks; need_more consumes the whole chunk; never more than max_head_size bytes are consumed
// (nor counted by size()). Errors are only head_too_large, bad_header_line and the start-line error
// of the kind (bad_request_line for requests, bad_status_line for responses). A finished head ends
// with CRLF CRLF, its start line and fields are well-formed (tokens, versions and status digits,
// values trimmed and without CR, LF or NUL, at most max_fields), and written out again it parses
// back to the same head. After done or an error the parser repeats that result, consuming nothing.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "wsspec/reference/http_head.hpp"

namespace {

using namespace wsspec;
using ref::http_head_parser;
using ref::parse_status;

struct outcome {
  parse_status status = parse_status::need_more;
  ref::error err{};
  std::size_t consumed = 0;
  ref::http_head head;
};

bool same_head(const ref::http_head& a, const ref::http_head& b) {
  return a.is_request == b.is_request && a.method == b.method && a.target == b.target &&
         a.version_major == b.version_major && a.version_minor == b.version_minor &&
         a.status == b.status && a.reason == b.reason && a.fields == b.fields;
}

outcome parse(http_head_parser::kind k, const ref::http_limits& limits,
              const std::vector<std::span<const std::uint8_t>>& chunks) {
  http_head_parser p(k, limits);
  outcome out;
  for (const auto chunk : chunks) {
    const ref::parse_result r = p.feed(chunk);
    WSSPEC_FUZZ_CHECK(r.consumed <= chunk.size());
    out.consumed += r.consumed;
    WSSPEC_FUZZ_CHECK(p.size() <= limits.max_head_size);
    if (r.status == parse_status::need_more) {
      WSSPEC_FUZZ_CHECK(r.consumed == chunk.size());
      continue;
    }
    out.status = r.status;
    out.err = r.err;
    break;
  }
  WSSPEC_FUZZ_CHECK(out.consumed <= limits.max_head_size);
  if (out.status != parse_status::need_more) {
    const std::uint8_t more[] = {'\r', '\n'};
    const ref::parse_result again = p.feed(more);
    WSSPEC_FUZZ_CHECK(again.status == out.status && again.consumed == 0);
    if (out.status == parse_status::error) WSSPEC_FUZZ_CHECK(again.err == out.err);
  }
  out.head = p.head();
  return out;
}

bool clean_value(const std::string& v) {
  if (!v.empty() && (v.front() == ' ' || v.front() == '\t' || v.back() == ' ' || v.back() == '\t'))
    return false;
  for (const char c : v)
    if (c == '\0' || c == '\r' || c == '\n') return false;
  return true;
}

std::string serialise(const ref::http_head& h) {
  const std::string version =
      "HTTP/" + std::to_string(h.version_major) + "." + std::to_string(h.version_minor);
  std::string out;
  if (h.is_request) {
    out = h.method + " " + h.target + " " + version;
  } else {
    const char digits[] = {static_cast<char>('0' + h.status / 100),
                           static_cast<char>('0' + h.status / 10 % 10),
                           static_cast<char>('0' + h.status % 10), '\0'};
    out = version + " " + digits;
    if (!h.reason.empty()) out += " " + h.reason;
  }
  out += "\r\n";
  for (const auto& f : h.fields) out += f.name + ": " + f.value + "\r\n";
  return out + "\r\n";
}

void check_done(const outcome& o, http_head_parser::kind k, const ref::http_limits& limits,
                std::span<const std::uint8_t> bytes) {
  const ref::http_head& h = o.head;
  // RFC 9112 §2.1: the head ends with the empty line.
  WSSPEC_FUZZ_CHECK(o.consumed >= 4);
  WSSPEC_FUZZ_CHECK(fuzz::as_chars(bytes.subspan(o.consumed - 4, 4)) == "\r\n\r\n");
  WSSPEC_FUZZ_CHECK(h.is_request == (k == http_head_parser::kind::request));
  WSSPEC_FUZZ_CHECK(h.version_major >= 0 && h.version_major <= 9);
  WSSPEC_FUZZ_CHECK(h.version_minor >= 0 && h.version_minor <= 9);
  if (h.is_request) {
    WSSPEC_FUZZ_CHECK(ref::is_token(h.method));
    WSSPEC_FUZZ_CHECK(!h.target.empty());
    for (const char c : h.target) {
      const auto u = static_cast<unsigned char>(c);
      WSSPEC_FUZZ_CHECK(u > 0x20 && u != 0x7f);
    }
  } else {
    WSSPEC_FUZZ_CHECK(h.status >= 0 && h.status <= 999);
    for (const char c : h.reason) WSSPEC_FUZZ_CHECK(c != '\r' && c != '\n');
  }
  WSSPEC_FUZZ_CHECK(h.fields.size() <= limits.max_fields);
  for (const auto& f : h.fields) {
    WSSPEC_FUZZ_CHECK(ref::is_token(f.name));
    WSSPEC_FUZZ_CHECK(clean_value(f.value));
  }

  const std::string again = serialise(h);
  ref::http_limits roomy = limits;
  roomy.max_head_size = again.size();
  http_head_parser p(k, roomy);
  const ref::parse_result r = p.feed(again);
  WSSPEC_FUZZ_CHECK(r.status == parse_status::done);
  WSSPEC_FUZZ_CHECK(r.consumed == again.size());
  WSSPEC_FUZZ_CHECK(same_head(p.head(), h));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::byte_reader in(data, size);
  const auto k = in.flag() ? http_head_parser::kind::response : http_head_parser::kind::request;
  ref::http_limits limits;
  if (const std::uint16_t n = in.u16(); n != 0) limits.max_head_size = n;
  if (const std::uint8_t n = in.byte(); n != 0) limits.max_fields = n;
  const auto plan = fuzz::split_plan::read(in);
  const auto bytes = in.rest();

  const outcome whole = parse(k, limits, {bytes});
  const outcome split = parse(k, limits, plan.cut(bytes));
  WSSPEC_FUZZ_CHECK(whole.status == split.status);
  WSSPEC_FUZZ_CHECK(whole.consumed == split.consumed);
  WSSPEC_FUZZ_CHECK(same_head(whole.head, split.head));

  switch (whole.status) {
    case parse_status::need_more:
      WSSPEC_FUZZ_CHECK(whole.consumed == bytes.size());
      break;
    case parse_status::error: {
      WSSPEC_FUZZ_CHECK(whole.err == split.err);
      const ref::error start_line_error = k == http_head_parser::kind::request
                                              ? ref::error::bad_request_line
                                              : ref::error::bad_status_line;
      WSSPEC_FUZZ_CHECK(whole.err == ref::error::head_too_large ||
                        whole.err == ref::error::bad_header_line || whole.err == start_line_error);
      break;
    }
    case parse_status::done:
      check_done(whole, k, limits, bytes);
      break;
  }
  return 0;
}
