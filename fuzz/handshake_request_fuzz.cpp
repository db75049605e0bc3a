// handshake_request_fuzz: a server validating a client's opening handshake (RFC 6455 §4.2.1), and
// the response it builds, read back by a client (§4.1).
//
// Input: [policy flags][server window bits][client window bits][request head bytes].
// flags bit 0: permessage-deflate enabled; bit 1: server_no_context_takeover; bit 2:
// client_no_context_takeover; bit 3: select the client's first subprotocol. Window bits are
// 7-16 (the policy clamps them to 8-15).
//
// Oracle: validate_request either accepts, and then the key decodes to 16 bytes, the Host is one
// non-empty value, the subprotocols are unique tokens and the extensions are the parsed
// Sec-WebSocket-Extensions lines; the response built for it (accept value, chosen subprotocol,
// negotiated permessage-deflate) parses as a complete head and validate_response accepts it for
// that key and offer, with the same subprotocol and extensions, and accept_deflate_response agrees
// with the server on the parameters. Or it rejects with one of the request's named errors; the
// rejection built for that error parses, carries the error's 4xx status (with
// Sec-WebSocket-Version: 13 for a version error, §4.4), and a client refuses it as bad_status.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "wsspec/reference/extensions.hpp"
#include "wsspec/reference/handshake.hpp"
#include "wsspec/reference/http_head.hpp"
#include "wsspec/reference/permessage_deflate.hpp"

namespace {

using namespace wsspec;
using ref::error;

bool is_request_error(error e) {
  switch (e) {
    case error::bad_method:
    case error::bad_http_version:
    case error::missing_host:
    case error::duplicate_host:
    case error::bad_upgrade:
    case error::bad_connection:
    case error::missing_key:
    case error::bad_key:
    case error::duplicate_key:
    case error::missing_version:
    case error::unsupported_version:
    case error::duplicate_version:
    case error::bad_subprotocol:
    case error::duplicate_subprotocol:
    case error::bad_extension_syntax:
      return true;
    default:
      return false;
  }
}

std::optional<ref::http_head> parse_response(const std::string& text) {
  ref::http_head_parser p(ref::http_head_parser::kind::response);
  const ref::parse_result r = p.feed(text);
  if (r.status != ref::parse_status::done || r.consumed != text.size()) return std::nullopt;
  return p.head();
}

void check_accepted(const ref::http_head& head, const ref::handshake_request& req,
                    const ref::deflate_server_policy& policy, bool pick_first) {
  const auto key = ref::base64_decode(req.key);
  WSSPEC_FUZZ_CHECK(key && key->size() == 16);
  WSSPEC_FUZZ_CHECK(head.count("Host") == 1 && !req.host.empty());
  WSSPEC_FUZZ_CHECK(req.target == head.target);
  for (auto it = req.subprotocols.begin(); it != req.subprotocols.end(); ++it) {
    WSSPEC_FUZZ_CHECK(ref::is_token(*it));
    WSSPEC_FUZZ_CHECK(std::find(req.subprotocols.begin(), it, *it) == it);
  }
  const auto extension_lines = head.all("Sec-WebSocket-Extensions");
  if (extension_lines.empty()) {
    WSSPEC_FUZZ_CHECK(req.extensions.empty());
  } else {
    const auto parsed = ref::parse_extensions(extension_lines);
    WSSPEC_FUZZ_CHECK(parsed && *parsed == req.extensions);
  }

  ref::handshake_response resp;
  resp.accept = ref::accept_for_key(req.key);
  if (pick_first && !req.subprotocols.empty()) resp.subprotocol = req.subprotocols.front();
  const auto agreement = ref::negotiate_deflate(req.extensions, policy);
  if (agreement) resp.extensions.push_back(agreement->response);

  const auto response = parse_response(ref::build_response(resp));
  WSSPEC_FUZZ_CHECK(response.has_value());
  const auto accepted =
      ref::validate_response(*response, req.key, req.subprotocols, req.extensions);
  WSSPEC_FUZZ_CHECK(accepted.ok());
  WSSPEC_FUZZ_CHECK(accepted->subprotocol == resp.subprotocol);
  WSSPEC_FUZZ_CHECK(accepted->extensions == resp.extensions);
  if (agreement) {
    // RFC 7692 §5: the client checks the accepted element against the offers it made.
    std::vector<ref::deflate_offer> offers;
    for (const auto& ext : req.extensions) {
      if (ext.name != ref::permessage_deflate_name) continue;
      if (auto offer = ref::parse_deflate_offer(ext)) offers.push_back(*offer);
    }
    const auto params = ref::accept_deflate_response(accepted->extensions.front(), offers);
    WSSPEC_FUZZ_CHECK(params.ok());
    WSSPEC_FUZZ_CHECK(*params == agreement->params);
  }
}

void check_rejected(error e) {
  WSSPEC_FUZZ_CHECK(is_request_error(e));
  const std::uint16_t status = ref::http_status_for(e);
  WSSPEC_FUZZ_CHECK(status >= 400 && status <= 499);
  const auto rejection = parse_response(ref::build_rejection(e));
  WSSPEC_FUZZ_CHECK(rejection.has_value());
  WSSPEC_FUZZ_CHECK(rejection->status == status);
  if (e == error::missing_version || e == error::unsupported_version) {
    const std::string* version = rejection->find("Sec-WebSocket-Version");
    WSSPEC_FUZZ_CHECK(version != nullptr && *version == "13");
  }
  const auto answer = ref::validate_response(*rejection, "dGhlIHNhbXBsZSBub25jZQ==", {}, {});
  WSSPEC_FUZZ_CHECK(!answer.ok() && answer.err() == error::bad_status);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::byte_reader in(data, size);
  const std::uint8_t flags = in.byte();
  ref::deflate_server_policy policy;
  policy.enabled = (flags & 1) != 0;
  policy.server_no_context_takeover = (flags & 2) != 0;
  policy.client_no_context_takeover = (flags & 4) != 0;
  policy.server_max_window_bits = 7 + in.byte() % 10;
  policy.client_max_window_bits = 7 + in.byte() % 10;
  const bool pick_first = (flags & 8) != 0;

  ref::http_head_parser parser(ref::http_head_parser::kind::request);
  if (parser.feed(in.rest()).status != ref::parse_status::done) return 0;
  const ref::http_head& head = parser.head();
  const auto req = ref::validate_request(head);
  if (req) {
    check_accepted(head, *req, policy, pick_first);
  } else {
    check_rejected(req.err());
  }
  return 0;
}
