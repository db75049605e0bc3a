// The mask-key judge: every check fires on the weakness it names, and keys from good generators,
// of several seeds and sizes, give no finding (RFC 6455 §5.3, §10.3).
#include "wsspec/harness/mask_keys.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace wsspec::harness {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using keys = std::vector<std::uint32_t>;

std::vector<std::string> codes(const keys& k) {
  std::vector<std::string> out;
  for (const auto& f : judge_mask_keys(k)) out.push_back(f.code);
  return out;
}

std::optional<mask_key_finding> find(const std::vector<mask_key_finding>& fs,
                                     const std::string& code) {
  for (const auto& f : fs)
    if (f.code == code) return f;
  return std::nullopt;
}

keys random_keys(std::size_t n, std::uint32_t seed) {
  std::mt19937 gen(seed);
  keys k(n);
  for (auto& key : k) key = static_cast<std::uint32_t>(gen());
  return k;
}

keys counter(std::size_t n, std::uint32_t start, std::uint32_t step) {
  keys k(n);
  for (std::size_t i = 0; i < n; ++i) k[i] = start + static_cast<std::uint32_t>(i) * step;
  return k;
}

std::uint32_t byteswap(std::uint32_t v) {
  return (v >> 24) | ((v >> 8) & 0xFF00u) | ((v << 8) & 0xFF0000u) | (v << 24);
}

TEST(MaskKeys, FewerThanThreeKeysGiveNoVerdict) {
  EXPECT_THAT(codes({}), IsEmpty());
  EXPECT_THAT(codes({0}), IsEmpty());
  EXPECT_THAT(codes({0x12345678}), IsEmpty());
  EXPECT_THAT(codes({0, 0}), IsEmpty());
  EXPECT_THAT(codes({0x12345678, 0x12345678}), IsEmpty());
  EXPECT_THAT(codes({1, 2}), IsEmpty());
}

TEST(MaskKeys, ConstantKey) {
  EXPECT_THAT(codes({0xCAFEBABE, 0xCAFEBABE, 0xCAFEBABE}), ElementsAre("constant_mask_key"));
  const auto f = judge_mask_keys(keys(1000, 0x37FA213D));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].code, "constant_mask_key");
  EXPECT_THAT(f[0].text, HasSubstr("all 1000 keys are 0x37fa213d"));
  EXPECT_THAT(f[0].text, HasSubstr("§5.3"));
  // One key different is not constant (three keys are too few for the statistics).
  EXPECT_THAT(codes({0xCAFEBABE, 0xCAFEBABE, 0xCAFEBABF}), IsEmpty());
}

TEST(MaskKeys, ZeroKey) {
  EXPECT_THAT(codes({0, 0, 0}), ElementsAre("zero_mask_key"));
  const auto f = judge_mask_keys(keys(500, 0));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].code, "zero_mask_key");
  EXPECT_THAT(f[0].text, HasSubstr("unmasked"));
}

TEST(MaskKeys, CounterFromARandomStart) {
  const std::uint32_t start = random_keys(1, 99)[0];
  const auto f = judge_mask_keys(counter(1000, start, 1));
  // The counter explains every key: its constant top bytes are not reported again.
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].code, "counter_mask_keys");
  EXPECT_THAT(f[0].text, HasSubstr("keys 1 to 1000 each add 0x00000001"));
  EXPECT_THAT(f[0].text, HasSubstr("999 steps in a row"));
  EXPECT_THAT(codes(counter(200, start, 0x9E3779B9)), ElementsAre("counter_mask_keys"));
  EXPECT_THAT(codes(counter(200, 0xFFFFFFF0, 0xFFFFFFFF)), ElementsAre("counter_mask_keys"));
}

TEST(MaskKeys, ShortCounters) {
  EXPECT_THAT(codes(counter(4, 0x9A3B0C11, 1)), ElementsAre("counter_mask_keys"));
  EXPECT_THAT(codes(counter(9, 0x9A3B0C11, 7)), ElementsAre("counter_mask_keys"));
  // Two steps alone are no run.
  EXPECT_THAT(codes(counter(3, 0x9A3B0C11, 1)), IsEmpty());
}

TEST(MaskKeys, LittleEndianCounterIsACounter) {
  keys k = counter(1000, 0x51C0FFEE, 1);
  for (auto& key : k) key = byteswap(key);
  EXPECT_THAT(codes(k), Contains("counter_mask_keys"));
}

TEST(MaskKeys, CounterInsideRandomKeys) {
  keys k = random_keys(1000, 5);
  for (std::size_t i = 0; i < 9; ++i) k[500 + i] = 0x40000000u + static_cast<std::uint32_t>(i);
  const auto f = judge_mask_keys(k);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].code, "counter_mask_keys");
  EXPECT_THAT(f[0].text, HasSubstr("keys 501 to 509"));
  // Seven steps in a row among many random keys are not enough for the label.
  k = random_keys(1000, 5);
  for (std::size_t i = 0; i < 8; ++i) k[500 + i] = 0x40000000u + static_cast<std::uint32_t>(i);
  EXPECT_THAT(codes(k), IsEmpty());
}

TEST(MaskKeys, XorStep) {
  keys k{0x1BADB002};
  for (int i = 1; i < 100; ++i) k.push_back(k.back() ^ 0x00FF00FFu);
  const auto f = judge_mask_keys(k);
  // Reported as the step, not as the cycle of two keys it makes.
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].code, "xor_stepped_mask_keys");
  EXPECT_THAT(f[0].text, HasSubstr("XOR the key before with 0x00ff00ff"));
  EXPECT_THAT(codes({0x1BADB002, 0x1BADB003, 0x1BADB002, 0x1BADB003}),
              ElementsAre("xor_stepped_mask_keys"));
  // Adding 2^31 is the same as flipping the top bit.
  EXPECT_THAT(codes(counter(50, 0x0BADF00D, 0x80000000u)), ElementsAre("xor_stepped_mask_keys"));
}

TEST(MaskKeys, Rotation) {
  keys k{0x9E3779B9};
  for (int i = 1; i < 100; ++i) k.push_back(std::rotl(k.back(), 1));
  EXPECT_THAT(codes(k), ElementsAre("rotated_mask_keys"));
  k = {0x9E3779B9};
  for (int i = 1; i < 100; ++i) k.push_back(std::rotl(k.back(), 8));
  // A rotation by 8 bits comes back after 4 keys; the rotation says more than the cycle.
  EXPECT_THAT(codes(k), ElementsAre("rotated_mask_keys"));
  k = {0x9E3779B9};
  for (int i = 1; i < 100; ++i) k.push_back(std::rotl(k.back(), 13) ^ 0x5A5A1234u);
  const auto f = judge_mask_keys(k);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].code, "rotated_mask_keys");
  EXPECT_THAT(f[0].text, HasSubstr("left by 13 bits and XOR it with 0x5a5a1234"));
}

TEST(MaskKeys, LinearCongruentialGenerators) {
  // Numerical Recipes' generator, its whole 32-bit state as the key.
  keys k{0x2545F491};
  for (int i = 1; i < 300; ++i) k.push_back(k.back() * 1664525u + 1013904223u);
  auto f = judge_mask_keys(k);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].code, "lcg_mask_keys");
  EXPECT_THAT(f[0].text, HasSubstr("k * 0x0019660d + 0x3c6ef35f"));
  // A multiplicative generator: the steps are all even, the multiplier is still found.
  k = {0x2545F491};
  for (int i = 1; i < 300; ++i) k.push_back(k.back() * 69069u);
  EXPECT_THAT(codes(k), ElementsAre("lcg_mask_keys"));
  k = {0x2545F490};
  for (int i = 1; i < 300; ++i) k.push_back(k.back() * 69069u + 6);
  EXPECT_THAT(codes(k), ElementsAre("lcg_mask_keys"));
}

TEST(MaskKeys, CycleOfThreeKeys) {
  keys k;
  for (int i = 0; i < 100; ++i) k.insert(k.end(), {0x8BADF00D, 0x1337C0DE, 0xDEADBEEF});
  const auto f = judge_mask_keys(k);
  // The cycle explains the repeats and the few byte values: one finding.
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].code, "short_mask_key_cycle");
  EXPECT_THAT(f[0].text, HasSubstr("the 300 keys repeat a cycle of 3 keys"));
  EXPECT_THAT(codes({0x8BADF00D, 0x1337C0DE, 0xDEADBEEF, 0x8BADF00D, 0x1337C0DE, 0xDEADBEEF}),
              ElementsAre("short_mask_key_cycle"));
  // A partial last cycle still counts.
  k.push_back(0x8BADF00D);
  EXPECT_THAT(codes(k), ElementsAre("short_mask_key_cycle"));
}

TEST(MaskKeys, EightRandomKeysOverAndOver) {
  const keys eight = random_keys(8, 2024);
  keys k;
  for (int i = 0; i < 1000; ++i) k.insert(k.end(), eight.begin(), eight.end());
  EXPECT_THAT(codes(k), ElementsAre("short_mask_key_cycle"));
  // Sixteen keys hold the cycle twice: enough.
  EXPECT_THAT(codes(keys(k.begin(), k.begin() + 16)), ElementsAre("short_mask_key_cycle"));
  // Fifteen do not (the period would exceed half), and are too few for the statistics.
  EXPECT_THAT(codes(keys(k.begin(), k.begin() + 15)), IsEmpty());
}

TEST(MaskKeys, OneRepeatAmongRandomKeysIsChance) {
  keys k = random_keys(1000, 77);
  k[700] = k[123];
  EXPECT_THAT(codes(k), IsEmpty());
  k[800] = k[456];
  EXPECT_THAT(codes(k), IsEmpty());  // two: still within chance for 1000 keys
  k[900] = k[789];
  const auto f = judge_mask_keys(k);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].code, "mask_key_repeats");
  EXPECT_THAT(f[0].text, HasSubstr("3 of 1000 keys repeat an earlier one"));
  EXPECT_THAT(f[0].text, HasSubstr("at most 2 by chance"));
}

TEST(MaskKeys, SixteenBitSourceRepeats) {
  // 16 random bits copied into both halves: every byte looks random, the keys repeat.
  std::mt19937 gen(31337);
  keys k(5000);
  for (auto& key : k) key = (static_cast<std::uint32_t>(gen()) & 0xFFFFu) * 0x00010001u;
  const auto f = judge_mask_keys(k);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].code, "mask_key_repeats");
}

TEST(MaskKeys, SixteenBitSourceLowEntropyBytes) {
  // 16 random bits in the low half: bytes 0 and 1 never change.
  std::mt19937 gen(4242);
  keys k(300);
  for (auto& key : k) key = static_cast<std::uint32_t>(gen()) & 0xFFFFu;
  // Whether they also repeat beyond chance depends on the draw (about 0.7 repeats expected).
  const auto f = find(judge_mask_keys(k), "low_entropy_mask_key_bytes");
  ASSERT_TRUE(f);
  EXPECT_THAT(
      f->text,
      HasSubstr("over 300 keys, key byte 0 takes only 1 of the 256 values, byte 1 only 1;"));
  EXPECT_THAT(codes(k), Not(Contains("stuck_mask_key_bits")));  // those bits are reported
}

TEST(MaskKeys, FewValuesInOneByte) {
  keys k = random_keys(256, 11);
  for (std::size_t i = 0; i < k.size(); ++i)
    k[i] = (k[i] & 0xFF00FFFFu) | (static_cast<std::uint32_t>(i % 4) << 16);
  EXPECT_THAT(codes(k), ElementsAre("low_entropy_mask_key_bytes"));
  // Printable ASCII in every byte: 95 of 256 values, clear over 1000 keys.
  std::mt19937 gen(12);
  k.assign(1000, 0);
  for (auto& key : k)
    for (int b = 0; b < 4; ++b) key = (key << 8) | (0x20u + static_cast<std::uint32_t>(gen() % 95));
  EXPECT_THAT(codes(k), ElementsAre("low_entropy_mask_key_bytes"));
  EXPECT_THAT(judge_mask_keys(k)[0].text,
              HasSubstr("key byte 0 takes only 95 of the 256 values, byte 1 only 95, byte 2 only "
                        "95, byte 3 only 95;"));
}

TEST(MaskKeys, StuckBit) {
  // A 31-bit rand(): the top bit is always clear.
  keys k = random_keys(100, 3);
  for (auto& key : k) key &= 0x7FFFFFFFu;
  const auto f = judge_mask_keys(k);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].code, "stuck_mask_key_bits");
  EXPECT_THAT(f[0].text, HasSubstr("the key bits 0x80000000 (1 bit) never changes"));
  EXPECT_THAT(f[0].text, HasSubstr("2^31"));
  // Under 40 keys a stuck bit may be chance.
  k.resize(39);
  EXPECT_THAT(codes(k), IsEmpty());
}

TEST(MaskKeys, RandomKeysPass) {
  for (const std::uint32_t seed : {1u, 42u, 2024u, 0xDEADBEEFu, 5489u, 123456789u}) {
    for (const std::size_t n : {3u, 4u, 5u, 15u, 16u, 40u, 100u, 256u, 1000u, 65536u}) {
      EXPECT_THAT(codes(random_keys(n, seed)), IsEmpty()) << "seed " << seed << ", n " << n;
    }
  }
  for (const std::uint32_t seed : {7u, 99u, 31337u}) {
    EXPECT_THAT(codes(random_keys(200000, seed)), IsEmpty()) << "seed " << seed;
  }
  // Another generator, keys taken from its high and low halves.
  std::mt19937_64 gen(0x5EEDu);
  keys k(65536);
  for (std::size_t i = 0; i < k.size(); i += 2) {
    const std::uint64_t v = gen();
    k[i] = static_cast<std::uint32_t>(v >> 32);
    k[i + 1] = static_cast<std::uint32_t>(v);
  }
  EXPECT_THAT(codes(k), IsEmpty());
}

TEST(MaskKeys, RepeatsAllowedByChance) {
  EXPECT_EQ(mask_key_repeats_allowed(0), 0u);
  EXPECT_EQ(mask_key_repeats_allowed(16), 1u);
  EXPECT_EQ(mask_key_repeats_allowed(1000), 2u);
  EXPECT_EQ(mask_key_repeats_allowed(2000), 2u);
  EXPECT_EQ(mask_key_repeats_allowed(65536), 9u);
  EXPECT_EQ(mask_key_repeats_allowed(200000), 23u);
}

TEST(MaskKeys, TwoHundredThousandRandomKeysPass) {
  EXPECT_THAT(judge_mask_keys(random_keys(200000, 8)), IsEmpty());
}

}  // namespace
}  // namespace wsspec::harness
