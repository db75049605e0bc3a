#include "wsspec/reference/utf8_validator.hpp"

#include <bit>
#include <cstddef>
#include <cstring>

namespace wsspec::ref {
namespace {

// The automaton recognises exactly the well-formed byte sequences of the Unicode Standard,
// Table 3-7, which is RFC 3629 §4's grammar: every shortest form of U+0000..U+10FFFF except
// the surrogates U+D800..U+DFFF. Each state says what the next byte must be.
enum state : std::uint8_t {
  accept,    // between code points
  reject,    // no continuation can make the input valid (utf8_validator::reject_state)
  need1,     // one more 80..BF
  need2,     // two more 80..BF
  after_e0,  // A0..BF, then one more: E0 80..9F would be an overlong (below U+0800)
  after_ed,  // 80..9F, then one more: ED A0..BF would be a surrogate
  need3,     // three more 80..BF (after F1..F3)
  after_f0,  // 90..BF, then two more: F0 80..8F would be an overlong (below U+10000)
  after_f4,  // 80..8F, then two more: F4 90..BF would be above U+10FFFF
  state_count
};
static_assert(utf8_validator::reject_state == reject);

// Bytes that play the same role in Table 3-7 share a class.
enum byte_class : std::uint8_t {
  ascii,       // 00..7F
  cont_80_8f,  // continuation bytes, split where the range of a second byte starts or ends
  cont_90_9f,
  cont_a0_bf,
  invalid,  // C0, C1 (would start overlongs), F5..FF (would start values above U+10FFFF)
  lead2,    // C2..DF
  lead_e0,  // E0
  lead3,    // E1..EC, EE..EF
  lead_ed,  // ED
  lead_f0,  // F0
  lead4,    // F1..F3
  lead_f4,  // F4
};

constexpr byte_class class_of(unsigned b) noexcept {
  if (b <= 0x7F) return ascii;
  if (b <= 0x8F) return cont_80_8f;
  if (b <= 0x9F) return cont_90_9f;
  if (b <= 0xBF) return cont_a0_bf;
  if (b <= 0xC1) return invalid;
  if (b <= 0xDF) return lead2;
  if (b == 0xE0) return lead_e0;
  if (b == 0xED) return lead_ed;
  if (b <= 0xEF) return lead3;
  if (b == 0xF0) return lead_f0;
  if (b <= 0xF3) return lead4;
  if (b == 0xF4) return lead_f4;
  return invalid;
}

constexpr bool is_cont(byte_class c) noexcept {
  return c == cont_80_8f || c == cont_90_9f || c == cont_a0_bf;
}

constexpr state next(state s, byte_class c) noexcept {
  switch (s) {
    case accept:
      switch (c) {
        case ascii:
          return accept;
        case lead2:
          return need1;
        case lead_e0:
          return after_e0;
        case lead3:
          return need2;
        case lead_ed:
          return after_ed;
        case lead_f0:
          return after_f0;
        case lead4:
          return need3;
        case lead_f4:
          return after_f4;
        // RFC 3629 §3: C0 and C1 can only start overlong forms of U+0000..U+007F, and F5..FF
        // only values above U+10FFFF (or no sequence at all); a continuation byte cannot start.
        default:
          return reject;
      }
    case need1:
      return is_cont(c) ? accept : reject;
    case need2:
      return is_cont(c) ? need1 : reject;
    case need3:
      return is_cont(c) ? need2 : reject;
    // RFC 3629 §3: an encoding must be the shortest; E0 80..9F would encode below U+0800.
    case after_e0:
      return c == cont_a0_bf ? need1 : reject;
    // RFC 3629 §3: surrogates U+D800..U+DFFF (ED A0..BF) are not valid in UTF-8.
    case after_ed:
      return c == cont_80_8f || c == cont_90_9f ? need1 : reject;
    // RFC 3629 §3: an encoding must be the shortest; F0 80..8F would encode below U+10000.
    case after_f0:
      return c == cont_90_9f || c == cont_a0_bf ? need2 : reject;
    // RFC 3629 §3: UTF-8 stops at U+10FFFF; F4 90..BF would encode U+110000 and above.
    case after_f4:
      return c == cont_80_8f ? need2 : reject;
    default:
      return reject;
  }
}

// The transition table is stored one 64-bit row per byte value: state s's successor sits in
// the 6 bits at offset 6*s, as an offset itself. One step is then a single shift whose count
// depends on the previous step, which keeps the dependency chain per byte one instruction long.
constexpr unsigned field_bits = 6;
constexpr std::uint64_t field_mask = (std::uint64_t{1} << field_bits) - 1;
static_assert(state_count * field_bits <= 64);

constexpr std::uint64_t offset(state s) noexcept {
  return std::uint64_t{s} * field_bits;
}
constexpr std::uint64_t accept_offset = offset(accept);
constexpr std::uint64_t reject_offset = offset(reject);

struct row_table {
  std::uint64_t row[256];
};

constexpr row_table rows = [] {
  row_table t{};
  for (unsigned b = 0; b < 256; ++b)
    for (unsigned s = 0; s < state_count; ++s)
      t.row[b] |= offset(next(static_cast<state>(s), class_of(b))) << offset(static_cast<state>(s));
  return t;
}();

// One step of the automaton. Only the low 6 bits of `s` name the state; the bits above are
// whatever the previous row held, and the mask (free on x86, where shifts mask their count)
// drops them. Inlined even in unoptimised builds, where the exhaustive tests run.
[[gnu::always_inline]] inline std::uint64_t step(std::uint64_t s, std::uint8_t b) noexcept {
  return rows.row[b] >> (s & field_mask);
}

inline std::uint64_t load64(const std::uint8_t* p) noexcept {
  std::uint64_t w;
  std::memcpy(&w, p, sizeof w);
  return w;
}

constexpr std::uint64_t high_bits = 0x8080808080808080ULL;

// Returns the first byte at or after p that is not ASCII (or `end`), looking at whole words. On
// little-endian machines it lands exactly on that byte; elsewhere on the word that holds it.
inline const std::uint8_t* skip_ascii(const std::uint8_t* p, const std::uint8_t* end) noexcept {
  while (end - p >= 32) {
    if (((load64(p) | load64(p + 8) | load64(p + 16) | load64(p + 24)) & high_bits) != 0) break;
    p += 32;
  }
  while (end - p >= 8) {
    const std::uint64_t high = load64(p) & high_bits;
    if (high != 0) {
      if constexpr (std::endian::native == std::endian::little) p += std::countr_zero(high) / 8;
      return p;
    }
    p += 8;
  }
  while (p != end && *p < 0x80) ++p;
  return p;
}

// Bytes run through the automaton between two looks for an ASCII run. Rejection is absorbing,
// so a block is checked once at its end and rescanned only when it failed.
constexpr std::ptrdiff_t block = 16;

}  // namespace

bool utf8_validator::feed(std::span<const std::uint8_t> bytes) noexcept {
  if (state_ == reject_state) return false;
  const std::uint8_t* const begin = bytes.data();
  const std::uint8_t* const end = begin + bytes.size();
  const std::uint8_t* p = begin;
  std::uint64_t s = offset(static_cast<state>(state_));
  while (p != end) {
    if ((s & field_mask) == accept_offset) {
      p = skip_ascii(p, end);
      if (p == end) break;
    }
    const std::uint8_t* const stop = end - p > block ? p + block : end;
    const std::uint64_t entry = s;
    for (const std::uint8_t* q = p; q != stop; ++q) s = step(s, *q);
    if ((s & field_mask) == reject_offset) {
      s = entry;
      while (((s = step(s, *p)) & field_mask) != reject_offset) ++p;
      valid_ += static_cast<std::uint64_t>(p - begin);
      state_ = reject_state;
      return false;
    }
    p = stop;
  }
  valid_ += bytes.size();
  state_ = static_cast<std::uint8_t>((s & field_mask) / field_bits);
  return true;
}

bool is_valid_utf8(std::span<const std::uint8_t> bytes) noexcept {
  utf8_validator v;
  return v.feed(bytes) && v.complete();
}

}  // namespace wsspec::ref
