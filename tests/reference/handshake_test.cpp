#include "wsspec/reference/handshake.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

namespace wsspec::ref {
namespace {

std::vector<std::uint8_t> bytes(std::string_view s) {
  return {s.begin(), s.end()};
}

// Parses a complete head whole and one byte at a time; both must agree and consume it all.
http_head parse(http_head_parser::kind k, std::string_view text) {
  http_head_parser whole(k);
  const auto r = whole.feed(text);
  EXPECT_EQ(r.status, parse_status::done) << name(r.err) << "\n" << text;
  EXPECT_EQ(r.consumed, text.size());
  http_head_parser bytewise(k);
  parse_result last;
  for (const char c : text) last = bytewise.feed(std::string_view(&c, 1));
  EXPECT_EQ(last.status, parse_status::done);
  EXPECT_EQ(bytewise.head().fields, whole.head().fields);
  return whole.head();
}

// RFC 6455 §1.3: the key "dGhlIHNhbXBsZSBub25jZQ==" is answered with this accept value.
TEST(Handshake, AcceptForTheRfcKey) {
  EXPECT_EQ(accept_for_key("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  EXPECT_NE(accept_for_key("dGhlIHNhbXBsZSBub25jZR=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

// RFC 6455 §4.1: the key is the base64 of the 16-byte nonce ("the sample nonce" in §1.3).
TEST(Handshake, KeyForTheRfcNonce) {
  std::array<std::uint8_t, 16> nonce{};
  const std::string_view text = "the sample nonce";
  std::copy(text.begin(), text.end(), nonce.begin());
  EXPECT_EQ(key_for_nonce(nonce), "dGhlIHNhbXBsZSBub25jZQ==");
}

// RFC 4648 §10 test vectors.
TEST(Base64, EncodesTheRfc4648Vectors) {
  const std::pair<std::string_view, std::string_view> vectors[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(base64_encode(bytes(plain)), encoded);
    const auto decoded = base64_decode(encoded);
    ASSERT_TRUE(decoded.has_value()) << encoded;
    EXPECT_EQ(*decoded, bytes(plain));
  }
}

TEST(Base64, RoundTripsEveryByteAndLength) {
  std::vector<std::uint8_t> data;
  std::uint32_t x = 0x9e3779b9;
  for (std::size_t len = 0; len <= 300; ++len) {
    const auto encoded = base64_encode(data);
    EXPECT_EQ(encoded.size(), (len + 2) / 3 * 4);
    const auto decoded = base64_decode(encoded);
    ASSERT_TRUE(decoded.has_value()) << encoded;
    EXPECT_EQ(*decoded, data);
    x = x * 1664525u + 1013904223u;
    data.push_back(len < 256 ? static_cast<std::uint8_t>(len) : static_cast<std::uint8_t>(x >> 24));
  }
}

class Base64Reject : public testing::TestWithParam<std::string> {};

TEST_P(Base64Reject, IsNotDecoded) {
  EXPECT_FALSE(base64_decode(GetParam()).has_value());
}

INSTANTIATE_TEST_SUITE_P(
    Rows, Base64Reject,
    testing::Values("Zg", "Zg=", "Zm9vY", "Z", "====", "Z===", "Zg==Zg==", "Zg=a", "Zm=v",
                    // RFC 4648 §3.5: the unused bits of the last group must be zero.
                    "Zh==", "Zm9=", "Zm8/Zh==",
                    // RFC 4648 §3.3: characters outside the alphabet, whitespace included.
                    "Zm9v\n", " Zm9v", "Zm9v ", "Zm 9v", "Zm-v", "Zm_v", "Zm9v\r\n", "Zm.v",
                    std::string("Zm9\0", 4), "Zm9v===="));

TEST(Base64, RejectsAKeyOfTheWrongLengthOnlyInValidation) {
  // Fifteen and seventeen bytes are valid base64 but not valid keys.
  EXPECT_EQ(base64_decode("AAAAAAAAAAAAAAAAAAAA")->size(), 15u);
  EXPECT_EQ(base64_decode("AAAAAAAAAAAAAAAAAAAAAAA=")->size(), 17u);
}

client_request sample_client_request() {
  client_request req;
  req.host = "server.example.com";
  req.target = "/chat";
  const std::string_view text = "the sample nonce";
  std::copy(text.begin(), text.end(), req.nonce.begin());
  return req;
}

TEST(Handshake, BuildsTheMinimalRequest) {
  EXPECT_EQ(build_request(sample_client_request()),
            "GET /chat HTTP/1.1\r\n"
            "Host: server.example.com\r\n"
            "Upgrade: websocket\r\n"
            "Connection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            "Sec-WebSocket-Version: 13\r\n"
            "\r\n");
}

TEST(Handshake, BuiltRequestValidates) {
  auto req = sample_client_request();
  req.subprotocols = {"chat", "superchat"};
  req.extensions = {{"permessage-deflate", {{"client_max_window_bits", std::nullopt}}},
                    {"x-foo", {}}};
  req.origin = "http://example.com";
  req.extra_headers = {{"Cookie", "a=b"}, {"X-Test", "1"}};
  const auto text = build_request(req);
  const auto head = parse(http_head_parser::kind::request, text);
  EXPECT_EQ(*head.find("Sec-WebSocket-Protocol"), "chat, superchat");
  EXPECT_EQ(*head.find("Sec-WebSocket-Extensions"),
            "permessage-deflate; client_max_window_bits, x-foo");
  EXPECT_EQ(*head.find("Cookie"), "a=b");
  EXPECT_EQ(head.fields.back().name, "X-Test");
  const auto r = validate_request(head);
  ASSERT_TRUE(r.ok()) << name(r.err());
  EXPECT_EQ(r->target, "/chat");
  EXPECT_EQ(r->host, "server.example.com");
  EXPECT_EQ(r->key, "dGhlIHNhbXBsZSBub25jZQ==");
  EXPECT_EQ(r->subprotocols, req.subprotocols);
  EXPECT_EQ(r->extensions, req.extensions);
  EXPECT_EQ(r->origin, "http://example.com");
}

// A valid request to mutate, as the parser would return it.
http_head valid_request() {
  return parse(http_head_parser::kind::request,
               "GET /chat HTTP/1.1\r\n"
               "Host: server.example.com\r\n"
               "Upgrade: websocket\r\n"
               "Connection: Upgrade\r\n"
               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
               "Sec-WebSocket-Version: 13\r\n"
               "\r\n");
}

void drop(http_head& h, std::string_view field) {
  std::erase_if(h.fields, [&](const header_field& f) { return iequals(f.name, field); });
}
void add(http_head& h, std::string name, std::string value) {
  h.fields.push_back({std::move(name), std::move(value)});
}
void set(http_head& h, std::string_view field, std::string value) {
  drop(h, field);
  add(h, std::string(field), std::move(value));
}

struct request_row {
  const char* name;
  std::function<void(http_head&)> mutate;
  error expected;
};

// Test names carry the row name; gtest prints it instead of the raw bytes.
void PrintTo(const request_row& r, std::ostream* os) {
  *os << r.name;
}

class ValidateRequestReject : public testing::TestWithParam<request_row> {};

TEST_P(ValidateRequestReject, FailsWithTheNamedError) {
  auto head = valid_request();
  ASSERT_TRUE(validate_request(head).ok());
  GetParam().mutate(head);
  const auto r = validate_request(head);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.err(), GetParam().expected) << name(r.err());
}

const request_row request_rows[] = {
    {"PostMethod", [](http_head& h) { h.method = "POST"; }, error::bad_method},
    {"LowercaseGet", [](http_head& h) { h.method = "get"; }, error::bad_method},
    {"Http10", [](http_head& h) { h.version_minor = 0; }, error::bad_http_version},
    {"Http09",
     [](http_head& h) {
       h.version_major = 0;
       h.version_minor = 9;
     },
     error::bad_http_version},
    {"MissingHost", [](http_head& h) { drop(h, "Host"); }, error::missing_host},
    {"EmptyHost", [](http_head& h) { set(h, "Host", ""); }, error::missing_host},
    {"DuplicateHost", [](http_head& h) { add(h, "host", "other.example.com"); },
     error::duplicate_host},
    {"MissingUpgrade", [](http_head& h) { drop(h, "Upgrade"); }, error::bad_upgrade},
    {"UpgradeOtherProtocol", [](http_head& h) { set(h, "Upgrade", "h2c"); }, error::bad_upgrade},
    {"UpgradeWebsocketPrefix", [](http_head& h) { set(h, "Upgrade", "websockets"); },
     error::bad_upgrade},
    {"MissingConnection", [](http_head& h) { drop(h, "Connection"); }, error::bad_connection},
    {"ConnectionKeepAlive", [](http_head& h) { set(h, "Connection", "keep-alive"); },
     error::bad_connection},
    {"ConnectionUpgradePrefix", [](http_head& h) { set(h, "Connection", "upgraded"); },
     error::bad_connection},
    {"MissingKey", [](http_head& h) { drop(h, "Sec-WebSocket-Key"); }, error::missing_key},
    {"DuplicateKey", [](http_head& h) { add(h, "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="); },
     error::duplicate_key},
    {"KeyOf15Bytes", [](http_head& h) { set(h, "Sec-WebSocket-Key", "AAAAAAAAAAAAAAAAAAAA"); },
     error::bad_key},
    {"KeyOf17Bytes", [](http_head& h) { set(h, "Sec-WebSocket-Key", "AAAAAAAAAAAAAAAAAAAAAAA="); },
     error::bad_key},
    {"KeyNotBase64", [](http_head& h) { set(h, "Sec-WebSocket-Key", "the sample nonce"); },
     error::bad_key},
    {"KeyNonCanonical",
     [](http_head& h) { set(h, "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZR=="); }, error::bad_key},
    {"EmptyKey", [](http_head& h) { set(h, "Sec-WebSocket-Key", ""); }, error::bad_key},
    {"MissingVersion", [](http_head& h) { drop(h, "Sec-WebSocket-Version"); },
     error::missing_version},
    {"DuplicateVersion", [](http_head& h) { add(h, "Sec-WebSocket-Version", "13"); },
     error::duplicate_version},
    {"Version8", [](http_head& h) { set(h, "Sec-WebSocket-Version", "8"); },
     error::unsupported_version},
    {"Version013", [](http_head& h) { set(h, "Sec-WebSocket-Version", "013"); },
     error::unsupported_version},
    {"VersionList", [](http_head& h) { set(h, "Sec-WebSocket-Version", "13, 8"); },
     error::unsupported_version},
    {"SubprotocolNotAToken", [](http_head& h) { set(h, "Sec-WebSocket-Protocol", "chat room"); },
     error::bad_subprotocol},
    {"SubprotocolSeparator", [](http_head& h) { set(h, "Sec-WebSocket-Protocol", "a/b"); },
     error::bad_subprotocol},
    {"SubprotocolEmpty", [](http_head& h) { set(h, "Sec-WebSocket-Protocol", ""); },
     error::bad_subprotocol},
    {"SubprotocolRepeated", [](http_head& h) { set(h, "Sec-WebSocket-Protocol", "chat, chat"); },
     error::duplicate_subprotocol},
    {"SubprotocolRepeatedAcrossHeaders",
     [](http_head& h) {
       add(h, "Sec-WebSocket-Protocol", "chat");
       add(h, "Sec-WebSocket-Protocol", "superchat, chat");
     },
     error::duplicate_subprotocol},
    {"ExtensionEmptyElement", [](http_head& h) { set(h, "Sec-WebSocket-Extensions", "foo,,bar"); },
     error::bad_extension_syntax},
    {"ExtensionEmptyValue", [](http_head& h) { set(h, "Sec-WebSocket-Extensions", ""); },
     error::bad_extension_syntax},
    {"ExtensionBadSecondHeader",
     [](http_head& h) {
       add(h, "Sec-WebSocket-Extensions", "foo");
       add(h, "Sec-WebSocket-Extensions", "bar; x=\"a b\"");
     },
     error::bad_extension_syntax},
    // The checks run in a fixed order; the first broken rule is reported.
    {"MethodBeforeVersion",
     [](http_head& h) {
       h.method = "PUT";
       h.version_minor = 0;
       drop(h, "Host");
     },
     error::bad_method},
    {"VersionBeforeHost",
     [](http_head& h) {
       h.version_minor = 0;
       drop(h, "Host");
     },
     error::bad_http_version},
    {"HostBeforeUpgrade",
     [](http_head& h) {
       drop(h, "Host");
       drop(h, "Upgrade");
     },
     error::missing_host},
    {"UpgradeBeforeConnection",
     [](http_head& h) {
       drop(h, "Upgrade");
       drop(h, "Connection");
     },
     error::bad_upgrade},
    {"ConnectionBeforeKey",
     [](http_head& h) {
       drop(h, "Connection");
       drop(h, "Sec-WebSocket-Key");
     },
     error::bad_connection},
    {"KeyBeforeVersion",
     [](http_head& h) {
       drop(h, "Sec-WebSocket-Key");
       drop(h, "Sec-WebSocket-Version");
     },
     error::missing_key},
    {"VersionBeforeSubprotocol",
     [](http_head& h) {
       set(h, "Sec-WebSocket-Version", "12");
       set(h, "Sec-WebSocket-Protocol", "a b");
     },
     error::unsupported_version},
    {"SubprotocolBeforeExtensions",
     [](http_head& h) {
       set(h, "Sec-WebSocket-Protocol", "a b");
       set(h, "Sec-WebSocket-Extensions", ",");
     },
     error::bad_subprotocol},
};

INSTANTIATE_TEST_SUITE_P(Rows, ValidateRequestReject, testing::ValuesIn(request_rows),
                         [](const testing::TestParamInfo<request_row>& p) {
                           return std::string(p.param.name);
                         });

struct request_accept_row {
  const char* name;
  std::function<void(http_head&)> mutate;
};

// Test names carry the row name; gtest prints it instead of the raw bytes.
void PrintTo(const request_accept_row& r, std::ostream* os) {
  *os << r.name;
}

class ValidateRequestAccept : public testing::TestWithParam<request_accept_row> {};

TEST_P(ValidateRequestAccept, IsValid) {
  auto head = valid_request();
  GetParam().mutate(head);
  const auto r = validate_request(head);
  EXPECT_TRUE(r.ok()) << name(r.err());
}

const request_accept_row request_accept_rows[] = {
    {"Http11", [](http_head&) {}},
    {"Http12", [](http_head& h) { h.version_minor = 2; }},
    {"Http20",
     [](http_head& h) {
       h.version_major = 2;
       h.version_minor = 0;
     }},
    {"UpgradeMixedCase", [](http_head& h) { set(h, "Upgrade", "WebSocket"); }},
    {"UpgradeInAList", [](http_head& h) { set(h, "Upgrade", "h2c, websocket"); }},
    {"UpgradeInASecondHeader",
     [](http_head& h) {
       set(h, "Upgrade", "h2c");
       add(h, "Upgrade", "WEBSOCKET");
     }},
    {"ConnectionInAList", [](http_head& h) { set(h, "Connection", "keep-alive, Upgrade"); }},
    {"ConnectionUppercase", [](http_head& h) { set(h, "Connection", "UPGRADE"); }},
    {"ConnectionLowercase", [](http_head& h) { set(h, "Connection", "upgrade"); }},
    {"LowercaseFieldNames",
     [](http_head& h) {
       for (auto& f : h.fields)
         for (auto& c : f.name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
     }},
    {"UppercaseFieldNames",
     [](http_head& h) {
       for (auto& f : h.fields)
         for (auto& c : f.name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
     }},
    {"SubprotocolEmptyElements", [](http_head& h) { set(h, "Sec-WebSocket-Protocol", "a,,b"); }},
    {"ExtensionsQuoted",
     [](http_head& h) { set(h, "Sec-WebSocket-Extensions", "foo; bar=\"1\", baz"); }},
};

INSTANTIATE_TEST_SUITE_P(Rows, ValidateRequestAccept, testing::ValuesIn(request_accept_rows),
                         [](const testing::TestParamInfo<request_accept_row>& p) {
                           return std::string(p.param.name);
                         });

TEST(Handshake, ValidateRequestCombinesRepeatedLists) {
  auto head = valid_request();
  add(head, "Sec-WebSocket-Protocol", "chat");
  add(head, "sec-websocket-protocol", "superchat, v2.chat");
  add(head, "Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits");
  add(head, "SEC-WEBSOCKET-EXTENSIONS", "permessage-deflate");
  add(head, "origin", "http://example.com");
  const auto r = validate_request(head);
  ASSERT_TRUE(r.ok()) << name(r.err());
  EXPECT_EQ(r->subprotocols, (std::vector<std::string>{"chat", "superchat", "v2.chat"}));
  ASSERT_EQ(r->extensions.size(), 2u);
  EXPECT_EQ(r->extensions[0].params.size(), 1u);
  EXPECT_TRUE(r->extensions[1].params.empty());
  EXPECT_EQ(r->origin, "http://example.com");
}

TEST(Handshake, ValidateRequestRejectsAResponseHead) {
  const auto head = parse(http_head_parser::kind::response, "HTTP/1.1 101 OK\r\n\r\n");
  const auto r = validate_request(head);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.err(), error::bad_request_line);
}

TEST(Handshake, BuildsTheRfcResponse) {
  handshake_response resp;
  resp.accept = accept_for_key("dGhlIHNhbXBsZSBub25jZQ==");
  resp.subprotocol = "chat";
  EXPECT_EQ(build_response(resp),
            "HTTP/1.1 101 Switching Protocols\r\n"
            "Upgrade: websocket\r\n"
            "Connection: Upgrade\r\n"
            "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
            "Sec-WebSocket-Protocol: chat\r\n"
            "\r\n");
}

constexpr std::string_view rfc_key = "dGhlIHNhbXBsZSBub25jZQ==";
const std::vector<std::string> offered_protocols{"chat", "superchat"};
const std::vector<extension> offered_extensions{
    {"permessage-deflate", {{"client_max_window_bits", std::nullopt}}},
    {"x-foo", {}},
};

TEST(Handshake, BuiltResponseValidates) {
  handshake_response resp;
  resp.accept = accept_for_key(rfc_key);
  resp.subprotocol = "superchat";
  resp.extensions = {{"permessage-deflate", {{"server_max_window_bits", "10"}}}};
  resp.extra_headers = {{"Server", "wsspec"}};
  const auto head = parse(http_head_parser::kind::response, build_response(resp));
  EXPECT_EQ(*head.find("server"), "wsspec");
  const auto r = validate_response(head, rfc_key, offered_protocols, offered_extensions);
  ASSERT_TRUE(r.ok()) << name(r.err());
  EXPECT_EQ(r->subprotocol, "superchat");
  EXPECT_EQ(r->extensions, resp.extensions);
}

TEST(Handshake, ResponseWithoutSubprotocolOrExtensions) {
  handshake_response resp;
  resp.accept = accept_for_key(rfc_key);
  const auto head = parse(http_head_parser::kind::response, build_response(resp));
  const auto r = validate_response(head, rfc_key, offered_protocols, offered_extensions);
  ASSERT_TRUE(r.ok()) << name(r.err());
  EXPECT_FALSE(r->subprotocol.has_value());
  EXPECT_TRUE(r->extensions.empty());
}

http_head valid_response() {
  return parse(http_head_parser::kind::response,
               "HTTP/1.1 101 Switching Protocols\r\n"
               "Upgrade: websocket\r\n"
               "Connection: Upgrade\r\n"
               "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
               "\r\n");
}

struct response_row {
  const char* name;
  std::function<void(http_head&)> mutate;
  error expected;
  std::vector<std::string> protocols = offered_protocols;
  std::vector<extension> extensions = offered_extensions;
};

// Test names carry the row name; gtest prints it instead of the raw bytes.
void PrintTo(const response_row& r, std::ostream* os) {
  *os << r.name;
}

class ValidateResponseReject : public testing::TestWithParam<response_row> {};

TEST_P(ValidateResponseReject, FailsWithTheNamedError) {
  const auto& row = GetParam();
  auto head = valid_response();
  ASSERT_TRUE(validate_response(head, rfc_key, row.protocols, row.extensions).ok());
  row.mutate(head);
  const auto r = validate_response(head, rfc_key, row.protocols, row.extensions);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.err(), row.expected) << name(r.err());
}

const response_row response_rows[] = {
    {"Status200", [](http_head& h) { h.status = 200; }, error::bad_status},
    {"Status426", [](http_head& h) { h.status = 426; }, error::bad_status},
    {"RequestHead", [](http_head& h) { h.is_request = true; }, error::bad_status},
    {"MissingUpgrade", [](http_head& h) { drop(h, "Upgrade"); }, error::bad_upgrade},
    {"UpgradeOther", [](http_head& h) { set(h, "Upgrade", "h2c"); }, error::bad_upgrade},
    {"MissingConnection", [](http_head& h) { drop(h, "Connection"); }, error::bad_connection},
    {"ConnectionClose", [](http_head& h) { set(h, "Connection", "close"); }, error::bad_connection},
    {"MissingAccept", [](http_head& h) { drop(h, "Sec-WebSocket-Accept"); }, error::missing_accept},
    {"DuplicateAccept",
     [](http_head& h) { add(h, "Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="); },
     error::duplicate_accept},
    {"AcceptForAnotherKey",
     [](http_head& h) {
       set(h, "Sec-WebSocket-Accept", accept_for_key("AAAAAAAAAAAAAAAAAAAAAA=="));
     },
     error::bad_accept},
    {"AcceptOfTheKeyItself",
     [](http_head& h) { set(h, "Sec-WebSocket-Accept", "dGhlIHNhbXBsZSBub25jZQ=="); },
     error::bad_accept},
    {"AcceptWrongCase",
     [](http_head& h) { set(h, "Sec-WebSocket-Accept", "S3PPLMBITXAQ9KYGZZHZRBK+XOO="); },
     error::bad_accept},
    {"UnofferedSubprotocol", [](http_head& h) { set(h, "Sec-WebSocket-Protocol", "other"); },
     error::unoffered_subprotocol},
    {"SubprotocolOtherCase", [](http_head& h) { set(h, "Sec-WebSocket-Protocol", "Chat"); },
     error::unoffered_subprotocol},
    {"SubprotocolWhenNoneOffered",
     [](http_head& h) { set(h, "Sec-WebSocket-Protocol", "chat"); },
     error::unoffered_subprotocol,
     {}},
    {"TwoSubprotocolsInOneHeader",
     [](http_head& h) { set(h, "Sec-WebSocket-Protocol", "chat, superchat"); },
     error::bad_subprotocol},
    {"TwoSubprotocolHeaders",
     [](http_head& h) {
       add(h, "Sec-WebSocket-Protocol", "chat");
       add(h, "Sec-WebSocket-Protocol", "chat");
     },
     error::bad_subprotocol},
    {"EmptySubprotocol", [](http_head& h) { set(h, "Sec-WebSocket-Protocol", ""); },
     error::bad_subprotocol},
    {"ExtensionSyntax",
     [](http_head& h) { set(h, "Sec-WebSocket-Extensions", "permessage-deflate;"); },
     error::bad_extension_syntax},
    {"ExtensionEmptyValue", [](http_head& h) { set(h, "Sec-WebSocket-Extensions", ""); },
     error::bad_extension_syntax},
    {"UnofferedExtension", [](http_head& h) { set(h, "Sec-WebSocket-Extensions", "x-bar"); },
     error::unoffered_extension},
    {"ExtensionWhenNoneOffered",
     [](http_head& h) { set(h, "Sec-WebSocket-Extensions", "permessage-deflate"); },
     error::unoffered_extension,
     offered_protocols,
     {}},
    {"ExtensionTwice",
     [](http_head& h) {
       set(h, "Sec-WebSocket-Extensions", "permessage-deflate, permessage-deflate");
     },
     error::duplicate_extension},
    {"ExtensionTwiceAcrossHeaders",
     [](http_head& h) {
       add(h, "Sec-WebSocket-Extensions", "x-foo");
       add(h, "Sec-WebSocket-Extensions", "permessage-deflate, x-foo");
     },
     error::duplicate_extension},
    // The checks run in a fixed order; the first broken rule is reported.
    {"StatusBeforeUpgrade",
     [](http_head& h) {
       h.status = 400;
       drop(h, "Upgrade");
     },
     error::bad_status},
    {"UpgradeBeforeConnection",
     [](http_head& h) {
       drop(h, "Upgrade");
       drop(h, "Connection");
     },
     error::bad_upgrade},
    {"ConnectionBeforeAccept",
     [](http_head& h) {
       drop(h, "Connection");
       drop(h, "Sec-WebSocket-Accept");
     },
     error::bad_connection},
    {"AcceptBeforeSubprotocol",
     [](http_head& h) {
       set(h, "Sec-WebSocket-Accept", "x");
       set(h, "Sec-WebSocket-Protocol", "other");
     },
     error::bad_accept},
    {"SubprotocolBeforeExtensions",
     [](http_head& h) {
       set(h, "Sec-WebSocket-Protocol", "other");
       set(h, "Sec-WebSocket-Extensions", "x-bar");
     },
     error::unoffered_subprotocol},
};

INSTANTIATE_TEST_SUITE_P(Rows, ValidateResponseReject, testing::ValuesIn(response_rows),
                         [](const testing::TestParamInfo<response_row>& p) {
                           return std::string(p.param.name);
                         });

TEST(Handshake, ValidateResponseAcceptsAnyCaseForUpgradeAndConnection) {
  auto head = valid_response();
  for (auto& f : head.fields)
    for (auto& c : f.name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  set(head, "Upgrade", "WebSocket");
  set(head, "Connection", "keep-alive, UPGRADE");
  add(head, "SEC-WEBSOCKET-PROTOCOL", "chat");
  add(head, "sec-websocket-extensions", "x-foo");
  const auto r = validate_response(head, rfc_key, offered_protocols, offered_extensions);
  ASSERT_TRUE(r.ok()) << name(r.err());
  EXPECT_EQ(r->subprotocol, "chat");
  ASSERT_EQ(r->extensions.size(), 1u);
  EXPECT_EQ(r->extensions[0].name, "x-foo");
}

TEST(Handshake, ValidateResponseKeepsExtensionParametersForTheExtension) {
  auto head = valid_response();
  add(head, "Sec-WebSocket-Extensions",
      "permessage-deflate; server_no_context_takeover; client_max_window_bits=\"12\"");
  const auto r = validate_response(head, rfc_key, {}, offered_extensions);
  ASSERT_TRUE(r.ok()) << name(r.err());
  ASSERT_EQ(r->extensions.size(), 1u);
  const std::vector<extension_param> expected{{"server_no_context_takeover", std::nullopt},
                                              {"client_max_window_bits", "12"}};
  EXPECT_EQ(r->extensions[0].params, expected);
}

struct rejection_row {
  error e;
  int status;
  bool version_header;
};

// Test names carry the row name; gtest prints it instead of the raw bytes.
void PrintTo(const rejection_row& r, std::ostream* os) {
  *os << name(r.e);
}

class Rejection : public testing::TestWithParam<rejection_row> {};

TEST_P(Rejection, IsACompleteResponseWithTheRightStatus) {
  const auto& row = GetParam();
  const auto head = parse(http_head_parser::kind::response, build_rejection(row.e));
  EXPECT_EQ(head.status, row.status);
  EXPECT_EQ(head.version_major, 1);
  EXPECT_EQ(head.version_minor, 1);
  EXPECT_FALSE(head.reason.empty());
  ASSERT_NE(head.find("Content-Length"), nullptr);
  EXPECT_EQ(*head.find("Content-Length"), "0");
  bool close = false;
  for (const auto value : head.all("Connection"))
    for (const auto token : split_list(value)) close = close || iequals(token, "close");
  EXPECT_TRUE(close);
  if (row.version_header) {
    // RFC 6455 §4.4: the server answers an unsupported version with the versions it supports.
    ASSERT_EQ(head.count("Sec-WebSocket-Version"), 1u);
    EXPECT_EQ(*head.find("Sec-WebSocket-Version"), "13");
    // RFC 9110 §15.5.22: a 426 response carries Upgrade.
    ASSERT_NE(head.find("Upgrade"), nullptr);
    EXPECT_EQ(*head.find("Upgrade"), "websocket");
  } else {
    EXPECT_EQ(head.count("Sec-WebSocket-Version"), 0u);
  }
  if (row.status == 405) {
    ASSERT_NE(head.find("Allow"), nullptr);
    EXPECT_EQ(*head.find("Allow"), "GET");
  }
}

INSTANTIATE_TEST_SUITE_P(Rows, Rejection,
                         testing::Values(rejection_row{error::bad_method, 405, false},
                                         rejection_row{error::bad_http_version, 400, false},
                                         rejection_row{error::missing_host, 400, false},
                                         rejection_row{error::bad_key, 400, false},
                                         rejection_row{error::duplicate_version, 400, false},
                                         rejection_row{error::bad_extension_syntax, 400, false},
                                         rejection_row{error::missing_version, 426, true},
                                         rejection_row{error::unsupported_version, 426, true},
                                         rejection_row{error::head_too_large, 431, false},
                                         rejection_row{error::bad_header_line, 400, false}),
                         [](const testing::TestParamInfo<rejection_row>& p) {
                           return std::string(name(p.param.e));
                         });

}  // namespace
}  // namespace wsspec::ref

namespace wsspec::ref {
namespace {

TEST(RequestBuilder, OneBuilderWritesEveryRequest) {
  client_request req;
  req.host = "example.com:9001";
  req.target = "/chat";
  req.subprotocols = {"chat", "superchat"};
  const auto fields = request_fields(req, "dGhlIHNhbXBsZSBub25jZQ==");
  ASSERT_GE(fields.size(), 6u);
  EXPECT_EQ(fields[0].name, "Host");
  EXPECT_EQ(fields[3].value, "dGhlIHNhbXBsZSBub25jZQ==");
  EXPECT_EQ(fields[5].value, "chat, superchat");
  EXPECT_EQ(format_head("GET / HTTP/1.1", {"A: 1", "B : 2"}),
            "GET / HTTP/1.1\r\nA: 1\r\nB : 2\r\n\r\n");
  EXPECT_EQ(build_request(req),
            format_head("GET /chat HTTP/1.1",
                        field_lines(request_fields(req, key_for_nonce(req.nonce)))));
}

}  // namespace
}  // namespace wsspec::ref
