// frame_roundtrip_fuzz: the frame encoder and decoder against each other (RFC 6455 §5.2, §5.3).
//
// Input: [first header octet][flags][mask key: 4][declared length: 8, when flags bit 1]
//        [split plan][payload].
// flags bit 0: masked; bit 1: encode a header declaring the given length and no payload.
//
// Oracle: encode_header writes the minimal length encoding (2 + 0/2/8 + 0/4 octets); with only
// RSV1 among the RSV bits, append_frame writes the same bytes as encode_header followed by the
// masked payload. Decoding those bytes (observer mode, every RSV bit allowed, cut at the plan's
// boundaries) gives back exactly the header and the payload, in one frame, consuming every byte.
// A declared length with the top bit set is refused with length_top_bit (§5.2); any other is
// reported as is and nothing is allocated for it. Masking twice restores the payload.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <vector>

#include "fuzz_support.hpp"
#include "wsspec/reference/frame_decoder.hpp"
#include "wsspec/reference/frame_encoder.hpp"
#include "wsspec/reference/mask.hpp"

namespace {

using namespace wsspec;
using ref::decode_status;

ref::decoder_config observer_for(const ref::frame_header& h) {
  ref::decoder_config c;
  c.receiver = h.masked ? ref::role::server : ref::role::client;
  c.observer = true;
  c.allowed_rsv = 7;
  return c;
}

void declared_length(ref::frame_header h, std::uint64_t length) {
  h.length = length;
  h.length_bytes = ref::minimal_length_bytes(length);
  std::vector<std::uint8_t> bytes(ref::max_header_size);
  bytes.resize(ref::encode_header(h, bytes.data()));
  WSSPEC_FUZZ_CHECK(bytes.size() == h.size());
  ref::frame_decoder d(observer_for(h));
  const ref::decode_result r = d.decode(bytes);
  if (length >> 63) {
    WSSPEC_FUZZ_CHECK(r.status == decode_status::error && r.err == ref::error::length_top_bit);
    return;
  }
  WSSPEC_FUZZ_CHECK(r.status == decode_status::header);
  WSSPEC_FUZZ_CHECK(r.consumed == bytes.size());
  WSSPEC_FUZZ_CHECK(d.header() == h);
  WSSPEC_FUZZ_CHECK(d.remaining() == length);
  const ref::decode_result next = d.decode({});
  if (length == 0) {
    WSSPEC_FUZZ_CHECK(next.status == decode_status::payload && next.frame_complete);
  } else {
    WSSPEC_FUZZ_CHECK(next.status == decode_status::need_more && next.consumed == 0);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::byte_reader in(data, size);
  const std::uint8_t b0 = in.byte();
  const std::uint8_t flags = in.byte();
  ref::frame_header h;
  h.fin = (b0 & 0x80) != 0;
  h.rsv1 = (b0 & 0x40) != 0;
  h.rsv2 = (b0 & 0x20) != 0;
  h.rsv3 = (b0 & 0x10) != 0;
  h.opcode = b0 & 0x0F;
  h.masked = (flags & 1) != 0;
  ref::mask_key key;
  for (auto& k : key) k = in.byte();
  if (h.masked) h.key = key;
  if ((flags & 2) != 0) {
    declared_length(h, in.u64());
    return 0;
  }
  const auto plan = fuzz::split_plan::read(in);
  const auto payload_span = in.rest();
  const std::vector<std::uint8_t> payload(payload_span.begin(), payload_span.end());
  h.length = payload.size();
  h.length_bytes = ref::minimal_length_bytes(h.length);

  std::uint8_t head[ref::max_header_size];
  const std::size_t head_size = ref::encode_header(h, head);
  WSSPEC_FUZZ_CHECK(head_size == 2u + h.length_bytes + (h.masked ? 4u : 0u));
  std::vector<std::uint8_t> wire(head, head + head_size);
  wire.insert(wire.end(), payload.begin(), payload.end());
  const auto body = std::span<std::uint8_t>(wire).subspan(head_size);
  if (h.masked) ref::apply_mask(body, h.key);

  // RFC 6455 §5.3: the same key applied again restores the payload.
  std::vector<std::uint8_t> unmasked(body.begin(), body.end());
  if (h.masked) ref::apply_mask(unmasked, h.key);
  WSSPEC_FUZZ_CHECK(unmasked == payload);

  if (!h.rsv2 && !h.rsv3) {
    std::vector<std::uint8_t> framed;
    const std::optional<ref::mask_key> k = h.masked ? std::optional(h.key) : std::nullopt;
    ref::append_frame(framed, static_cast<ref::opcode>(h.opcode), payload, h.fin, h.rsv1, k);
    WSSPEC_FUZZ_CHECK(framed == wire);
  }

  ref::frame_decoder d(observer_for(h));
  std::vector<std::uint8_t> decoded;
  std::size_t headers = 0;
  std::size_t frames = 0;
  for (std::span<std::uint8_t> chunk : plan.cut(std::span<std::uint8_t>(wire))) {
    for (;;) {
      const ref::decode_result r = d.decode(chunk);
      WSSPEC_FUZZ_CHECK(r.status != decode_status::error);
      chunk = chunk.subspan(r.consumed);
      if (r.status == decode_status::need_more) break;
      if (r.status == decode_status::header) {
        ++headers;
        WSSPEC_FUZZ_CHECK(d.header() == h);
        continue;
      }
      WSSPEC_FUZZ_CHECK(frames == 0);
      decoded.insert(decoded.end(), r.payload.begin(), r.payload.end());
      if (r.frame_complete) ++frames;
    }
  }
  WSSPEC_FUZZ_CHECK(headers == 1 && frames == 1);
  WSSPEC_FUZZ_CHECK(decoded == payload);
  return 0;
}
