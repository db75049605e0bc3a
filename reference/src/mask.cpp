#include "wsspec/reference/mask.hpp"

#include <cstddef>
#include <cstring>

namespace wsspec::ref {

// RFC 6455 §5.3: octet i of the payload is XORed with octet (i MOD 4) of the masking key. The
// bulk of the payload is processed eight octets at a time with a 64-bit word holding the key
// twice, rotated to the payload position where the word starts; since 8 is a multiple of 4 the
// rotation stays the same from one word to the next.
void apply_mask(std::span<std::uint8_t> data, const mask_key& key, std::uint64_t offset) noexcept {
  std::uint8_t* p = data.data();
  std::size_t n = data.size();
  std::size_t phase = static_cast<std::size_t>(offset & 3);

  // Unaligned head: byte by byte up to a 16-byte boundary (the width the compiler vectorises the
  // word loop to), when the span is long enough to repay it; memcpy keeps unaligned words correct
  // anyway.
  if (n >= 64) {
    while ((reinterpret_cast<std::uintptr_t>(p) & 15) != 0) {
      *p++ ^= key[phase];
      phase = (phase + 1) & 3;
      --n;
    }
  }

  if (n >= 8) {
    std::uint8_t rotated[8];
    for (std::size_t i = 0; i < 8; ++i) rotated[i] = key[(phase + i) & 3];
    std::uint64_t k;
    std::memcpy(&k, rotated, sizeof k);

    while (n >= 32) {
      std::uint64_t w[4];
      std::memcpy(w, p, sizeof w);
      w[0] ^= k;
      w[1] ^= k;
      w[2] ^= k;
      w[3] ^= k;
      std::memcpy(p, w, sizeof w);
      p += 32;
      n -= 32;
    }
    while (n >= 8) {
      std::uint64_t w;
      std::memcpy(&w, p, sizeof w);
      w ^= k;
      std::memcpy(p, &w, sizeof w);
      p += 8;
      n -= 8;
    }
  }

  // Tail: fewer than 8 octets; the phase is unchanged by the whole words above.
  for (; n != 0; --n) {
    *p++ ^= key[phase];
    phase = (phase + 1) & 3;
  }
}

}  // namespace wsspec::ref
