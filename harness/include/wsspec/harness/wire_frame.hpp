// Frames the harness sends: any bit pattern, built from named fields. Encoding never validates,
// so a case can send exactly the violation it is about (RFC 6455 §5.2 field by field).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wsspec/reference/frame.hpp"

namespace wsspec::harness {

// A payload as a pattern repeated to a length: "*" x 125, or a 16 MiB message, without holding
// it in the case definition.
struct payload_spec {
  std::vector<std::uint8_t> pattern;
  std::uint64_t length = 0;

  static payload_spec text(std::string_view s);
  static payload_spec bytes(std::vector<std::uint8_t> b);
  static payload_spec repeat(std::string_view pattern, std::uint64_t length);
  static payload_spec repeat_bytes(std::vector<std::uint8_t> pattern, std::uint64_t length);
  std::vector<std::uint8_t> materialize() const;
  bool literal() const noexcept { return pattern.size() == length; }
  bool operator==(const payload_spec&) const = default;
};

enum class masking : std::uint8_t { as_role, inverted };

struct wire_frame {
  bool fin = true;
  bool rsv1 = false;
  bool rsv2 = false;
  bool rsv3 = false;
  std::uint8_t opcode = 1;  // raw 4 bits: reserved values allowed
  // Masking, relative to the role wsspec plays, so that one case serves both roles: as the
  // sender's role requires (a client masks, a server does not), or inverted (an unmasked frame
  // to a server, a masked one to a client: RFC 6455 §5.1).
  masking mask = masking::as_role;
  std::optional<ref::mask_key> key;  // default: from the run's seeded generator
  payload_spec payload;
  // Length encoding: 0 (7-bit), 2 or 8 extra bytes; default the minimal one.
  std::optional<std::uint8_t> length_bytes;
  // A length to declare that differs from the payload actually sent.
  std::optional<std::uint64_t> declared_length;
  // Compress the payload with the connection's negotiated permessage-deflate (sets RSV1).
  bool compress = false;

  bool operator==(const wire_frame&) const = default;
};

// Whether `sender` masks a frame that asks for `m` (RFC 6455 §5.1: a client masks, a server not).
constexpr bool masks(masking m, ref::role sender) noexcept {
  return (sender == ref::role::client) != (m == masking::inverted);
}

// Encodes `f` as the given role would send it; `default_key` is used when masking without an
// explicit key. `payload` overrides f.payload when given (already compressed bytes, say).
void encode_wire_frame(const wire_frame& f, ref::role sender, const ref::mask_key& default_key,
                       std::vector<std::uint8_t>& out,
                       const std::vector<std::uint8_t>* payload = nullptr);

}  // namespace wsspec::harness
