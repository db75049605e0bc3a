#include "wsspec/reference/sha1.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "wsspec/reference/handshake.hpp"

namespace wsspec::ref {
namespace {

std::string hex(const sha1_digest& d) {
  std::string out;
  char buf[3];
  for (const auto b : d) {
    std::snprintf(buf, sizeof buf, "%02x", b);
    out += buf;
  }
  return out;
}

std::string sha1_hex(std::string_view s) {
  return hex(sha1(
      std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(s.data()), s.size())));
}

// FIPS 180-2 Appendix A and the usual empty-message value.
TEST(Sha1, KnownDigests) {
  EXPECT_EQ(sha1_hex(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(sha1_hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(sha1_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  EXPECT_EQ(sha1_hex(std::string(1000000, 'a')), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

// Every length across the padding boundaries (55/56 bytes, one and two blocks, 119/120), against
// OpenSSL's SHA-1 on the same pseudo-random bytes.
TEST(Sha1, MatchesOpenSslAtEveryLengthUpTo300) {
  std::vector<std::uint8_t> data(300);
  std::uint32_t x = 2463534242u;
  for (auto& b : data) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    b = static_cast<std::uint8_t>(x);
  }
  for (std::size_t n = 0; n <= data.size(); ++n) {
    sha1_digest expected{};
    unsigned int length = 0;
    ASSERT_EQ(EVP_Digest(data.data(), n, expected.data(), &length, EVP_sha1(), nullptr), 1);
    ASSERT_EQ(length, expected.size());
    EXPECT_EQ(hex(sha1(std::span<const std::uint8_t>(data.data(), n))), hex(expected))
        << "length " << n;
  }
}

// RFC 6455 §1.3's example: key "dGhlIHNhbXBsZSBub25jZQ==" gives "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=".
TEST(Sha1, GivesTheAcceptValueOfRfc6455Section1_3) {
  EXPECT_EQ(accept_for_key("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

}  // namespace
}  // namespace wsspec::ref
