#include "wsspec/reference/extensions.hpp"

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

namespace wsspec::ref {
namespace {

using list = std::vector<extension>;

extension ext(std::string name, std::vector<extension_param> params = {}) {
  return {std::move(name), std::move(params)};
}
extension_param flag(std::string name) {
  return {std::move(name), std::nullopt};
}
extension_param param(std::string name, std::string value) {
  return {std::move(name), std::move(value)};
}

struct accept_row {
  const char* name;
  std::string value;
  list expected;
};

// Test names carry the row name; gtest prints it instead of the raw bytes.
void PrintTo(const accept_row& r, std::ostream* os) {
  *os << r.name;
}

class ExtensionsAccept : public testing::TestWithParam<accept_row> {};

TEST_P(ExtensionsAccept, ParsesToTheExpectedList) {
  const auto& row = GetParam();
  const auto r = parse_extensions(row.value);
  ASSERT_TRUE(r.ok()) << name(r.err());
  EXPECT_EQ(*r, row.expected);
}

// RFC 6455 §9.1: the header may be split across field lines; splitting a valid list at each
// comma into separate values gives the same list. (A valid list has no comma inside a value: a
// quoted value must unquote to a token.)
TEST_P(ExtensionsAccept, GivesTheSameListSplitIntoSeveralValues) {
  const auto& row = GetParam();
  std::vector<std::string_view> values;
  std::string_view rest = row.value;
  for (auto comma = rest.find(','); comma != std::string_view::npos; comma = rest.find(',')) {
    values.push_back(rest.substr(0, comma));
    rest.remove_prefix(comma + 1);
  }
  values.push_back(rest);
  const auto r = parse_extensions(values);
  ASSERT_TRUE(r.ok()) << name(r.err());
  EXPECT_EQ(*r, row.expected);
}

// Formatting the parsed list and parsing it again gives the same list.
TEST_P(ExtensionsAccept, RoundTripsThroughFormat) {
  const auto& row = GetParam();
  const auto r = parse_extensions(format_extensions(row.expected));
  ASSERT_TRUE(r.ok()) << format_extensions(row.expected);
  EXPECT_EQ(*r, row.expected);
}

const accept_row accept_rows[] = {
    {"Bare", "permessage-deflate", {ext("permessage-deflate")}},
    {"FlagParam",
     "permessage-deflate; client_max_window_bits",
     {ext("permessage-deflate", {flag("client_max_window_bits")})}},
    {"ValueParam",
     "permessage-deflate;server_max_window_bits=10",
     {ext("permessage-deflate", {param("server_max_window_bits", "10")})}},
    {"OwsEverywhere",
     " \tpermessage-deflate \t; \tserver_max_window_bits \t= \t10 \t; x \t",
     {ext("permessage-deflate", {param("server_max_window_bits", "10"), flag("x")})}},
    {"TwoExtensions", "foo,bar", {ext("foo"), ext("bar")}},
    {"TwoExtensionsWithOws", "foo \t, \tbar", {ext("foo"), ext("bar")}},
    {"SameExtensionTwice",
     "permessage-deflate; client_max_window_bits, permessage-deflate",
     {ext("permessage-deflate", {flag("client_max_window_bits")}), ext("permessage-deflate")}},
    {"QuotedValue", "foo; bar=\"baz\"", {ext("foo", {param("bar", "baz")})}},
    {"QuotedNumber",
     "permessage-deflate; client_max_window_bits=\"10\"",
     {ext("permessage-deflate", {param("client_max_window_bits", "10")})}},
    {"QuotedPairUnescapes", "foo; bar=\"b\\az\"", {ext("foo", {param("bar", "baz")})}},
    {"QuotedOws", "foo; bar = \"baz\" ; q", {ext("foo", {param("bar", "baz"), flag("q")})}},
    {"TokenCharacters",
     "x-webkit-deflate-frame; a!#$%&'*+-.^_`|~9=!#$%&'*+-.^_`|~9",
     {ext("x-webkit-deflate-frame", {param("a!#$%&'*+-.^_`|~9", "!#$%&'*+-.^_`|~9")})}},
    {"Mixed",
     "foo; a; b=1, bar; c=\"x\", baz",
     {ext("foo", {flag("a"), param("b", "1")}), ext("bar", {param("c", "x")}), ext("baz")}},
};

INSTANTIATE_TEST_SUITE_P(Rows, ExtensionsAccept, testing::ValuesIn(accept_rows),
                         [](const testing::TestParamInfo<accept_row>& p) {
                           return std::string(p.param.name);
                         });

struct reject_row {
  const char* name;
  std::string value;
};

// Test names carry the row name; gtest prints it instead of the raw bytes.
void PrintTo(const reject_row& r, std::ostream* os) {
  *os << r.name;
}

class ExtensionsReject : public testing::TestWithParam<reject_row> {};

TEST_P(ExtensionsReject, FailsWithBadExtensionSyntax) {
  const auto r = parse_extensions(GetParam().value);
  ASSERT_FALSE(r.ok()) << format_extensions(*r);
  EXPECT_EQ(r.err(), error::bad_extension_syntax);
}

TEST_P(ExtensionsReject, FailsAmongOtherValues) {
  const std::vector<std::string_view> values{"foo", GetParam().value, "bar"};
  const auto r = parse_extensions(values);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.err(), error::bad_extension_syntax);
}

const reject_row reject_rows[] = {
    {"Empty", ""},
    {"OnlyWhitespace", " \t "},
    {"OnlyComma", ","},
    {"LeadingComma", ",foo"},
    {"TrailingComma", "foo,"},
    {"EmptyElement", "foo,,bar"},
    {"BlankElement", "foo, ,bar"},
    {"TrailingSemicolon", "foo;"},
    {"EmptyParam", "foo;;bar"},
    {"ParamWithoutName", "foo; =1"},
    {"ParamWithoutValue", "foo; bar="},
    {"ParamTwoValues", "foo; bar=1=2"},
    {"ValueOnExtension", "foo=1"},
    {"SpaceInName", "foo bar"},
    {"SpaceInParamName", "foo; b ar"},
    {"SpaceInValue", "foo; bar=1 2"},
    {"SeparatorInName", "foo/bar"},
    {"SeparatorInValue", "foo; bar=a/b"},
    {"QuotedName", "\"foo\""},
    {"QuotedParamName", "foo; \"bar\"=1"},
    {"EmptyQuotedValue", "foo; bar=\"\""},
    {"QuotedValueNotAToken", "foo; bar=\"a b\""},
    {"QuotedValueWithSeparator", "foo; bar=\"a,b\""},
    {"EscapedQuoteIsNotAToken", "foo; bar=\"a\\\"b\""},
    {"UnterminatedQuote", "foo; bar=\"baz"},
    {"EscapeAtEnd", "foo; bar=\"baz\\"},
    {"TextAfterQuote", "foo; bar=\"baz\"x"},
    {"ControlInQuote", "foo; bar=\"b\x01z\""},
    {"ControlInName", "fo\x01o"},
    {"NonAsciiName", "f\xc3\xa9"},
    {"CrLf", "foo\r\n bar"},
};

INSTANTIATE_TEST_SUITE_P(Rows, ExtensionsReject, testing::ValuesIn(reject_rows),
                         [](const testing::TestParamInfo<reject_row>& p) {
                           return std::string(p.param.name);
                         });

TEST(Extensions, CombinesSeveralHeaderValues) {
  // RFC 6455 §9.1: these two field lines are equivalent to one "foo, bar; baz=2".
  const std::vector<std::string_view> values{"foo", "bar; baz=2"};
  const auto r = parse_extensions(values);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, (list{ext("foo"), ext("bar", {param("baz", "2")})}));
}

TEST(Extensions, NoHeaderValuesIsAnEmptyList) {
  const auto r = parse_extensions(std::vector<std::string_view>{});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
}

TEST(Extensions, AnEmptyValueAmongSeveralIsAnError) {
  const auto r = parse_extensions(std::vector<std::string_view>{"foo", ""});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.err(), error::bad_extension_syntax);
}

TEST(Extensions, FormatsWithCanonicalSeparators) {
  const list offer{ext("permessage-deflate",
                       {flag("client_max_window_bits"), param("server_max_window_bits", "10")}),
                   ext("permessage-deflate")};
  EXPECT_EQ(format_extensions(offer),
            "permessage-deflate; client_max_window_bits; server_max_window_bits=10, "
            "permessage-deflate");
  EXPECT_EQ(format_extensions({}), "");
}

TEST(Extensions, FormatsANonTokenValueAsAQuotedString) {
  EXPECT_EQ(format_extensions({ext("a", {param("b", "x \"y\" \\z")})}),
            "a; b=\"x \\\"y\\\" \\\\z\"");
  EXPECT_EQ(format_extensions({ext("a", {param("b", "")})}), "a; b=\"\"");
}

}  // namespace
}  // namespace wsspec::ref
