// Whether the masking keys a client sent over a connection are unpredictable. Pure: no I/O, no
// clock.
//
// RFC 6455 §5.3: "The masking key is a 32-bit value chosen at random by the client.  When
// preparing a masked frame, the client MUST pick a fresh masking key from the set of allowed
// 32-bit values.  The masking key needs to be unpredictable; thus, the masking key MUST be derived
// from a strong source of entropy, and the masking key for a given frame MUST NOT make it simple
// for a server/proxy to predict the masking key for a subsequent frame.  The unpredictability of
// the masking key is essential to prevent authors of malicious applications from selecting the
// bytes that appear on the wire."
// RFC 6455 §10.3: "Clients MUST choose a new masking key for each frame, using an algorithm that
// cannot be predicted by end applications that provide data." ... "If the same key is used or a
// decipherable pattern exists for how the next key is chosen, the attacker can send a message
// that, when masked, could appear to be an HTTP request".
//
// No sample proves a source random: the judge names the weaknesses sloppy clients show. Every
// check is tuned so that keys from a uniform 32-bit source trip it with a probability below 1e-9
// (the arithmetic is beside each threshold in mask_keys.cpp), so any finding is a failure of the
// MUST above, not bad luck. Nothing is judged from fewer than 3 keys.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace wsspec::harness {

// One weakness found in a sequence of mask keys, in the order the frames were received.
//
// Codes (each at most once per sequence, in this order):
//   zero_mask_key       3 or more keys, all 0x00000000: the payload goes on the wire unmasked.
//                       When this or constant_mask_key is found nothing else is reported.
//   constant_mask_key   3 or more keys, all the same non-zero value.
//   counter_mask_keys   a run of keys each the previous one plus a fixed non-zero step (mod 2^32):
//                       a counter, whatever its start or step, including one stored
//                       little-endian (its steps repeat for runs of up to 255 keys). A step of
//                       2^31 only flips the top bit and is reported as xor_stepped_mask_keys.
//   xor_stepped_mask_keys   a run of keys each the previous one XOR a fixed non-zero value
//                       (which makes the keys alternate between two values).
//   rotated_mask_keys   a run of keys each the previous one rotated left by a fixed 1 to 31 bits,
//                       then XORed with a fixed value (0 for a plain rotation).
//   lcg_mask_keys       a run of keys each a * previous + c (mod 2^32) for fixed a and c, a
//                       linear congruential generator whose whole state is the key (a = 1, a
//                       counter, and a = -1, two alternating keys, are reported above instead).
//     A "run" is at least 8 consecutive steps (9 keys), or all the steps when there are fewer,
//     but never fewer than 3 steps (4 for lcg_mask_keys, which fits two values from the keys).
//   short_mask_key_cycle   the whole sequence repeats with a period p, 2 <= p <= n/2 (key i equals
//                       key i+p for every i); not reported when a run above covers every key,
//                       since the run already says how each key follows.
//   The rest are statistics over at least 16 keys, left out when a run or cycle above covers
//   every key (they would restate it):
//   mask_key_repeats    more keys equal an earlier key than a random 32-bit source produces with
//                       a chance of at least 1e-9 (see mask_key_repeats_allowed).
//   low_entropy_mask_key_bytes   a byte position of the key (0 is the first on the wire) takes at
//                       most 128 distinct values (it carries at most 7 of its 8 bits) over so many
//                       keys that a random byte does so with a chance below 1e-9 / 4.
//   stuck_mask_key_bits   over 40 or more keys, a bit that never changes (in a byte position not
//                       already reported as low-entropy): the keys come from a fraction of the
//                       32-bit values, e.g. a 31-bit rand().
struct mask_key_finding {
  std::string code;
  // One sentence for a person, with the numbers and the RFC section.
  std::string text;
  bool operator==(const mask_key_finding&) const = default;
};

// Keys as the big-endian uint32 of the 4 key bytes, in the order the frames were received.
// Empty result: nothing suspicious. Linear in the number of keys (a radix sort counts the
// repeats): 200 000 keys take about 15 ms.
std::vector<mask_key_finding> judge_mask_keys(std::span<const std::uint32_t> keys);

// The most keys out of n that may repeat an earlier key by chance: the largest count that n
// uniformly random 32-bit keys reach with a probability of at least 1e-9 (the Poisson tail of
// the expected n(n-1)/2 / 2^32 equal pairs). 9 for n = 65 536. mask_key_repeats is reported when
// more keys than this repeat.
std::uint64_t mask_key_repeats_allowed(std::uint64_t n);

}  // namespace wsspec::harness
