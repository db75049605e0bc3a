#include "wsspec/reference/utf8_validator.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <ostream>
#include <random>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace wsspec::ref {
namespace {

using bytes = std::vector<std::uint8_t>;

bytes b(std::initializer_list<int> v) {
  bytes out;
  for (int x : v) out.push_back(static_cast<std::uint8_t>(x));
  return out;
}

bytes from(std::string_view s) {
  return bytes(s.begin(), s.end());
}

// What the validator must report for an input.
struct expected {
  bool failed;
  std::size_t valid_prefix;  // index of the first invalid byte when failed, else the size
  bool complete;
  bool operator==(const expected&) const = default;
};

std::ostream& operator<<(std::ostream& os, const expected& e) {
  return os << "{failed=" << e.failed << ", valid_prefix=" << e.valid_prefix
            << ", complete=" << e.complete << "}";
}

std::string hex(std::span<const std::uint8_t> in) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out;
  for (std::uint8_t x : in) {
    if (!out.empty()) out += ' ';
    out += digits[x >> 4];
    out += digits[x & 15];
  }
  return out;
}

// The slow model, read straight from RFC 3629: decode each code point bit by bit, and after
// every byte ask whether some continuation could still give a valid code point of the length
// the lead byte announced. It uses no table, so it checks the validator's table independently.
//
// RFC 3629 §3: an n-byte sequence carries a code point that needs more than the bits of the
// (n-1)-byte form (no overlongs), at most U+10FFFF, and not a surrogate U+D800..U+DFFF.
bool can_complete(int len, std::uint32_t bits, int have) {
  const std::uint32_t smallest = len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
  const int free_bits = 6 * (len - have);
  const std::uint32_t lo = bits << free_bits;
  const std::uint32_t hi = lo | ((std::uint32_t{1} << free_bits) - 1);
  // The code points this prefix can still become, cut to the ones an n-byte form may carry.
  const std::uint32_t a = lo > smallest ? lo : smallest;
  const std::uint32_t z = hi < 0x10FFFF ? hi : 0x10FFFF;
  if (a > z) return false;
  return !(a >= 0xD800 && z <= 0xDFFF);
}

expected model(const std::uint8_t* in, std::size_t size) {
  std::size_t i = 0;
  while (i < size) {
    const std::size_t start = i;
    const std::uint8_t lead = in[i];
    int len = 0;
    std::uint32_t bits = 0;
    // RFC 3629 §3: the lead byte's high bits give the length: 0xxxxxxx, 110xxxxx, 1110xxxx,
    // 11110xxx. 10xxxxxx is a continuation and 11111xxx is never used.
    if ((lead & 0x80) == 0) {
      ++i;
      continue;
    } else if ((lead & 0xE0) == 0xC0) {
      len = 2;
      bits = lead & 0x1Fu;
    } else if ((lead & 0xF0) == 0xE0) {
      len = 3;
      bits = lead & 0x0Fu;
    } else if ((lead & 0xF8) == 0xF0) {
      len = 4;
      bits = lead & 0x07u;
    } else {
      return {true, start, false};
    }
    if (!can_complete(len, bits, 1)) return {true, start, false};
    for (int have = 1; have < len; ++have) {
      const std::size_t at = start + static_cast<std::size_t>(have);
      if (at == size) return {false, size, false};
      const std::uint8_t c = in[at];
      if ((c & 0xC0) != 0x80) return {true, at, false};
      bits = (bits << 6) | (c & 0x3Fu);
      if (!can_complete(len, bits, have + 1)) return {true, at, false};
    }
    i = start + static_cast<std::size_t>(len);
  }
  return {false, size, true};
}

expected model(std::span<const std::uint8_t> in) {
  return model(in.data(), in.size());
}

// Feeds `in` in pieces, cutting after byte k when cut(k). Checks each feed's return value
// (false exactly from the piece holding the first invalid byte on) and the final state.
// Returns an empty string on agreement, else what differed.
template <class Cut>
std::string run_cut(std::span<const std::uint8_t> in, Cut cut, const expected& want) {
  utf8_validator v;
  std::size_t begin = 0;
  for (std::size_t k = 0; k < in.size(); ++k) {
    if (k + 1 != in.size() && !cut(k)) continue;
    const std::size_t end = k + 1;
    const bool ok = v.feed(in.subspan(begin, end - begin));
    const bool want_ok = !want.failed || want.valid_prefix >= end;
    if (ok != want_ok) return "feed of [" + std::to_string(begin) + "," + std::to_string(end) + ")";
    begin = end;
  }
  const expected got{v.failed(), static_cast<std::size_t>(v.valid_prefix()), v.complete()};
  if (got != want) {
    std::ostringstream os;
    os << "got " << got << " want " << want;
    return os.str();
  }
  if (is_valid_utf8(in) != want.complete) return "is_valid_utf8";
  return {};
}

// Cut bit k set means a piece ends after byte k: 0 is whole, all ones is byte by byte.
std::string run(std::span<const std::uint8_t> in, std::uint64_t cuts, const expected& want) {
  const auto cut_after = [cuts](std::size_t k) { return ((cuts >> k) & 1) != 0; };
  return run_cut(in, cut_after, want);
}

// Short inputs are fed cut every possible way; long ones whole, cut once at every position,
// and byte by byte.
void check(std::span<const std::uint8_t> in, const expected& want) {
  const auto report = [&](const std::string& diff, const std::string& how) {
    if (!diff.empty()) ADD_FAILURE() << hex(in) << " " << how << ": " << diff;
    return diff.empty();
  };
  if (in.size() <= 8) {
    const std::uint64_t n = in.empty() ? 1 : std::uint64_t{1} << (in.size() - 1);
    for (std::uint64_t c = 0; c < n; ++c)
      if (!report(run(in, c, want), "cuts " + std::to_string(c))) return;
    return;
  }
  const auto never = [](std::size_t) { return false; };
  const auto always = [](std::size_t) { return true; };
  if (!report(run_cut(in, never, want), "whole")) return;
  if (!report(run_cut(in, always, want), "byte by byte")) return;
  for (std::size_t at = 0; at + 1 < in.size(); ++at) {
    const auto once = [at](std::size_t k) { return k == at; };
    if (!report(run_cut(in, once, want), "cut after " + std::to_string(at))) return;
  }
}

void check_model(std::span<const std::uint8_t> in) {
  check(in, model(in));
}

expected valid(std::size_t n) {
  return {false, n, true};
}
expected truncated(std::size_t n) {
  return {false, n, false};
}
expected fails_at(std::size_t i) {
  return {true, i, false};
}

// --- The model itself against hand-checked facts, so that the exhaustive tests rest on it. ---

TEST(Utf8Model, AgreesWithRfc3629Examples) {
  // RFC 3629 §7: "A<NOT IDENTICAL TO><ALPHA>." and the Korean and Japanese examples.
  EXPECT_EQ(model(b({0x41, 0xE2, 0x89, 0xA2, 0xCE, 0x91, 0x2E})), valid(7));
  EXPECT_EQ(model(b({0xED, 0x95, 0x9C, 0xEA, 0xB5, 0xAD, 0xEC, 0x96, 0xB4})), valid(9));
  EXPECT_EQ(model(b({0xE6, 0x97, 0xA5, 0xE6, 0x9C, 0xAC, 0xE8, 0xAA, 0x9E})), valid(9));
  EXPECT_EQ(model(b({0xEF, 0xBB, 0xBF, 0xF0, 0xA3, 0x8E, 0xB4})), valid(7));
  EXPECT_EQ(model(b({0xE0, 0x80})), fails_at(1));
  EXPECT_EQ(model(b({0xED, 0xA0})), fails_at(1));
  EXPECT_EQ(model(b({0xF4, 0x90})), fails_at(1));
  EXPECT_EQ(model(b({0xF0, 0x8F})), fails_at(1));
  EXPECT_EQ(model(b({0xC1})), fails_at(0));
  EXPECT_EQ(model(b({0xF5})), fails_at(0));
  EXPECT_EQ(model(b({0xF4, 0x8F, 0xBF})), truncated(3));
}

TEST(Utf8Model, AcceptsExactlyTheScalarValues) {
  // RFC 3629 §3: every code point U+0000..U+10FFFF but the surrogates has one encoding.
  std::size_t accepted = 0;
  for (std::uint32_t cp = 0; cp <= 0x10FFFF; ++cp) {
    bytes e;
    if (cp < 0x80) {
      e = {static_cast<std::uint8_t>(cp)};
    } else if (cp < 0x800) {
      e = {static_cast<std::uint8_t>(0xC0 | (cp >> 6)),
           static_cast<std::uint8_t>(0x80 | (cp & 63))};
    } else if (cp < 0x10000) {
      e = {static_cast<std::uint8_t>(0xE0 | (cp >> 12)),
           static_cast<std::uint8_t>(0x80 | ((cp >> 6) & 63)),
           static_cast<std::uint8_t>(0x80 | (cp & 63))};
    } else {
      e = {static_cast<std::uint8_t>(0xF0 | (cp >> 18)),
           static_cast<std::uint8_t>(0x80 | ((cp >> 12) & 63)),
           static_cast<std::uint8_t>(0x80 | ((cp >> 6) & 63)),
           static_cast<std::uint8_t>(0x80 | (cp & 63))};
    }
    const bool surrogate = cp >= 0xD800 && cp <= 0xDFFF;
    const expected m = model(e);
    if (m.complete == surrogate) ADD_FAILURE() << "U+" << std::hex << cp;
    if (m.complete) ++accepted;
    if (!surrogate && is_valid_utf8(e) != true) ADD_FAILURE() << "validator U+" << std::hex << cp;
  }
  EXPECT_EQ(accepted, 0x110000u - 0x800u);
}

// --- Exhaustive comparisons with the model. ---
//
// The exhaustive loops feed every input in every way it can be cut. They share the work done on
// a prefix between all inputs that start with it: a validator is a value, so the state after
// feeding a prefix in some pieces is copied and fed the rest.

// A prefix fed in pieces up to its last cut; the bytes from `start` on are not fed yet.
struct partial {
  utf8_validator v;
  std::size_t start = 0;
  bool ok = true;  // every feed so far returned what the model says
};

// Every way of cutting a prefix of n bytes: 2^n partials, one per set of cuts in 1..n. Plain
// arrays and pointers keep these loops quick in unoptimised sanitizer builds.
struct partials {
  partial at[32];
  std::size_t count = 1;  // the empty prefix, nothing fed
};

// From every cutting of in[0..n-1) to every cutting of in[0..n): the last cut stays where it
// was, or moves to n by feeding the open piece. A feed ending at n must return false exactly
// when the model finds in[0..n) already invalid.
partials extend(const partials& from, const std::uint8_t* in, std::size_t n) {
  const bool want_ok = !model(in, n).failed;
  partials to = from;
  for (std::size_t i = 0; i < from.count; ++i) {
    partial p = from.at[i];
    p.ok = p.ok && p.v.feed(std::span(in + p.start, n - p.start)) == want_ok;
    p.start = n;
    to.at[to.count++] = p;
  }
  return to;
}

// Feeds the open piece of every cutting of in[0..n-1) with the last byte; true when every feed
// and every final state agrees with the model.
bool finish(const partials& ps, const std::uint8_t* in, std::size_t n) {
  const expected want = model(in, n);
  for (std::size_t i = 0; i < ps.count; ++i) {
    partial p = ps.at[i];
    const bool returned = p.v.feed(std::span(in + p.start, n - p.start));
    if (!p.ok || returned == want.failed || p.v.failed() != want.failed ||
        p.v.valid_prefix() != want.valid_prefix || p.v.complete() != want.complete)
      return false;
  }
  return true;
}

// Counts a disagreement and reports the first few in detail.
void mismatch(std::size_t& count, std::span<const std::uint8_t> in) {
  if (count++ < 10) check_model(in);
}

TEST(Utf8Validator, EveryOneByteInput) {
  for (unsigned x = 0; x < 256; ++x) {
    const std::array<std::uint8_t, 1> in{static_cast<std::uint8_t>(x)};
    check_model(in);
  }
}

TEST(Utf8Validator, EveryTwoByteInput) {
  for (unsigned x = 0; x < 0x10000; ++x) {
    const std::array<std::uint8_t, 2> in{static_cast<std::uint8_t>(x >> 8),
                                         static_cast<std::uint8_t>(x)};
    check_model(in);
  }
}

// 2^24 inputs, each fed whole, cut after byte 1, after byte 2, and byte by byte; in eight
// shards by first byte so that each stays short in sanitizer builds.
class EveryThreeByteInput : public testing::TestWithParam<unsigned> {};

TEST_P(EveryThreeByteInput, MatchesTheModel) {
  std::size_t mismatches = 0;
  std::uint8_t in[3] = {};
  const partials level0;
  for (unsigned x0 = GetParam() * 32; x0 < GetParam() * 32 + 32; ++x0) {
    in[0] = static_cast<std::uint8_t>(x0);
    const partials level1 = extend(level0, in, 1);
    for (unsigned x1 = 0; x1 < 256; ++x1) {
      in[1] = static_cast<std::uint8_t>(x1);
      const partials level2 = extend(level1, in, 2);
      for (unsigned x2 = 0; x2 < 256; ++x2) {
        in[2] = static_cast<std::uint8_t>(x2);
        if (!finish(level2, in, 3)) mismatch(mismatches, in);
      }
    }
  }
  EXPECT_EQ(mismatches, 0u);
}

// Test names carry the first byte in hex: Lead00 (00..1F), ..., LeadE0 (E0..FF); LeadF0, ...
std::string lead_name(unsigned lead) {
  static constexpr char digits[] = "0123456789ABCDEF";
  return std::string("Lead") + digits[lead >> 4] + digits[lead & 15];
}

INSTANTIATE_TEST_SUITE_P(Utf8Validator, EveryThreeByteInput, testing::Range(0u, 8u),
                         [](const testing::TestParamInfo<unsigned>& p) {
                           return lead_name(p.param * 32);
                         });

// Every lead F0..F4 with every second and third byte; where those three bytes can still lead to
// a valid code point, every fourth byte too (elsewhere the fourth byte is never looked at, which
// two fourth bytes confirm). Each input fed in all 8 ways it can be cut; one shard per lead.
class EveryFourByteSequence : public testing::TestWithParam<unsigned> {};

TEST_P(EveryFourByteSequence, MatchesTheModel) {
  std::size_t mismatches = 0;
  std::size_t open = 0;
  std::uint8_t in[4] = {static_cast<std::uint8_t>(GetParam())};
  const partials level1 = extend(partials{}, in, 1);
  for (unsigned x1 = 0; x1 < 256; ++x1) {
    in[1] = static_cast<std::uint8_t>(x1);
    const partials level2 = extend(level1, in, 2);
    for (unsigned x2 = 0; x2 < 256; ++x2) {
      in[2] = static_cast<std::uint8_t>(x2);
      const bool three_open = !model(in, 3).failed;
      const partials level3 = extend(level2, in, 3);
      if (three_open) ++open;
      for (unsigned x3 = 0; x3 < 256; ++x3) {
        if (!three_open && x3 != 0x41 && x3 != 0x80) continue;
        in[3] = static_cast<std::uint8_t>(x3);
        if (!finish(level3, in, 4)) mismatch(mismatches, in);
      }
    }
  }
  EXPECT_EQ(mismatches, 0u);
  // Table 3-7: the second byte is 90..BF after F0, 80..8F after F4, 80..BF after F1..F3; the
  // third is any of 80..BF.
  const std::size_t seconds = GetParam() == 0xF0 ? 48 : GetParam() == 0xF4 ? 16 : 64;
  EXPECT_EQ(open, seconds * 64);
}

INSTANTIATE_TEST_SUITE_P(Utf8Validator, EveryFourByteSequence, testing::Range(0xF0u, 0xF5u),
                         [](const testing::TestParamInfo<unsigned>& p) {
                           return lead_name(p.param);
                         });

// One byte of every class boundary in Table 3-7, plus a few ordinary ones.
constexpr std::array<std::uint8_t, 26> representatives = {
    0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF,
    0xE0, 0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xF8, 0xFF};

TEST(Utf8Validator, EveryFourByteInputOfRepresentativeBytes) {
  std::size_t mismatches = 0;
  std::uint8_t in[4] = {};
  const partials level0;
  for (std::uint8_t x0 : representatives) {
    in[0] = x0;
    const partials level1 = extend(level0, in, 1);
    for (std::uint8_t x1 : representatives) {
      in[1] = x1;
      const partials level2 = extend(level1, in, 2);
      for (std::uint8_t x2 : representatives) {
        in[2] = x2;
        const partials level3 = extend(level2, in, 3);
        for (std::uint8_t x3 : representatives) {
          in[3] = x3;
          if (!finish(level3, in, 4)) mismatch(mismatches, in);
        }
      }
    }
  }
  EXPECT_EQ(mismatches, 0u);
}

TEST(Utf8Validator, EveryLeadThenContinuationsThenAnyClass) {
  // Every first byte, then three bytes from the continuation classes, then a fifth byte of
  // every class; fed in all 16 ways each can be cut.
  constexpr std::array<std::uint8_t, 6> conts = {0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF};
  std::size_t mismatches = 0;
  std::uint8_t in[5] = {};
  const partials level0;
  for (unsigned x0 = 0; x0 < 256; ++x0) {
    in[0] = static_cast<std::uint8_t>(x0);
    const partials level1 = extend(level0, in, 1);
    for (std::uint8_t x1 : conts) {
      in[1] = x1;
      const partials level2 = extend(level1, in, 2);
      for (std::uint8_t x2 : conts) {
        in[2] = x2;
        const partials level3 = extend(level2, in, 3);
        for (std::uint8_t x3 : conts) {
          in[3] = x3;
          const partials level4 = extend(level3, in, 4);
          for (std::uint8_t x4 : representatives) {
            in[4] = x4;
            if (!finish(level4, in, 5)) mismatch(mismatches, in);
          }
        }
      }
    }
  }
  EXPECT_EQ(mismatches, 0u);
}

// Appends the encoding of a random code point (any length, surrogates and out-of-range values
// included on purpose), or a random byte.
void append_random(bytes& out, std::mt19937_64& rng) {
  const auto pick = [&](std::uint32_t lo, std::uint32_t hi) {
    return std::uniform_int_distribution<std::uint32_t>(lo, hi)(rng);
  };
  const auto put = [&](std::uint32_t x) { out.push_back(static_cast<std::uint8_t>(x)); };
  switch (pick(0, 7)) {
    case 0:
    case 1:
      put(pick(0x20, 0x7E));
      break;
    case 2: {
      const std::uint32_t cp = pick(0x80, 0x7FF);
      put(0xC0 | (cp >> 6));
      put(0x80 | (cp & 63));
      break;
    }
    case 3: {
      const std::uint32_t cp = pick(0x800, 0xFFFF);
      put(0xE0 | (cp >> 12));
      put(0x80 | ((cp >> 6) & 63));
      put(0x80 | (cp & 63));
      break;
    }
    case 4: {
      const std::uint32_t cp = pick(0x10000, 0x13FFFF);
      put(0xF0 | (cp >> 18));
      put(0x80 | ((cp >> 12) & 63));
      put(0x80 | ((cp >> 6) & 63));
      put(0x80 | (cp & 63));
      break;
    }
    case 5:
      out.push_back(representatives[pick(0, representatives.size() - 1)]);
      break;
    case 6:
      put(pick(0, 255));
      break;
    default: {
      const std::uint32_t cp = pick(0, 0x7FF);
      put(0xE0 | (cp >> 12));
      put(0x80 | ((cp >> 6) & 63));
      put(0x80 | (cp & 63));
      break;
    }
  }
}

TEST(Utf8Validator, RandomInputsMostlyValid) {
  std::mt19937_64 rng(6455);
  for (int n = 0; n < 3000; ++n) {
    bytes in;
    const std::size_t len = std::uniform_int_distribution<std::size_t>(0, 80)(rng);
    while (in.size() < len) {
      // Mostly well-formed text, so that the first error comes late.
      if (rng() % 16 == 0) {
        append_random(in, rng);
      } else {
        const std::uint32_t cp = static_cast<std::uint32_t>(rng() % 0x10F800);
        const std::uint32_t c = cp >= 0xD800 ? cp + 0x800 : cp;
        if (c < 0x80) {
          in.push_back(static_cast<std::uint8_t>(c));
        } else if (c < 0x800) {
          in.insert(in.end(), {static_cast<std::uint8_t>(0xC0 | (c >> 6)),
                               static_cast<std::uint8_t>(0x80 | (c & 63))});
        } else if (c < 0x10000) {
          in.insert(in.end(), {static_cast<std::uint8_t>(0xE0 | (c >> 12)),
                               static_cast<std::uint8_t>(0x80 | ((c >> 6) & 63)),
                               static_cast<std::uint8_t>(0x80 | (c & 63))});
        } else {
          in.insert(in.end(), {static_cast<std::uint8_t>(0xF0 | (c >> 18)),
                               static_cast<std::uint8_t>(0x80 | ((c >> 12) & 63)),
                               static_cast<std::uint8_t>(0x80 | ((c >> 6) & 63)),
                               static_cast<std::uint8_t>(0x80 | (c & 63))});
        }
      }
    }
    check_model(in);
  }
}

TEST(Utf8Validator, RandomInputsOfRandomPieces) {
  std::mt19937_64 rng(3629);
  for (int n = 0; n < 3000; ++n) {
    bytes in;
    const std::size_t len = std::uniform_int_distribution<std::size_t>(0, 12)(rng);
    while (in.size() < len) append_random(in, rng);
    check_model(in);
  }
}

// --- The ASCII fast path: word boundaries and alignment. ---

TEST(Utf8Validator, AsciiRunsWithAnInsertAtEveryPositionAndAlignment) {
  const std::array<bytes, 7> inserts = {b({0xFF}),
                                        b({0x80}),
                                        b({0xC3, 0xA9}),
                                        b({0xE2, 0x82, 0xAC}),
                                        b({0xF0, 0x9F, 0x98, 0x80}),
                                        b({0xED, 0xA0, 0x80}),
                                        b({0xE0, 0xA0})};
  std::vector<std::uint8_t> buffer(200);
  for (std::size_t len :
       {0u, 1u, 7u, 8u, 9u, 15u, 16u, 17u, 31u, 32u, 33u, 40u, 63u, 64u, 65u, 100u}) {
    for (std::size_t align = 0; align < 8; ++align) {
      for (const bytes& ins : inserts) {
        for (std::size_t at = 0; at <= len; ++at) {
          bytes text(len, 'a');
          text.insert(text.begin() + static_cast<std::ptrdiff_t>(at), ins.begin(), ins.end());
          std::copy(text.begin(), text.end(), buffer.begin() + static_cast<std::ptrdiff_t>(align));
          const std::span in(buffer.data() + align, text.size());
          const expected want = model(in);
          utf8_validator v;
          const bool ok = v.feed(in);
          ASSERT_EQ(ok, !want.failed) << hex(in);
          ASSERT_EQ(v.valid_prefix(), want.valid_prefix) << hex(in);
          ASSERT_EQ(v.complete(), want.complete) << hex(in);
        }
      }
    }
  }
}

TEST(Utf8Validator, LongInputsSplitAtEveryPosition) {
  // Longer than one automaton block and one ASCII stride, with the error far from the start.
  bytes text;
  for (int i = 0; i < 30; ++i) {
    text.insert(text.end(), {'a', 'b', 0xCE, 0xBA, 0xE1, 0xBD, 0xB9, 0xF0, 0x9F, 0x98, 0x80});
    if (i % 7 == 0) text.insert(text.end(), 40, 'z');
  }
  check(text, valid(text.size()));
  bytes bad = text;
  bad.insert(bad.begin() + 301, {0xED, 0xBF, 0xBF});
  ASSERT_EQ(model(bad).failed, true);
  check_model(bad);
  bytes cut = text;
  cut.pop_back();
  check(cut, truncated(cut.size()));
}

// --- Markus Kuhn's "UTF-8 decoder capability and stress test", and the RFC 6455 §8.1 rule
// that the first invalid byte fails the connection. ---

struct named_case {
  const char* name;
  bytes input;
  expected want;
};

std::vector<named_case> kuhn_cases() {
  std::vector<named_case> cases = {
      {"empty", {}, valid(0)},
      {"greek kosme", from("\xCE\xBA\xE1\xBD\xB9\xCF\x83\xCE\xBC\xCE\xB5"), valid(11)},
      {"hello", from("Hello-\xC2\xB5@\xC3\x9F\xC3\xB6\xC3\xA4\xC3\xBC\xC3\xA0\xC3\xA1-UTF-8!!"),
       valid(29)},
      // Kuhn 2.1: first possible sequence of each length.
      {"U+0000", b({0x00}), valid(1)},
      {"U+0080", b({0xC2, 0x80}), valid(2)},
      {"U+0800", b({0xE0, 0xA0, 0x80}), valid(3)},
      {"U+10000", b({0xF0, 0x90, 0x80, 0x80}), valid(4)},
      // Kuhn 2.2: last possible sequence of each length.
      {"U+007F", b({0x7F}), valid(1)},
      {"U+07FF", b({0xDF, 0xBF}), valid(2)},
      {"U+FFFF", b({0xEF, 0xBF, 0xBF}), valid(3)},
      {"U+10FFFF", b({0xF4, 0x8F, 0xBF, 0xBF}), valid(4)},
      // Kuhn 2.3: other boundaries.
      {"U+D7FF", b({0xED, 0x9F, 0xBF}), valid(3)},
      {"U+E000", b({0xEE, 0x80, 0x80}), valid(3)},
      {"U+FFFD", b({0xEF, 0xBF, 0xBD}), valid(3)},
      // RFC 3629 §3: U+110000 and above are not encoded; the second byte already tells.
      {"U+110000", b({0xF4, 0x90, 0x80, 0x80}), fails_at(1)},
      {"U+13FFFF", b({0xF4, 0xBF, 0xBF, 0xBF}), fails_at(1)},
      {"F5 lead", b({0xF5, 0x80, 0x80, 0x80}), fails_at(0)},
      {"F7 lead", b({0xF7, 0xBF, 0xBF, 0xBF}), fails_at(0)},
      // Kuhn 3.1: unexpected continuation bytes.
      {"lone 80", b({0x80}), fails_at(0)},
      {"lone BF", b({0xBF}), fails_at(0)},
      {"80 BF", b({0x80, 0xBF}), fails_at(0)},
      {"ascii then 80", from("abc\x80"), fails_at(3)},
      {"extra continuation", b({0xC3, 0xA9, 0xA9}), fails_at(2)},
      // Kuhn 3.2: lonely start characters.
      {"C2 space", b({0xC2, 0x20}), fails_at(1)},
      {"E1 space", b({0xE1, 0x20}), fails_at(1)},
      {"E1 80 space", b({0xE1, 0x80, 0x20}), fails_at(2)},
      {"F1 space", b({0xF1, 0x20}), fails_at(1)},
      {"F1 80 80 space", b({0xF1, 0x80, 0x80, 0x20}), fails_at(3)},
      {"lead after lead", b({0xE1, 0xC3, 0xA9}), fails_at(1)},
      // Kuhn 3.3 and 3.4: sequences with the last byte missing; a frame may end there, a
      // message may not.
      {"C2 at end", b({0xC2}), truncated(1)},
      {"E0 A0 at end", b({0xE0, 0xA0}), truncated(2)},
      {"E1 at end", b({0xE1}), truncated(1)},
      {"ED 9F at end", b({0xED, 0x9F}), truncated(2)},
      {"F0 90 80 at end", b({0xF0, 0x90, 0x80}), truncated(3)},
      {"F4 8F BF at end", b({0xF4, 0x8F, 0xBF}), truncated(3)},
      {"text then F0 at end", from("ok\xF0"), truncated(3)},
      // Kuhn 3.5: impossible bytes.
      {"FE", b({0xFE}), fails_at(0)},
      {"FF", b({0xFF}), fails_at(0)},
      {"FE FE FF FF", b({0xFE, 0xFE, 0xFF, 0xFF}), fails_at(0)},
      // Kuhn 4.1-4.3: overlong forms, including the longest overlong and overlong NUL. RFC 3629
      // §3 forbids them; C0 and C1 are never valid, E0 and F0 fail on the second byte.
      {"overlong slash 2", b({0xC0, 0xAF}), fails_at(0)},
      {"overlong slash 3", b({0xE0, 0x80, 0xAF}), fails_at(1)},
      {"overlong slash 4", b({0xF0, 0x80, 0x80, 0xAF}), fails_at(1)},
      {"overlong slash 5", b({0xF8, 0x80, 0x80, 0x80, 0xAF}), fails_at(0)},
      {"overlong slash 6", b({0xFC, 0x80, 0x80, 0x80, 0x80, 0xAF}), fails_at(0)},
      {"max overlong 2", b({0xC1, 0xBF}), fails_at(0)},
      {"max overlong 3", b({0xE0, 0x9F, 0xBF}), fails_at(1)},
      {"max overlong 4", b({0xF0, 0x8F, 0xBF, 0xBF}), fails_at(1)},
      {"overlong NUL 2", b({0xC0, 0x80}), fails_at(0)},
      {"overlong NUL 3", b({0xE0, 0x80, 0x80}), fails_at(1)},
      {"overlong NUL 4", b({0xF0, 0x80, 0x80, 0x80}), fails_at(1)},
      // Kuhn 5.1-5.2: RFC 3629 §3 surrogates, single and paired; ED A0 fails at A0.
      {"U+D800", b({0xED, 0xA0, 0x80}), fails_at(1)},
      {"U+DB7F", b({0xED, 0xAD, 0xBF}), fails_at(1)},
      {"U+DB80", b({0xED, 0xAE, 0x80}), fails_at(1)},
      {"U+DBFF", b({0xED, 0xAF, 0xBF}), fails_at(1)},
      {"U+DC00", b({0xED, 0xB0, 0x80}), fails_at(1)},
      {"U+DF80", b({0xED, 0xBE, 0x80}), fails_at(1)},
      {"U+DFFF", b({0xED, 0xBF, 0xBF}), fails_at(1)},
      {"pair D800 DC00", b({0xED, 0xA0, 0x80, 0xED, 0xB0, 0x80}), fails_at(1)},
      {"pair DBFF DFFF", b({0xED, 0xAF, 0xBF, 0xED, 0xBF, 0xBF}), fails_at(1)},
      // Kuhn 5.3: noncharacters are well-formed UTF-8.
      {"U+FFFE", b({0xEF, 0xBF, 0xBE}), valid(3)},
      {"U+FDD0", b({0xEF, 0xB7, 0x90}), valid(3)},
      {"U+10FFFE", b({0xF4, 0x8F, 0xBF, 0xBE}), valid(4)},
      // Autobahn 6.4: the error in the middle of a message is found where it occurs.
      {"kosme then surrogate",
       from("\xCE\xBA\xE1\xBD\xB9\xCF\x83\xCE\xBC\xCE\xB5\xED\xA0\x80\x65\x64\x69\x74\x65\x64"),
       fails_at(12)},
      {"kosme then F4 90",
       from("\xCE\xBA\xE1\xBD\xB9\xCF\x83\xCE\xBC\xCE\xB5\xF4\x90\x80\x80\x65\x64\x69\x74"),
       fails_at(12)},
  };
  return cases;
}

TEST(Utf8Validator, KuhnStressCases) {
  for (const named_case& c : kuhn_cases()) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(model(c.input), c.want);
    check(c.input, c.want);
  }
}

TEST(Utf8Validator, KuhnStressCasesAfterALongValidPrefix) {
  // The same cases deep into a message, after the fast path has been taken.
  const bytes prefix = from("The quick brown fox jumps over the lazy dog \xE2\x80\x94 ");
  for (const named_case& c : kuhn_cases()) {
    SCOPED_TRACE(c.name);
    bytes in = prefix;
    in.insert(in.end(), c.input.begin(), c.input.end());
    expected want = c.want;
    want.valid_prefix += prefix.size();
    check(in, want);
  }
}

// --- The incremental contract. ---

TEST(Utf8Validator, CodePointSplitAcrossFeeds) {
  utf8_validator v;
  EXPECT_TRUE(v.feed(b({0xF0})));
  EXPECT_FALSE(v.complete());
  EXPECT_TRUE(v.feed(b({0x9F, 0x98})));
  EXPECT_FALSE(v.complete());
  EXPECT_TRUE(v.feed(std::span<const std::uint8_t>{}));
  EXPECT_FALSE(v.complete());
  EXPECT_TRUE(v.feed(b({0x80})));
  EXPECT_TRUE(v.complete());
  EXPECT_FALSE(v.failed());
  EXPECT_EQ(v.valid_prefix(), 4u);
}

TEST(Utf8Validator, FailsOnTheFirstByteThatCannotContinue) {
  // RFC 6455 §8.1: fail as soon as the stream is known not to be UTF-8, not at message end.
  utf8_validator v;
  EXPECT_TRUE(v.feed("ab\xE0"));
  EXPECT_FALSE(v.feed(b({0x80})));
  EXPECT_TRUE(v.failed());
  EXPECT_FALSE(v.complete());
  EXPECT_EQ(v.valid_prefix(), 3u);
}

TEST(Utf8Validator, StaysFailedUntilReset) {
  utf8_validator v;
  EXPECT_FALSE(v.feed("ok\xFFmore"));
  EXPECT_EQ(v.valid_prefix(), 2u);
  EXPECT_FALSE(v.feed("fine"));
  EXPECT_FALSE(v.feed(std::string_view{}));
  EXPECT_TRUE(v.failed());
  EXPECT_EQ(v.valid_prefix(), 2u);
  v.reset();
  EXPECT_FALSE(v.failed());
  EXPECT_TRUE(v.complete());
  EXPECT_EQ(v.valid_prefix(), 0u);
  EXPECT_TRUE(v.feed("fine"));
  EXPECT_EQ(v.valid_prefix(), 4u);
}

TEST(Utf8Validator, ResetClearsAnUnfinishedCodePoint) {
  utf8_validator v;
  EXPECT_TRUE(v.feed("\xE2\x82"));
  v.reset();
  EXPECT_TRUE(v.complete());
  EXPECT_FALSE(v.feed("\xAC"));
}

TEST(Utf8Validator, EmptyInputIsValidAndComplete) {
  utf8_validator v;
  EXPECT_TRUE(v.complete());
  EXPECT_FALSE(v.failed());
  EXPECT_TRUE(v.feed(std::string_view{}));
  EXPECT_TRUE(v.complete());
  EXPECT_TRUE(is_valid_utf8(std::string_view{}));
}

TEST(Utf8Validator, IsValidUtf8RequiresACompleteInput) {
  EXPECT_TRUE(is_valid_utf8("plain ascii"));
  EXPECT_TRUE(is_valid_utf8("\xE2\x82\xAC"));
  EXPECT_FALSE(is_valid_utf8("\xE2\x82"));
  EXPECT_FALSE(is_valid_utf8("\xC0\x80"));
  EXPECT_TRUE(is_valid_utf8(std::string_view("nul\0inside", 10)));
}

TEST(Utf8Validator, CountsBytesAcrossManyFeeds) {
  utf8_validator v;
  const std::string chunk(1000, 'x');
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(v.feed(chunk));
  EXPECT_EQ(v.valid_prefix(), 100000u);
  EXPECT_FALSE(v.feed("xx\xC0"));
  EXPECT_EQ(v.valid_prefix(), 100002u);
}

}  // namespace
}  // namespace wsspec::ref
