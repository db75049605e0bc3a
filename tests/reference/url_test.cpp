#include "wsspec/reference/url.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace wsspec::ref {
namespace {

struct good_row {
  std::string label;
  std::string url;
  bool secure;
  std::string host;
  std::uint16_t port;
  std::string resource;
  std::string host_header;
};

void PrintTo(const good_row& row, std::ostream* os) {
  *os << row.url;
}

// RFC 6455 §3: ws-URI = "ws:" "//" host [ ":" port ] path-abempty [ "?" query ], wss-URI the
// same with "wss:"; the port defaults to 80 for ws and 443 for wss, and the resource name is the
// path ("/" when empty) followed by "?" and the query when there is one. RFC 6455 §4.1: the Host
// header carries the port only when it is not the default (RFC 9110 §7.2).
std::vector<good_row> good_rows() {
  return {
      {"WsDefaultPort", "ws://example.com", false, "example.com", 80, "/", "example.com"},
      {"WssDefaultPort", "wss://example.com", true, "example.com", 443, "/", "example.com"},
      {"WsRootPath", "ws://example.com/", false, "example.com", 80, "/", "example.com"},
      {"WsExplicitDefaultPort", "ws://example.com:80/chat", false, "example.com", 80, "/chat",
       "example.com"},
      {"WssExplicitDefaultPort", "wss://example.com:443/chat", true, "example.com", 443, "/chat",
       "example.com"},
      {"WsOtherPort", "ws://127.0.0.1:9001/", false, "127.0.0.1", 9001, "/", "127.0.0.1:9001"},
      // 443 is only the default for wss, 80 only for ws.
      {"WsOnPort443", "ws://example.com:443", false, "example.com", 443, "/", "example.com:443"},
      {"WssOnPort80", "wss://example.com:80", true, "example.com", 80, "/", "example.com:80"},
      {"PathAndQuery", "ws://example.com/a/b?x=1&y=2", false, "example.com", 80, "/a/b?x=1&y=2",
       "example.com"},
      // RFC 6455 §3: with no path the resource name starts with "/" before the query.
      {"QueryWithoutPath", "ws://example.com?case=1", false, "example.com", 80, "/?case=1",
       "example.com"},
      {"QueryWithoutPathWithPort", "ws://example.com:8080?x", false, "example.com", 8080, "/?x",
       "example.com:8080"},
      {"LowestPort", "ws://h:1", false, "h", 1, "/", "h:1"},
      {"HighestPort", "ws://h:65535/p", false, "h", 65535, "/p", "h:65535"},
      // RFC 3986 §3.2.2: an IPv6 literal is written in brackets; the brackets are not part of the
      // address, and come back in the Host header.
      {"Ipv6Loopback", "ws://[::1]/", false, "::1", 80, "/", "[::1]"},
      {"Ipv6WithPort", "ws://[::1]:9001/chat", false, "::1", 9001, "/chat", "[::1]:9001"},
      {"Ipv6Full", "wss://[2001:db8::8:800:200c:417a]:8443?q", true, "2001:db8::8:800:200c:417a",
       8443, "/?q", "[2001:db8::8:800:200c:417a]:8443"},
      {"Ipv6DefaultPortOmitted", "wss://[fe80::1]:443/x", true, "fe80::1", 443, "/x", "[fe80::1]"},
      // RFC 3986 §3.1: the scheme is case-insensitive.
      {"UpperCaseScheme", "WS://example.com/", false, "example.com", 80, "/", "example.com"},
      {"MixedCaseSecureScheme", "Wss://example.com/", true, "example.com", 443, "/", "example.com"},
  };
}

class ParseWsUrl : public testing::TestWithParam<good_row> {};

TEST_P(ParseWsUrl, Accepted) {
  const good_row& row = GetParam();
  ws_url u;
  std::string why;
  ASSERT_TRUE(parse_ws_url(row.url, u, why)) << why;
  EXPECT_EQ(u.secure, row.secure);
  EXPECT_EQ(u.host, row.host);
  EXPECT_EQ(u.port, row.port);
  EXPECT_EQ(u.resource, row.resource);
  EXPECT_EQ(u.host_header(), row.host_header);
}

INSTANTIATE_TEST_SUITE_P(Table, ParseWsUrl, testing::ValuesIn(good_rows()),
                         [](const auto& p) { return p.param.label; });

struct bad_row {
  std::string label;
  std::string url;
};

void PrintTo(const bad_row& row, std::ostream* os) {
  *os << row.url;
}

std::vector<bad_row> bad_rows() {
  return {
      // RFC 6455 §3: only the ws and wss schemes.
      {"HttpScheme", "http://example.com/"},
      {"NoScheme", "example.com:80/"},
      {"SchemeWithoutSlashes", "ws:example.com"},
      {"Empty", ""},
      // RFC 6455 §3: fragment identifiers MUST NOT be used in WebSocket URIs.
      {"FragmentAfterPath", "ws://example.com/chat#top"},
      {"FragmentWithoutPath", "ws://example.com#top"},
      {"FragmentAfterQuery", "wss://example.com/?a=1#x"},
      {"EmptyFragment", "ws://example.com/#"},
      // RFC 6455 §3: the host is required.
      {"NoHost", "ws://"},
      {"NoHostWithPath", "ws:///chat"},
      {"NoHostWithPort", "ws://:9001/"},
      {"EmptyIpv6", "ws://[]/"},
      // RFC 3986 §3.2.3: port = *DIGIT; here it must also name a TCP port, 1 to 65535.
      {"EmptyPort", "ws://example.com:/"},
      {"EmptyPortAtEnd", "ws://example.com:"},
      {"PortZero", "ws://example.com:0"},
      {"PortTooLarge", "ws://example.com:65536"},
      {"PortHuge", "ws://example.com:99999999999999999999"},
      {"NegativePort", "ws://example.com:-80"},
      {"PortWithLetters", "ws://example.com:80a/"},
      {"HexPort", "ws://example.com:0x50"},
      {"PortWithSpace", "ws://example.com: 80"},
      {"Ipv6EmptyPort", "ws://[::1]:/"},
      {"Ipv6PortTooLarge", "ws://[::1]:70000"},
      {"Ipv6Unterminated", "ws://[::1/chat"},
      {"Ipv6TextAfterBracket", "ws://[::1]9001/"},
      // RFC 3986 §3.2.2: an IPv6 literal without brackets cannot be told from host:port.
      {"Ipv6WithoutBrackets", "ws://::1/"},
      {"Ipv6WithoutBracketsWithPort", "ws://fe80::1:9001/"},
      // A user name or password has no meaning in a WebSocket URI.
      {"UserInfo", "ws://user@example.com/"},
      {"UserAndPassword", "ws://user:secret@example.com:9001/"},
  };
}

class RefuseWsUrl : public testing::TestWithParam<bad_row> {};

TEST_P(RefuseWsUrl, RefusedWithAReason) {
  ws_url u;
  std::string why;
  EXPECT_FALSE(parse_ws_url(GetParam().url, u, why));
  EXPECT_FALSE(why.empty());
}

INSTANTIATE_TEST_SUITE_P(Table, RefuseWsUrl, testing::ValuesIn(bad_rows()),
                         [](const auto& p) { return p.param.label; });

TEST(ParseWsUrl, FragmentReasonNamesTheFragment) {
  ws_url u;
  std::string why;
  ASSERT_FALSE(parse_ws_url("ws://example.com/#frag", u, why));
  EXPECT_NE(why.find('#'), std::string::npos) << why;
}

TEST(ParseWsUrl, EveryParseStartsFromDefaults) {
  ws_url u;
  std::string why;
  ASSERT_TRUE(parse_ws_url("wss://[::1]:8443/old?q", u, why));
  ASSERT_TRUE(parse_ws_url("ws://example.com", u, why));
  EXPECT_FALSE(u.secure);
  EXPECT_EQ(u.host, "example.com");
  EXPECT_EQ(u.port, 80);
  EXPECT_EQ(u.resource, "/");
}

TEST(HostHeader, BuiltFromTheFields) {
  ws_url u;
  u.host = "example.com";
  u.port = 80;
  EXPECT_EQ(u.host_header(), "example.com");
  u.port = 8080;
  EXPECT_EQ(u.host_header(), "example.com:8080");
  u.secure = true;
  u.port = 443;
  EXPECT_EQ(u.host_header(), "example.com");
  u.port = 80;
  EXPECT_EQ(u.host_header(), "example.com:80");
  u.host = "2001:db8::1";
  EXPECT_EQ(u.host_header(), "[2001:db8::1]:80");
  u.port = 443;
  EXPECT_EQ(u.host_header(), "[2001:db8::1]");
}

}  // namespace
}  // namespace wsspec::ref
