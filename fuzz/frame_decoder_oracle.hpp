// The frame decoder's oracle, shared by frame_decoder_fuzz, frame_decoder_structured_fuzz (the
// bytes decoded in one pass) and frame_decoder_split_fuzz (decoded whole and again split).
//
// Decoding whole, every header equals the one read from the bytes by the simple reading below,
// its violation set is exactly the rules it breaks (DESIGN.md principle 3), a header is returned
// only when no rule that stops this mode is broken, an error only when one is, and names a rule
// the header breaks. Payloads are unmasked with key octet i MOD 4 (RFC 6455 §5.3). A header with
// the minimal length encoding encodes back to the same bytes. Each step makes progress; need_more
// consumes all input; after an error the decoder keeps returning it. Whole or split, a pass
// records the sequence of headers, violation sets, frame payloads and error, and the state it
// ends in, so that two passes over the same bytes can be compared (principle 2).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "fuzz_support.hpp"
#include "wsspec/reference/frame_decoder.hpp"
#include "wsspec/reference/frame_encoder.hpp"

namespace wsspec::fuzz::frame_decoder_oracle {

// The longest input the single-pass targets decode: every header form and every rule fits in a
// few hundred bytes, and a longer payload only costs time (libFuzzer's -max_len in
// fuzz/options/). Longer inputs are skipped.
inline constexpr std::size_t max_input = 1024;

// The oracle is left out of coverage and comparison tracing: it is not code under test (the
// decoder's own coverage guides the fuzzer), and instrumented it costs several times more than
// the decoder itself. Not inlined, so that no instrumented caller takes its code in.
#if defined(__clang__)
#define WSSPEC_FUZZ_ORACLE __attribute__((noinline, no_sanitize("coverage")))
#else
#define WSSPEC_FUZZ_ORACLE __attribute__((noinline))
#endif

// RFC 6455 §5.3: octet i of the payload is octet i of the wire XORed with octet i MOD 4 of the
// key, counting from the first octet of the payload (`offset` octets before `got`).
WSSPEC_FUZZ_ORACLE inline bool unmasked(std::span<const std::uint8_t> got, const std::uint8_t* wire,
                                        const ref::frame_header& h, std::uint64_t offset) {
  for (std::size_t i = 0; i < got.size(); ++i) {
    const std::uint8_t k = h.masked ? h.key[(offset + i) % 4] : 0;
    if (got[i] != (wire[i] ^ k)) return false;
  }
  return true;
}

// A header read the plain way from bytes that hold all of it (RFC 6455 §5.2 figure).
WSSPEC_FUZZ_ORACLE inline ref::frame_header read_header(const std::uint8_t* p) {
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
WSSPEC_FUZZ_ORACLE inline ref::error_set rules_broken(const ref::frame_header& h,
                                                      const ref::decoder_config& c) {
  using ref::error;
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
WSSPEC_FUZZ_ORACLE inline bool stops(ref::error e, const ref::decoder_config& c) {
  using ref::error;
  if (c.observer) return e == error::length_top_bit || e == error::frame_too_big;
  return e != error::non_minimal_length || c.reject_non_minimal_length;
}

// Whether no rule of `broken` stops a decoder in this mode.
WSSPEC_FUZZ_ORACLE inline bool none_stops(const ref::error_set& broken,
                                          const ref::decoder_config& c) {
  for (std::size_t i = 0; i < ref::error_count; ++i) {
    const auto e = static_cast<ref::error>(i);
    if (broken.contains(e) && stops(e, c)) return false;
  }
  return true;
}

struct record {
  ref::decode_status status = ref::decode_status::need_more;
  ref::frame_header header;
  ref::error_set violations;
  std::vector<std::uint8_t> payload;  // a whole frame's payload, or what arrived of the last one
  ref::error err{};
  std::uint64_t remaining = 0;
  bool operator==(const record&) const = default;
};

struct pass {
  std::vector<record> trace;
  bool failed = false;
};

// Decodes `chunks` in order with a fresh decoder. `pristine` is the input before unmasking and
// `whole` says the input is one chunk: then header bytes can be checked where they are. The
// trace is recorded only when `record` is set (to compare two passes).
WSSPEC_FUZZ_ORACLE inline pass decode(const ref::decoder_config& config,
                                      std::vector<std::span<std::uint8_t>> chunks,
                                      const std::vector<std::uint8_t>& pristine, bool whole,
                                      bool record = true) {
  using ref::decode_status;
  using ref::error;
  ref::frame_decoder d(config);
  pass out;
  std::vector<std::uint8_t> payload;  // what arrived of the current frame, when recording
  std::uint64_t delivered = 0;        // how much of it arrived
  std::size_t at = 0;                 // offset in the input (meaningful for the whole pass)
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
        if (record) out.trace.push_back({r.status, h, d.violations(), {}, r.err, 0});
        out.failed = true;
        return out;
      }
      if (r.status == decode_status::header) {
        const ref::frame_header& h = d.header();
        const ref::error_set broken = rules_broken(h, config);
        WSSPEC_FUZZ_CHECK(d.violations() == broken);
        WSSPEC_FUZZ_CHECK(none_stops(broken, config));
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
        if (record) out.trace.push_back({r.status, h, d.violations(), {}, {}, h.length});
        payload.clear();
        delivered = 0;
      } else {
        WSSPEC_FUZZ_CHECK(r.payload.data() == in.data() && r.payload.size() == r.consumed);
        WSSPEC_FUZZ_CHECK(r.consumed != 0 || r.frame_complete);
        const ref::frame_header& h = d.header();
        if (whole) {
          const std::uint64_t offset = h.length - d.remaining() - r.consumed;
          WSSPEC_FUZZ_CHECK(unmasked(r.payload, pristine.data() + at, h, offset));
        }
        if (record) payload.insert(payload.end(), r.payload.begin(), r.payload.end());
        WSSPEC_FUZZ_CHECK(r.frame_complete == (d.remaining() == 0));
        delivered += r.consumed;
        if (r.frame_complete) {
          WSSPEC_FUZZ_CHECK(delivered == h.length);
          if (record) out.trace.push_back({r.status, h, {}, payload, {}, 0});
          payload.clear();
        }
      }
      at += r.consumed;
      in = in.subspan(r.consumed);
    }
  }
  // What arrived of an unfinished frame, and how much of it is still to come.
  if (record) out.trace.push_back({decode_status::need_more, {}, {}, payload, {}, d.remaining()});
  return out;
}

// The single-pass targets' input, [decoder_params: 3 bytes][bytes], decoded whole with every
// check above. Inputs over max_input are skipped.
WSSPEC_FUZZ_ORACLE inline void check_whole(const std::uint8_t* data, std::size_t size) {
  if (size > max_input) return;
  byte_reader in(data, size);
  const auto params = decoder_params::read(in);
  const auto bytes = in.rest();
  const std::vector<std::uint8_t> pristine(bytes.begin(), bytes.end());
  std::vector<std::uint8_t> copy = pristine;
  decode(params.config, {std::span<std::uint8_t>(copy)}, pristine, true, false);
}

}  // namespace wsspec::fuzz::frame_decoder_oracle
