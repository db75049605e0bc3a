// The body of a Close frame (RFC 6455 §5.5.1, §7.4): empty, or a 2-byte status code followed by
// a UTF-8 reason.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "wsspec/reference/error.hpp"

namespace wsspec::ref {

struct close_info {
  std::optional<std::uint16_t> code;  // absent for an empty payload (reported as 1005)
  std::string reason;
  bool operator==(const close_info&) const = default;
};

// Errors: close_payload_too_short (1 byte), invalid_close_code (not valid on the wire),
// invalid_close_reason (not UTF-8).
result<close_info> parse_close_payload(std::span<const std::uint8_t> payload);

// Encodes a Close body. The caller keeps the reason short enough for a control frame
// (at most 123 bytes); no code means an empty body.
std::vector<std::uint8_t> encode_close_payload(std::optional<std::uint16_t> code,
                                               std::string_view reason = {});

}  // namespace wsspec::ref
