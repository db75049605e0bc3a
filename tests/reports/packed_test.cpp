// Packed text: zlib then base64, unpacked back exactly; anything else is refused.
#include "wsspec/reports/packed.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cctype>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "wsspec/reference/handshake.hpp"

namespace wsspec::reports {
namespace {

std::string random_bytes(std::size_t n, unsigned seed) {
  std::mt19937 gen(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(gen() & 0xFF);
  return s;
}

// A packed text's zlib stream, to take apart by hand.
std::vector<std::uint8_t> zlib_of(const std::string& packed) {
  return ref::base64_decode(packed).value();
}

std::string base64(const std::vector<std::uint8_t>& bytes) {
  return ref::base64_encode(std::span<const std::uint8_t>(bytes));
}

TEST(Packed, RoundTrips) {
  const std::string html = "<p class=\"x\">caf\xc3\xa9 \xe2\x86\x92 &amp;</p>";
  for (const std::string& text : {std::string(), std::string("a"), html, std::string("a\0b", 3),
                                  random_bytes(70000, 1), std::string(3u << 20, '<')}) {
    const auto back = unpack(pack(text));
    ASSERT_TRUE(back.has_value()) << text.size();
    EXPECT_EQ(*back, text);
  }
}

TEST(Packed, IsBase64OfAZlibStream) {
  const std::string text(100000, 'x');
  const std::string packed = pack(text);
  for (char c : packed)
    EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '=')
        << c;
  const auto z = zlib_of(packed);
  // RFC 1950: CMF 0x78 (deflate, 32 KiB window), and a header that is a multiple of 31; what
  // browsers' DecompressionStream("deflate") reads.
  ASSERT_GE(z.size(), 2u);
  EXPECT_EQ(z[0], 0x78);
  EXPECT_EQ((z[0] << 8 | z[1]) % 31, 0);
  EXPECT_LT(packed.size(), text.size() / 50) << "repetitive text packs small";
  EXPECT_EQ(pack(text), packed) << "the same text packs the same (reports are reproducible)";
}

TEST(Packed, RefusesWhatIsNotOneWholeStream) {
  const std::string packed = pack(random_bytes(5000, 2));
  auto z = zlib_of(packed);
  EXPECT_FALSE(unpack("not base64!"));
  EXPECT_FALSE(unpack(packed.substr(0, packed.size() - 4)));
  std::vector<std::uint8_t> cut(z.begin(), z.end() - 10);
  EXPECT_FALSE(unpack(base64(cut))) << "a stream cut short";
  std::vector<std::uint8_t> longer = z;
  longer.push_back(0);
  EXPECT_FALSE(unpack(base64(longer))) << "bytes after the stream";
  std::vector<std::uint8_t> corrupt = z;
  corrupt[corrupt.size() - 1] ^= 1;
  EXPECT_FALSE(unpack(base64(corrupt))) << "a wrong Adler-32";
  EXPECT_FALSE(unpack(base64(std::vector<std::uint8_t>(z.begin() + 2, z.end()))))
      << "raw deflate, without the zlib header";
  EXPECT_FALSE(unpack(""));
}

TEST(Packed, UnpacksNoMoreThanItIsAllowedTo) {
  const std::string packed = pack(std::string(1u << 20, 'a'));
  EXPECT_FALSE(unpack(packed, (1u << 20) - 1));
  EXPECT_TRUE(unpack(packed, 1u << 20));
}

}  // namespace
}  // namespace wsspec::reports
