// deflate_negotiation_fuzz: permessage-deflate negotiation (RFC 7692 §5, §7), both sides.
//
// Input: [policy flags][server window bits][client window bits][Sec-WebSocket-Extensions value].
// flags bit 0: enabled; bit 1: server_no_context_takeover; bit 2: client_no_context_takeover.
// Window bits are 7-16 (the policy clamps them to 8-15).
//
// Oracle: parse_deflate_offer accepts an element or rejects it with bad_extension_parameter, and
// an accepted offer survives to_extension -> format -> parse. negotiate_deflate agrees exactly
// when the policy is enabled and some permessage-deflate element is a valid offer, and then on
// the first one (§5); its response element is well-formed, and a client that made that offer
// accepts it (accept_deflate_response) with the very parameters the server agreed. Those answer
// the offer: server_no_context_takeover when offered or asked, window bits 8-15 and within the
// offer and the policy, client_max_window_bits only when offered (§7.1.2.2). A deflater and an
// inflater set up from the agreement carry two messages each way intact. For the client side on
// arbitrary answers, accepting a response against several offers gives the result of the first
// offer it answers.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "wsspec/reference/extensions.hpp"
#include "wsspec/reference/permessage_deflate.hpp"

namespace {

using namespace wsspec;
using ref::error;

// One direction of a connection: what `bits` and `reset` compress, the same inflate.
void carry(int bits, bool reset, std::span<const std::uint8_t> text) {
  ref::deflater out(bits, reset);
  ref::inflater in(bits, reset);
  const std::size_t half = text.size() / 2;
  for (const auto message : {text.first(half), text.subspan(half)}) {
    std::vector<std::uint8_t> z;
    out.compress(message, z);
    std::vector<std::uint8_t> back;
    WSSPEC_FUZZ_CHECK(!in.decompress(z, true, back));
    WSSPEC_FUZZ_CHECK(std::equal(back.begin(), back.end(), message.begin(), message.end()));
  }
}

void check_agreement(const ref::deflate_agreement& a, const ref::deflate_offer& offer,
                     const ref::deflate_server_policy& policy, std::span<const std::uint8_t> text) {
  const ref::deflate_params& p = a.params;
  WSSPEC_FUZZ_CHECK(a.response.name == ref::permessage_deflate_name);
  const auto formatted = ref::parse_extensions(ref::format_extensions({a.response}));
  WSSPEC_FUZZ_CHECK(formatted && formatted->size() == 1 && formatted->front() == a.response);
  const auto response = ref::parse_deflate_offer(a.response);
  WSSPEC_FUZZ_CHECK(response.ok());

  const auto client = ref::accept_deflate_response(a.response, offer);
  WSSPEC_FUZZ_CHECK(client.ok());
  WSSPEC_FUZZ_CHECK(*client == p);

  const int server_cap = std::clamp(policy.server_max_window_bits, 8, 15);
  const int client_cap = std::clamp(policy.client_max_window_bits, 8, 15);
  WSSPEC_FUZZ_CHECK(p.server_max_window_bits >= 8 && p.server_max_window_bits <= server_cap);
  WSSPEC_FUZZ_CHECK(p.client_max_window_bits >= 8 && p.client_max_window_bits <= 15);
  if (offer.server_no_context_takeover || policy.server_no_context_takeover)
    WSSPEC_FUZZ_CHECK(p.server_no_context_takeover);
  if (policy.client_no_context_takeover) WSSPEC_FUZZ_CHECK(p.client_no_context_takeover);
  if (offer.server_max_window_bits)
    WSSPEC_FUZZ_CHECK(p.server_max_window_bits <= *offer.server_max_window_bits);
  if (offer.client_max_window_bits_present) {
    WSSPEC_FUZZ_CHECK(p.client_max_window_bits <= client_cap);
    if (offer.client_max_window_bits)
      WSSPEC_FUZZ_CHECK(p.client_max_window_bits <= *offer.client_max_window_bits);
  } else {
    WSSPEC_FUZZ_CHECK(!response->client_max_window_bits_present);
    WSSPEC_FUZZ_CHECK(p.client_max_window_bits == 15);
  }

  const auto sample = text.first(std::min<std::size_t>(text.size(), 512));
  carry(p.server_max_window_bits, p.server_no_context_takeover, sample);
  carry(p.client_max_window_bits, p.client_no_context_takeover, sample);
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
  const auto text = in.rest();

  const auto offers = ref::parse_extensions(fuzz::as_chars(text));
  if (!offers) return 0;

  std::optional<ref::deflate_offer> first_valid;
  std::vector<ref::deflate_offer> valid;
  for (const auto& ext : *offers) {
    if (ext.name != ref::permessage_deflate_name) continue;
    const auto offer = ref::parse_deflate_offer(ext);
    if (!offer) {
      WSSPEC_FUZZ_CHECK(offer.err() == error::bad_extension_parameter);
      continue;
    }
    const ref::extension back = ref::to_extension(*offer);
    const auto reparsed = ref::parse_extensions(ref::format_extensions({back}));
    WSSPEC_FUZZ_CHECK(reparsed && reparsed->size() == 1);
    const auto again = ref::parse_deflate_offer(reparsed->front());
    WSSPEC_FUZZ_CHECK(again.ok() && *again == *offer);
    if (!first_valid) first_valid = *offer;
    valid.push_back(*offer);
  }

  const auto agreement = ref::negotiate_deflate(*offers, policy);
  WSSPEC_FUZZ_CHECK(agreement.has_value() == (policy.enabled && first_valid.has_value()));
  if (agreement) check_agreement(*agreement, *first_valid, policy, text);

  // The client side: the first element taken as a server's answer to the valid offers.
  const ref::extension& answer = offers->front();
  const auto together = ref::accept_deflate_response(answer, valid);
  std::optional<ref::deflate_params> first_answered;
  for (const auto& offer : valid) {
    const auto one = ref::accept_deflate_response(answer, offer);
    if (one) {
      first_answered = *one;
      break;
    }
    WSSPEC_FUZZ_CHECK(one.err() == error::bad_extension_parameter ||
                      one.err() == error::unoffered_extension);
  }
  WSSPEC_FUZZ_CHECK(together.ok() == first_answered.has_value());
  if (together) WSSPEC_FUZZ_CHECK(*together == *first_answered);
  return 0;
}
