// Payload masking (RFC 6455 §5.3), word at a time.
#pragma once

#include <cstdint>
#include <span>

#include "wsspec/reference/frame.hpp"

namespace wsspec::ref {

// XORs `data` with `key` in place, as if `data` started `offset` bytes into the payload (so a
// payload delivered in pieces can be unmasked piece by piece). Masking twice restores the input.
void apply_mask(std::span<std::uint8_t> data, const mask_key& key,
                std::uint64_t offset = 0) noexcept;

}  // namespace wsspec::ref
