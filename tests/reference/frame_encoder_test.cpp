#include "wsspec/reference/frame_encoder.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "wsspec/reference/frame_decoder.hpp"

namespace wsspec::ref {
namespace {

using bytes = std::vector<std::uint8_t>;

constexpr mask_key rfc_key{0x37, 0xfa, 0x21, 0x3d};

bytes text(std::string_view s) {
  return bytes(s.begin(), s.end());
}

bytes binary(std::size_t n) {
  bytes v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::uint8_t>(i * 7 + 3);
  return v;
}

bytes encode(opcode op, const bytes& payload, bool fin = true, bool rsv1 = false,
             const std::optional<mask_key>& key = std::nullopt) {
  bytes out;
  append_frame(out, op, payload, fin, rsv1, key);
  return out;
}

bytes header_bytes(const frame_header& h) {
  std::uint8_t buf[max_header_size];
  const std::size_t n = encode_header(h, buf);
  return bytes(buf, buf + n);
}

// RFC 6455 §5.7 examples, byte for byte.

TEST(FrameEncoder, Rfc5_7SingleFrameUnmaskedText) {
  EXPECT_EQ(encode(opcode::text, text("Hello")), (bytes{0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}));
}

TEST(FrameEncoder, Rfc5_7SingleFrameMaskedText) {
  EXPECT_EQ(encode(opcode::text, text("Hello"), true, false, rfc_key),
            (bytes{0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}));
}

TEST(FrameEncoder, Rfc5_7FragmentedUnmaskedText) {
  bytes out;
  append_frame(out, opcode::text, text("Hel"), false);
  append_frame(out, opcode::continuation, text("lo"), true);
  EXPECT_EQ(out, (bytes{0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f}));
}

TEST(FrameEncoder, Rfc5_7UnmaskedPingAndMaskedPong) {
  EXPECT_EQ(encode(opcode::ping, text("Hello")), (bytes{0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}));
  EXPECT_EQ(encode(opcode::pong, text("Hello"), true, false, rfc_key),
            (bytes{0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}));
}

TEST(FrameEncoder, Rfc5_7Binary256With16BitLength) {
  const bytes payload = binary(256);
  const bytes out = encode(opcode::binary, payload);
  ASSERT_EQ(out.size(), 4u + 256u);
  EXPECT_EQ(bytes(out.begin(), out.begin() + 4), (bytes{0x82, 0x7E, 0x01, 0x00}));
  EXPECT_EQ(bytes(out.begin() + 4, out.end()), payload);
}

TEST(FrameEncoder, Rfc5_7Binary64KiBWith64BitLength) {
  const bytes payload = binary(65536);
  const bytes out = encode(opcode::binary, payload);
  ASSERT_EQ(out.size(), 10u + 65536u);
  EXPECT_EQ(bytes(out.begin(), out.begin() + 10),
            (bytes{0x82, 0x7F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00}));
  EXPECT_EQ(bytes(out.begin() + 10, out.end()), payload);
}

// RFC 6455 §5.2: the minimal number of bytes MUST be used to encode the length.
struct length_row {
  std::uint64_t length;
  bytes expected;  // the header of an unmasked final binary frame
};

std::ostream& operator<<(std::ostream& os, const length_row& row) {
  return os << "length " << row.length;
}

class MinimalLength : public ::testing::TestWithParam<length_row> {};

TEST_P(MinimalLength, UsesTheShortestEncoding) {
  frame_header h;
  h.opcode = 0x2;
  h.length = GetParam().length;
  EXPECT_EQ(header_bytes(h), GetParam().expected);

  h.masked = true;
  h.key = {0xA1, 0xB2, 0xC3, 0xD4};
  bytes masked = GetParam().expected;
  masked[1] |= 0x80;
  masked.insert(masked.end(), {0xA1, 0xB2, 0xC3, 0xD4});
  EXPECT_EQ(header_bytes(h), masked);
}

INSTANTIATE_TEST_SUITE_P(
    FrameEncoder, MinimalLength,
    ::testing::Values(length_row{0, {0x82, 0x00}}, length_row{1, {0x82, 0x01}},
                      length_row{125, {0x82, 0x7D}}, length_row{126, {0x82, 0x7E, 0x00, 0x7E}},
                      length_row{127, {0x82, 0x7E, 0x00, 0x7F}},
                      length_row{65535, {0x82, 0x7E, 0xFF, 0xFF}},
                      length_row{65536, {0x82, 0x7F, 0, 0, 0, 0, 0, 0x01, 0x00, 0x00}},
                      length_row{0x0102030405060708ull, {0x82, 0x7F, 1, 2, 3, 4, 5, 6, 7, 8}},
                      length_row{0x7FFFFFFFFFFFFFFFull,
                                 {0x82, 0x7F, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}}),
    [](const auto& p) { return "length_" + std::to_string(p.param.length); });

TEST(FrameEncoder, HeaderIgnoresRequestedLengthBytes) {
  frame_header h;
  h.opcode = 0x1;
  h.length = 5;
  h.length_bytes = 8;
  EXPECT_EQ(header_bytes(h), (bytes{0x81, 0x05}));
}

TEST(FrameEncoder, HeaderCarriesFinRsvAndOpcodeBits) {
  frame_header h;
  h.fin = false;
  h.opcode = 0x0;
  EXPECT_EQ(header_bytes(h), (bytes{0x00, 0x00}));
  h.fin = true;
  h.rsv1 = true;
  h.opcode = 0x1;
  EXPECT_EQ(header_bytes(h), (bytes{0xC1, 0x00}));
  h.rsv1 = false;
  h.rsv2 = true;
  EXPECT_EQ(header_bytes(h), (bytes{0xA1, 0x00}));
  h.rsv2 = false;
  h.rsv3 = true;
  h.opcode = 0xA;
  EXPECT_EQ(header_bytes(h), (bytes{0x9A, 0x00}));
}

TEST(FrameEncoder, HeaderSizeMatchesFrameHeaderSize) {
  for (std::uint64_t len : {0ull, 125ull, 126ull, 65535ull, 65536ull}) {
    for (bool masked : {false, true}) {
      frame_header h;
      h.opcode = 0x2;
      h.length = len;
      h.masked = masked;
      std::uint8_t buf[max_header_size];
      const std::size_t n = encode_header(h, buf);
      h.length_bytes = minimal_length_bytes(len);
      EXPECT_EQ(n, h.size()) << "len=" << len << " masked=" << masked;
    }
  }
}

TEST(FrameEncoder, AppendFrameAppendsAfterExistingBytes) {
  bytes out{0xEE};
  append_frame(out, opcode::ping, {});
  append_frame(out, opcode::close, {}, true, false, mask_key{1, 2, 3, 4});
  EXPECT_EQ(out, (bytes{0xEE, 0x89, 0x00, 0x88, 0x80, 1, 2, 3, 4}));
}

TEST(FrameEncoder, AppendFrameSetsRsv1) {
  EXPECT_EQ(encode(opcode::text, text("a"), true, true), (bytes{0xC1, 0x01, 'a'}));
  EXPECT_EQ(encode(opcode::text, text("a"), false, true), (bytes{0x41, 0x01, 'a'}));
}

// What the encoder writes, the strict decoder reads back unchanged.
TEST(FrameEncoder, RoundTripsThroughTheDecoder) {
  for (std::size_t len : {0u, 1u, 125u, 126u, 1000u, 65535u, 65536u, 70000u}) {
    for (bool masked : {false, true}) {
      const bytes payload = binary(len);
      std::optional<mask_key> key;
      if (masked) key = mask_key{0x10, 0x20, 0x30, 0x40};
      bytes wire = encode(opcode::binary, payload, true, false, key);

      decoder_config cfg;
      cfg.receiver = masked ? role::server : role::client;
      frame_decoder dec(cfg);
      std::span<std::uint8_t> in(wire);
      decode_result r = dec.decode(in);
      ASSERT_EQ(r.status, decode_status::header);
      EXPECT_EQ(r.consumed, wire.size() - len);
      EXPECT_EQ(dec.header().length, len);
      EXPECT_EQ(dec.header().masked, masked);
      EXPECT_EQ(dec.header().length_bytes, minimal_length_bytes(len));
      r = dec.decode(in.subspan(r.consumed));
      ASSERT_EQ(r.status, decode_status::payload);
      EXPECT_TRUE(r.frame_complete);
      EXPECT_EQ(bytes(r.payload.begin(), r.payload.end()), payload) << "len=" << len;
    }
  }
}

}  // namespace
}  // namespace wsspec::ref
