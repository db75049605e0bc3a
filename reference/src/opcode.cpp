#include "wsspec/reference/opcode.hpp"

#include <cstdio>

namespace wsspec::ref {

std::string opcode_name(std::uint8_t op) {
  switch (op) {
    case 0x0:
      return "continuation";
    case 0x1:
      return "text";
    case 0x2:
      return "binary";
    case 0x8:
      return "close";
    case 0x9:
      return "ping";
    case 0xA:
      return "pong";
    default:
      break;
  }
  char buf[24];
  std::snprintf(buf, sizeof buf, "reserved-0x%X", static_cast<unsigned>(op & 0xF));
  return buf;
}

}  // namespace wsspec::ref
