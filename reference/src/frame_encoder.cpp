#include "wsspec/reference/frame_encoder.hpp"

#include <cstring>

#include "wsspec/reference/mask.hpp"

namespace wsspec::ref {

std::size_t encode_header(const frame_header& h, std::uint8_t* out) noexcept {
  // RFC 6455 §5.2: FIN, RSV1-3 and the 4-bit opcode share the first octet.
  out[0] = static_cast<std::uint8_t>((h.fin ? 0x80 : 0) | (h.rsv1 ? 0x40 : 0) |
                                     (h.rsv2 ? 0x20 : 0) | (h.rsv3 ? 0x10 : 0) | (h.opcode & 0x0F));
  const std::uint8_t mask_bit = h.masked ? 0x80 : 0;
  std::size_t n = 2;
  // RFC 6455 §5.2: the minimal number of bytes MUST be used to encode the length: 0-125 in the
  // 7-bit field, up to 65535 after 126 in 16 bits, otherwise after 127 in 64 bits, network order.
  switch (minimal_length_bytes(h.length)) {
    case 0:
      out[1] = static_cast<std::uint8_t>(mask_bit | h.length);
      break;
    case 2:
      out[1] = static_cast<std::uint8_t>(mask_bit | 126);
      out[2] = static_cast<std::uint8_t>(h.length >> 8);
      out[3] = static_cast<std::uint8_t>(h.length);
      n = 4;
      break;
    default:
      out[1] = static_cast<std::uint8_t>(mask_bit | 127);
      for (int i = 0; i < 8; ++i) out[2 + i] = static_cast<std::uint8_t>(h.length >> (56 - 8 * i));
      n = 10;
      break;
  }
  if (h.masked) {
    std::memcpy(out + n, h.key.data(), h.key.size());
    n += h.key.size();
  }
  return n;
}

void append_frame(std::vector<std::uint8_t>& out, opcode op, std::span<const std::uint8_t> payload,
                  bool fin, bool rsv1, const std::optional<mask_key>& key) {
  frame_header h;
  h.fin = fin;
  h.rsv1 = rsv1;
  h.opcode = static_cast<std::uint8_t>(op);
  h.masked = key.has_value();
  if (key) h.key = *key;
  h.length = payload.size();

  std::uint8_t head[max_header_size];
  const std::size_t head_size = encode_header(h, head);
  const std::size_t start = out.size();
  out.resize(start + head_size + payload.size());
  std::memcpy(out.data() + start, head, head_size);
  if (!payload.empty()) std::memcpy(out.data() + start + head_size, payload.data(), payload.size());
  // RFC 6455 §5.3: the masked payload is the payload XORed with the masking key.
  if (key) apply_mask(std::span(out).subspan(start + head_size), *key);
}

}  // namespace wsspec::ref
