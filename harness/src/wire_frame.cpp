#include "wsspec/harness/wire_frame.hpp"

#include <algorithm>

#include "wsspec/reference/mask.hpp"

namespace wsspec::harness {

payload_spec payload_spec::text(std::string_view s) {
  return {std::vector<std::uint8_t>(s.begin(), s.end()), s.size()};
}

payload_spec payload_spec::bytes(std::vector<std::uint8_t> b) {
  const std::uint64_t n = b.size();
  return {std::move(b), n};
}

payload_spec payload_spec::repeat(std::string_view pattern, std::uint64_t length) {
  return {std::vector<std::uint8_t>(pattern.begin(), pattern.end()), length};
}

payload_spec payload_spec::repeat_bytes(std::vector<std::uint8_t> pattern, std::uint64_t length) {
  return {std::move(pattern), length};
}

std::vector<std::uint8_t> payload_spec::materialize() const {
  std::vector<std::uint8_t> out;
  if (pattern.empty() || length == 0) return out;
  out.resize(length);
  for (std::uint64_t at = 0; at < length; at += pattern.size()) {
    const std::uint64_t n = std::min<std::uint64_t>(pattern.size(), length - at);
    std::copy_n(pattern.begin(), n, out.begin() + static_cast<std::ptrdiff_t>(at));
  }
  return out;
}

void encode_wire_frame(const wire_frame& f, ref::role sender, const ref::mask_key& default_key,
                       std::vector<std::uint8_t>& out, const std::vector<std::uint8_t>* payload) {
  std::vector<std::uint8_t> own;
  if (!payload) {
    own = f.payload.materialize();
    payload = &own;
  }
  const bool masked = masks(f.mask, sender);
  const ref::mask_key key = f.key.value_or(default_key);
  const std::uint64_t declared = f.declared_length.value_or(payload->size());
  const std::uint8_t length_bytes = f.length_bytes.value_or(ref::minimal_length_bytes(declared));

  out.push_back(static_cast<std::uint8_t>((f.fin ? 0x80 : 0) | (f.rsv1 ? 0x40 : 0) |
                                          (f.rsv2 ? 0x20 : 0) | (f.rsv3 ? 0x10 : 0) |
                                          (f.opcode & 0x0F)));
  const std::uint8_t mask_bit = masked ? 0x80 : 0;
  if (length_bytes == 0) {
    // A 7-bit field cannot hold more than 127; a case asking for it gets the low bits.
    out.push_back(static_cast<std::uint8_t>(mask_bit | (declared & 0x7F)));
  } else if (length_bytes == 2) {
    out.push_back(mask_bit | 126);
    out.push_back(static_cast<std::uint8_t>(declared >> 8));
    out.push_back(static_cast<std::uint8_t>(declared));
  } else {
    out.push_back(mask_bit | 127);
    for (int shift = 56; shift >= 0; shift -= 8)
      out.push_back(static_cast<std::uint8_t>(declared >> shift));
  }
  if (masked) out.insert(out.end(), key.begin(), key.end());
  const std::size_t at = out.size();
  out.insert(out.end(), payload->begin(), payload->end());
  if (masked) ref::apply_mask(std::span<std::uint8_t>(out.data() + at, payload->size()), key);
}

}  // namespace wsspec::harness
