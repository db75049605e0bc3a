#include "wsspec/reference/mask.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace wsspec::ref {
namespace {

constexpr mask_key key{0x37, 0xfa, 0x21, 0x3d};

// RFC 6455 §5.3, as written: transformed-octet-i = original-octet-i XOR masking-key-octet-(i MOD
// 4).
void naive_mask(std::span<std::uint8_t> data, const mask_key& k, std::uint64_t offset) {
  for (std::size_t i = 0; i < data.size(); ++i) data[i] ^= k[(offset + i) % 4];
}

std::vector<std::uint8_t> pattern(std::size_t n) {
  std::vector<std::uint8_t> v(n);
  std::uint32_t x = 0x12345678;
  for (auto& b : v) {
    x = x * 1664525u + 1013904223u;
    b = static_cast<std::uint8_t>(x >> 24);
  }
  return v;
}

TEST(Mask, Rfc6455Section5_7HelloExample) {
  std::vector<std::uint8_t> data{'H', 'e', 'l', 'l', 'o'};
  apply_mask(data, key);
  EXPECT_EQ(data, (std::vector<std::uint8_t>{0x7f, 0x9f, 0x4d, 0x51, 0x58}));
}

TEST(Mask, EmptySpanIsANoOp) {
  apply_mask({}, key);
  apply_mask({}, key, 3);
  std::vector<std::uint8_t> data{1, 2, 3};
  apply_mask(std::span(data).first(0), key);
  EXPECT_EQ(data, (std::vector<std::uint8_t>{1, 2, 3}));
}

// Every length 0..130 (past the 64 bytes from which the start is aligned), every key phase
// (offsets 0..7) and every start alignment 0..15 matches the byte-by-byte definition, and touches
// no byte outside the span.
TEST(Mask, MatchesNaiveLoopForAllLengthsOffsetsAndAlignments) {
  const mask_key k{0x01, 0x80, 0xA5, 0xFF};
  for (std::size_t len = 0; len <= 130; ++len) {
    for (std::uint64_t offset = 0; offset < 8; ++offset) {
      for (std::size_t align = 0; align < 16; ++align) {
        // The bytes before and after the span catch writes outside it.
        std::vector<std::uint8_t> fast = pattern(align + len + 16);
        std::vector<std::uint8_t> slow = fast;
        apply_mask(std::span(fast).subspan(align, len), k, offset);
        naive_mask(std::span(slow).subspan(align, len), k, offset);
        ASSERT_EQ(fast, slow) << "len=" << len << " offset=" << offset << " align=" << align;
      }
    }
  }
}

TEST(Mask, LargeBuffersMatchNaiveLoop) {
  for (std::size_t len : {1000u, 4096u, 65536u + 7u}) {
    for (std::size_t align = 0; align < 3; ++align) {
      std::vector<std::uint8_t> fast = pattern(len + align);
      std::vector<std::uint8_t> slow = fast;
      apply_mask(std::span(fast).subspan(align), key, 5);
      naive_mask(std::span(slow).subspan(align), key, 5);
      ASSERT_EQ(fast, slow) << "len=" << len << " align=" << align;
    }
  }
}

TEST(Mask, OnlyOffsetModuloFourMatters) {
  const std::vector<std::uint8_t> original = pattern(77);
  for (std::uint64_t base : {0ull, 4ull, 1ull << 32, (1ull << 63) - 1, ~0ull - 3}) {
    std::vector<std::uint8_t> a = original;
    std::vector<std::uint8_t> b = original;
    apply_mask(a, key, base);
    naive_mask(b, key, base);
    EXPECT_EQ(a, b) << "offset=" << base;
  }
}

TEST(Mask, PieceByPieceWithOffsetEqualsWholeBuffer) {
  const std::vector<std::uint8_t> original = pattern(300);
  std::vector<std::uint8_t> whole = original;
  apply_mask(whole, key);
  for (std::size_t split = 0; split <= original.size(); ++split) {
    std::vector<std::uint8_t> pieces = original;
    apply_mask(std::span(pieces).first(split), key, 0);
    apply_mask(std::span(pieces).subspan(split), key, split);
    ASSERT_EQ(pieces, whole) << "split=" << split;
  }
}

TEST(Mask, MaskingTwiceRestoresTheInput) {
  const std::vector<std::uint8_t> original = pattern(129);
  std::vector<std::uint8_t> data = original;
  apply_mask(data, key, 3);
  EXPECT_NE(data, original);
  apply_mask(data, key, 3);
  EXPECT_EQ(data, original);
}

TEST(Mask, ZeroKeyLeavesDataUnchanged) {
  const std::vector<std::uint8_t> original = pattern(64);
  std::vector<std::uint8_t> data = original;
  apply_mask(data, mask_key{0, 0, 0, 0}, 1);
  EXPECT_EQ(data, original);
}

}  // namespace
}  // namespace wsspec::ref
