// Structure-aware mutations of what a case sends: frame header fields, payloads (UTF-8-aware for
// text), frame order, write boundaries and pauses, Close codes and reasons, and the opening
// request. Deterministic: the same generator state gives the same mutation. `wsspec fuzz` mutates
// catalogue cases with it; the libFuzzer custom mutator (fuzz/custom_mutator) mutates raw frame
// streams with the same frame mutations.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "wsspec/harness/case.hpp"
#include "wsspec/harness/wire_frame.hpp"

namespace wsspec::harness::fuzzing {

// A small deterministic generator (splitmix64): the same seed gives the same sequence on every
// platform, unlike the distributions of <random>.
class generator {
 public:
  explicit generator(std::uint64_t seed) noexcept : state_(seed) {}
  std::uint64_t next() noexcept;
  // Uniform in [0, n); 0 when n is 0.
  std::uint64_t below(std::uint64_t n) noexcept;
  // True with probability num/den.
  bool chance(std::uint64_t num, std::uint64_t den) noexcept { return below(den) < num; }

 private:
  std::uint64_t state_;
};

// The seed of run `index` of a campaign seeded with `seed`: independent of every other run, so
// that any run can be replayed alone.
std::uint64_t run_seed(std::uint64_t seed, std::uint64_t index) noexcept;

// Bounds that keep every mutated session small and quick, whatever the mutations pile up.
struct mutation_limits {
  std::size_t max_frames = 16;              // frames in one send_frames step
  std::size_t max_payload = 4096;           // bytes of one frame's payload
  std::size_t max_writes = 64;              // writes one step is chopped into
  std::chrono::milliseconds max_pause{10};  // a pause between chopped writes, or a pause step
  std::size_t max_steps = 24;
};

// One mutation of a list of frames, chosen at random: a header field (FIN, RSV1-3, opcode among
// data, control and reserved values, the mask bit, the length encoding, a declared length
// shorter than the payload), the payload (bytes flipped, inserted, erased; for text, UTF-8
// sequences truncated, overlong, surrogates, above U+10FFFF), or the order (a frame inserted,
// dropped, duplicated, swapped, a control frame put between fragments). Never more than
// `limits.max_frames` frames or `limits.max_payload` bytes per payload.
void mutate_frames(std::vector<wire_frame>& frames, generator& g, const mutation_limits& limits);

// One mutation of a payload; `text` chooses UTF-8-aware mutations.
void mutate_payload(payload_spec& p, bool text, generator& g, const mutation_limits& limits);

// One mutation of the opening request: a header name (case, a misspelling), a value (Upgrade,
// Connection, Sec-WebSocket-Version, Sec-WebSocket-Key), a duplicate, a missing header, the
// order of the fields, or line endings (bare LF, bare CR) through raw_request with the
// placeholders "{host}", "{target}", "{key}".
void mutate_handshake(handshake_spec& h, generator& g);

// The stimulus of `base` made fuzzable, then mutated `rounds` times: the steps are kept only in
// the kinds a mutated session can run quickly (send_frames, send_raw, close_step, short pauses);
// send_message becomes its frames; await, mark, round-trip, stream, shutdown steps and
// permessage-deflate (offers and compressed frames) are left out. No frame declares a length
// longer than its payload (the peer would wait for bytes that never come), and invalid UTF-8 in
// a Close reason goes in the raw Close body, so that the case can be written as a case file. The
// result's expectation is empty: the oracle fills it. Its id is base.id; its budget stays as it
// was.
case_def mutate_case(const case_def& base, generator& g, const mutation_limits& limits,
                     unsigned rounds);

// ----- raw frame streams (the libFuzzer custom mutator) ----------------------------------------

// Reads a byte stream as the frames `sender` would have sent: every header field as written
// (reserved bits and opcodes, any length encoding, masked or not, with its key), payloads
// unmasked. A declared length that runs past the end takes what is there, and the shortfall is
// kept as declared_length. At most `max_frames` frames; the rest is dropped.
std::vector<wire_frame> parse_frames(std::span<const std::uint8_t> bytes, ref::role sender,
                                     std::size_t max_frames);

// Where each of the first `max_frames` frames of `bytes` ends, read as parse_frames reads them; a
// frame whose payload runs past the end is not counted. Nothing is copied: cheap enough to splice
// two inputs at frame boundaries on every libFuzzer cross-over.
std::vector<std::size_t> frame_ends(std::span<const std::uint8_t> bytes, std::size_t max_frames);

// Encodes frames as `sender` sends them, with their own keys (or key 0 when none is set).
std::vector<std::uint8_t> encode_frames(const std::vector<wire_frame>& frames, ref::role sender);

// The libFuzzer custom mutator's work: parse `data[0, size)` as frames from `sender`, mutate
// them with a generator seeded by `seed`, encode, and write at most `max_size` bytes back.
// Returns the new size. Inputs that hold no frame at all start from one small text frame.
std::size_t mutate_frame_bytes(std::uint8_t* data, std::size_t size, std::size_t max_size,
                               std::uint64_t seed, ref::role sender);

}  // namespace wsspec::harness::fuzzing
