#include "wsspec/reference/entropy.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <vector>

namespace wsspec::ref {
namespace {

TEST(Entropy, TwoDrawsDiffer) {
  std::array<std::uint8_t, 16> a{};
  std::array<std::uint8_t, 16> b{};
  fill_random(a);
  fill_random(b);
  EXPECT_NE(a, b);
}

TEST(Entropy, EmptySpanIsFine) {
  std::vector<std::uint8_t> none;
  EXPECT_NO_THROW(fill_random(none));
}

// getrandom(2) may give fewer bytes than asked for large requests: every part must be filled.
// An all-zero run of 64 bytes from a random source has probability 2^-512.
TEST(Entropy, FillsALargeBufferToItsEnd) {
  std::vector<std::uint8_t> buf(4 << 20, 0);
  fill_random(buf);
  for (std::size_t i = 0; i < buf.size(); i += 64) {
    const auto begin = buf.begin() + static_cast<std::ptrdiff_t>(i);
    ASSERT_FALSE(std::all_of(begin, begin + 64, [](std::uint8_t b) { return b == 0; }))
        << "zero block at " << i;
  }
}

}  // namespace
}  // namespace wsspec::ref
