// A frame as it is on the wire (RFC 6455 §5.2).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "wsspec/reference/error.hpp"
#include "wsspec/reference/opcode.hpp"

namespace wsspec::ref {

enum class role : std::uint8_t { client, server };

constexpr role peer_of(role r) noexcept {
  return r == role::client ? role::server : role::client;
}

using mask_key = std::array<std::uint8_t, 4>;

inline constexpr std::size_t max_header_size = 14;
inline constexpr std::size_t max_control_payload = 125;

struct frame_header {
  bool fin = true;
  bool rsv1 = false;
  bool rsv2 = false;
  bool rsv3 = false;
  std::uint8_t opcode = 0;  // the raw 4-bit value: reserved opcodes are representable
  bool masked = false;
  mask_key key{};
  std::uint64_t length = 0;
  // How the length was encoded on the wire: 0 (in the 7-bit field), 2 or 8 extra bytes.
  std::uint8_t length_bytes = 0;

  std::uint8_t rsv_bits() const noexcept {
    return static_cast<std::uint8_t>((rsv1 ? 4 : 0) | (rsv2 ? 2 : 0) | (rsv3 ? 1 : 0));
  }
  std::size_t size() const noexcept { return 2 + length_bytes + (masked ? 4 : 0); }
  bool operator==(const frame_header&) const = default;
};

// Extra length bytes the minimal encoding of `length` needs: 0, 2 or 8.
constexpr std::uint8_t minimal_length_bytes(std::uint64_t length) noexcept {
  return length <= 125 ? 0 : length <= 0xFFFF ? 2 : 8;
}

struct frame {
  frame_header header;
  std::vector<std::uint8_t> payload;  // unmasked
};

}  // namespace wsspec::ref
