#include "wsspec/reference/permessage_deflate.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <ostream>
#include <random>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

#include "wsspec/reference/enforcement.hpp"
#include "wsspec/reference/extensions.hpp"

namespace wsspec::ref {
namespace {

using bytes = std::vector<std::uint8_t>;

bytes to_bytes(std::string_view s) {
  return bytes(s.begin(), s.end());
}

bytes random_bytes(std::size_t n, std::uint32_t seed) {
  std::mt19937 gen(seed);
  bytes v(n);
  for (auto& b : v) b = static_cast<std::uint8_t>(gen() >> 24);
  return v;
}

bytes repetitive_bytes(std::size_t n) {
  constexpr std::string_view phrase = "permessage-deflate repeats itself; ";
  bytes v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::uint8_t>(phrase[i % phrase.size()]);
  return v;
}

extension make_ext(std::string name, std::vector<extension_param> params = {}) {
  return extension{std::move(name), std::move(params)};
}

extension_param flag(std::string name) {
  return {std::move(name), std::nullopt};
}
extension_param valued(std::string name, std::string value) {
  return {std::move(name), std::move(value)};
}

extension pmd(std::vector<extension_param> params = {}) {
  return make_ext("permessage-deflate", std::move(params));
}

// Plain zlib, independent of the code under test: raw DEFLATE (negative windowBits), with the
// RFC 7692 §7.2.2 tail appended / §7.2.1 tail stripped by hand.
class zlib_raw_inflate {
 public:
  explicit zlib_raw_inflate(int bits) {
    if (inflateInit2(&s_, -bits) != Z_OK) throw std::runtime_error("inflateInit2");
  }
  ~zlib_raw_inflate() { inflateEnd(&s_); }
  zlib_raw_inflate(const zlib_raw_inflate&) = delete;
  zlib_raw_inflate& operator=(const zlib_raw_inflate&) = delete;

  std::optional<bytes> message(const bytes& payload) {
    bytes in = payload;
    in.insert(in.end(), {0x00, 0x00, 0xff, 0xff});
    bytes out;
    s_.next_in = in.data();
    s_.avail_in = static_cast<uInt>(in.size());
    for (;;) {
      std::uint8_t buf[65536];
      s_.next_out = buf;
      s_.avail_out = sizeof buf;
      const int rc = inflate(&s_, Z_SYNC_FLUSH);
      if (rc != Z_OK && rc != Z_BUF_ERROR) return std::nullopt;
      out.insert(out.end(), buf, buf + (sizeof buf - s_.avail_out));
      if (s_.avail_in == 0 && s_.avail_out != 0) return out;
    }
  }

 private:
  z_stream s_{};
};

class zlib_raw_deflate {
 public:
  zlib_raw_deflate(int bits, int level) {
    if (deflateInit2(&s_, level, Z_DEFLATED, -bits, 8, Z_DEFAULT_STRATEGY) != Z_OK)
      throw std::runtime_error("deflateInit2");
  }
  ~zlib_raw_deflate() { deflateEnd(&s_); }
  zlib_raw_deflate(const zlib_raw_deflate&) = delete;
  zlib_raw_deflate& operator=(const zlib_raw_deflate&) = delete;

  // A non-empty message, sync-flushed, 00 00 FF FF removed.
  bytes message(const bytes& in) {
    bytes out(deflateBound(&s_, in.size()) + 64);
    s_.next_in = const_cast<Bytef*>(in.data());
    s_.avail_in = static_cast<uInt>(in.size());
    s_.next_out = out.data();
    s_.avail_out = static_cast<uInt>(out.size());
    if (deflate(&s_, Z_SYNC_FLUSH) != Z_OK || s_.avail_in != 0 || s_.avail_out == 0)
      throw std::runtime_error("deflate");
    const std::size_t produced = out.size() - s_.avail_out;
    constexpr std::array<std::uint8_t, 4> tail{0x00, 0x00, 0xff, 0xff};
    if (produced < 4 || !std::equal(tail.begin(), tail.end(),
                                    out.begin() + static_cast<std::ptrdiff_t>(produced - 4)))
      throw std::runtime_error("no sync flush tail");
    out.erase(out.begin() + static_cast<std::ptrdiff_t>(produced - 4), out.end());
    return out;
  }

 private:
  z_stream s_{};
};

bytes compress(deflater& d, const bytes& message) {
  bytes out;
  d.compress(message, out);
  return out;
}

// Decompresses one whole message given as one piece; the error if any.
std::variant<bytes, error> decompress(inflater& in, const bytes& payload) {
  bytes out;
  if (auto e = in.decompress(payload, true, out)) return *e;
  return out;
}

// ---------------------------------------------------------------------------------------------
// parse_deflate_offer

struct parse_row {
  std::string label;
  std::vector<extension_param> params;
  std::optional<deflate_offer> expected;  // nullopt: bad_extension_parameter
};

void PrintTo(const parse_row& row, std::ostream* os) {
  *os << row.label;
}

deflate_offer offer_with(bool snct, bool cnct, std::optional<int> smwb, bool cmwb_present,
                         std::optional<int> cmwb) {
  deflate_offer o;
  o.server_no_context_takeover = snct;
  o.client_no_context_takeover = cnct;
  o.server_max_window_bits = smwb;
  o.client_max_window_bits_present = cmwb_present;
  o.client_max_window_bits = cmwb;
  return o;
}

std::vector<parse_row> parse_rows() {
  const std::optional<deflate_offer> bad;
  return {
      {"NoParameters", {}, deflate_offer{}},
      {"ServerNoContextTakeover",
       {flag("server_no_context_takeover")},
       offer_with(true, false, {}, false, {})},
      {"ClientNoContextTakeover",
       {flag("client_no_context_takeover")},
       offer_with(false, true, {}, false, {})},
      {"ServerMaxWindowBits8",
       {valued("server_max_window_bits", "8")},
       offer_with(false, false, 8, false, {})},
      {"ServerMaxWindowBits10",
       {valued("server_max_window_bits", "10")},
       offer_with(false, false, 10, false, {})},
      {"ServerMaxWindowBits15",
       {valued("server_max_window_bits", "15")},
       offer_with(false, false, 15, false, {})},
      {"ClientMaxWindowBitsNoValue",
       {flag("client_max_window_bits")},
       offer_with(false, false, {}, true, {})},
      {"ClientMaxWindowBits9",
       {valued("client_max_window_bits", "9")},
       offer_with(false, false, {}, true, 9)},
      {"ClientMaxWindowBits15",
       {valued("client_max_window_bits", "15")},
       offer_with(false, false, {}, true, 15)},
      {"AllFour",
       {flag("server_no_context_takeover"), flag("client_no_context_takeover"),
        valued("server_max_window_bits", "12"), valued("client_max_window_bits", "11")},
       offer_with(true, true, 12, true, 11)},
      {"AllFourReversed",
       {flag("client_max_window_bits"), valued("server_max_window_bits", "9"),
        flag("client_no_context_takeover"), flag("server_no_context_takeover")},
       offer_with(true, true, 9, true, {})},
      // A value where none is allowed (§7.1.1.1, §7.1.1.2).
      {"ServerNoContextTakeoverWithValue", {valued("server_no_context_takeover", "1")}, bad},
      {"ClientNoContextTakeoverWithEmptyValue", {valued("client_no_context_takeover", "")}, bad},
      // server_max_window_bits needs a value (§7.1.2.1).
      {"ServerMaxWindowBitsNoValue", {flag("server_max_window_bits")}, bad},
      // Out of range or not 1*DIGIT without leading zeroes (§7.1.2.1, §7.1.2.2).
      {"ServerMaxWindowBits7", {valued("server_max_window_bits", "7")}, bad},
      {"ServerMaxWindowBits16", {valued("server_max_window_bits", "16")}, bad},
      {"ServerMaxWindowBits0", {valued("server_max_window_bits", "0")}, bad},
      {"ServerMaxWindowBitsLeadingZero", {valued("server_max_window_bits", "09")}, bad},
      {"ServerMaxWindowBitsTwoLeadingZeros", {valued("server_max_window_bits", "015")}, bad},
      {"ServerMaxWindowBitsPlusSign", {valued("server_max_window_bits", "+9")}, bad},
      {"ServerMaxWindowBitsMinusSign", {valued("server_max_window_bits", "-9")}, bad},
      {"ServerMaxWindowBitsTrailingSpace", {valued("server_max_window_bits", "9 ")}, bad},
      {"ServerMaxWindowBitsLeadingSpace", {valued("server_max_window_bits", " 9")}, bad},
      {"ServerMaxWindowBitsEmpty", {valued("server_max_window_bits", "")}, bad},
      {"ServerMaxWindowBitsHex", {valued("server_max_window_bits", "0xa")}, bad},
      {"ServerMaxWindowBitsLetters", {valued("server_max_window_bits", "1a")}, bad},
      {"ServerMaxWindowBitsHuge",
       {valued("server_max_window_bits", "100000000000000000000000009")},
       bad},
      {"ClientMaxWindowBits7", {valued("client_max_window_bits", "7")}, bad},
      {"ClientMaxWindowBits16", {valued("client_max_window_bits", "16")}, bad},
      {"ClientMaxWindowBitsLeadingZero", {valued("client_max_window_bits", "08")}, bad},
      {"ClientMaxWindowBitsEmpty", {valued("client_max_window_bits", "")}, bad},
      {"ClientMaxWindowBitsDecimal", {valued("client_max_window_bits", "9.0")}, bad},
      // Duplicates (§7).
      {"DuplicateServerNoContextTakeover",
       {flag("server_no_context_takeover"), flag("server_no_context_takeover")},
       bad},
      {"DuplicateClientNoContextTakeover",
       {flag("client_no_context_takeover"), flag("client_no_context_takeover")},
       bad},
      {"DuplicateServerMaxWindowBitsSameValue",
       {valued("server_max_window_bits", "10"), valued("server_max_window_bits", "10")},
       bad},
      {"DuplicateServerMaxWindowBitsDifferentValue",
       {valued("server_max_window_bits", "10"), valued("server_max_window_bits", "11")},
       bad},
      {"DuplicateClientMaxWindowBitsNoValue",
       {flag("client_max_window_bits"), flag("client_max_window_bits")},
       bad},
      {"DuplicateClientMaxWindowBitsMixed",
       {flag("client_max_window_bits"), valued("client_max_window_bits", "10")},
       bad},
      // Unknown parameters (§7).
      {"Unknown", {flag("x")}, bad},
      {"UnknownAfterValid", {flag("server_no_context_takeover"), valued("foo", "bar")}, bad},
      {"UnknownCase", {flag("Server_No_Context_Takeover")}, bad},
      {"UnknownMisspelt", {valued("server_max_window_bit", "10")}, bad},
      {"UnknownEmptyName", {flag("")}, bad},
  };
}

class ParseDeflateOffer : public testing::TestWithParam<parse_row> {};

TEST_P(ParseDeflateOffer, Row) {
  const parse_row& row = GetParam();
  auto r = parse_deflate_offer(pmd(row.params));
  if (row.expected) {
    ASSERT_TRUE(r.ok()) << name(r.err());
    EXPECT_EQ(*r, *row.expected);
  } else {
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.err(), error::bad_extension_parameter);
  }
}

INSTANTIATE_TEST_SUITE_P(Table, ParseDeflateOffer, testing::ValuesIn(parse_rows()),
                         [](const testing::TestParamInfo<parse_row>& i) { return i.param.label; });

TEST(ToExtension, EveryValidRowParsesBackToItself) {
  for (const parse_row& row : parse_rows()) {
    if (!row.expected) continue;
    SCOPED_TRACE(row.label);
    const extension ext = to_extension(*row.expected);
    EXPECT_EQ(ext.name, "permessage-deflate");
    auto again = parse_deflate_offer(ext);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, *row.expected);
  }
}

TEST(ToExtension, WritesParametersInAFixedOrderWithValues) {
  const extension ext = to_extension(offer_with(true, true, 10, true, 9));
  EXPECT_EQ(ext,
            pmd({flag("server_no_context_takeover"), flag("client_no_context_takeover"),
                 valued("server_max_window_bits", "10"), valued("client_max_window_bits", "9")}));
  EXPECT_EQ(to_extension(offer_with(false, false, {}, true, {})),
            pmd({flag("client_max_window_bits")}));
  EXPECT_EQ(to_extension(deflate_offer{}), pmd());
}

// ---------------------------------------------------------------------------------------------
// negotiate_deflate

struct negotiation_row {
  std::string label;
  std::vector<extension> offers;
  deflate_server_policy policy;
  std::optional<std::size_t> chosen;  // index into offers; nullopt: declined
  extension response;
  deflate_params params;
};

void PrintTo(const negotiation_row& row, std::ostream* os) {
  *os << row.label;
}

deflate_params params_with(bool snct, bool cnct, int smwb, int cmwb) {
  return deflate_params{snct, cnct, smwb, cmwb};
}

deflate_server_policy policy_with(bool snct, bool cnct, int smwb, int cmwb) {
  deflate_server_policy p;
  p.server_no_context_takeover = snct;
  p.client_no_context_takeover = cnct;
  p.server_max_window_bits = smwb;
  p.client_max_window_bits = cmwb;
  return p;
}

std::vector<negotiation_row> negotiation_rows() {
  const deflate_server_policy defaults;
  deflate_server_policy disabled;
  disabled.enabled = false;
  const extension none;
  const deflate_params defaults_params;
  return {
      {"PlainOffer", {pmd()}, defaults, 0, pmd(), defaults_params},
      {"NoOffers", {}, defaults, std::nullopt, none, {}},
      {"OnlyOtherExtensions",
       {make_ext("x-webkit-deflate-frame"), make_ext("permessage-foo")},
       defaults,
       std::nullopt,
       none,
       {}},
      {"PolicyDisabled", {pmd()}, disabled, std::nullopt, none, {}},
      {"OtherExtensionFirst",
       {make_ext("permessage-foo"), pmd()},
       defaults,
       1,
       pmd(),
       defaults_params},
      // RFC 7692 §7.1.3: the offer with a fallback, accepted on its first element.
      {"Rfc7692Section7_1_3FirstOption",
       {pmd({flag("client_max_window_bits"), valued("server_max_window_bits", "10")}),
        pmd({flag("client_max_window_bits")})},
       defaults,
       0,
       pmd({valued("server_max_window_bits", "10")}),
       params_with(false, false, 10, 15)},
      {"InvalidFirstSkipped",
       {pmd({flag("x-unknown")}), pmd({flag("server_no_context_takeover")})},
       defaults,
       1,
       pmd({flag("server_no_context_takeover")}),
       params_with(true, false, 15, 15)},
      {"SeveralInvalidSkipped",
       {make_ext("permessage-foo"), pmd({valued("server_max_window_bits", "09")}),
        pmd({flag("server_no_context_takeover"), flag("server_no_context_takeover")}),
        pmd({valued("client_max_window_bits", "12")}), pmd()},
       defaults,
       3,
       pmd({valued("client_max_window_bits", "12")}),
       params_with(false, false, 15, 12)},
      {"AllInvalid",
       {pmd({valued("server_max_window_bits", "16")}), pmd({valued("client_max_window_bits", "7")}),
        pmd({valued("client_no_context_takeover", "yes")})},
       defaults,
       std::nullopt,
       none,
       {}},
      {"ServerNoContextTakeoverEchoed",
       {pmd({flag("server_no_context_takeover")})},
       defaults,
       0,
       pmd({flag("server_no_context_takeover")}),
       params_with(true, false, 15, 15)},
      {"ServerNoContextTakeoverByPolicy",
       {pmd()},
       policy_with(true, false, 15, 15),
       0,
       pmd({flag("server_no_context_takeover")}),
       params_with(true, false, 15, 15)},
      // §7.1.1.2: the offer's client_no_context_takeover is a hint the server may ignore.
      {"ClientNoContextTakeoverHintIgnored",
       {pmd({flag("client_no_context_takeover")})},
       defaults,
       0,
       pmd(),
       defaults_params},
      {"ClientNoContextTakeoverByPolicy",
       {pmd()},
       policy_with(false, true, 15, 15),
       0,
       pmd({flag("client_no_context_takeover")}),
       params_with(false, true, 15, 15)},
      {"ServerMaxWindowBitsOfferedSmallerThanPolicy",
       {pmd({valued("server_max_window_bits", "10")})},
       policy_with(false, false, 12, 15),
       0,
       pmd({valued("server_max_window_bits", "10")}),
       params_with(false, false, 10, 15)},
      {"ServerMaxWindowBitsOfferedLargerThanPolicy",
       {pmd({valued("server_max_window_bits", "14")})},
       policy_with(false, false, 12, 15),
       0,
       pmd({valued("server_max_window_bits", "12")}),
       params_with(false, false, 12, 15)},
      {"ServerMaxWindowBitsOffered15",
       {pmd({valued("server_max_window_bits", "15")})},
       defaults,
       0,
       pmd({valued("server_max_window_bits", "15")}),
       defaults_params},
      // §7.1.2.1: the server MAY include server_max_window_bits even when not offered.
      {"ServerMaxWindowBitsByPolicy",
       {pmd()},
       policy_with(false, false, 11, 15),
       0,
       pmd({valued("server_max_window_bits", "11")}),
       params_with(false, false, 11, 15)},
      {"ServerMaxWindowBits8Accepted",
       {pmd({valued("server_max_window_bits", "8")})},
       defaults,
       0,
       pmd({valued("server_max_window_bits", "8")}),
       params_with(false, false, 8, 15)},
      // §7.1.2.2: no client_max_window_bits in the response unless offered.
      {"ClientMaxWindowBitsNotOfferedNotSent",
       {pmd()},
       policy_with(false, false, 15, 10),
       0,
       pmd(),
       defaults_params},
      {"ClientMaxWindowBitsOfferedWithoutValueDefaultPolicy",
       {pmd({flag("client_max_window_bits")})},
       defaults,
       0,
       pmd(),
       defaults_params},
      {"ClientMaxWindowBitsOfferedWithoutValuePolicy10",
       {pmd({flag("client_max_window_bits")})},
       policy_with(false, false, 15, 10),
       0,
       pmd({valued("client_max_window_bits", "10")}),
       params_with(false, false, 15, 10)},
      {"ClientMaxWindowBitsOfferedSmallerThanPolicy",
       {pmd({valued("client_max_window_bits", "9")})},
       policy_with(false, false, 15, 10),
       0,
       pmd({valued("client_max_window_bits", "9")}),
       params_with(false, false, 15, 9)},
      {"ClientMaxWindowBitsOfferedLargerThanPolicy",
       {pmd({valued("client_max_window_bits", "13")})},
       policy_with(false, false, 15, 10),
       0,
       pmd({valued("client_max_window_bits", "10")}),
       params_with(false, false, 15, 10)},
      {"PolicyWindowsClampedHigh",
       {pmd({flag("client_max_window_bits")})},
       policy_with(false, false, 99, 99),
       0,
       pmd(),
       defaults_params},
      {"PolicyWindowsClampedLow",
       {pmd({flag("client_max_window_bits")})},
       policy_with(false, false, 3, -1),
       0,
       pmd({valued("server_max_window_bits", "8"), valued("client_max_window_bits", "8")}),
       params_with(false, false, 8, 8)},
      {"Everything",
       {pmd({flag("server_no_context_takeover"), flag("client_no_context_takeover"),
             valued("server_max_window_bits", "12"), valued("client_max_window_bits", "11")})},
       policy_with(false, true, 13, 15),
       0,
       pmd({flag("server_no_context_takeover"), flag("client_no_context_takeover"),
            valued("server_max_window_bits", "12"), valued("client_max_window_bits", "11")}),
       params_with(true, true, 12, 11)},
  };
}

class NegotiateDeflate : public testing::TestWithParam<negotiation_row> {};

TEST_P(NegotiateDeflate, Row) {
  const negotiation_row& row = GetParam();
  auto agreement = negotiate_deflate(row.offers, row.policy);
  if (!row.chosen) {
    EXPECT_FALSE(agreement.has_value());
    return;
  }
  ASSERT_TRUE(agreement.has_value());
  EXPECT_EQ(agreement->response, row.response);
  EXPECT_EQ(agreement->params, row.params);
}

INSTANTIATE_TEST_SUITE_P(Table, NegotiateDeflate, testing::ValuesIn(negotiation_rows()),
                         [](const testing::TestParamInfo<negotiation_row>& i) {
                           return i.param.label;
                         });

// The client, holding the offer the server chose, agrees on the same parameters.
TEST(NegotiateDeflateThenAccept, ClientAgreesWithTheServer) {
  for (const negotiation_row& row : negotiation_rows()) {
    if (!row.chosen) continue;
    SCOPED_TRACE(row.label);
    auto agreement = negotiate_deflate(row.offers, row.policy);
    ASSERT_TRUE(agreement.has_value());
    auto offer = parse_deflate_offer(row.offers[*row.chosen]);
    ASSERT_TRUE(offer.ok());
    auto accepted = accept_deflate_response(agreement->response, *offer);
    ASSERT_TRUE(accepted.ok()) << name(accepted.err());
    EXPECT_EQ(*accepted, agreement->params);
  }
}

// ---------------------------------------------------------------------------------------------
// accept_deflate_response

struct accept_row {
  std::string label;
  extension offer;
  extension response;
  std::variant<deflate_params, error> expected;
};

void PrintTo(const accept_row& row, std::ostream* os) {
  *os << row.label;
}

std::vector<accept_row> accept_rows() {
  const error bad = error::bad_extension_parameter;
  const deflate_params defaults;
  return {
      {"PlainPlain", pmd(), pmd(), defaults},
      // §7.1.1.1, §7.1.1.2, §7.1.2.1: the server may add these to any response.
      {"ServerNoContextTakeoverNotOffered", pmd(), pmd({flag("server_no_context_takeover")}),
       params_with(true, false, 15, 15)},
      {"ClientNoContextTakeoverNotOffered", pmd(), pmd({flag("client_no_context_takeover")}),
       params_with(false, true, 15, 15)},
      {"ServerMaxWindowBitsNotOffered", pmd(), pmd({valued("server_max_window_bits", "10")}),
       params_with(false, false, 10, 15)},
      // §7.1.2.2: client_max_window_bits only when offered, and with a value.
      {"ClientMaxWindowBitsNotOffered", pmd(), pmd({valued("client_max_window_bits", "10")}), bad},
      {"ClientMaxWindowBitsOffered", pmd({flag("client_max_window_bits")}),
       pmd({valued("client_max_window_bits", "10")}), params_with(false, false, 15, 10)},
      {"ClientMaxWindowBitsOfferedResponseOmits", pmd({flag("client_max_window_bits")}), pmd(),
       defaults},
      {"ClientMaxWindowBitsWithoutValueInResponse", pmd({flag("client_max_window_bits")}),
       pmd({flag("client_max_window_bits")}), bad},
      {"ClientMaxWindowBitsLargerThanHint", pmd({valued("client_max_window_bits", "10")}),
       pmd({valued("client_max_window_bits", "12")}), params_with(false, false, 15, 12)},
      {"ClientMaxWindowBitsHintIgnored", pmd({valued("client_max_window_bits", "10")}), pmd(),
       defaults},
      // §7.1.2.1: the offered server_max_window_bits is answered with the same or smaller value.
      {"ServerMaxWindowBitsSame", pmd({valued("server_max_window_bits", "10")}),
       pmd({valued("server_max_window_bits", "10")}), params_with(false, false, 10, 15)},
      {"ServerMaxWindowBitsSmaller", pmd({valued("server_max_window_bits", "10")}),
       pmd({valued("server_max_window_bits", "8")}), params_with(false, false, 8, 15)},
      {"ServerMaxWindowBitsLarger", pmd({valued("server_max_window_bits", "10")}),
       pmd({valued("server_max_window_bits", "11")}), bad},
      {"ServerMaxWindowBitsMissing", pmd({valued("server_max_window_bits", "10")}), pmd(), bad},
      // §7.1.1.1: server_no_context_takeover in the offer is accepted by echoing it.
      {"ServerNoContextTakeoverEchoed", pmd({flag("server_no_context_takeover")}),
       pmd({flag("server_no_context_takeover")}), params_with(true, false, 15, 15)},
      {"ServerNoContextTakeoverMissing", pmd({flag("server_no_context_takeover")}), pmd(), bad},
      // §7.1.1.2: the client's hint does not bind; the response decides.
      {"ClientNoContextTakeoverHintNotEchoed", pmd({flag("client_no_context_takeover")}), pmd(),
       defaults},
      // §7: invalid responses.
      {"UnknownParameter", pmd(), pmd({flag("x")}), bad},
      {"DuplicateParameter", pmd(),
       pmd({flag("client_no_context_takeover"), flag("client_no_context_takeover")}), bad},
      {"LeadingZero", pmd(), pmd({valued("server_max_window_bits", "08")}), bad},
      {"OutOfRange", pmd({flag("client_max_window_bits")}),
       pmd({valued("client_max_window_bits", "16")}), bad},
      {"ValueOnFlag", pmd(), pmd({valued("server_no_context_takeover", "true")}), bad},
      // RFC 7692 §5: accepting a PMCE that was not offered.
      {"OtherExtension", pmd(), make_ext("x-webkit-deflate-frame"), error::unoffered_extension},
      {"Everything",
       pmd({flag("server_no_context_takeover"), flag("client_no_context_takeover"),
            valued("server_max_window_bits", "12"), flag("client_max_window_bits")}),
       pmd({flag("server_no_context_takeover"), flag("client_no_context_takeover"),
            valued("server_max_window_bits", "9"), valued("client_max_window_bits", "8")}),
       params_with(true, true, 9, 8)},
  };
}

class AcceptDeflateResponse : public testing::TestWithParam<accept_row> {};

TEST_P(AcceptDeflateResponse, Row) {
  const accept_row& row = GetParam();
  auto offer = parse_deflate_offer(row.offer);
  ASSERT_TRUE(offer.ok());
  auto r = accept_deflate_response(row.response, *offer);
  if (const auto* params = std::get_if<deflate_params>(&row.expected)) {
    ASSERT_TRUE(r.ok()) << name(r.err());
    EXPECT_EQ(*r, *params);
  } else {
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.err(), std::get<error>(row.expected));
  }
}

INSTANTIATE_TEST_SUITE_P(Table, AcceptDeflateResponse, testing::ValuesIn(accept_rows()),
                         [](const testing::TestParamInfo<accept_row>& i) { return i.param.label; });

TEST(AcceptDeflateResponseSeveralOffers, ValidForAnyOfferIsAccepted) {
  const std::vector<deflate_offer> offers{
      offer_with(true, false, 10, false, {}),  // server_no_context_takeover; smwb=10
      offer_with(false, false, {}, false, {}),
  };
  // Answers only the second offer (no server_no_context_takeover).
  auto r = accept_deflate_response(pmd({valued("server_max_window_bits", "12")}), offers);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, params_with(false, false, 12, 15));
  // Answers the first.
  r = accept_deflate_response(
      pmd({flag("server_no_context_takeover"), valued("server_max_window_bits", "9")}), offers);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, params_with(true, false, 9, 15));
  // Neither offer had client_max_window_bits.
  r = accept_deflate_response(pmd({valued("client_max_window_bits", "9")}), offers);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.err(), error::bad_extension_parameter);
  // The first alone rejects a response without server_no_context_takeover.
  r = accept_deflate_response(pmd({valued("server_max_window_bits", "9")}),
                              std::vector<deflate_offer>{offers[0]});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.err(), error::bad_extension_parameter);
  r = accept_deflate_response(pmd(), std::vector<deflate_offer>{});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.err(), error::unoffered_extension);
}

// ---------------------------------------------------------------------------------------------
// Each parameter's rules (RFC 7692 §7): an offer that breaks one is declined by the server, which
// then considers the next offer (§5); a response that breaks one fails the client's connection.

// The fallback offer behind a declined one, and what the server answers to it alone.
const extension fallback_offer = pmd({valued("server_max_window_bits", "11")});
const extension fallback_response = pmd({valued("server_max_window_bits", "11")});

// RFC 7692 §7: "A server MUST decline an extension negotiation offer for this extension if ..."
void expect_offer_declined(const extension& offer) {
  SCOPED_TRACE("offer " + format_extensions({offer}));
  auto parsed = parse_deflate_offer(offer);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.err(), error::bad_extension_parameter);
  EXPECT_FALSE(negotiate_deflate({offer}, deflate_server_policy{}).has_value());
  auto next = negotiate_deflate({offer, fallback_offer}, deflate_server_policy{});
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->response, fallback_response);
  EXPECT_EQ(next->params, params_with(false, false, 11, 15));
}

// RFC 7692 §7: "A client MUST _Fail the WebSocket Connection_ if the peer server accepted an
// extension negotiation offer for this extension with an extension negotiation response meeting
// any of the following conditions".
void expect_response_refused(const extension& response, const extension& offer) {
  SCOPED_TRACE("response " + format_extensions({response}) + " to offer " +
               format_extensions({offer}));
  auto parsed_offer = parse_deflate_offer(offer);
  ASSERT_TRUE(parsed_offer.ok());
  auto r = accept_deflate_response(response, *parsed_offer);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.err(), error::bad_extension_parameter);
}

// An offer every valid response answers (client_max_window_bits lets the response carry it).
const extension permissive_offer = pmd({flag("client_max_window_bits")});

TEST(DeflateParameterRules, EveryWindowBitsValue) {
  for (const std::string name : {"server_max_window_bits", "client_max_window_bits"}) {
    SCOPED_TRACE(name);
    const bool server = name == "server_max_window_bits";
    // RFC 7692 §7.1.2.1 / §7.1.2.2: "a decimal integer value without leading zeroes between 8 to
    // 15, inclusive".
    for (int bits = 8; bits <= 15; ++bits) {
      SCOPED_TRACE(bits);
      const extension element = pmd({valued(name, std::to_string(bits))});
      auto offer = parse_deflate_offer(element);
      ASSERT_TRUE(offer.ok());
      EXPECT_EQ(*offer, server ? offer_with(false, false, bits, false, {})
                               : offer_with(false, false, {}, true, bits));
      // The server accepts it: server_max_window_bits with the same value (§7.1.2.1), the
      // client_max_window_bits hint answered with the same value (§7.1.2.2).
      auto agreed = negotiate_deflate({element}, deflate_server_policy{});
      ASSERT_TRUE(agreed.has_value());
      EXPECT_EQ(agreed->response, element);
      EXPECT_EQ(agreed->params,
                server ? params_with(false, false, bits, 15) : params_with(false, false, 15, bits));
      // The same element as a response to an offer that allows it.
      auto accepted = accept_deflate_response(element, *parse_deflate_offer(permissive_offer));
      ASSERT_TRUE(accepted.ok());
      EXPECT_EQ(*accepted,
                server ? params_with(false, false, bits, 15) : params_with(false, false, 15, bits));
    }
    // Out of range, leading zeroes, and what is not 1*DIGIT. A value with quotes in it: the
    // header parser has removed the quoting already (RFC 6455 §9.1), so quotes that are left are
    // part of the value, which is then not 1*DIGIT.
    for (const std::string value :
         {"7",   "16",  "0",   "255",    "1",    "99",         "09",
          "010", "015", "00",  "\"10\"", "\"9",  "",           "1a",
          "-9",  "+9",  "9.0", "1e1",    "０９", "4294967305", "18446744073709551625"}) {
      SCOPED_TRACE("value [" + value + "]");
      expect_offer_declined(pmd({valued(name, value)}));
      expect_response_refused(pmd({valued(name, value)}), permissive_offer);
      // Next to valid parameters, first or last.
      expect_offer_declined(pmd({flag("server_no_context_takeover"), valued(name, value)}));
      expect_offer_declined(pmd({valued(name, value), flag("client_no_context_takeover")}));
    }
  }
}

TEST(DeflateParameterRules, MissingValues) {
  // RFC 7692 §7.1.2.1: server_max_window_bits has a value, in an offer and in a response.
  expect_offer_declined(pmd({flag("server_max_window_bits")}));
  expect_response_refused(pmd({flag("server_max_window_bits")}), pmd());
  expect_response_refused(pmd({flag("server_max_window_bits")}),
                          pmd({valued("server_max_window_bits", "10")}));
  // RFC 7692 §7.1.2.2: client_max_window_bits "has no value or a decimal integer value" in an
  // offer, but "in an extension negotiation response has a decimal integer value".
  auto offer = parse_deflate_offer(pmd({flag("client_max_window_bits")}));
  ASSERT_TRUE(offer.ok());
  EXPECT_EQ(*offer, offer_with(false, false, {}, true, {}));
  expect_response_refused(pmd({flag("client_max_window_bits")}), permissive_offer);
  expect_response_refused(pmd({flag("client_max_window_bits")}),
                          pmd({valued("client_max_window_bits", "10")}));
}

TEST(DeflateParameterRules, ValuesWhereNoneIsAllowed) {
  // RFC 7692 §7.1.1.1 / §7.1.1.2: the no_context_takeover parameters have no value, in an offer
  // and in a response.
  for (const std::string name : {"server_no_context_takeover", "client_no_context_takeover"}) {
    for (const std::string& value :
         std::vector<std::string>{"1", "0", "true", "", "\"\"", "15", name}) {
      SCOPED_TRACE(name + "=" + value);
      expect_offer_declined(pmd({valued(name, value)}));
      expect_response_refused(pmd({valued(name, value)}), permissive_offer);
      expect_response_refused(pmd({valued(name, value)}), pmd({flag(name)}));
    }
  }
}

TEST(DeflateParameterRules, EveryParameterTwice) {
  // RFC 7692 §7: "multiple extension parameters with the same name", whatever their values.
  const std::vector<std::vector<extension_param>> forms{
      {flag("server_no_context_takeover")},
      {flag("client_no_context_takeover")},
      {valued("server_max_window_bits", "10"), valued("server_max_window_bits", "12")},
      {flag("client_max_window_bits"), valued("client_max_window_bits", "10"),
       valued("client_max_window_bits", "12")},
  };
  for (const auto& same_name : forms) {
    for (const auto& a : same_name) {
      for (const auto& b : same_name) {
        expect_offer_declined(pmd({a, b}));
        expect_offer_declined(pmd({a, flag("server_no_context_takeover"), b}));
        expect_offer_declined(pmd({valued("server_max_window_bits", "9"), a, b}));
        // As a response, whenever each form alone is a valid one.
        if (a.name == "client_max_window_bits" && (!a.value || !b.value)) continue;
        expect_response_refused(pmd({a, b}), permissive_offer);
        expect_response_refused(pmd({a, b}), pmd({flag("server_no_context_takeover"),
                                                  valued("server_max_window_bits", "15"),
                                                  flag("client_max_window_bits")}));
      }
    }
  }
  // The same parameter three times.
  expect_offer_declined(pmd({flag("client_no_context_takeover"), flag("client_no_context_takeover"),
                             flag("client_no_context_takeover")}));
}

TEST(DeflateParameterRules, UnknownParameters) {
  // RFC 7692 §7: "an extension parameter not defined for use in an offer" (or "in a response");
  // parameter names are matched exactly.
  for (const std::string name :
       {"x", "server_max_window", "client_max_window_bits_", "server_no_context_takeovers",
        "SERVER_NO_CONTEXT_TAKEOVER", "Client_Max_Window_Bits", "no_context_takeover",
        "max_window_bits", "permessage-deflate", "client_max_window_bits2", "mux"}) {
    SCOPED_TRACE(name);
    for (const auto& param : {flag(name), valued(name, "10")}) {
      expect_offer_declined(pmd({param}));
      expect_offer_declined(pmd({flag("client_max_window_bits"), param}));
      expect_response_refused(pmd({param}), permissive_offer);
      expect_response_refused(pmd({flag("server_no_context_takeover"), param}), permissive_offer);
    }
  }
}

TEST(DeflateParameterRules, AQuotedValueIsReadUnquoted) {
  // RFC 6455 §9.1: "When using the quoted-string syntax variant, the value after quoted-string
  // unescaping MUST conform to the 'token' ABNF"; RFC 7692 §5.2: "The value may be quoted." The
  // unquoted value is then held to RFC 7692 §7.1.2's rules.
  const auto element = [](std::string_view header) {
    auto list = parse_extensions(header);
    EXPECT_TRUE(list.ok()) << header;
    EXPECT_EQ(list.ok() ? list->size() : 0u, 1u) << header;
    return list.ok() && !list->empty() ? list->front() : extension{};
  };
  const extension quoted =
      element(R"(permessage-deflate; server_max_window_bits="10"; client_max_window_bits="9")");
  auto offer = parse_deflate_offer(quoted);
  ASSERT_TRUE(offer.ok());
  EXPECT_EQ(*offer, offer_with(false, false, 10, true, 9));
  auto agreed = negotiate_deflate({quoted}, deflate_server_policy{});
  ASSERT_TRUE(agreed.has_value());
  EXPECT_EQ(format_extensions({agreed->response}),
            "permessage-deflate; server_max_window_bits=10; client_max_window_bits=9");
  // A quoted-pair unescapes to the digit.
  offer = parse_deflate_offer(element(R"(permessage-deflate; server_max_window_bits="1\0")"));
  ASSERT_TRUE(offer.ok());
  EXPECT_EQ(offer->server_max_window_bits, 10);
  // A quoted value in a response.
  auto accepted = accept_deflate_response(
      element(R"(permessage-deflate; server_max_window_bits="8"; client_max_window_bits="12")"),
      *parse_deflate_offer(permissive_offer));
  ASSERT_TRUE(accepted.ok());
  EXPECT_EQ(*accepted, params_with(false, false, 8, 12));
  // Quoted, but not valid once unquoted.
  for (const std::string_view header : {R"(permessage-deflate; server_max_window_bits="09")",
                                        R"(permessage-deflate; server_max_window_bits="16")",
                                        R"(permessage-deflate; client_max_window_bits="010")",
                                        R"(permessage-deflate; server_no_context_takeover="x")",
                                        R"(permessage-deflate; client_no_context_takeover="1")"}) {
    expect_offer_declined(element(header));
    expect_response_refused(element(header), permissive_offer);
  }
  // Quoted content that is not a token is a header syntax error before any parameter rule.
  for (const std::string_view header : {R"(permessage-deflate; server_max_window_bits="")",
                                        R"(permessage-deflate; server_max_window_bits="1 0")",
                                        R"(permessage-deflate; server_no_context_takeover="")"}) {
    auto list = parse_extensions(header);
    ASSERT_FALSE(list.ok()) << header;
    EXPECT_EQ(list.err(), error::bad_extension_syntax);
  }
}

TEST(NegotiateDeflatePreference, TheFirstAcceptableOfferIsChosen) {
  // RFC 7692 §5 / §5.2: offers come in the client's order of preference; the server accepts one
  // it supports, declining (§7) the invalid ones before it.
  const extension a = pmd({valued("server_max_window_bits", "10"), flag("client_max_window_bits")});
  const extension a_response = pmd({valued("server_max_window_bits", "10")});
  const extension b = pmd({flag("server_no_context_takeover")});
  const extension b_response = pmd({flag("server_no_context_takeover")});
  const std::vector<extension> invalid{
      pmd({valued("server_max_window_bits", "16")}),
      pmd({flag("x-unknown")}),
      pmd({flag("client_no_context_takeover"), flag("client_no_context_takeover")}),
      pmd({valued("server_no_context_takeover", "1")}),
      pmd({flag("server_max_window_bits")}),
      pmd({valued("client_max_window_bits", "08")}),
  };
  const auto check = [](const std::vector<extension>& offers, const extension& response) {
    SCOPED_TRACE(format_extensions(offers));
    auto agreed = negotiate_deflate(offers, deflate_server_policy{});
    ASSERT_TRUE(agreed.has_value());
    EXPECT_EQ(agreed->response, response);
    // The client, holding every valid offer it made, agrees on the same parameters.
    std::vector<deflate_offer> valid;
    for (const auto& o : offers)
      if (o.name == "permessage-deflate")
        if (auto p = parse_deflate_offer(o)) valid.push_back(*p);
    auto accepted = accept_deflate_response(agreed->response, valid);
    ASSERT_TRUE(accepted.ok());
    EXPECT_EQ(*accepted, agreed->params);
  };
  check({a, b}, a_response);
  check({b, a}, b_response);
  check({make_ext("permessage-foo"), b, a}, b_response);
  for (const extension& bad : invalid) {
    check({bad, a, b}, a_response);
    check({bad, b, a}, b_response);
    check({a, bad, b}, a_response);
    check({bad, bad, make_ext("permessage-foo"), b}, b_response);
  }
  std::vector<extension> all_invalid_first = invalid;
  all_invalid_first.push_back(a);
  check(all_invalid_first, a_response);
}

TEST(AcceptDeflateResponseWindows, ServerMaxWindowBitsNoLargerThanOffered) {
  // RFC 7692 §7.1.2.1: the server accepts the offered server_max_window_bits "with the same or
  // smaller value as the offer"; without an offered value any value is allowed.
  for (int offered = 8; offered <= 15; ++offered) {
    for (int answered = 8; answered <= 15; ++answered) {
      SCOPED_TRACE(std::to_string(offered) + " answered with " + std::to_string(answered));
      const extension response = pmd({valued("server_max_window_bits", std::to_string(answered))});
      const extension offer = pmd({valued("server_max_window_bits", std::to_string(offered))});
      if (answered > offered) {
        expect_response_refused(response, offer);
      } else {
        auto r = accept_deflate_response(response, *parse_deflate_offer(offer));
        ASSERT_TRUE(r.ok());
        EXPECT_EQ(r->server_max_window_bits, answered);
      }
      auto r = accept_deflate_response(response, *parse_deflate_offer(pmd()));
      ASSERT_TRUE(r.ok());
      EXPECT_EQ(r->server_max_window_bits, answered);
    }
  }
}

TEST(AcceptDeflateResponseWindows, ClientMaxWindowBitsOnlyWhenOffered) {
  // RFC 7692 §7.1.2.2: "If a received extension negotiation offer doesn't have the
  // "client_max_window_bits" extension parameter, the corresponding extension negotiation
  // response to the offer MUST NOT include the "client_max_window_bits" extension parameter."
  for (int bits = 8; bits <= 15; ++bits) {
    SCOPED_TRACE(bits);
    const extension response = pmd({valued("client_max_window_bits", std::to_string(bits))});
    expect_response_refused(response, pmd());
    expect_response_refused(
        response, pmd({flag("server_no_context_takeover"), flag("client_no_context_takeover"),
                       valued("server_max_window_bits", "15")}));
    // Offered without a value, or with a value (a hint the response need not follow).
    for (const auto& offer : {permissive_offer, pmd({valued("client_max_window_bits", "8")}),
                              pmd({valued("client_max_window_bits", "15")})}) {
      auto r = accept_deflate_response(response, *parse_deflate_offer(offer));
      ASSERT_TRUE(r.ok());
      EXPECT_EQ(r->client_max_window_bits, bits);
    }
  }
}

#ifdef WSSPEC_FAULT_INJECTION
// ---------------------------------------------------------------------------------------------
// The test-only lax reference (linked against wsspec_reference_faulty): with
// bad_extension_parameter switched off it checks no parameter, yet every window stays 8-15.

class LaxDeflateParameters : public testing::Test {
 protected:
  void SetUp() override {
    error_set off;
    off.add(error::bad_extension_parameter);
    disable_rules(off);
  }
  void TearDown() override { disable_rules({}); }

  // Both directions of what was agreed compress and decompress (no window zlib refuses).
  static void expect_usable(const deflate_params& p) {
    const bytes m = repetitive_bytes(3000);
    for (const bool server : {true, false}) {
      const int bits = server ? p.server_max_window_bits : p.client_max_window_bits;
      const bool reset = server ? p.server_no_context_takeover : p.client_no_context_takeover;
      deflater d(bits, reset);
      inflater in(bits, reset);
      for (int i = 0; i < 3; ++i) EXPECT_EQ(std::get<bytes>(decompress(in, compress(d, m))), m);
    }
  }
};

TEST_F(LaxDeflateParameters, ReadsWhatItCanUseAndIgnoresTheRest) {
  const std::vector<std::pair<std::vector<extension_param>, deflate_offer>> rows{
      {{flag("x-unknown"), valued("foo", "bar")}, deflate_offer{}},
      {{valued("server_no_context_takeover", "1"), valued("client_no_context_takeover", "")},
       offer_with(true, true, {}, false, {})},
      {{flag("server_no_context_takeover"), flag("server_no_context_takeover")},
       offer_with(true, false, {}, false, {})},
      {{valued("server_max_window_bits", "09")}, offer_with(false, false, 9, false, {})},
      {{valued("server_max_window_bits", "010")}, offer_with(false, false, 10, false, {})},
      {{valued("server_max_window_bits", "\"10\"")}, offer_with(false, false, 10, false, {})},
      {{valued("server_max_window_bits", "7")}, offer_with(false, false, 8, false, {})},
      {{valued("server_max_window_bits", "0")}, offer_with(false, false, 8, false, {})},
      {{valued("server_max_window_bits", "16")}, offer_with(false, false, 15, false, {})},
      {{valued("server_max_window_bits", "255")}, offer_with(false, false, 15, false, {})},
      {{valued("server_max_window_bits", "18446744073709551625")},
       offer_with(false, false, 15, false, {})},
      {{flag("server_max_window_bits")}, deflate_offer{}},
      {{valued("server_max_window_bits", "abc")}, deflate_offer{}},
      {{valued("server_max_window_bits", "")}, deflate_offer{}},
      {{valued("server_max_window_bits", "10"), valued("server_max_window_bits", "12")},
       offer_with(false, false, 12, false, {})},
      {{valued("server_max_window_bits", "10"), valued("server_max_window_bits", "x")},
       offer_with(false, false, 10, false, {})},
      {{valued("client_max_window_bits", "7")}, offer_with(false, false, {}, true, 8)},
      {{valued("client_max_window_bits", "99")}, offer_with(false, false, {}, true, 15)},
      {{valued("client_max_window_bits", "x")}, offer_with(false, false, {}, true, {})},
      {{valued("client_max_window_bits", "10"), flag("client_max_window_bits")},
       offer_with(false, false, {}, true, {})},
      {{flag("client_max_window_bits"), valued("client_max_window_bits", "010")},
       offer_with(false, false, {}, true, 10)},
  };
  for (const auto& [params, expected] : rows) {
    SCOPED_TRACE(format_extensions({pmd(params)}));
    auto r = parse_deflate_offer(pmd(params));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, expected);
  }
}

TEST_F(LaxDeflateParameters, TheServerAcceptsAMalformedOffer) {
  const std::vector<std::pair<extension, extension>> rows{
      {pmd({flag("x-unknown")}), pmd()},
      {pmd({flag("server_no_context_takeover"), flag("server_no_context_takeover")}),
       pmd({flag("server_no_context_takeover")})},
      {pmd({valued("server_max_window_bits", "09")}), pmd({valued("server_max_window_bits", "9")})},
      {pmd({valued("server_max_window_bits", "7")}), pmd({valued("server_max_window_bits", "8")})},
      {pmd({valued("server_max_window_bits", "16")}),
       pmd({valued("server_max_window_bits", "15")})},
      {pmd({valued("client_max_window_bits", "255")}),
       pmd({valued("client_max_window_bits", "15")})},
      {pmd({valued("client_max_window_bits", "0")}), pmd({valued("client_max_window_bits", "8")})},
      {pmd({flag("server_max_window_bits")}), pmd()},
  };
  for (const auto& [offer, response] : rows) {
    SCOPED_TRACE(format_extensions({offer}));
    // Accepted even with a valid fallback behind it.
    auto agreed = negotiate_deflate({offer, fallback_offer}, deflate_server_policy{});
    ASSERT_TRUE(agreed.has_value());
    EXPECT_EQ(agreed->response, response);
    expect_usable(agreed->params);
  }
}

TEST_F(LaxDeflateParameters, TheClientAcceptsAMalformedResponse) {
  const deflate_offer plain{};
  const deflate_offer smwb10 = offer_with(true, false, 10, false, {});
  const std::vector<std::tuple<extension, deflate_offer, deflate_params>> rows{
      {pmd({flag("x-unknown")}), plain, deflate_params{}},
      {pmd({valued("client_max_window_bits", "10")}), plain, params_with(false, false, 15, 10)},
      {pmd({flag("client_max_window_bits")}), plain, deflate_params{}},
      {pmd({valued("server_max_window_bits", "12")}), smwb10, params_with(false, false, 12, 15)},
      {pmd(), smwb10, deflate_params{}},
      {pmd({valued("server_max_window_bits", "\"9\"")}), plain, params_with(false, false, 9, 15)},
      {pmd({valued("server_max_window_bits", "5")}), plain, params_with(false, false, 8, 15)},
      {pmd({valued("server_max_window_bits", "16")}), plain, deflate_params{}},
      {pmd({flag("server_max_window_bits")}), plain, deflate_params{}},
      {pmd({valued("client_no_context_takeover", "x"), flag("client_no_context_takeover")}), plain,
       params_with(false, true, 15, 15)},
  };
  for (const auto& [response, offer, expected] : rows) {
    SCOPED_TRACE(format_extensions({response}));
    auto r = accept_deflate_response(response, offer);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, expected);
    expect_usable(*r);
  }
  // Another extension is still not permessage-deflate (unoffered_extension is its own rule).
  auto r = accept_deflate_response(make_ext("x-webkit-deflate-frame"), plain);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.err(), error::unoffered_extension);
}
#endif

// ---------------------------------------------------------------------------------------------
// Round trips: every window size x context takeover on/off, several messages in sequence.

struct round_trip_config {
  int bits;
  bool no_context_takeover;
};

void PrintTo(const round_trip_config& c, std::ostream* os) {
  *os << "window " << c.bits << (c.no_context_takeover ? ", no context takeover" : "");
}

class DeflateRoundTrip : public testing::TestWithParam<round_trip_config> {};

TEST_P(DeflateRoundTrip, MessagesInSequence) {
  const auto [bits, no_context] = GetParam();
  const bytes text = to_bytes("Hello, permessage-deflate! Hello again, permessage-deflate!");
  const bytes repetitive = repetitive_bytes(64 * 1024);
  const bytes random = random_bytes(16 * 1024, 7);
  const bytes random2 = random_bytes(3000, 8);
  const std::vector<bytes> messages{text, text,       {}, repetitive, random,
                                    text, repetitive, {}, random2,    text};

  deflater d(bits, no_context);
  inflater in(bits, no_context);
  std::optional<zlib_raw_inflate> plain;  // one stream across messages when context is carried
  std::vector<bytes> compressed;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    SCOPED_TRACE("message " + std::to_string(i));
    const bytes& m = messages[i];
    const bytes c = compress(d, m);
    compressed.push_back(c);
    ASSERT_FALSE(c.empty());
    // RFC 7692 §7.2.1: the flush tail is stripped.
    if (c.size() >= 4) {
      EXPECT_FALSE(c[c.size() - 4] == 0 && c[c.size() - 3] == 0 && c[c.size() - 2] == 0xff &&
                   c[c.size() - 1] == 0xff);
    }

    // Our inflater, the payload split into three pieces.
    bytes out{0xaa};  // decompress appends
    const std::size_t a = c.size() / 3;
    const std::size_t b = 2 * c.size() / 3;
    const std::span<const std::uint8_t> all(c);
    ASSERT_EQ(in.decompress(all.subspan(0, a), false, out), std::nullopt);
    ASSERT_EQ(in.decompress(all.subspan(a, b - a), false, out), std::nullopt);
    ASSERT_EQ(in.decompress(all.subspan(b), true, out), std::nullopt);
    ASSERT_EQ(out.size(), m.size() + 1);
    EXPECT_EQ(out[0], 0xaa);
    EXPECT_TRUE(std::equal(m.begin(), m.end(), out.begin() + 1));
    EXPECT_EQ(in.message_size(), m.size());

    // Plain zlib with the same window decodes it too.
    if (!plain || no_context) plain.emplace(bits);
    auto z = plain->message(c);
    ASSERT_TRUE(z.has_value());
    EXPECT_EQ(*z, m);
  }

  // The repeated short text: with context takeover it refers back to the earlier copy (window 8
  // has no back-references at all); without, each message is compressed alone, identically.
  if (no_context) {
    EXPECT_EQ(compressed[1], compressed[0]);
    EXPECT_EQ(compressed[5], compressed[0]);
    EXPECT_EQ(compressed[9], compressed[0]);
  } else if (bits > 8) {
    EXPECT_LT(compressed[1].size(), compressed[0].size() / 2);
  }
  if (bits == 8) {
    // Huffman-only coding: at least one bit per byte, so no back-references were used.
    EXPECT_GE(compressed[3].size(), repetitive.size() / 8);
  } else {
    EXPECT_LT(compressed[3].size(), repetitive.size() / 16);
  }
}

std::vector<round_trip_config> all_configs() {
  std::vector<round_trip_config> v;
  for (int bits = 8; bits <= 15; ++bits)
    for (bool no_context : {false, true}) v.push_back({bits, no_context});
  return v;
}

INSTANTIATE_TEST_SUITE_P(AllWindows, DeflateRoundTrip, testing::ValuesIn(all_configs()),
                         [](const testing::TestParamInfo<round_trip_config>& i) {
                           return "Window" + std::to_string(i.param.bits) +
                                  (i.param.no_context_takeover ? "NoContextTakeover"
                                                               : "ContextTakeover");
                         });

// Plain zlib raw deflate with sync flush, tail stripped, decoded by our inflater.
TEST(Inflater, DecodesPlainZlibOutput) {
  for (int bits = 9; bits <= 15; ++bits) {
    for (int level : {1, 6, 9}) {
      SCOPED_TRACE("bits " + std::to_string(bits) + " level " + std::to_string(level));
      zlib_raw_deflate z(bits, level);
      inflater in(bits, false);
      for (const bytes& m : {to_bytes("abcabcabcabc"), repetitive_bytes(20000),
                             random_bytes(5000, 3), to_bytes("abcabcabcabc")}) {
        auto r = decompress(in, z.message(m));
        ASSERT_TRUE(std::holds_alternative<bytes>(r)) << name(std::get<error>(r));
        EXPECT_EQ(std::get<bytes>(r), m);
      }
    }
  }
}

TEST(Inflater, ByteAtATime) {
  deflater d(15, false);
  const bytes m = random_bytes(4000, 11);
  bytes message = m;
  message.insert(message.end(), m.begin(), m.end());  // a long back-reference
  const bytes c = compress(d, message);
  inflater in(15, false);
  bytes out;
  for (std::size_t i = 0; i < c.size(); ++i) {
    ASSERT_EQ(in.decompress(std::span(c).subspan(i, 1), false, out), std::nullopt);
    EXPECT_EQ(in.message_size(), out.size());
  }
  ASSERT_EQ(in.decompress({}, true, out), std::nullopt);
  EXPECT_EQ(out, message);
}

// ---------------------------------------------------------------------------------------------
// RFC 7692 §7.2.3 examples, byte for byte.

const bytes hello = to_bytes("Hello");
const bytes hello_compressed{0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00};

TEST(Rfc7692Examples, Section7_2_3_1OneCompressedBlock) {
  deflater d(15, false);
  EXPECT_EQ(compress(d, hello), hello_compressed);
  inflater in(15, false);
  auto r = decompress(in, hello_compressed);
  ASSERT_TRUE(std::holds_alternative<bytes>(r));
  EXPECT_EQ(std::get<bytes>(r), hello);
}

TEST(Rfc7692Examples, Section7_2_3_1Fragmented) {
  inflater in(15, false);
  bytes out;
  ASSERT_EQ(in.decompress(bytes{0xf2, 0x48, 0xcd}, false, out), std::nullopt);
  ASSERT_EQ(in.decompress(bytes{0xc9, 0xc9, 0x07, 0x00}, true, out), std::nullopt);
  EXPECT_EQ(out, hello);
}

TEST(Rfc7692Examples, Section7_2_3_2SharingTheWindow) {
  const bytes second{0xf2, 0x00, 0x11, 0x00, 0x00};
  deflater d(15, false);
  EXPECT_EQ(compress(d, hello), hello_compressed);
  EXPECT_EQ(compress(d, hello), second);
  inflater in(15, false);
  EXPECT_EQ(std::get<bytes>(decompress(in, hello_compressed)), hello);
  EXPECT_EQ(std::get<bytes>(decompress(in, second)), hello);
  // Without the first message the reference has nothing to refer to.
  inflater fresh(15, false);
  auto r = decompress(fresh, second);
  ASSERT_TRUE(std::holds_alternative<error>(r));
  EXPECT_EQ(std::get<error>(r), error::inflate_failed);
}

TEST(Rfc7692Examples, Section7_2_3_2NoContextTakeoverRepeatsTheBytes) {
  deflater d(15, true);
  EXPECT_EQ(compress(d, hello), hello_compressed);
  EXPECT_EQ(compress(d, hello), hello_compressed);
  inflater in(15, true);
  EXPECT_EQ(std::get<bytes>(decompress(in, hello_compressed)), hello);
  EXPECT_EQ(std::get<bytes>(decompress(in, hello_compressed)), hello);
}

TEST(Rfc7692Examples, Section7_2_3_3BlockWithNoCompression) {
  inflater in(15, false);
  auto r = decompress(in, bytes{0x00, 0x05, 0x00, 0xfa, 0xff, 0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x00});
  ASSERT_TRUE(std::holds_alternative<bytes>(r));
  EXPECT_EQ(std::get<bytes>(r), hello);
}

TEST(Rfc7692Examples, Section7_2_3_4BfinalBlockThenContextCarriesOver) {
  inflater in(15, false);
  auto r = decompress(in, bytes{0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x00});
  ASSERT_TRUE(std::holds_alternative<bytes>(r));
  EXPECT_EQ(std::get<bytes>(r), hello);
  // The next message refers back to the first one across the BFINAL block.
  r = decompress(in, bytes{0xf2, 0x00, 0x11, 0x00, 0x00});
  ASSERT_TRUE(std::holds_alternative<bytes>(r));
  EXPECT_EQ(std::get<bytes>(r), hello);
}

TEST(Rfc7692Examples, Section7_2_3_4BfinalBlockWithoutTheEmptyBlockHeader) {
  // Some senders stop right after the BFINAL block; the message is complete all the same.
  inflater in(15, false);
  auto r = decompress(in, bytes{0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00});
  ASSERT_TRUE(std::holds_alternative<bytes>(r));
  EXPECT_EQ(std::get<bytes>(r), hello);
  r = decompress(in, hello_compressed);
  ASSERT_TRUE(std::holds_alternative<bytes>(r));
  EXPECT_EQ(std::get<bytes>(r), hello);
}

TEST(Rfc7692Examples, Section7_2_3_5TwoBlocks) {
  inflater in(15, false);
  auto r = decompress(
      in, bytes{0xf2, 0x48, 0x05, 0x00, 0x00, 0x00, 0xff, 0xff, 0xca, 0xc9, 0xc9, 0x07, 0x00});
  ASSERT_TRUE(std::holds_alternative<bytes>(r));
  EXPECT_EQ(std::get<bytes>(r), hello);
}

TEST(Rfc7692Examples, Section7_2_3_6EmptyMessage) {
  inflater in(15, false);
  auto r = decompress(in, bytes{0x00});
  ASSERT_TRUE(std::holds_alternative<bytes>(r));
  EXPECT_TRUE(std::get<bytes>(r).empty());
  for (bool no_context : {false, true}) {
    deflater d(15, no_context);
    EXPECT_EQ(compress(d, {}), bytes{0x00});
    compress(d, hello);
    EXPECT_EQ(compress(d, {}), bytes{0x00});
  }
}

// ---------------------------------------------------------------------------------------------
// Limits and failures.

TEST(Inflater, DecompressionBombStopsAtTheLimit) {
  constexpr std::size_t limit = 1 << 20;
  deflater d(15, false, 9);
  const bytes bomb = compress(d, bytes(10 << 20, 0));
  ASSERT_LT(bomb.size(), 20000u);
  {
    inflater in(15, false, limit);
    bytes out;
    EXPECT_EQ(in.decompress(bomb, true, out), error::decompressed_too_big);
    EXPECT_LE(out.size(), limit);
    EXPECT_LE(in.message_size(), limit);
    // The error sticks.
    bytes more;
    EXPECT_EQ(in.decompress(hello_compressed, true, more), error::decompressed_too_big);
    EXPECT_TRUE(more.empty());
  }
  {
    // In small pieces: the error comes before the data ends, and the output stays bounded.
    inflater in(15, false, limit);
    bytes out;
    std::optional<error> e;
    for (std::size_t i = 0; i < bomb.size() && !e; i += 100) {
      const std::size_t n = std::min<std::size_t>(100, bomb.size() - i);
      e = in.decompress(std::span(bomb).subspan(i, n), i + n == bomb.size(), out);
      EXPECT_LE(out.size(), limit);
    }
    EXPECT_EQ(e, error::decompressed_too_big);
  }
}

TEST(Inflater, LimitIsInclusive) {
  const bytes m = repetitive_bytes(5000);
  deflater d(15, true);
  const bytes c = compress(d, m);
  {
    inflater in(15, true, 5000);
    EXPECT_EQ(std::get<bytes>(decompress(in, c)), m);
    EXPECT_EQ(std::get<bytes>(decompress(in, c)), m);  // the limit is per message
  }
  {
    inflater in(15, true, 4999);
    bytes out;
    EXPECT_EQ(in.decompress(c, true, out), error::decompressed_too_big);
    EXPECT_EQ(out.size(), 4999u);
  }
  {
    inflater in(15, true, 0);
    EXPECT_TRUE(std::get<bytes>(decompress(in, bytes{0x00})).empty());
    EXPECT_EQ(std::get<error>(decompress(in, hello_compressed)), error::decompressed_too_big);
  }
}

TEST(Inflater, DistanceBeyondTheWindowFails) {
  // 2000 random bytes then their first 300 again: a back-reference 2000 bytes long.
  bytes m = random_bytes(2000, 5);
  m.insert(m.end(), m.begin(), m.begin() + 300);
  zlib_raw_deflate z(15, 9);
  const bytes c = z.message(m);
  ASSERT_LT(c.size(), 2100u) << "zlib did not use the back-reference";
  inflater wide(15, false);
  EXPECT_EQ(std::get<bytes>(decompress(wide, c)), m);
  inflater narrow(9, false);
  auto r = decompress(narrow, c);
  ASSERT_TRUE(std::holds_alternative<error>(r));
  EXPECT_EQ(std::get<error>(r), error::inflate_failed);
}

TEST(Inflater, DistanceBeyondTheWindowAcrossMessagesFails) {
  zlib_raw_deflate z(15, 9);
  const bytes first = random_bytes(2000, 6);
  const bytes second(first.begin(), first.begin() + 300);
  const bytes c1 = z.message(first);
  const bytes c2 = z.message(second);
  ASSERT_LT(c2.size(), 50u);
  inflater narrow(9, false);
  ASSERT_EQ(std::get<bytes>(decompress(narrow, c1)), first);
  EXPECT_EQ(std::get<error>(decompress(narrow, c2)), error::inflate_failed);
}

TEST(Inflater, DataEndingWithAFinalBlockIsTheSameWholeOrSplit) {
  // RFC 7692 §7.2.3.3: a message may end with a block that has BFINAL set; the next stream starts
  // only if data follows, whether it arrives in the same call or not. d3 00 00: a final block
  // with fixed codes holding one literal, then the end of block.
  const bytes m{0xd3, 0x00, 0x00};
  for (int bits = 8; bits <= 15; ++bits) {
    inflater whole(bits, false, 800);
    bytes whole_out;
    const auto whole_err = whole.decompress(m, true, whole_out);
    inflater split(bits, false, 800);
    bytes split_out;
    std::optional<error> split_err;
    for (std::size_t i = 0; i < m.size() && !split_err; ++i)
      split_err = split.decompress(bytes{m[i]}, i + 1 == m.size(), split_out);
    EXPECT_EQ(whole_err, split_err) << "window " << bits;
    EXPECT_EQ(whole_out, split_out) << "window " << bits;
    EXPECT_FALSE(whole_err) << "window " << bits;
    EXPECT_EQ(whole_out.size(), 1u);
  }
}

TEST(Inflater, WindowIsEnforcedExactlyWhateverTheSplit) {
  // RFC 7692 §7.1.2: a distance of exactly the window decodes, one byte more does not, whether
  // the data arrives whole or one byte at a time.
  for (int bits = 8; bits <= 14; ++bits) {
    const std::size_t window = std::size_t{1} << bits;
    for (const std::size_t distance : {window, window + 1}) {
      bytes m = random_bytes(distance, static_cast<unsigned>(bits));
      m.insert(m.end(), m.begin(), m.begin() + 64);
      zlib_raw_deflate z(15, 9);
      const bytes c = z.message(m);
      for (const bool byte_by_byte : {false, true}) {
        inflater in(bits, false);
        bytes out;
        std::optional<error> e;
        if (byte_by_byte) {
          for (std::size_t i = 0; i < c.size() && !e; ++i)
            e = in.decompress(bytes{c[i]}, false, out);
          if (!e) e = in.decompress({}, true, out);
        } else {
          e = in.decompress(c, true, out);
        }
        if (distance == window) {
          EXPECT_FALSE(e) << "window " << bits << " split " << byte_by_byte;
          EXPECT_EQ(out, m);
        } else {
          EXPECT_EQ(e, error::inflate_failed) << "window " << bits << " split " << byte_by_byte;
        }
      }
    }
  }
}

// Writes DEFLATE bits (RFC 1951 §3.1.1): fields least significant bit first, Huffman codes most
// significant bit first.
class bit_writer {
 public:
  void field(unsigned value, int n) {
    for (int i = 0; i < n; ++i) bit((value >> i) & 1u);
  }
  void code(unsigned code, int n) {
    for (int i = n - 1; i >= 0; --i) bit((code >> i) & 1u);
  }
  void pad_with(unsigned code_bits, int n) {
    while (used_ != 0) code(code_bits, n);
  }
  const bytes& data() const { return data_; }

 private:
  void bit(unsigned b) {
    if (used_ == 0) data_.push_back(0);
    data_.back() = static_cast<std::uint8_t>(data_.back() | (b << used_));
    used_ = (used_ + 1) % 8;
  }
  bytes data_;
  int used_ = 0;
};

// A dynamic Huffman block (RFC 1951 §3.2.7) whose codes are 'a' = 0, then 'b'..'m' with lengths
// 2-13 (1...10), then 'z' and end-of-block with 14 bits (13 ones then 0, and 14 ones). Fourteen
// one bits are an end-of-block code: the 00 00 FF FF tail reads as 16 'a' and an end-of-block,
// with two bits left over.
bit_writer dynamic_block_header() {
  bit_writer w;
  w.field(0, 1);   // BFINAL
  w.field(2, 2);   // BTYPE 10: dynamic Huffman codes
  w.field(0, 5);   // HLIT: 257 literal/length codes
  w.field(0, 5);   // HDIST: 1 distance code
  w.field(15, 4);  // HCLEN: all 19 code length codes
  // Code length code lengths in the order 16 17 18 0 8 7 9 6 10 5 11 4 12 3 13 2 14 1 15: 0 for
  // 16-18, 4 for 0-15, so the code for length L is L in 4 bits.
  for (int i = 0; i < 19; ++i) w.field(i < 3 ? 0 : 4, 3);
  std::vector<unsigned> lengths(258, 0);
  lengths['a'] = 1;
  for (unsigned len = 2; len <= 13; ++len) lengths['a' + len - 1] = len;
  lengths['z'] = 14;
  lengths[256] = 14;
  for (unsigned len : lengths) w.code(len, 4);
  return w;
}

TEST(Inflater, HandBuiltDynamicBlockDecodes) {
  // Control for the test below: the same block ended properly by an end-of-block code and an
  // empty stored block (RFC 7692 §7.2.1), whose LEN and NLEN the tail supplies.
  bit_writer w = dynamic_block_header();
  for (int i = 0; i < 3; ++i) w.code(0, 1);  // 'a'
  w.code(0x3fff, 14);                        // end of block
  w.field(0, 3);                             // BFINAL 0, BTYPE 00
  w.pad_with(0, 1);
  inflater in(15, false);
  auto r = decompress(in, w.data());
  ASSERT_TRUE(std::holds_alternative<bytes>(r));
  EXPECT_EQ(std::get<bytes>(r), to_bytes("aaa"));
}

TEST(Inflater, MessageLeavingBitsAfterTheLastBlockFails) {
  // RFC 7692 §7.2.1: the data ends with an empty stored block. Here the tail is consumed by a
  // Huffman block that leaves two bits, which would start the next message's first block.
  bit_writer w = dynamic_block_header();
  w.pad_with(0, 1);
  inflater in(15, false);
  EXPECT_EQ(std::get<error>(decompress(in, w.data())), error::inflate_failed);
}

TEST(Inflater, CorruptDataFails) {
  const std::vector<bytes> corrupt{
      {0xff, 0xff, 0xff},                          // BTYPE 11 is reserved
      {0x07},                                      // BFINAL 1, BTYPE 11
      {0x00, 0x05, 0x00, 0x00, 0x00, 0x48},        // stored block, NLEN not the complement of LEN
      {0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07},        // the last octet missing: ends inside a block
      {0xf2, 0x48},                                // ends inside a block
      {0x00, 0x0a, 0x00, 0xf5, 0xff, 0x48, 0x65},  // a stored block of 10 octets, 6 given
      {0xf2, 0x00, 0x11, 0x00, 0x00},              // refers back before the start
  };
  for (const bytes& c : corrupt) {
    SCOPED_TRACE(testing::PrintToString(c));
    inflater in(15, false);
    EXPECT_EQ(std::get<error>(decompress(in, c)), error::inflate_failed);
    // The error sticks.
    EXPECT_EQ(std::get<error>(decompress(in, hello_compressed)), error::inflate_failed);
  }
}

TEST(Inflater, NoContextTakeoverStartsEachMessageEmpty) {
  // The second message of §7.2.3.2 needs the first one's window.
  inflater in(15, true);
  EXPECT_EQ(std::get<bytes>(decompress(in, hello_compressed)), hello);
  EXPECT_EQ(std::get<error>(decompress(in, bytes{0xf2, 0x00, 0x11, 0x00, 0x00})),
            error::inflate_failed);
}

TEST(Inflater, MessageSizeCountsTheCurrentMessage) {
  inflater in(15, false);
  bytes out;
  ASSERT_EQ(in.decompress(hello_compressed, true, out), std::nullopt);
  EXPECT_EQ(in.message_size(), 5u);
  deflater d(15, false);
  const bytes c = compress(d, repetitive_bytes(100000));
  ASSERT_EQ(in.decompress(std::span(c).first(c.size() / 2), false, out), std::nullopt);
  EXPECT_EQ(in.message_size(), out.size() - 5);
  ASSERT_EQ(in.decompress(std::span(c).subspan(c.size() / 2), true, out), std::nullopt);
  EXPECT_EQ(in.message_size(), 100000u);
}

TEST(DeflateObjects, MoveKeepsTheStream) {
  deflater d(15, false);
  inflater in(15, false);
  EXPECT_EQ(std::get<bytes>(decompress(in, compress(d, hello))), hello);
  deflater d2(std::move(d));
  inflater in2(std::move(in));
  const bytes second = compress(d2, hello);
  EXPECT_EQ(second, (bytes{0xf2, 0x00, 0x11, 0x00, 0x00}));
  EXPECT_EQ(std::get<bytes>(decompress(in2, second)), hello);
  deflater d3(9, true);
  d3 = std::move(d2);
  inflater in3(9, true);
  in3 = std::move(in2);
  EXPECT_EQ(std::get<bytes>(decompress(in3, compress(d3, hello))), hello);
}

// A message compressed in parts is one message: the parts' output together decompresses to it
// (with our inflater and plain zlib), with or without context takeover and whatever the parts'
// sizes; parts without input add nothing, and the tail is removed from the final part only.
TEST(Deflater, MessageInPartsIsOneMessage) {
  const bytes large = random_bytes(200000, 11);
  const bytes text = repetitive_bytes(50000);
  for (const bool no_context : {false, true}) {
    for (const std::size_t part : {std::size_t{1000}, std::size_t{65536}, std::size_t{300000}}) {
      SCOPED_TRACE(testing::Message() << "no_context " << no_context << " part " << part);
      deflater d(15, no_context);
      inflater in(15, no_context);
      std::optional<zlib_raw_inflate> plain;
      for (const bytes* m : {&large, &text, &large}) {
        bytes out;
        std::size_t parts = 0;
        for (std::size_t at = 0; at < m->size(); at += part) {
          const std::size_t n = std::min(part, m->size() - at);
          const bool last = at + n == m->size();
          d.compress_part(std::span(*m).subspan(at, n), last, out);
          if (!last) d.compress_part({}, false, out);
          ++parts;
        }
        EXPECT_EQ(parts, (m->size() + part - 1) / part);
        ASSERT_GE(out.size(), 4u);
        EXPECT_NE(bytes(out.end() - 4, out.end()), (bytes{0x00, 0x00, 0xff, 0xff}));
        EXPECT_EQ(std::get<bytes>(decompress(in, out)), *m);
        if (!plain || no_context) plain.emplace(15);
        EXPECT_EQ(plain->message(out), std::optional<bytes>(*m));
      }
    }
  }
}

// A message whose final part is empty ends with the flush of what the earlier parts gave; an
// empty message given as one empty final part is the single 0x00 octet (RFC 7692 §7.2.3.6).
TEST(Deflater, EmptyFinalPartAndEmptyMessage) {
  deflater d(15, false);
  inflater in(15, false);
  bytes out;
  d.compress_part(hello, false, out);
  d.compress_part({}, true, out);
  EXPECT_EQ(std::get<bytes>(decompress(in, out)), hello);
  bytes empty;
  d.compress_part({}, true, empty);
  EXPECT_EQ(empty, bytes{0x00});
  EXPECT_EQ(std::get<bytes>(decompress(in, empty)), bytes{});
  EXPECT_EQ(std::get<bytes>(decompress(in, compress(d, hello))), hello);
}

TEST(DeflateObjects, RejectWindowBitsOutOfRange) {
  EXPECT_THROW(deflater(7, false), std::invalid_argument);
  EXPECT_THROW(deflater(16, false), std::invalid_argument);
  EXPECT_THROW(deflater(15, false, 10), std::invalid_argument);
  EXPECT_THROW(inflater(7, false), std::invalid_argument);
  EXPECT_THROW(inflater(16, false), std::invalid_argument);
}

// ---------------------------------------------------------------------------------------------
// More messages, every split, and what a decompressor must refuse.

// Text from a small vocabulary with repeats of earlier text: what context takeover is for.
bytes wordy_bytes(std::size_t n, std::mt19937& gen) {
  static constexpr std::array<std::string_view, 8> words{
      "deflate ", "window ", "context ", "takeover ", "Hello ", "message ", "frame ", "\n"};
  bytes v;
  v.reserve(n);
  while (v.size() < n) {
    const std::string_view w = words[gen() % words.size()];
    v.insert(v.end(), w.begin(), w.end());
  }
  v.resize(n);
  return v;
}

class DeflateManyMessages : public testing::TestWithParam<round_trip_config> {};

TEST_P(DeflateManyMessages, TwoHundredMessagesRoundTrip) {
  const auto [bits, no_context] = GetParam();
  std::mt19937 gen(static_cast<std::uint32_t>(bits * 2 + (no_context ? 1 : 0)));
  deflater d(bits, no_context);
  inflater in(bits, no_context);
  std::optional<zlib_raw_inflate> plain;
  bytes previous;
  std::size_t total_in = 0;
  std::size_t total_compressed = 0;
  for (int i = 0; i < 200; ++i) {
    SCOPED_TRACE("message " + std::to_string(i));
    bytes m;
    switch (gen() % 5) {
      case 0:
        m = wordy_bytes(gen() % 2000, gen);
        break;
      case 1:
        m = random_bytes(gen() % 600, gen());
        break;
      case 2:
        m = previous;  // all of it a back-reference with context takeover
        break;
      case 3:
        break;  // empty (RFC 7692 §7.2.3.6)
      default:
        m = wordy_bytes(gen() % 100, gen);
        m.insert(m.end(), previous.begin(), previous.end());
        break;
    }
    const bytes c = compress(d, m);
    total_in += m.size();
    total_compressed += c.size();
    auto r = decompress(in, c);
    ASSERT_TRUE(std::holds_alternative<bytes>(r)) << name(std::get<error>(r));
    ASSERT_EQ(std::get<bytes>(r), m);
    EXPECT_EQ(in.message_size(), m.size());
    // Plain zlib with the same window reads the same stream.
    if (!plain || no_context) plain.emplace(bits);
    auto z = plain->message(c);
    ASSERT_TRUE(z.has_value());
    ASSERT_EQ(*z, m);
    previous = m;
  }
  if (bits > 8) {
    EXPECT_LT(total_compressed, total_in * 3 / 4);
  }
}

INSTANTIATE_TEST_SUITE_P(AllWindows, DeflateManyMessages, testing::ValuesIn(all_configs()),
                         [](const testing::TestParamInfo<round_trip_config>& i) {
                           return "Window" + std::to_string(i.param.bits) +
                                  (i.param.no_context_takeover ? "NoContextTakeover"
                                                               : "ContextTakeover");
                         });

// Feeds `c` to `in` in three pieces cut at i and j; the message, or the error.
std::variant<bytes, error> decompress_in_pieces(inflater& in, const bytes& c, std::size_t i,
                                                std::size_t j) {
  const std::span<const std::uint8_t> all(c);
  bytes out;
  if (auto e = in.decompress(all.subspan(0, i), false, out)) return *e;
  if (auto e = in.decompress(all.subspan(i, j - i), false, out)) return *e;
  if (auto e = in.decompress(all.subspan(j), true, out)) return *e;
  return out;
}

TEST(Inflater, EverySplitOfASmallMessage) {
  // RFC 7692 §7.2.1: "An endpoint fragments a compressed message by splitting the result"; the
  // decompressor reads the concatenation (§6.2), wherever the frames were cut. Both messages are
  // cut at every pair of byte boundaries (empty pieces included); the second refers back to the
  // first when the context is taken over.
  const bytes first = to_bytes("permessage-deflate: Hello, Hello, Hello!");
  const bytes second = to_bytes("Hello, permessage-deflate!");
  for (int bits = 8; bits <= 15; ++bits) {
    for (const bool no_context : {false, true}) {
      SCOPED_TRACE("window " + std::to_string(bits) + (no_context ? " no context" : ""));
      deflater d(bits, no_context);
      const bytes c1 = compress(d, first);
      const bytes c2 = compress(d, second);
      for (std::size_t i = 0; i <= c1.size(); ++i) {
        for (std::size_t j = i; j <= c1.size(); ++j) {
          inflater in(bits, no_context);
          auto r = decompress_in_pieces(in, c1, i, j);
          ASSERT_TRUE(std::holds_alternative<bytes>(r)) << i << " " << j;
          ASSERT_EQ(std::get<bytes>(r), first) << i << " " << j;
          r = decompress(in, c2);
          ASSERT_TRUE(std::holds_alternative<bytes>(r)) << i << " " << j;
          ASSERT_EQ(std::get<bytes>(r), second) << i << " " << j;
        }
      }
      for (std::size_t i = 0; i <= c2.size(); ++i) {
        for (std::size_t j = i; j <= c2.size(); ++j) {
          inflater in(bits, no_context);
          ASSERT_EQ(std::get<bytes>(decompress(in, c1)), first);
          auto r = decompress_in_pieces(in, c2, i, j);
          ASSERT_TRUE(std::holds_alternative<bytes>(r)) << i << " " << j;
          ASSERT_EQ(std::get<bytes>(r), second) << i << " " << j;
        }
      }
    }
  }
}

TEST(Inflater, NoContextTakeoverFailsOnABackReferenceToThePreviousMessage) {
  // RFC 7692 §7.2.1: with no_context_takeover agreed the peer "MUST start compressing each new
  // message with an empty LZ77 sliding window". A peer that keeps its window sends a second
  // message that refers back into the first: the decompressor, which starts each message empty
  // (§7.2.2), finds a distance before the start of its data. (Window 8 is compressed with
  // Huffman coding only, which refers back to nothing.)
  for (int bits = 9; bits <= 15; ++bits) {
    SCOPED_TRACE(bits);
    const bytes m = random_bytes(200, static_cast<std::uint32_t>(bits));
    deflater keeps(bits, false);
    const bytes c1 = compress(keeps, m);
    const bytes c2 = compress(keeps, m);
    ASSERT_LT(c2.size(), 16u) << "the second message is not a back-reference";
    inflater reset(bits, true);
    ASSERT_EQ(std::get<bytes>(decompress(reset, c1)), m);
    auto r = decompress(reset, c2);
    ASSERT_TRUE(std::holds_alternative<error>(r));
    EXPECT_EQ(std::get<error>(r), error::inflate_failed);
    // The same messages with the window taken over.
    inflater carried(bits, false);
    EXPECT_EQ(std::get<bytes>(decompress(carried, c1)), m);
    EXPECT_EQ(std::get<bytes>(decompress(carried, c2)), m);
    // And a peer that does reset is read by both.
    deflater resets(bits, true);
    inflater reset2(bits, true);
    for (int i = 0; i < 3; ++i)
      EXPECT_EQ(std::get<bytes>(decompress(reset2, compress(resets, m))), m);
  }
}

TEST(Inflater, AFifteenBitStreamReachingPastEverySmallerWindowFails) {
  // RFC 7692 §7.2.1: with server_max_window_bits (or client_max_window_bits) w agreed, the peer
  // "MUST NOT use an LZ77 sliding window longer than the w-th power of 2 bytes". A peer that
  // compresses with 15 bits anyway refers 1.5 windows back: a decompressor holding 2^w bytes
  // cannot follow (2^(w+1) can). Within one message, and across two.
  for (int bits = 8; bits <= 14; ++bits) {
    SCOPED_TRACE(bits);
    const std::size_t distance = (std::size_t{3} << bits) / 2;
    bytes within = random_bytes(distance, static_cast<std::uint32_t>(100 + bits));
    within.insert(within.end(), within.begin(), within.begin() + 200);
    deflater d(15, false, 9);
    const bytes c = compress(d, within);
    ASSERT_LT(c.size(), distance + 100) << "no back-reference";
    for (const int window : {bits, bits + 1, 15}) {
      inflater in(window, false);
      auto r = decompress(in, c);
      if (window == bits) {
        ASSERT_TRUE(std::holds_alternative<error>(r));
        EXPECT_EQ(std::get<error>(r), error::inflate_failed);
      } else {
        ASSERT_TRUE(std::holds_alternative<bytes>(r)) << window;
        EXPECT_EQ(std::get<bytes>(r), within);
      }
    }

    const bytes first = random_bytes(distance, static_cast<std::uint32_t>(200 + bits));
    const bytes second(first.begin(), first.begin() + 200);
    deflater across(15, false, 9);
    const bytes c1 = compress(across, first);
    const bytes c2 = compress(across, second);
    ASSERT_LT(c2.size(), 20u) << "no back-reference";
    inflater narrow(bits, false);
    ASSERT_EQ(std::get<bytes>(decompress(narrow, c1)), first);
    auto r = decompress(narrow, c2);
    ASSERT_TRUE(std::holds_alternative<error>(r));
    EXPECT_EQ(std::get<error>(r), error::inflate_failed);
    inflater wider(bits + 1, false);
    ASSERT_EQ(std::get<bytes>(decompress(wider, c1)), first);
    EXPECT_EQ(std::get<bytes>(decompress(wider, c2)), second);
  }
}

TEST(Rfc7692Examples, Section7_2_3_6EveryFormOfAnEmptyMessage) {
  // RFC 7692 §7.2.3.6: a message of "DEFLATE block(s), which contains 0 bytes of data", e.g.
  // "0x00", "the header bits with "BFINAL" set to 0 and "BTYPE" set to 00, and 5 padding bits of
  // 0". Built by hand from RFC 1951 §3.2.3-§3.2.6 (header bits least significant first; the
  // fixed-Huffman end-of-block code is 7 zero bits) and ended as §7.2.1 says: with the start of
  // an empty stored block whose remaining 4 octets the receiver appends, or with a BFINAL block
  // (§7.2.3.4).
  const std::vector<std::pair<std::string, bytes>> forms{
      {"stored block header alone", {0x00}},
      {"empty stored block, then the flush", {0x00, 0x00, 0x00, 0xff, 0xff, 0x00}},
      {"two empty stored blocks, then the flush",
       {0x00, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00, 0x00, 0xff, 0xff, 0x00}},
      {"empty fixed-Huffman block, then the flush", {0x02, 0x00}},
      {"final empty stored block", {0x01, 0x00, 0x00, 0xff, 0xff}},
      {"final empty fixed-Huffman block", {0x03, 0x00}},
      {"final empty fixed-Huffman block, then the flush (§7.2.3.4)", {0x03, 0x00, 0x00}},
  };
  const bytes hello_again{0xf2, 0x00, 0x11, 0x00, 0x00};  // §7.2.3.2: refers back to "Hello"
  for (const auto& [label, form] : forms) {
    for (int bits = 8; bits <= 15; ++bits) {
      SCOPED_TRACE(label + ", window " + std::to_string(bits));
      inflater fresh(bits, false);
      auto r = decompress(fresh, form);
      ASSERT_TRUE(std::holds_alternative<bytes>(r)) << name(std::get<error>(r));
      EXPECT_TRUE(std::get<bytes>(r).empty());
      EXPECT_EQ(fresh.message_size(), 0u);
      // Between two messages that share the window: the empty one changes nothing, whether it
      // comes whole or a byte at a time.
      for (const bool byte_by_byte : {false, true}) {
        inflater in(bits, false);
        ASSERT_EQ(std::get<bytes>(decompress(in, hello_compressed)), hello);
        bytes out;
        if (byte_by_byte) {
          for (std::uint8_t b : form) ASSERT_EQ(in.decompress(bytes{b}, false, out), std::nullopt);
          ASSERT_EQ(in.decompress({}, true, out), std::nullopt);
        } else {
          ASSERT_EQ(in.decompress(form, true, out), std::nullopt);
        }
        EXPECT_TRUE(out.empty());
        EXPECT_EQ(std::get<bytes>(decompress(in, hello_again)), hello);
      }
    }
  }
}

TEST(Inflater, SixtyFourMebibytesOfZerosStopAtTheLimit) {
  // RFC 6455 §10.4 / RFC 7692 §8: the decompressed size is bounded; a decompression bomb stops at
  // the limit without producing more.
  deflater d(15, false, 9);
  const bytes bomb = compress(d, bytes(std::size_t{64} << 20, 0));
  ASSERT_LT(bomb.size(), std::size_t{128} << 10);
  for (const std::uint64_t limit :
       {std::uint64_t{1} << 20, (std::uint64_t{1} << 20) + 12345, std::uint64_t{1}}) {
    SCOPED_TRACE(limit);
    {
      inflater in(15, false, limit);
      bytes out;
      EXPECT_EQ(in.decompress(bomb, true, out), error::decompressed_too_big);
      EXPECT_LE(out.size(), limit);
      EXPECT_LE(in.message_size(), limit);
      EXPECT_TRUE(std::all_of(out.begin(), out.end(), [](std::uint8_t b) { return b == 0; }));
    }
    {
      // In frames of 4 KiB: the error comes once the output passes the limit, long before the
      // compressed data ends; nothing is appended after it.
      inflater in(15, false, limit);
      bytes out;
      std::optional<error> e;
      std::size_t fed = 0;
      while (!e && fed < bomb.size()) {
        const std::size_t n = std::min<std::size_t>(4096, bomb.size() - fed);
        e = in.decompress(std::span(bomb).subspan(fed, n), fed + n == bomb.size(), out);
        fed += n;
        ASSERT_LE(out.size(), limit);
      }
      EXPECT_EQ(e, error::decompressed_too_big);
      EXPECT_LT(fed, bomb.size() / 8);
      const std::size_t size = out.size();
      EXPECT_EQ(in.decompress(std::span(bomb).subspan(fed), true, out),
                error::decompressed_too_big);
      EXPECT_EQ(out.size(), size);
    }
  }
  // A small window decompresses in steps of one byte (see the inflater); the bound holds too.
  inflater narrow(9, false, 256 << 10);
  bytes out;
  deflater d9(9, false, 9);
  EXPECT_EQ(narrow.decompress(compress(d9, bytes(std::size_t{4} << 20, 0)), true, out),
            error::decompressed_too_big);
  EXPECT_LE(out.size(), std::size_t{256} << 10);
}

TEST(Inflater, AfterAnErrorEveryCallReturnsIt) {
  struct failing {
    std::string label;
    int bits;
    bool no_context;
    std::uint64_t limit;
    std::vector<bytes> before;  // whole messages that decode
    bytes bad;                  // fed with last = false
    error expected;
  };
  const std::vector<failing> cases{
      {"reserved block type", 15, false, 1 << 20, {}, {0xff, 0xff, 0xff}, error::inflate_failed},
      {"distance before the start",
       15,
       false,
       1 << 20,
       {},
       {0xf2, 0x00, 0x11, 0x00, 0x00},
       error::inflate_failed},
      {"back-reference without context",
       15,
       true,
       1 << 20,
       {hello_compressed},
       {0xf2, 0x00, 0x11, 0x00, 0x00},
       error::inflate_failed},
      {"over the limit", 9, false, 3, {}, hello_compressed, error::decompressed_too_big},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.label);
    inflater in(c.bits, c.no_context, c.limit);
    for (const bytes& m : c.before) ASSERT_TRUE(std::holds_alternative<bytes>(decompress(in, m)));
    bytes out;
    const auto first = in.decompress(c.bad, false, out);
    ASSERT_EQ(first, c.expected);
    const std::size_t size = out.size();
    const std::vector<std::pair<bytes, bool>> later{
        {{}, false},    {{}, true},   {hello_compressed, true}, {hello_compressed, false},
        {{0x00}, true}, {c.bad, true}};
    for (int round = 0; round < 2; ++round) {
      for (const auto& [data, last] : later) {
        EXPECT_EQ(in.decompress(data, last, out), c.expected);
        EXPECT_EQ(out.size(), size);
      }
    }
  }
}

}  // namespace
}  // namespace wsspec::ref
