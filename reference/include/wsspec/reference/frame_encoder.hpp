// Encodes well-formed frames (minimal length encoding). The harness has its own encoder that can
// produce any bit pattern; this one is for a conforming endpoint.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "wsspec/reference/frame.hpp"

namespace wsspec::ref {

// Writes the header for `h` into `out` (which must hold max_header_size bytes) and returns the
// number of bytes written. h.length_bytes is ignored: the minimal encoding is always used.
std::size_t encode_header(const frame_header& h, std::uint8_t* out) noexcept;

// Appends one whole frame to `out`; when `key` is given the payload is masked with it.
void append_frame(std::vector<std::uint8_t>& out, opcode op, std::span<const std::uint8_t> payload,
                  bool fin = true, bool rsv1 = false,
                  const std::optional<mask_key>& key = std::nullopt);

}  // namespace wsspec::ref
