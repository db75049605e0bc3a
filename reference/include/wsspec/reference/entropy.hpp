#pragma once
// Random bytes from the operating system's cryptographically secure generator, for the client's
// handshake nonce (RFC 6455 §4.1: "randomly selected") and mask keys (§5.3: "derived from a strong
// source of entropy").
#include <cstdint>
#include <span>

namespace wsspec::ref {

// Fills bytes entirely; throws std::runtime_error when the system has no random bytes to give.
void fill_random(std::span<std::uint8_t> bytes);

}  // namespace wsspec::ref
