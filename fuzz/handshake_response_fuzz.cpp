// handshake_response_fuzz: a client validating the server's opening handshake response (RFC 6455
// §4.1), and the permessage-deflate parameters in it (RFC 7692 §7.1).
//
// Input: [offer flags][server_max_window_bits][client_max_window_bits][response head bytes].
// The client's key is base64 of fuzz::client_nonce, so a seed can hold the matching accept value.
// flags bit 0: offer permessage-deflate; bit 1: offer the subprotocols "chat" and "superchat";
// bit 2: offer the extension "x-test" too; bit 3: offer server_no_context_takeover; bit 4: offer
// client_no_context_takeover; bit 5: offer client_max_window_bits. A window byte of 0 leaves the
// value out; otherwise it is 8-15.
//
// Oracle: validate_response accepts only a 101 with exactly one Sec-WebSocket-Accept equal to
// accept_for_key(key), a subprotocol the client offered, and extensions the client offered, each
// once; it rejects with one of the response's named errors otherwise. A permessage-deflate element
// it accepted is either refused by accept_deflate_response with bad_extension_parameter, or gives
// parameters that answer the offer: window bits 8-15, server_no_context_takeover when offered,
// server_max_window_bits no larger than offered, and client_max_window_bits only when offered.
#include <algorithm>
#include <cstddef>
#include <cstdint>
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

bool is_response_error(error e) {
  switch (e) {
    case error::bad_status:
    case error::bad_upgrade:
    case error::bad_connection:
    case error::missing_accept:
    case error::bad_accept:
    case error::duplicate_accept:
    case error::bad_subprotocol:
    case error::unoffered_subprotocol:
    case error::bad_extension_syntax:
    case error::unoffered_extension:
    case error::duplicate_extension:
      return true;
    default:
      return false;
  }
}

void check_deflate(const ref::extension& ext, const ref::deflate_offer& offer) {
  const auto params = ref::accept_deflate_response(ext, offer);
  if (!params) {
    WSSPEC_FUZZ_CHECK(params.err() == error::bad_extension_parameter);
    return;
  }
  const auto response = ref::parse_deflate_offer(ext);
  WSSPEC_FUZZ_CHECK(response.ok());
  WSSPEC_FUZZ_CHECK(params->server_max_window_bits >= 8 && params->server_max_window_bits <= 15);
  WSSPEC_FUZZ_CHECK(params->client_max_window_bits >= 8 && params->client_max_window_bits <= 15);
  // RFC 7692 §7.1.1.1: an offered server_no_context_takeover is accepted only by including it.
  if (offer.server_no_context_takeover) WSSPEC_FUZZ_CHECK(params->server_no_context_takeover);
  // RFC 7692 §7.1.2.1: the server's window is no larger than the offer allowed.
  if (offer.server_max_window_bits)
    WSSPEC_FUZZ_CHECK(params->server_max_window_bits <= *offer.server_max_window_bits);
  // RFC 7692 §7.1.2.2: client_max_window_bits is answered only when it was offered.
  if (response->client_max_window_bits_present)
    WSSPEC_FUZZ_CHECK(offer.client_max_window_bits_present);
  else
    WSSPEC_FUZZ_CHECK(params->client_max_window_bits == 15);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::byte_reader in(data, size);
  const std::uint8_t flags = in.byte();
  const std::uint8_t server_bits = in.byte();
  const std::uint8_t client_bits = in.byte();

  ref::deflate_offer offer;
  offer.server_no_context_takeover = (flags & 8) != 0;
  offer.client_no_context_takeover = (flags & 16) != 0;
  if (server_bits != 0) offer.server_max_window_bits = 8 + server_bits % 8;
  offer.client_max_window_bits_present = (flags & 32) != 0;
  if (offer.client_max_window_bits_present && client_bits != 0)
    offer.client_max_window_bits = 8 + client_bits % 8;

  std::vector<std::string> subprotocols;
  if ((flags & 2) != 0) subprotocols = {"chat", "superchat"};
  std::vector<ref::extension> extensions;
  if ((flags & 1) != 0) extensions.push_back(ref::to_extension(offer));
  if ((flags & 4) != 0) extensions.push_back({"x-test", {}});

  ref::http_head_parser parser(ref::http_head_parser::kind::response);
  if (parser.feed(in.rest()).status != ref::parse_status::done) return 0;
  const ref::http_head& head = parser.head();
  const std::string key = ref::key_for_nonce(fuzz::client_nonce);
  const auto accepted = ref::validate_response(head, key, subprotocols, extensions);
  if (!accepted) {
    WSSPEC_FUZZ_CHECK(is_response_error(accepted.err()));
    return 0;
  }
  WSSPEC_FUZZ_CHECK(head.status == 101);
  WSSPEC_FUZZ_CHECK(head.count("Sec-WebSocket-Accept") == 1);
  WSSPEC_FUZZ_CHECK(*head.find("Sec-WebSocket-Accept") == ref::accept_for_key(key));
  if (accepted->subprotocol) {
    WSSPEC_FUZZ_CHECK(head.count("Sec-WebSocket-Protocol") == 1);
    WSSPEC_FUZZ_CHECK(std::find(subprotocols.begin(), subprotocols.end(), *accepted->subprotocol) !=
                      subprotocols.end());
  } else {
    WSSPEC_FUZZ_CHECK(head.count("Sec-WebSocket-Protocol") == 0);
  }
  const auto& got = accepted->extensions;
  for (auto it = got.begin(); it != got.end(); ++it) {
    WSSPEC_FUZZ_CHECK(std::any_of(extensions.begin(), extensions.end(),
                                  [&](const ref::extension& o) { return o.name == it->name; }));
    WSSPEC_FUZZ_CHECK(
        std::none_of(got.begin(), it, [&](const ref::extension& e) { return e.name == it->name; }));
    if (it->name == ref::permessage_deflate_name) check_deflate(*it, offer);
  }
  return 0;
}
