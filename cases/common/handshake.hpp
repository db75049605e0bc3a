// Opening-handshake builders for server-role families: request heads written line by line (the
// session fills in "{host}", "{target}" and "{key}"), the acceptable answers, and the echo that
// shows an accepted connection works.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/builders.hpp"
#include "wsspec/reference/handshake.hpp"
#include "wsspec/reference/http_head.hpp"

namespace wsspec::cases {

// The field lines of a valid RFC 6455 §4.1 request, in the usual order, as the reference writes
// them; the session fills in "{host}" and "{key}".
inline std::vector<std::string> valid_fields() {
  ref::client_request req;
  req.host = "{host}";
  return ref::field_lines(ref::request_fields(req, "{key}"));
}

// `fields` with the field `name` replaced by `lines` in its place (none: left out).
inline std::vector<std::string> fields_with(std::vector<std::string> fields, std::string_view name,
                                            std::vector<std::string> lines) {
  std::vector<std::string> out;
  for (auto& f : fields) {
    const auto colon = f.find(':');
    if (ref::iequals(std::string_view(f).substr(0, colon), name)) {
      out.insert(out.end(), lines.begin(), lines.end());
    } else {
      out.push_back(std::move(f));
    }
  }
  return out;
}

// The valid field lines with the field `name` replaced by `lines` in its place (none: left out).
inline std::vector<std::string> valid_fields_with(std::string_view name,
                                                  std::vector<std::string> lines) {
  return fields_with(valid_fields(), name, std::move(lines));
}

// RFC 9112 §5.1, which both roles' optional-whitespace cases quote.
inline constexpr const char* ows_rule =
    "RFC 9112 §5.1: A field line value might be preceded and/or followed by optional "
    "whitespace (OWS); a single SP preceding the field line value is preferred for consistent "
    "readability by humans. The field line value does not include that leading or trailing "
    "whitespace: OWS occurring before the first non-whitespace octet of the field line value, "
    "or after the last non-whitespace octet of the field line value, is excluded by parsers "
    "when extracting the field line value from a field line.";

// A request head: the request line, the field lines as given (malformed ones too), each ended by
// CRLF, then the empty line.
inline std::string request_head(std::string_view request_line,
                                const std::vector<std::string>& fields) {
  return ref::format_head(request_line, fields);
}

// The usual request line and valid fields plus `more`.
inline std::string valid_request_plus(const std::vector<std::string>& more) {
  auto fields = valid_fields();
  fields.insert(fields.end(), more.begin(), more.end());
  return request_head("GET {target} HTTP/1.1", fields);
}

inline handshake_expectation handshake_accepted() {
  return {};
}

// A rejection with one of `statuses` (none listed: any 4xx or 5xx).
inline handshake_expectation handshake_rejected(std::vector<int> statuses = {}) {
  handshake_expectation h;
  h.expect = handshake_expectation::outcome::reject;
  h.statuses = std::move(statuses);
  return h;
}

// Either answer; a rejection is still judged by `statuses`.
inline handshake_expectation handshake_either(std::vector<int> statuses = {}) {
  handshake_expectation h;
  h.expect = handshake_expectation::outcome::either;
  h.statuses = std::move(statuses);
  return h;
}

// An acceptance that accepts no extension at all.
inline handshake_expectation handshake_without_extensions() {
  handshake_expectation h;
  h.no_extensions = true;
  return h;
}

// A valid request whose Sec-WebSocket-Version field is replaced by `lines` (none: left out).
inline std::string with_version_lines(std::vector<std::string> lines) {
  return request_head("GET {target} HTTP/1.1",
                      valid_fields_with("Sec-WebSocket-Version", std::move(lines)));
}

// RFC 6455 §4.2.1: a server refuses a request that does not match the handshake it describes.
inline constexpr const char* server_must_reject =
    "If the server, while reading the handshake, finds that the client did not send a handshake "
    "that matches the description below (note that as per [RFC2616], the order of the header "
    "fields is not important), including but not limited to any violations of the ABNF grammar "
    "specified for the components of the handshake, the server MUST stop processing the client's "
    "handshake and return an HTTP response with an appropriate error code (such as 400 Bad "
    "Request).";

// The same sentence, with the part of the description the version field breaks.
inline constexpr const char* version_must_reject =
    "If the server, while reading the handshake, finds that the client did not send a handshake "
    "that matches the description below [...], including but not limited to any violations of "
    "the ABNF grammar specified for the components of the handshake, the server MUST stop "
    "processing the client's handshake and return an HTTP response with an appropriate error "
    "code (such as 400 Bad Request). [...] 6. A |Sec-WebSocket-Version| header field, with a "
    "value of 13.";

// The message a case sends once the handshake was accepted: its echo shows the connection is
// usable.
inline constexpr std::string_view after_handshake = "Hello after the opening handshake";

inline case_builder& echo_after_handshake(case_builder& c) {
  return c.send({text(after_handshake)}).expect_echo({text_message(after_handshake)});
}

}  // namespace wsspec::cases
