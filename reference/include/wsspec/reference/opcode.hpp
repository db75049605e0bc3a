// Frame opcodes (RFC 6455 §5.2, §11.8).
#pragma once

#include <cstdint>
#include <string>

namespace wsspec::ref {

enum class opcode : std::uint8_t {
  continuation = 0x0,
  text = 0x1,
  binary = 0x2,
  close = 0x8,
  ping = 0x9,
  pong = 0xA,
};

constexpr bool is_control(std::uint8_t op) noexcept {
  return (op & 0x8) != 0;
}
constexpr bool is_control(opcode op) noexcept {
  return is_control(static_cast<std::uint8_t>(op));
}
// RFC 6455 §5.2: 0x3-0x7 are reserved for further non-control frames, 0xB-0xF for control frames.
constexpr bool is_reserved_opcode(std::uint8_t op) noexcept {
  return (op >= 0x3 && op <= 0x7) || op >= 0xB;
}

// "text", "ping", ... and "reserved-0x3" for reserved values.
std::string opcode_name(std::uint8_t op);

}  // namespace wsspec::ref
