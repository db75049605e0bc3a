// The harness's encoder writes exactly the fields a case names, valid or not.
#include "wsspec/harness/wire_frame.hpp"

#include <gtest/gtest.h>

#include "wsspec/harness/catalogue.hpp"
#include "wsspec/reference/frame_decoder.hpp"

namespace wsspec::harness {
namespace {

std::vector<std::uint8_t> encode(const wire_frame& f, ref::role sender = ref::role::server) {
  std::vector<std::uint8_t> out;
  encode_wire_frame(f, sender, {1, 2, 3, 4}, out);
  return out;
}

TEST(WireFrame, ServerTextIsTheRfcExample) {
  // RFC 6455 §5.7: a single-frame unmasked text message "Hello".
  EXPECT_EQ(encode(text("Hello")), hex("810548656c6c6f"));
}

TEST(WireFrame, ClientFramesAreMaskedWithTheGivenKey) {
  auto f = text("Hello");
  f.key = ref::mask_key{0x37, 0xfa, 0x21, 0x3d};
  // RFC 6455 §5.7: a single-frame masked text message "Hello".
  EXPECT_EQ(encode(f, ref::role::client), hex("818537fa213d7f9f4d5158"));
}

TEST(WireFrame, EveryHeaderFieldCanBeForced) {
  auto f = with_rsv(frame(0xB, payload_spec::text("ab"), false), 7);
  f.mask = masking::inverted;
  const auto bytes = encode(f, ref::role::client);
  EXPECT_EQ(bytes[0], 0x7B);  // FIN clear, RSV1-3 set, opcode 0xB
  EXPECT_EQ(bytes[1], 0x02);  // not masked although a client sends it
}

TEST(WireFrame, NonMinimalLengthEncodings) {
  auto f = text("Hi");
  f.length_bytes = 2;
  EXPECT_EQ(encode(f), hex("817e00024869"));
  f.length_bytes = 8;
  EXPECT_EQ(encode(f), hex("817f00000000000000024869"));
}

TEST(WireFrame, DeclaredLengthMayDifferFromThePayload) {
  auto f = binary({1, 2});
  f.declared_length = 0x8000000000000000ull;
  const auto bytes = encode(f);
  ASSERT_EQ(bytes.size(), 2u + 8u + 2u);
  EXPECT_EQ(bytes[1], 127);
  EXPECT_EQ(bytes[2], 0x80);
}

TEST(WireFrame, ObserverDecoderReadsBackWhatWasForced) {
  auto f = with_rsv(text("Hello"), 4);
  f.length_bytes = 8;
  auto bytes = encode(f);
  ref::frame_decoder d(ref::decoder_config{ref::role::client, true});
  const auto r = d.decode(bytes);
  ASSERT_EQ(r.status, ref::decode_status::header);
  EXPECT_TRUE(d.violations().contains(ref::error::reserved_bits));
  EXPECT_TRUE(d.violations().contains(ref::error::non_minimal_length));
}

TEST(PayloadSpec, RepeatsThePatternToTheLength) {
  const auto p = payload_spec::repeat("abc", 7);
  const auto bytes = p.materialize();
  EXPECT_EQ(std::string(bytes.begin(), bytes.end()), "abcabca");
  EXPECT_FALSE(p.literal());
  EXPECT_TRUE(payload_spec::text("abc").literal());
  EXPECT_TRUE(payload_spec::repeat("abc", 0).materialize().empty());
}

}  // namespace
}  // namespace wsspec::harness
