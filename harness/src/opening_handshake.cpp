#include "wsspec/harness/opening_handshake.hpp"

#include <algorithm>
#include <cctype>

#include "wsspec/reference/extensions.hpp"

namespace wsspec::harness {

namespace {

bool header_iequals(const ref::header_field& f, std::string_view name) {
  return ref::iequals(f.name, name);
}

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  if (from.empty()) return;
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
}

// The Sec-WebSocket-Key the request actually carries (its first such field), read by the
// reference's HTTP parser: a case may send a malformed key on purpose, and a server answers
// whatever key it read (RFC 6455 §4.2.2). None when the request is not a parsable head.
std::optional<std::string> key_in_request(std::string_view request) {
  ref::http_head_parser parser(ref::http_head_parser::kind::request);
  const auto r =
      parser.feed({reinterpret_cast<const std::uint8_t*>(request.data()), request.size()});
  if (r.status != ref::parse_status::done) return std::nullopt;
  const std::string* key = parser.head().find("Sec-WebSocket-Key");
  return key ? std::optional<std::string>(*key) : std::nullopt;
}

}  // namespace

std::string build_case_request(const handshake_spec& hs, std::string_view host_header,
                               std::string_view resource, std::string_view key,
                               const std::vector<ref::extension>& offered) {
  if (hs.raw_request) {
    std::string request = *hs.raw_request;
    replace_all(request, "{host}", host_header);
    replace_all(request, "{target}", resource);
    replace_all(request, "{key}", key);
    return request;
  }
  ref::client_request req;
  req.host = std::string(host_header);
  req.target = std::string(resource);
  req.subprotocols = hs.subprotocols;
  req.extensions = offered;
  std::vector<ref::header_field> fields = ref::request_fields(req, key);
  std::erase_if(fields, [&](const ref::header_field& f) {
    return std::any_of(hs.omit_headers.begin(), hs.omit_headers.end(),
                       [&](const std::string& n) { return header_iequals(f, n); });
  });
  fields.insert(fields.end(), hs.extra_headers.begin(), hs.extra_headers.end());
  return ref::format_head("GET " + req.target + " HTTP/1.1", ref::field_lines(fields));
}

planned_request plan_request(const handshake_spec& hs, std::string_view host_header,
                             std::string_view resource, const std::array<std::uint8_t, 16>& nonce) {
  planned_request r;
  const std::string key = ref::key_for_nonce(nonce);
  std::vector<ref::extension> built;
  for (const auto& offer : hs.deflate_offers) built.push_back(ref::to_extension(offer));
  built.insert(built.end(), hs.extensions.begin(), hs.extensions.end());
  r.text = build_case_request(hs, host_header, resource, key, built);
  r.key = key_in_request(r.text).value_or(key);
  r.offered = built;
  r.subprotocols = hs.subprotocols;
  for (const auto& f : hs.extra_headers) {
    if (ref::iequals(f.name, "Sec-WebSocket-Protocol"))
      for (const auto name : ref::split_list(f.value)) r.subprotocols.emplace_back(name);
    if (!ref::iequals(f.name, "Sec-WebSocket-Extensions")) continue;
    if (auto more = ref::parse_extensions(f.value))
      r.offered.insert(r.offered.end(), more->begin(), more->end());
  }
  // RFC 7692 §7: a response answers one of the valid offers; a malformed offer has no answer.
  for (const auto& ext : r.offered) {
    if (ext.name != ref::permessage_deflate_name) continue;
    if (auto parsed = ref::parse_deflate_offer(ext)) r.deflate.push_back(*parsed);
  }
  return r;
}

judged_response judge_response(const ref::http_head& response, const planned_request& request) {
  judged_response j;
  auto accepted =
      ref::validate_response(response, request.key, request.subprotocols, request.offered);
  if (!accepted) {
    j.problem = accepted.err();
    j.violation = response.status == 101;
    return j;
  }
  for (const auto& ext : accepted->extensions) {
    if (ext.name != ref::permessage_deflate_name) continue;
    // RFC 7692 §7: a server MUST decline an offer with an unknown, invalid or repeated
    // parameter; every permessage-deflate offer of this request was such an offer.
    if (request.deflate.empty()) {
      j.problem = ref::error::bad_extension_parameter;
      j.violation = true;
      return j;
    }
    auto params = ref::accept_deflate_response(ext, request.deflate);
    if (!params) {
      j.problem = params.err();
      j.violation = true;
      return j;
    }
    j.deflate = *params;
  }
  j.complete = true;
  return j;
}

std::string_view status_reason(int status) noexcept {
  switch (status) {
    case 101:
      return "Switching Protocols";
    case 200:
      return "OK";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 426:
      return "Upgrade Required";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

planned_answer answer_request(const ref::http_head& request, const handshake_spec& hs,
                              bool requires_deflate) {
  planned_answer a;
  auto req = ref::validate_request(request);
  if (!req) {
    // RFC 6455 §4.2.1: the client's request breaks a rule; wsspec refuses it as a server must.
    a.problem = req.err();
    a.status = ref::http_status_for(req.err());
    a.text = ref::build_rejection(req.err());
    a.refused = true;
    return a;
  }
  for (const auto& ext : req->extensions)
    if (ext.name == ref::permessage_deflate_name && ref::parse_deflate_offer(ext))
      a.deflate_offered = true;
  const response_spec& rs = hs.response;
  const std::string accept = ref::accept_for_key(req->key);
  // Near misses of the right value: base64 is case-sensitive, and every character counts.
  std::string lowercase = accept;
  for (char& c : lowercase) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string off_by_one = accept;
  if (!off_by_one.empty()) off_by_one[0] = off_by_one[0] == 'A' ? 'B' : 'A';
  const auto expand = [&](std::string text) {
    replace_all(text, "{accept-lowercase}", lowercase);
    replace_all(text, "{accept-off-by-one}", off_by_one);
    replace_all(text, "{accept}", accept);
    replace_all(text, "{key}", req->key);
    return text;
  };
  a.status = rs.status;
  if (rs.raw) {
    a.text = expand(*rs.raw);
    return a;
  }
  std::vector<ref::header_field> fields = {
      {"Upgrade", "websocket"},
      {"Connection", "Upgrade"},
      {"Sec-WebSocket-Accept", expand(rs.accept.value_or("{accept}"))},
  };
  if (rs.subprotocol) fields.push_back({"Sec-WebSocket-Protocol", *rs.subprotocol});
  // A case about the client's handling of permessage-deflate answers a client that offered none
  // without the extension (and is UNIMPLEMENTED).
  if (rs.extensions && (!requires_deflate || a.deflate_offered)) {
    fields.push_back({"Sec-WebSocket-Extensions", *rs.extensions});
  } else if (rs.status == 101) {
    ref::deflate_server_policy policy;
    policy.enabled = !hs.deflate_offers.empty();
    if (hs.deflate_answer) policy = *hs.deflate_answer;
    if (auto agreed = ref::negotiate_deflate(req->extensions, policy)) {
      fields.push_back({"Sec-WebSocket-Extensions", ref::format_extensions({agreed->response})});
      a.deflate = agreed->params;
    }
  }
  std::erase_if(fields, [&](const ref::header_field& f) {
    return std::any_of(rs.omit_headers.begin(), rs.omit_headers.end(),
                       [&](const std::string& n) { return header_iequals(f, n); });
  });
  for (const auto& f : rs.extra_headers) fields.push_back({f.name, expand(f.value)});
  const std::string reason = rs.reason.value_or(std::string(status_reason(rs.status)));
  a.text = ref::format_head("HTTP/1.1 " + std::to_string(rs.status) + " " + reason,
                            ref::field_lines(fields));
  return a;
}

}  // namespace wsspec::harness
