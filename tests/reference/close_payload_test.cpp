#include "wsspec/reference/close_payload.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "wsspec/reference/close_code.hpp"

namespace wsspec::ref {
namespace {

using bytes = std::vector<std::uint8_t>;

bytes body(std::uint16_t code, std::string_view reason = {}) {
  bytes out;
  out.reserve(2 + reason.size());
  out.push_back(static_cast<std::uint8_t>(code >> 8));
  out.push_back(static_cast<std::uint8_t>(code & 0xFF));
  for (char ch : reason) out.push_back(static_cast<std::uint8_t>(ch));
  return out;
}

// RFC 6455 §7.4.1 and the IANA registry: 1000-1003 and 1007-1014 may be sent; §7.4.2:
// 3000-3999 (registered) and 4000-4999 (private use). Written out again here on purpose.
bool allowed(unsigned code) {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
         (code >= 3000 && code <= 4999);
}

TEST(ClosePayload, EmptyBodyHasNoCode) {
  // RFC 6455 §5.5.1: a Close frame MAY contain no body; §7.1.5: the code is then 1005.
  const auto r = parse_close_payload({});
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->code.has_value());
  EXPECT_TRUE(r->reason.empty());
  EXPECT_EQ(*r, close_info{});
}

TEST(ClosePayload, OneByteIsTooShortWhateverItIs) {
  // RFC 6455 §5.5.1: a body starts with a two-byte status code.
  for (unsigned x = 0; x < 256; ++x) {
    const bytes in{static_cast<std::uint8_t>(x)};
    const auto r = parse_close_payload(in);
    ASSERT_FALSE(r.ok()) << x;
    EXPECT_EQ(r.err(), error::close_payload_too_short) << x;
  }
}

TEST(ClosePayload, EveryCodeAgainstTheWireRule) {
  // RFC 6455 §7.4: a code outside the allowed set is a protocol error.
  unsigned accepted = 0;
  for (unsigned code = 0; code <= 0xFFFF; ++code) {
    const auto r = parse_close_payload(body(static_cast<std::uint16_t>(code)));
    if (allowed(code)) {
      ASSERT_TRUE(r.ok()) << code;
      ASSERT_EQ(r->code, code);
      EXPECT_TRUE(r->reason.empty());
      ++accepted;
    } else {
      ASSERT_FALSE(r.ok()) << code;
      ASSERT_EQ(r.err(), error::invalid_close_code) << code;
    }
  }
  EXPECT_EQ(accepted, 4u + 8u + 2000u);
}

TEST(ClosePayload, CodesThatMustNeverBeSent) {
  // RFC 6455 §7.4.1: 1005, 1006 and 1015 are never set in a Close frame; 1004 is reserved.
  for (std::uint16_t code : {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535}) {
    const auto r = parse_close_payload(body(code, "why"));
    ASSERT_FALSE(r.ok()) << code;
    EXPECT_EQ(r.err(), error::invalid_close_code) << code;
  }
}

TEST(ClosePayload, CodeIsBigEndian) {
  // RFC 6455 §5.5.1: the code is an unsigned integer in network byte order.
  const auto r = parse_close_payload(bytes{0x03, 0xE8});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->code, 1000);
  const auto private_use = parse_close_payload(bytes{0x0F, 0xA0});
  ASSERT_TRUE(private_use.ok());
  EXPECT_EQ(private_use->code, 4000);
  // 1000 read little-endian would be 0xE803 = 59395: not allowed.
  const auto swapped = parse_close_payload(bytes{0xE8, 0x03});
  ASSERT_FALSE(swapped.ok());
  EXPECT_EQ(swapped.err(), error::invalid_close_code);
}

TEST(ClosePayload, ReasonMustBeUtf8) {
  // RFC 6455 §5.5.1: the reason is UTF-8 encoded data; §8.1: anything else fails.
  for (std::string_view reason :
       {"\xFF", "ok\xC0\x80", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\x80", "cut \xE2\x82"}) {
    const auto r = parse_close_payload(body(close_code::normal, reason));
    ASSERT_FALSE(r.ok()) << reason;
    EXPECT_EQ(r.err(), error::invalid_close_reason) << reason;
  }
}

TEST(ClosePayload, ValidReasons) {
  const std::vector<std::string_view> reasons = {
      "", "bye", "\xCE\xBA\xE1\xBD\xB9\xCF\x83\xCE\xBC\xCE\xB5", "\xF0\x9F\x91\x8B",
      std::string_view("nul\0byte", 8)};
  for (std::string_view reason : reasons) {
    const auto r = parse_close_payload(body(close_code::going_away, reason));
    ASSERT_TRUE(r.ok()) << reason;
    EXPECT_EQ(r->code, close_code::going_away);
    EXPECT_EQ(r->reason, reason);
  }
}

TEST(ClosePayload, BadCodeIsReportedBeforeBadReason) {
  const auto r = parse_close_payload(body(1005, "\xFF"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.err(), error::invalid_close_code);
}

TEST(ClosePayload, EncodeLayout) {
  EXPECT_EQ(encode_close_payload(std::nullopt), bytes{});
  // RFC 6455 §5.5.1: a reason only follows a code; without a code the body stays empty.
  EXPECT_EQ(encode_close_payload(std::nullopt, "ignored"), bytes{});
  EXPECT_EQ(encode_close_payload(1000), (bytes{0x03, 0xE8}));
  EXPECT_EQ(encode_close_payload(4999, "ab"), (bytes{0x13, 0x87, 'a', 'b'}));
  // Encoding is not validation: the harness must be able to send forbidden codes.
  EXPECT_EQ(encode_close_payload(1005), (bytes{0x03, 0xED}));
  EXPECT_EQ(encode_close_payload(0xFFFF, "\xFF"), (bytes{0xFF, 0xFF, 0xFF}));
}

TEST(ClosePayload, RoundTripsEveryAllowedCode) {
  for (unsigned code = 0; code <= 0xFFFF; ++code) {
    if (!allowed(code)) continue;
    const std::string reason = "code " + std::to_string(code) + " \xE2\x9C\x93";
    const auto r =
        parse_close_payload(encode_close_payload(static_cast<std::uint16_t>(code), reason));
    ASSERT_TRUE(r.ok()) << code;
    EXPECT_EQ(*r, (close_info{static_cast<std::uint16_t>(code), reason}));
  }
}

TEST(ClosePayload, RoundTripsTheLongestReason) {
  // RFC 6455 §5.5: a control frame body is at most 125 bytes, so the reason at most 123.
  std::string reason;
  while (reason.size() + 3 <= 123) reason += "\xE2\x82\xAC";
  reason.resize(123, '!');
  const bytes encoded = encode_close_payload(close_code::normal, reason);
  EXPECT_EQ(encoded.size(), 125u);
  const auto r = parse_close_payload(encoded);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->reason, reason);
}

TEST(ClosePayload, RoundTripsNoCode) {
  const auto r = parse_close_payload(encode_close_payload(std::nullopt));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, close_info{});
}

}  // namespace
}  // namespace wsspec::ref
