#include "wsspec/reference/http_head.hpp"

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

namespace wsspec::ref {
namespace {

using kind = http_head_parser::kind;

// What feeding a text produced, summed over every feed call.
struct outcome {
  parse_status status = parse_status::need_more;
  error err{};
  std::size_t consumed = 0;
  http_head head;
};

// Feeds `text` in pieces ending at each of `cuts` (ascending) and then the rest, stopping at the
// first result that is not need_more.
outcome run(kind k, std::string_view text, const std::vector<std::size_t>& cuts,
            http_limits limits = {}) {
  http_head_parser parser(k, limits);
  outcome out;
  std::size_t start = 0;
  auto feed_piece = [&](std::size_t end) {
    const auto r = parser.feed(text.substr(start, end - start));
    out.consumed += r.consumed;
    out.status = r.status;
    out.err = r.err;
    start = end;
  };
  for (const auto cut : cuts) {
    feed_piece(cut);
    if (out.status != parse_status::need_more) break;
  }
  if (out.status == parse_status::need_more) feed_piece(text.size());
  out.head = parser.head();
  return out;
}

void expect_same(const outcome& a, const outcome& b, const std::string& how) {
  SCOPED_TRACE(how);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.err, b.err);
  EXPECT_EQ(a.consumed, b.consumed);
  EXPECT_EQ(a.head.is_request, b.head.is_request);
  EXPECT_EQ(a.head.method, b.head.method);
  EXPECT_EQ(a.head.target, b.head.target);
  EXPECT_EQ(a.head.version_major, b.head.version_major);
  EXPECT_EQ(a.head.version_minor, b.head.version_minor);
  EXPECT_EQ(a.head.status, b.head.status);
  EXPECT_EQ(a.head.reason, b.head.reason);
  EXPECT_EQ(a.head.fields, b.head.fields);
}

// Parses `text` whole, split in two at every position, and one byte at a time; every way must
// give the same result, which is returned.
outcome parse_all_ways(kind k, std::string_view text, http_limits limits = {}) {
  const outcome whole = run(k, text, {}, limits);
  for (std::size_t cut = 0; cut <= text.size(); ++cut)
    expect_same(whole, run(k, text, {cut}, limits), "split at " + std::to_string(cut));
  std::vector<std::size_t> every;
  for (std::size_t i = 1; i < text.size(); ++i) every.push_back(i);
  expect_same(whole, run(k, text, every, limits), "byte by byte");
  return whole;
}

// The client handshake of RFC 6455 §1.2.
constexpr std::string_view rfc_request =
    "GET /chat HTTP/1.1\r\n"
    "Host: server.example.com\r\n"
    "Upgrade: websocket\r\n"
    "Connection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    "Origin: http://example.com\r\n"
    "Sec-WebSocket-Protocol: chat, superchat\r\n"
    "Sec-WebSocket-Version: 13\r\n"
    "\r\n";

constexpr std::string_view rfc_response =
    "HTTP/1.1 101 Switching Protocols\r\n"
    "Upgrade: websocket\r\n"
    "Connection: Upgrade\r\n"
    "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
    "Sec-WebSocket-Protocol: chat\r\n"
    "\r\n";

TEST(HttpHead, ParsesTheRfcRequest) {
  const auto r = parse_all_ways(kind::request, rfc_request);
  ASSERT_EQ(r.status, parse_status::done);
  EXPECT_EQ(r.consumed, rfc_request.size());
  EXPECT_TRUE(r.head.is_request);
  EXPECT_EQ(r.head.method, "GET");
  EXPECT_EQ(r.head.target, "/chat");
  EXPECT_EQ(r.head.version_major, 1);
  EXPECT_EQ(r.head.version_minor, 1);
  const std::vector<header_field> expected{
      {"Host", "server.example.com"},   {"Upgrade", "websocket"},
      {"Connection", "Upgrade"},        {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="},
      {"Origin", "http://example.com"}, {"Sec-WebSocket-Protocol", "chat, superchat"},
      {"Sec-WebSocket-Version", "13"},
  };
  EXPECT_EQ(r.head.fields, expected);
}

TEST(HttpHead, ParsesTheRfcResponse) {
  const auto r = parse_all_ways(kind::response, rfc_response);
  ASSERT_EQ(r.status, parse_status::done);
  EXPECT_EQ(r.consumed, rfc_response.size());
  EXPECT_FALSE(r.head.is_request);
  EXPECT_EQ(r.head.status, 101);
  EXPECT_EQ(r.head.reason, "Switching Protocols");
  ASSERT_EQ(r.head.fields.size(), 4u);
  EXPECT_EQ(r.head.fields[2].value, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST(HttpHead, AcceptsAStatusLineWithoutReason) {
  auto r = parse_all_ways(kind::response, "HTTP/1.1 101\r\n\r\n");
  ASSERT_EQ(r.status, parse_status::done);
  EXPECT_EQ(r.head.status, 101);
  EXPECT_EQ(r.head.reason, "");
  r = parse_all_ways(kind::response, "HTTP/1.1 426 \r\n\r\n");
  ASSERT_EQ(r.status, parse_status::done);
  EXPECT_EQ(r.head.status, 426);
  EXPECT_EQ(r.head.reason, "");
  r = parse_all_ways(kind::response, "HTTP/1.0 404 Not\tFound here\r\n\r\n");
  ASSERT_EQ(r.status, parse_status::done);
  EXPECT_EQ(r.head.version_minor, 0);
  EXPECT_EQ(r.head.reason, "Not\tFound here");
}

TEST(HttpHead, KeepsOtherVersionsForTheValidatorToJudge) {
  const auto r = parse_all_ways(kind::request, "GET / HTTP/1.0\r\nHost: a\r\n\r\n");
  ASSERT_EQ(r.status, parse_status::done);
  EXPECT_EQ(r.head.version_major, 1);
  EXPECT_EQ(r.head.version_minor, 0);
  const auto r2 = parse_all_ways(kind::request, "OPTIONS * HTTP/2.0\r\n\r\n");
  ASSERT_EQ(r2.status, parse_status::done);
  EXPECT_EQ(r2.head.method, "OPTIONS");
  EXPECT_EQ(r2.head.target, "*");
  EXPECT_EQ(r2.head.version_major, 2);
  EXPECT_TRUE(r2.head.fields.empty());
}

struct reject_row {
  const char* name;
  kind k;
  std::string text;
  error expected;
};

// Test names carry the row name; gtest prints it instead of the raw bytes.
void PrintTo(const reject_row& r, std::ostream* os) {
  *os << r.name;
}

class HttpHeadReject : public testing::TestWithParam<reject_row> {};

TEST_P(HttpHeadReject, FailsWithTheNamedError) {
  const auto& row = GetParam();
  const auto r = parse_all_ways(row.k, row.text);
  EXPECT_EQ(r.status, parse_status::error);
  EXPECT_EQ(r.err, row.expected) << name(r.err);
}

std::string req(std::string_view tail) {
  return "GET / HTTP/1.1\r\n" + std::string(tail);
}

const reject_row reject_rows[] = {
    // RFC 9112 §3: request-line = method SP request-target SP HTTP-version.
    {"DoubleSpaceBeforeTarget", kind::request, "GET  / HTTP/1.1\r\n\r\n", error::bad_request_line},
    {"DoubleSpaceBeforeVersion", kind::request, "GET /  HTTP/1.1\r\n\r\n", error::bad_request_line},
    {"TrailingSpace", kind::request, "GET / HTTP/1.1 \r\n\r\n", error::bad_request_line},
    {"LeadingSpace", kind::request, " GET / HTTP/1.1\r\n\r\n", error::bad_request_line},
    {"TabSeparator", kind::request, "GET\t/ HTTP/1.1\r\n\r\n", error::bad_request_line},
    {"MethodNotAToken", kind::request, "G(T / HTTP/1.1\r\n\r\n", error::bad_request_line},
    {"MissingTarget", kind::request, "GET HTTP/1.1\r\n\r\n", error::bad_request_line},
    {"OnlyMethod", kind::request, "GET\r\n\r\n", error::bad_request_line},
    {"ControlInTarget", kind::request, "GET /a\x01 HTTP/1.1\r\n\r\n", error::bad_request_line},
    {"LowercaseHttpName", kind::request, "GET / http/1.1\r\n\r\n", error::bad_request_line},
    {"TwoDigitMajor", kind::request, "GET / HTTP/11.1\r\n\r\n", error::bad_request_line},
    {"NoMinor", kind::request, "GET / HTTP/1\r\n\r\n", error::bad_request_line},
    {"LetterVersion", kind::request, "GET / HTTP/1.x\r\n\r\n", error::bad_request_line},
    {"BareLfAfterRequestLine", kind::request, "GET / HTTP/1.1\n\r\n", error::bad_request_line},
    {"CrWithoutLfInRequestLine", kind::request, "GET /\r HTTP/1.1\r\n\r\n",
     error::bad_request_line},
    // RFC 9112 §4: status-line = HTTP-version SP status-code SP [ reason-phrase ].
    {"FourDigitStatus", kind::response, "HTTP/1.1 1011 OK\r\n\r\n", error::bad_status_line},
    {"TwoDigitStatus", kind::response, "HTTP/1.1 10 OK\r\n\r\n", error::bad_status_line},
    {"LetterStatus", kind::response, "HTTP/1.1 1O1 OK\r\n\r\n", error::bad_status_line},
    {"DoubleSpaceBeforeStatus", kind::response, "HTTP/1.1  101 OK\r\n\r\n", error::bad_status_line},
    {"TabBeforeStatus", kind::response, "HTTP/1.1\t101 OK\r\n\r\n", error::bad_status_line},
    {"LowercaseHttpInStatus", kind::response, "http/1.1 101 OK\r\n\r\n", error::bad_status_line},
    {"ControlInReason", kind::response, "HTTP/1.1 101 O\x01K\r\n\r\n", error::bad_status_line},
    {"EmptyStatusLine", kind::response, "\r\nHTTP/1.1 101 OK\r\n\r\n", error::bad_status_line},
    {"RequestLineToResponseParser", kind::response, "GET / HTTP/1.1\r\n\r\n",
     error::bad_status_line},
    {"BareLfAfterStatusLine", kind::response, "HTTP/1.1 101 OK\n\r\n", error::bad_status_line},
    // RFC 9112 §5.1: no whitespace is allowed between the field name and the colon.
    {"SpaceBeforeColon", kind::request, req("Host : a\r\n\r\n"), error::bad_header_line},
    {"TabBeforeColon", kind::request, req("Host\t: a\r\n\r\n"), error::bad_header_line},
    {"SpaceInName", kind::request, req("Ho st: a\r\n\r\n"), error::bad_header_line},
    {"EmptyName", kind::request, req(": a\r\n\r\n"), error::bad_header_line},
    {"NoColon", kind::request, req("Host a\r\n\r\n"), error::bad_header_line},
    {"NameNotAToken", kind::request, req("Ho\"st: a\r\n\r\n"), error::bad_header_line},
    // RFC 9112 §5.2: obs-fold is rejected.
    {"ObsFoldSpace", kind::request, req("X: a\r\n b\r\n\r\n"), error::bad_header_line},
    {"ObsFoldTab", kind::request, req("X: a\r\n\tb\r\n\r\n"), error::bad_header_line},
    {"WhitespaceBeforeFirstField", kind::request, req(" X: a\r\n\r\n"), error::bad_header_line},
    // RFC 9110 §5.5: CR, LF and NUL are invalid in field values.
    {"NulInValue", kind::request, req(std::string("X: a\0b\r\n\r\n", 10)), error::bad_header_line},
    {"CrInValue", kind::request, req("X: a\rb\r\n\r\n"), error::bad_header_line},
    {"BareLfEndsField", kind::request, req("X: a\n\r\n"), error::bad_header_line},
    {"BareLfEndsHead", kind::request, req("X: a\r\n\n"), error::bad_header_line},
    {"CrWithoutLfEndsHead", kind::request, req("X: a\r\n\rX"), error::bad_header_line},
    {"StatusHeaderSpaceBeforeColon", kind::response, "HTTP/1.1 101 OK\r\nUpgrade : x\r\n\r\n",
     error::bad_header_line},
};

INSTANTIATE_TEST_SUITE_P(Rows, HttpHeadReject, testing::ValuesIn(reject_rows),
                         [](const testing::TestParamInfo<reject_row>& p) {
                           return std::string(p.param.name);
                         });

TEST(HttpHead, TrimsValuesAndKeepsInnerWhitespace) {
  const auto r = parse_all_ways(kind::request, req("A:  x y \t\r\nB:\r\nC: \t \r\nD:a:b\r\n\r\n"));
  ASSERT_EQ(r.status, parse_status::done);
  const std::vector<header_field> expected{{"A", "x y"}, {"B", ""}, {"C", ""}, {"D", "a:b"}};
  EXPECT_EQ(r.head.fields, expected);
}

TEST(HttpHead, UnfoldsObsFoldInAResponse) {
  // RFC 9112 §5.2: a user agent replaces each obs-fold of a response with SP.
  const auto r =
      parse_all_ways(kind::response,
                     "HTTP/1.1 101 Switching Protocols\r\nX: first\r\n  second \r\n\tthird\r\n"
                     "E:\r\n more\r\n\r\n");
  ASSERT_EQ(r.status, parse_status::done);
  const std::vector<header_field> expected{{"X", "first second third"}, {"E", "more"}};
  EXPECT_EQ(r.head.fields, expected);
  // Before any field there is nothing to continue, and a NUL stays invalid when folded.
  EXPECT_EQ(parse_all_ways(kind::response, "HTTP/1.1 101 OK\r\n x\r\n\r\n").err,
            error::bad_header_line);
  EXPECT_EQ(
      parse_all_ways(kind::response, std::string("HTTP/1.1 101 OK\r\nX: a\r\n b\0c\r\n\r\n", 31))
          .err,
      error::bad_header_line);
}

TEST(HttpHead, KeepsDuplicatesInOrder) {
  const auto r = parse_all_ways(
      kind::request,
      req("Sec-WebSocket-Protocol: chat\r\nX: 1\r\nsec-websocket-protocol: superchat\r\n\r\n"));
  ASSERT_EQ(r.status, parse_status::done);
  EXPECT_EQ(r.head.count("Sec-WebSocket-Protocol"), 2u);
  ASSERT_NE(r.head.find("Sec-WebSocket-Protocol"), nullptr);
  EXPECT_EQ(*r.head.find("Sec-WebSocket-Protocol"), "chat");
  EXPECT_EQ(r.head.all("SEC-WEBSOCKET-PROTOCOL"),
            (std::vector<std::string_view>{"chat", "superchat"}));
  EXPECT_EQ(r.head.fields[2].name, "sec-websocket-protocol");
}

TEST(HttpHead, LooksUpNamesCaseInsensitively) {
  const auto r = parse_all_ways(kind::request, rfc_request);
  ASSERT_EQ(r.status, parse_status::done);
  ASSERT_NE(r.head.find("HOST"), nullptr);
  EXPECT_EQ(*r.head.find("host"), "server.example.com");
  EXPECT_EQ(r.head.count("sec-websocket-key"), 1u);
  EXPECT_EQ(r.head.count("Sec-WebSocket-Keys"), 0u);
  EXPECT_EQ(r.head.find("Hos"), nullptr);
  EXPECT_TRUE(r.head.all("Cookie").empty());
}

TEST(HttpHead, LeavesFrameBytesAfterTheHeadUnconsumed) {
  const std::string frame = "\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58";
  const std::string text = std::string(rfc_response) + frame;
  const auto r = parse_all_ways(kind::response, text);
  ASSERT_EQ(r.status, parse_status::done);
  EXPECT_EQ(r.consumed, rfc_response.size());

  http_head_parser parser(kind::response);
  const auto first = parser.feed(text);
  EXPECT_EQ(first.status, parse_status::done);
  EXPECT_EQ(first.consumed, rfc_response.size());
  EXPECT_EQ(parser.size(), rfc_response.size());
  EXPECT_EQ(text.substr(first.consumed), frame);
}

TEST(HttpHead, ConsumedCountsOnlyThisCallsInput) {
  http_head_parser parser(kind::request);
  const auto head = std::string(rfc_request);
  const auto split = head.size() - 3;
  const auto a = parser.feed(std::string_view(head).substr(0, split));
  EXPECT_EQ(a.status, parse_status::need_more);
  EXPECT_EQ(a.consumed, split);
  const auto b = parser.feed(head.substr(split) + "\x88");
  EXPECT_EQ(b.status, parse_status::done);
  EXPECT_EQ(b.consumed, 3u);
}

TEST(HttpHead, RepeatsTheFinalResultAfterDone) {
  http_head_parser parser(kind::request);
  ASSERT_EQ(parser.feed(rfc_request).status, parse_status::done);
  const auto again = parser.feed("GET / HTTP/1.1\r\n");
  EXPECT_EQ(again.status, parse_status::done);
  EXPECT_EQ(again.consumed, 0u);
  EXPECT_EQ(parser.head().fields.size(), 7u);
}

TEST(HttpHead, RepeatsTheErrorAfterAnError) {
  http_head_parser parser(kind::request);
  const auto r = parser.feed("GET / HTTP/1.1\r\nBad Name: x\r\n");
  ASSERT_EQ(r.status, parse_status::error);
  EXPECT_EQ(r.err, error::bad_header_line);
  const auto again = parser.feed("Host: a\r\n\r\n");
  EXPECT_EQ(again.status, parse_status::error);
  EXPECT_EQ(again.err, error::bad_header_line);
  EXPECT_EQ(again.consumed, 0u);
}

TEST(HttpHead, NeedsMoreUntilTheEmptyLine) {
  const std::string head(rfc_request);
  for (std::size_t n = 0; n < head.size(); ++n) {
    http_head_parser parser(kind::request);
    const auto r = parser.feed(std::string_view(head).substr(0, n));
    EXPECT_EQ(r.status, parse_status::need_more) << n;
    EXPECT_EQ(r.consumed, n);
  }
}

TEST(HttpHead, IgnoresEmptyLinesBeforeTheRequestLine) {
  // RFC 9112 §2.2: a server SHOULD ignore at least one empty line before the request-line.
  const std::string text = "\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n";
  const auto r = parse_all_ways(kind::request, text);
  ASSERT_EQ(r.status, parse_status::done);
  EXPECT_EQ(r.consumed, text.size());
  EXPECT_EQ(r.head.method, "GET");
}

// A head of exactly `size` bytes (at least 400): a request line, filler fields of 200-byte
// values, one last field sized to fit, and the empty line.
std::string head_of_size(std::size_t size) {
  std::string out = "GET / HTTP/1.1\r\n";
  const std::size_t fields_end = size - 2;
  for (std::size_t n = 0; out.size() < fields_end; ++n) {
    const std::string name = "X-" + std::to_string(n) + ": ";
    const std::size_t room = fields_end - out.size();
    const std::size_t value = room >= 300 ? 200 : room - name.size() - 2;
    out += name + std::string(value, 'v') + "\r\n";
  }
  out += "\r\n";
  return out;
}

TEST(HttpHead, A16KiBHeadFedOneByteAtATimeParses) {
  const http_limits limits{};
  const std::string head = head_of_size(limits.max_head_size);
  ASSERT_EQ(head.size(), limits.max_head_size);
  http_head_parser parser(kind::request, limits);
  parse_result r;
  std::size_t consumed = 0;
  for (const char c : head) {
    r = parser.feed(std::string_view(&c, 1));
    consumed += r.consumed;
    if (r.status != parse_status::need_more) break;
  }
  ASSERT_EQ(r.status, parse_status::done) << name(r.err);
  EXPECT_EQ(consumed, head.size());
  EXPECT_EQ(parser.size(), head.size());
  EXPECT_GT(parser.head().fields.size(), 50u);
  EXPECT_EQ(parser.head().fields.back().value.back(), 'v');
}

TEST(HttpHead, AHeadOverTheLimitFailsWithHeadTooLarge) {
  const http_limits limits{};
  const std::string head = head_of_size(limits.max_head_size + 1);
  ASSERT_EQ(head.size(), limits.max_head_size + 1);
  http_head_parser parser(kind::request, limits);
  parse_result r;
  std::size_t consumed = 0;
  for (const char c : head) {
    r = parser.feed(std::string_view(&c, 1));
    consumed += r.consumed;
    if (r.status != parse_status::need_more) break;
  }
  EXPECT_EQ(r.status, parse_status::error);
  EXPECT_EQ(r.err, error::head_too_large);
  EXPECT_EQ(consumed, limits.max_head_size);
}

TEST(HttpHead, CountsEveryByteAgainstTheLimit) {
  const std::string text = req("Host: a\r\n\r\n");
  const auto exact = parse_all_ways(kind::request, text, {text.size(), 100});
  EXPECT_EQ(exact.status, parse_status::done);
  const auto over = parse_all_ways(kind::request, text, {text.size() - 1, 100});
  EXPECT_EQ(over.status, parse_status::error);
  EXPECT_EQ(over.err, error::head_too_large);
}

TEST(HttpHead, AnEndlessLineFailsWithHeadTooLarge) {
  const std::string text = "GET /" + std::string(300, 'a');
  const auto r = parse_all_ways(kind::request, text, {256, 100});
  EXPECT_EQ(r.status, parse_status::error);
  EXPECT_EQ(r.err, error::head_too_large);
  EXPECT_EQ(r.consumed, 256u);
}

TEST(HttpHead, LimitsTheNumberOfFields) {
  const std::string three = req("A: 1\r\nB: 2\r\nC: 3\r\n\r\n");
  const auto ok = parse_all_ways(kind::request, three, {1024, 3});
  EXPECT_EQ(ok.status, parse_status::done);
  EXPECT_EQ(ok.head.fields.size(), 3u);
  const auto over = parse_all_ways(kind::request, three, {1024, 2});
  EXPECT_EQ(over.status, parse_status::error);
  EXPECT_EQ(over.err, error::head_too_large);
}

TEST(HttpHead, Iequals) {
  EXPECT_TRUE(iequals("WebSocket", "websocket"));
  EXPECT_TRUE(iequals("", ""));
  EXPECT_TRUE(iequals("Sec-WebSocket-Key", "SEC-WEBSOCKET-KEY"));
  EXPECT_FALSE(iequals("websocket", "websockets"));
  EXPECT_FALSE(iequals("upgrade", "upgrad3"));
  // Only ASCII letters fold: '@' (0x40) and '`' (0x60) differ by the case bit but are not letters.
  EXPECT_FALSE(iequals("@", "`"));
  EXPECT_FALSE(iequals("[", "{"));
}

TEST(HttpHead, SplitList) {
  using list = std::vector<std::string_view>;
  EXPECT_EQ(split_list("keep-alive, Upgrade"), (list{"keep-alive", "Upgrade"}));
  EXPECT_EQ(split_list(" a ,\tb\t,c"), (list{"a", "b", "c"}));
  // RFC 9110 §5.6.1: empty elements are ignored.
  EXPECT_EQ(split_list(",a,, ,b,"), (list{"a", "b"}));
  EXPECT_EQ(split_list(""), list{});
  EXPECT_EQ(split_list(" , "), list{});
  EXPECT_EQ(split_list("a b"), (list{"a b"}));
}

TEST(HttpHead, IsToken) {
  EXPECT_TRUE(is_token("websocket"));
  EXPECT_TRUE(is_token("!#$%&'*+-.^_`|~09azAZ"));
  EXPECT_FALSE(is_token(""));
  for (const char c : std::string_view("()<>@,;:\\\"/[]?={} \t\x7f\x01"))
    EXPECT_FALSE(is_token(std::string(1, c))) << static_cast<int>(c);
  EXPECT_FALSE(is_token("a b"));
  EXPECT_FALSE(is_token("\xc3\xa9"));
}

}  // namespace
}  // namespace wsspec::ref
