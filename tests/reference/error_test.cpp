#include "wsspec/reference/error.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace wsspec::ref {
namespace {

std::vector<error> all_errors() {
  std::vector<error> out;
  for (std::size_t i = 0; i < error_count; ++i) out.push_back(static_cast<error>(i));
  return out;
}

TEST(Error, NamesAreUniqueSnakeCase) {
  std::set<std::string_view> seen;
  for (error e : all_errors()) {
    const std::string_view n = name(e);
    ASSERT_FALSE(n.empty()) << static_cast<int>(e);
    EXPECT_TRUE(seen.insert(n).second) << n;
    for (char c : n) EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') << n;
    EXPECT_NE(n.front(), '_') << n;
    EXPECT_NE(n.back(), '_') << n;
  }
  EXPECT_EQ(seen.size(), error_count);
}

TEST(Error, DescriptionsCiteAnRfcSection) {
  std::set<std::string_view> seen;
  for (error e : all_errors()) {
    const std::string_view d = describe(e);
    EXPECT_TRUE(d.starts_with("RFC ")) << name(e) << ": " << d;
    EXPECT_NE(d.find("\xC2\xA7"), std::string_view::npos) << name(e) << ": " << d;
    EXPECT_TRUE(seen.insert(d).second) << "duplicate description: " << d;
  }
}

TEST(Error, NamesMatchTheEnumerators) {
  EXPECT_EQ(name(error::reserved_bits), "reserved_bits");
  EXPECT_EQ(name(error::invalid_utf8), "invalid_utf8");
  EXPECT_EQ(name(error::head_too_large), "head_too_large");
  EXPECT_EQ(name(error::duplicate_extension), "duplicate_extension");
  EXPECT_EQ(static_cast<std::size_t>(error::duplicate_extension) + 1, error_count);
}

TEST(Error, CloseCodesFollowTheCategory) {
  for (error e : all_errors()) {
    SCOPED_TRACE(std::string(name(e)));
    const std::uint16_t close = close_code_for(e);
    const std::uint16_t http = http_status_for(e);
    switch (category_of(e)) {
      case category::protocol:
        // RFC 6455 §7.4.1: 1002 for a protocol error.
        EXPECT_EQ(close, 1002);
        EXPECT_EQ(http, 0);
        break;
      case category::payload:
        // RFC 6455 §7.4.1: 1007 for data inconsistent with the message type (§8.1 UTF-8).
        EXPECT_EQ(close, 1007);
        EXPECT_EQ(http, 0);
        break;
      case category::limit:
        // RFC 6455 §7.4.1: 1009 for a message too big; an HTTP head is refused in HTTP.
        if (close != 0) {
          EXPECT_EQ(close, 1009);
          EXPECT_EQ(http, 0);
        } else {
          EXPECT_GE(http, 400);
          EXPECT_LT(http, 500);
        }
        break;
      case category::handshake:
        // Found before the connection is open: answered in HTTP (or not at all), never with a
        // Close frame.
        EXPECT_EQ(close, 0);
        EXPECT_TRUE(http == 0 || (http >= 400 && http < 500)) << http;
        break;
      case category::extension:
        // RFC 7692: framing errors close the connection, negotiation errors fail the handshake.
        EXPECT_TRUE(close == 0 || close == 1002 || close == 1007) << close;
        if (close != 0) {
          EXPECT_EQ(http, 0);
        }
        break;
    }
  }
}

TEST(Error, SpecificMappings) {
  EXPECT_EQ(close_code_for(error::invalid_utf8), 1007);
  EXPECT_EQ(close_code_for(error::invalid_close_reason), 1007);
  EXPECT_EQ(close_code_for(error::close_payload_too_short), 1002);
  EXPECT_EQ(close_code_for(error::invalid_close_code), 1002);
  EXPECT_EQ(close_code_for(error::message_too_big), 1009);
  EXPECT_EQ(close_code_for(error::inflate_failed), 1007);
  EXPECT_EQ(close_code_for(error::rsv1_on_control), 1002);
  EXPECT_EQ(http_status_for(error::head_too_large), 431);
  EXPECT_EQ(close_code_for(error::head_too_large), 0);
  // RFC 6455 §4.2.2: a version the server does not speak is answered with 426 Upgrade Required.
  EXPECT_EQ(http_status_for(error::unsupported_version), 426);
  EXPECT_EQ(http_status_for(error::bad_method), 405);
  EXPECT_EQ(http_status_for(error::missing_key), 400);
  // Errors a client finds in the server's response get no HTTP answer.
  EXPECT_EQ(http_status_for(error::bad_accept), 0);
  EXPECT_EQ(close_code_for(error::bad_accept), 0);
  EXPECT_EQ(category_of(error::unmasked_client_frame), category::protocol);
  EXPECT_EQ(category_of(error::invalid_utf8), category::payload);
  EXPECT_EQ(category_of(error::frame_too_big), category::limit);
  EXPECT_EQ(category_of(error::bad_upgrade), category::handshake);
  EXPECT_EQ(category_of(error::rsv1_on_continuation), category::extension);
}

TEST(Error, CategoryNames) {
  EXPECT_EQ(name(category::handshake), "handshake");
  EXPECT_EQ(name(category::protocol), "protocol");
  EXPECT_EQ(name(category::payload), "payload");
  EXPECT_EQ(name(category::limit), "limit");
  EXPECT_EQ(name(category::extension), "extension");
}

TEST(Error, EveryCategoryIsUsed) {
  std::set<category> used;
  for (error e : all_errors()) used.insert(category_of(e));
  EXPECT_EQ(used.size(), 5u);
}

TEST(ErrorSet, StartsEmpty) {
  const error_set s;
  EXPECT_TRUE(s.empty());
  for (error e : all_errors()) EXPECT_FALSE(s.contains(e));
  int visits = 0;
  s.for_each([&](error) { ++visits; });
  EXPECT_EQ(visits, 0);
}

TEST(ErrorSet, AddContainsFirst) {
  error_set s;
  s.add(error::invalid_utf8);
  s.add(error::reserved_opcode);
  s.add(error::invalid_utf8);
  EXPECT_FALSE(s.empty());
  EXPECT_TRUE(s.contains(error::invalid_utf8));
  EXPECT_TRUE(s.contains(error::reserved_opcode));
  EXPECT_FALSE(s.contains(error::reserved_bits));
  EXPECT_EQ(s.first(), error::reserved_opcode);
  std::vector<error> seen;
  s.for_each([&](error e) { seen.push_back(e); });
  EXPECT_EQ(seen, (std::vector<error>{error::reserved_opcode, error::invalid_utf8}));
}

TEST(ErrorSet, EveryErrorAloneAndTogether) {
  error_set all;
  for (error e : all_errors()) {
    error_set one;
    one.add(e);
    EXPECT_EQ(one.first(), e);
    EXPECT_TRUE(one.contains(e));
    std::vector<error> seen;
    one.for_each([&](error x) { seen.push_back(x); });
    EXPECT_EQ(seen, std::vector<error>{e});
    all.add(e);
  }
  EXPECT_EQ(all.first(), static_cast<error>(0));
  std::vector<error> seen;
  all.for_each([&](error x) { seen.push_back(x); });
  EXPECT_EQ(seen, all_errors());
  // The last error is still held: the set is wide enough for the whole table.
  error_set last;
  last.add(all_errors().back());
  EXPECT_EQ(last.first(), all_errors().back());
}

TEST(ErrorSet, ClearAndEquality) {
  error_set a;
  error_set b;
  EXPECT_EQ(a, b);
  a.add(error::bad_key);
  EXPECT_NE(a, b);
  b.add(error::bad_key);
  EXPECT_EQ(a, b);
  a.clear();
  EXPECT_TRUE(a.empty());
  EXPECT_NE(a, b);
}

TEST(ErrorSet, IsConstexpr) {
  constexpr error_set s = [] {
    error_set x;
    x.add(error::masked_server_frame);
    return x;
  }();
  static_assert(s.contains(error::masked_server_frame));
  static_assert(!s.contains(error::reserved_bits));
  EXPECT_FALSE(s.empty());
}

TEST(ErrorCode, MakeErrorCode) {
  const std::error_code ec = make_error_code(error::invalid_close_code);
  EXPECT_EQ(ec.value(), static_cast<int>(error::invalid_close_code));
  EXPECT_EQ(&ec.category(), &error_category());
  EXPECT_STREQ(ec.category().name(), "wsspec");
  EXPECT_EQ(ec.message(), describe(error::invalid_close_code));
  EXPECT_TRUE(static_cast<bool>(ec));
}

TEST(ErrorCode, ImplicitConversionAndComparison) {
  static_assert(std::is_error_code_enum_v<error>);
  const std::error_code ec = error::reserved_bits;  // value 0 is still an error
  EXPECT_EQ(ec, error::reserved_bits);
  EXPECT_NE(ec, error::reserved_opcode);
  EXPECT_EQ(ec.message(), describe(error::reserved_bits));
  EXPECT_NE(ec, std::error_code{});
}

TEST(ErrorCode, MessageForEveryErrorAndOutOfRange) {
  for (error e : all_errors()) EXPECT_EQ(make_error_code(e).message(), describe(e));
  EXPECT_EQ(error_category().message(-1), "unknown wsspec error");
  EXPECT_EQ(error_category().message(static_cast<int>(error_count)), "unknown wsspec error");
}

TEST(Result, HoldsAValue) {
  result<std::string> r = std::string("text");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(static_cast<bool>(r));
  EXPECT_EQ(r.value(), "text");
  EXPECT_EQ(*r, "text");
  EXPECT_EQ(r->size(), 4u);
  r->append("!");
  EXPECT_EQ(r.value(), "text!");
  const result<std::string>& c = r;
  EXPECT_EQ(*c, "text!");
  EXPECT_EQ(c->size(), 5u);
  const std::string moved = std::move(r).value();
  EXPECT_EQ(moved, "text!");
}

TEST(Result, HoldsAnError) {
  const result<int> r = error::frame_too_big;
  EXPECT_FALSE(r.ok());
  EXPECT_FALSE(static_cast<bool>(r));
  EXPECT_EQ(r.err(), error::frame_too_big);
  EXPECT_THROW((void)r.value(), std::bad_variant_access);
}

TEST(Result, ErrOnAValueThrows) {
  const result<int> r = 7;
  EXPECT_EQ(*r, 7);
  EXPECT_THROW((void)r.err(), std::bad_variant_access);
}

}  // namespace
}  // namespace wsspec::ref
