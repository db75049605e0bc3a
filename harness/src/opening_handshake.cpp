#include "wsspec/harness/opening_handshake.hpp"

#include <algorithm>

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
  std::vector<ref::extension> built = hs.extensions;
  if (hs.offer_deflate) {
    ref::deflate_offer offer;
    offer.client_max_window_bits_present = true;
    r.deflate = offer;
    built.insert(built.begin(), ref::to_extension(offer));
  }
  r.text = build_case_request(hs, host_header, resource, key, built);
  r.key = key_in_request(r.text).value_or(key);
  r.offered = built;
  for (const auto& f : hs.extra_headers) {
    if (!ref::iequals(f.name, "Sec-WebSocket-Extensions")) continue;
    if (auto more = ref::parse_extensions(f.value))
      r.offered.insert(r.offered.end(), more->begin(), more->end());
  }
  for (const auto& ext : r.offered) {
    if (r.deflate || ext.name != ref::permessage_deflate_name) continue;
    if (auto parsed = ref::parse_deflate_offer(ext)) r.deflate = *parsed;
  }
  return r;
}

judged_response judge_response(const ref::http_head& response, const planned_request& request,
                               const handshake_spec& hs) {
  judged_response j;
  auto accepted = ref::validate_response(response, request.key, hs.subprotocols, request.offered);
  if (!accepted) {
    j.problem = accepted.err();
    j.violation = response.status == 101;
    return j;
  }
  for (const auto& ext : accepted->extensions) {
    if (ext.name != ref::permessage_deflate_name || !request.deflate) continue;
    auto params = ref::accept_deflate_response(ext, *request.deflate);
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

planned_answer answer_request(const ref::http_head& request, const handshake_spec& hs) {
  planned_answer a;
  auto req = ref::validate_request(request);
  if (!req) {
    a.problem = req.err();
    a.status = ref::http_status_for(req.err());
    a.text = ref::build_rejection(req.err());
    return a;
  }
  ref::handshake_response resp;
  resp.accept = ref::accept_for_key(req->key);
  if (hs.offer_deflate) {
    ref::deflate_server_policy policy;
    if (auto agreed = ref::negotiate_deflate(req->extensions, policy)) {
      resp.extensions.push_back(agreed->response);
      a.deflate = agreed->params;
    }
  }
  a.text = ref::build_response(resp);
  return a;
}

}  // namespace wsspec::harness
