#pragma once
// SHA-1 (FIPS 180-4 §6.1), for the opening handshake's Sec-WebSocket-Accept value only: RFC 6455
// §4.2.2 fixes the hash, and nothing in WebSocket relies on it for security.
#include <array>
#include <cstdint>
#include <span>

namespace wsspec::ref {

using sha1_digest = std::array<std::uint8_t, 20>;

sha1_digest sha1(std::span<const std::uint8_t> bytes);

}  // namespace wsspec::ref
