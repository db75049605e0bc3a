#include "wsspec/reference/close_code.hpp"

#include <gtest/gtest.h>

#include <string_view>

namespace wsspec::ref {
namespace {

// RFC 6455 §7.4.1: the defined codes, and the later IANA registrations 1012-1015.
static_assert(close_code::normal == 1000);
static_assert(close_code::going_away == 1001);
static_assert(close_code::protocol_error == 1002);
static_assert(close_code::unsupported_data == 1003);
static_assert(close_code::no_status == 1005);
static_assert(close_code::abnormal == 1006);
static_assert(close_code::invalid_payload == 1007);
static_assert(close_code::policy_violation == 1008);
static_assert(close_code::too_big == 1009);
static_assert(close_code::mandatory_extension == 1010);
static_assert(close_code::internal_error == 1011);
static_assert(close_code::service_restart == 1012);
static_assert(close_code::try_again_later == 1013);
static_assert(close_code::bad_gateway == 1014);
static_assert(close_code::tls_handshake == 1015);

// valid_on_wire is usable at compile time.
static_assert(close_code::valid_on_wire(close_code::normal));
static_assert(!close_code::valid_on_wire(close_code::no_status));

TEST(CloseCode, ValidOnWireForEveryCode) {
  for (unsigned code = 0; code <= 0xFFFF; ++code) {
    const auto c = static_cast<std::uint16_t>(code);
    bool want = false;
    if (code < 1000) {
      want = false;  // RFC 6455 §7.4.2: 0-999 are not used.
    } else if (code <= 2999) {
      // RFC 6455 §7.4.1: 1004 reserved; 1005, 1006, 1015 MUST NOT be set in a Close frame;
      // 1016-2999 not (yet) defined.
      want = (code <= 1003) || (code >= 1007 && code <= 1014);
    } else if (code <= 4999) {
      want = true;  // RFC 6455 §7.4.2: registered (3000-3999) and private use (4000-4999).
    }
    EXPECT_EQ(close_code::valid_on_wire(c), want) << code;
  }
}

TEST(CloseCode, NeverOnTheWire) {
  // RFC 6455 §7.4.1: 1005, 1006 and 1015 are for reporting only.
  EXPECT_FALSE(close_code::valid_on_wire(close_code::no_status));
  EXPECT_FALSE(close_code::valid_on_wire(close_code::abnormal));
  EXPECT_FALSE(close_code::valid_on_wire(close_code::tls_handshake));
  EXPECT_FALSE(close_code::valid_on_wire(1004));
}

TEST(CloseCode, DescribesEveryNamedCode) {
  EXPECT_EQ(close_code::describe(close_code::normal), "normal closure");
  EXPECT_EQ(close_code::describe(close_code::going_away), "going away");
  EXPECT_EQ(close_code::describe(close_code::protocol_error), "protocol error");
  EXPECT_EQ(close_code::describe(close_code::unsupported_data), "unsupported data");
  EXPECT_EQ(close_code::describe(1004), "reserved");
  EXPECT_EQ(close_code::describe(close_code::no_status), "no status received");
  EXPECT_EQ(close_code::describe(close_code::abnormal), "abnormal closure");
  EXPECT_EQ(close_code::describe(close_code::invalid_payload), "invalid frame payload data");
  EXPECT_EQ(close_code::describe(close_code::policy_violation), "policy violation");
  EXPECT_EQ(close_code::describe(close_code::too_big), "message too big");
  EXPECT_EQ(close_code::describe(close_code::mandatory_extension), "mandatory extension");
  EXPECT_EQ(close_code::describe(close_code::internal_error), "internal error");
  EXPECT_EQ(close_code::describe(close_code::service_restart), "service restart");
  EXPECT_EQ(close_code::describe(close_code::try_again_later), "try again later");
  EXPECT_EQ(close_code::describe(close_code::bad_gateway), "bad gateway");
  EXPECT_EQ(close_code::describe(close_code::tls_handshake), "TLS handshake");
}

TEST(CloseCode, DescribesTheRanges) {
  // RFC 6455 §7.4.2.
  for (std::uint16_t code : {0, 1, 500, 999})
    EXPECT_EQ(close_code::describe(code), "not used") << code;
  for (std::uint16_t code : {1016, 2000, 2999})
    EXPECT_EQ(close_code::describe(code), "unassigned") << code;
  for (std::uint16_t code : {3000, 3500, 3999})
    EXPECT_EQ(close_code::describe(code), "registered (libraries, frameworks, applications)")
        << code;
  for (std::uint16_t code : {4000, 4500, 4999})
    EXPECT_EQ(close_code::describe(code), "private use") << code;
  for (std::uint16_t code : {5000, 60000, 65535})
    EXPECT_EQ(close_code::describe(code), "unassigned") << code;
}

TEST(CloseCode, EveryCodeHasADescription) {
  for (unsigned code = 0; code <= 0xFFFF; ++code)
    EXPECT_FALSE(close_code::describe(static_cast<std::uint16_t>(code)).empty()) << code;
}

}  // namespace
}  // namespace wsspec::ref
