// frame_decoder_fuzz: the incremental frame decoder (RFC 6455 §5.2) on arbitrary bytes.
//
// Input: [decoder_params: 3 bytes][split plan][bytes] (see fuzz_support.hpp).
//
// Oracle: the bytes are decoded whole and again cut at the plan's boundaries; both give the same
// sequence of headers, violation sets, frame payloads and error, and end in the same state
// (DESIGN.md principle 2). Decoding whole, every header equals the one read from the bytes by the
// simple reading below, its violation set is exactly the rules it breaks (principle 3), a header
// is returned only when no rule that stops this mode is broken, an error only when one is, and
// names a rule the header breaks. Payloads are unmasked with key octet i MOD 4 (§5.3). A header
// with the minimal length encoding encodes back to the same bytes. Each step makes progress;
// need_more consumes all input; after an error the decoder keeps returning it.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "fuzz_support.hpp"
#include "wsspec/reference/frame_decoder.hpp"
#include "wsspec/reference/frame_encoder.hpp"

namespace {

using namespace wsspec;
using ref::decode_status;
using ref::error;

// A header read the plain way from bytes that hold all of it (RFC 6455 §5.2 figure).
ref::frame_header read_header(const std::uint8_t* p) {
  ref::frame_header h;
  h.fin = (p[0] >> 7) & 1;
  h.rsv1 = (p[0] >> 6) & 1;
  h.rsv2 = (p[0] >> 5) & 1;
  h.rsv3 = (p[0] >> 4) & 1;
  h.opcode = p[0] & 0x0F;
  h.masked = (p[1] >> 7) & 1;
  const unsigned len7 = p[1] & 0x7F;
  std::size_t at = 2;
  if (len7 < 126) {
    h.length = len7;
  } else {
    h.length_bytes = len7 == 126 ? 2 : 8;
    for (std::size_t i = 0; i < h.length_bytes; ++i) h.length = h.length * 256 + p[at++];
  }
  if (h.masked)
    for (auto& k : h.key) k = p[at++];
  return h;
}

// Every rule of RFC 6455 §5.1, §5.2, §5.5, §10.4 and RFC 7692 §6.1 that `h` breaks for a
// decoder configured as `c`.
ref::error_set rules_broken(const ref::frame_header& h, const ref::decoder_config& c) {
  ref::error_set s;
  const bool control = h.opcode >= 8;
  if ((h.opcode >= 3 && h.opcode <= 7) || h.opcode >= 0xB) s.add(error::reserved_opcode);
  if ((h.rsv_bits() & ~c.allowed_rsv) != 0) s.add(error::reserved_bits);
  if (h.rsv1 && (c.allowed_rsv & 4) != 0 && h.opcode == 0) s.add(error::rsv1_on_continuation);
  if (h.rsv1 && (c.allowed_rsv & 4) != 0 && control) s.add(error::rsv1_on_control);
  if (control && h.length > 125) s.add(error::control_frame_too_long);
  if (control && !h.fin) s.add(error::control_frame_fragmented);
  if (c.receiver == ref::role::server && !h.masked) s.add(error::unmasked_client_frame);
  if (c.receiver == ref::role::client && h.masked) s.add(error::masked_server_frame);
  if (h.length >= (std::uint64_t{1} << 63)) s.add(error::length_top_bit);
  const std::uint8_t minimal = h.length <= 125 ? 0 : h.length <= 0xFFFF ? 2 : 8;
  if (h.length_bytes != minimal) s.add(error::non_minimal_length);
  if (h.length > c.max_frame_size) s.add(error::frame_too_big);
  return s;
}

// Whether breaking `e` stops a decoder in this mode: in strict mode every rule but a tolerated
// non-minimal length; in observer mode only lengths that cannot or must not be waited for.
bool stops(error e, const ref::decoder_config& c) {
  if (c.observer) return e == error::length_top_bit || e == error::frame_too_big;
  return e != error::non_minimal_length || c.reject_non_minimal_length;
}

struct record {
  decode_status status = decode_status::need_more;
  ref::frame_header header;
  ref::error_set violations;
  std::vector<std::uint8_t> payload;  // a whole frame's payload, or what arrived of the last one
  error err{};
  std::uint64_t remaining = 0;
  bool operator==(const record&) const = default;
};

struct pass {
  std::vector<record> trace;
  bool failed = false;
};

// Decodes `chunks` in order with a fresh decoder. `pristine` is the input before unmasking and
// `whole` says the input is one chunk: then header bytes can be checked where they are.
pass decode(const ref::decoder_config& config, std::vector<std::span<std::uint8_t>> chunks,
            const std::vector<std::uint8_t>& pristine, bool whole) {
  ref::frame_decoder d(config);
  pass out;
  std::vector<std::uint8_t> payload;
  std::size_t at = 0;  // offset in the input (meaningful for the whole pass)
  for (std::span<std::uint8_t> in : chunks) {
    const std::size_t limit = 2 * in.size() + 2;
    for (std::size_t steps = 0;; ++steps) {
      WSSPEC_FUZZ_CHECK(steps <= limit);
      const ref::decode_result r = d.decode(in);
      WSSPEC_FUZZ_CHECK(r.consumed <= in.size());
      if (r.status == decode_status::need_more) {
        WSSPEC_FUZZ_CHECK(r.consumed == in.size());
        at += r.consumed;
        break;
      }
      if (r.status == decode_status::error) {
        const ref::frame_header& h = d.header();
        WSSPEC_FUZZ_CHECK(d.violations() == rules_broken(h, config));
        WSSPEC_FUZZ_CHECK(d.violations().contains(r.err));
        WSSPEC_FUZZ_CHECK(stops(r.err, config));
        // The decoder stays failed: the same error, nothing consumed.
        const ref::decode_result again = d.decode(in);
        WSSPEC_FUZZ_CHECK(again.status == decode_status::error && again.err == r.err);
        WSSPEC_FUZZ_CHECK(again.consumed == 0);
        out.trace.push_back({r.status, h, d.violations(), {}, r.err, 0});
        out.failed = true;
        return out;
      }
      if (r.status == decode_status::header) {
        const ref::frame_header& h = d.header();
        const ref::error_set broken = rules_broken(h, config);
        WSSPEC_FUZZ_CHECK(d.violations() == broken);
        broken.for_each([&](error e) { WSSPEC_FUZZ_CHECK(!stops(e, config)); });
        WSSPEC_FUZZ_CHECK(d.in_frame() || h.length == 0);
        WSSPEC_FUZZ_CHECK(d.remaining() == h.length);
        if (whole) {
          WSSPEC_FUZZ_CHECK(r.consumed == h.size());
          WSSPEC_FUZZ_CHECK(read_header(pristine.data() + at) == h);
          if (!broken.contains(error::non_minimal_length)) {
            std::uint8_t again[ref::max_header_size];
            const std::size_t n = ref::encode_header(h, again);
            WSSPEC_FUZZ_CHECK(n == h.size());
            WSSPEC_FUZZ_CHECK(std::memcmp(again, pristine.data() + at, n) == 0);
          }
        }
        out.trace.push_back({r.status, h, d.violations(), {}, {}, h.length});
        payload.clear();
      } else {
        WSSPEC_FUZZ_CHECK(r.payload.data() == in.data() && r.payload.size() == r.consumed);
        WSSPEC_FUZZ_CHECK(r.consumed != 0 || r.frame_complete);
        const ref::frame_header& h = d.header();
        if (whole) {
          // RFC 6455 §5.3: octet i of the payload is XORed with octet i MOD 4 of the key.
          const std::uint64_t offset = h.length - d.remaining() - r.consumed;
          for (std::size_t i = 0; i < r.consumed; ++i) {
            const std::uint8_t k = h.masked ? h.key[(offset + i) % 4] : 0;
            WSSPEC_FUZZ_CHECK(r.payload[i] == (pristine[at + i] ^ k));
          }
        }
        payload.insert(payload.end(), r.payload.begin(), r.payload.end());
        WSSPEC_FUZZ_CHECK(r.frame_complete == (d.remaining() == 0));
        if (r.frame_complete) {
          WSSPEC_FUZZ_CHECK(payload.size() == h.length);
          out.trace.push_back({r.status, h, {}, payload, {}, 0});
          payload.clear();
        }
      }
      at += r.consumed;
      in = in.subspan(r.consumed);
    }
  }
  // What arrived of an unfinished frame, and how much of it is still to come.
  out.trace.push_back({decode_status::need_more, {}, {}, payload, {}, d.remaining()});
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  wsspec::fuzz::byte_reader in(data, size);
  const auto params = wsspec::fuzz::decoder_params::read(in);
  const auto plan = wsspec::fuzz::split_plan::read(in);
  const auto bytes = in.rest();
  const std::vector<std::uint8_t> pristine(bytes.begin(), bytes.end());

  std::vector<std::uint8_t> whole_copy = pristine;
  const pass whole = decode(params.config, {std::span<std::uint8_t>(whole_copy)}, pristine, true);

  std::vector<std::uint8_t> split_copy = pristine;
  const pass split =
      decode(params.config, plan.cut(std::span<std::uint8_t>(split_copy)), pristine, false);

  WSSPEC_FUZZ_CHECK(whole.failed == split.failed);
  WSSPEC_FUZZ_CHECK(whole.trace == split.trace);
  return 0;
}
