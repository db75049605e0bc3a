/* wsspec's structure-aware mutator for libFuzzer targets that read WebSocket frames.
 *
 * A target whose input is [prefix][frames] (RFC 6455 §5.2 frames, as a client or a server sends
 * them) gets frame-level mutations: header fields (FIN, RSV1-3, any opcode, the mask bit against
 * the sender's role, length encodings, a declared length that differs from the payload), payloads
 * (bytes, UTF-8 edge sequences in text, lengths at the encodings' edges, Close codes and
 * reasons), and the frames' order (inserted, dropped, duplicated, swapped, split into fragments,
 * control frames between fragments). The `prefix` bytes (the target's own parameters) are kept.
 * Now and then libFuzzer's own byte mutator runs instead, on the whole input, so that its
 * dictionaries and comparison tracing keep working.
 *
 * Use from C or C++: include this header in the target's source, write
 *
 *   WSSPEC_CUSTOM_MUTATOR(WSSPEC_FRAMES_FROM_CLIENT, 3)
 *
 * at file scope (the role that sends the frames, and the size of the prefix), and link the
 * static library wsspec_custom_mutator (CMake target of the same name). The macro defines
 * LLVMFuzzerCustomMutator and LLVMFuzzerCustomCrossOver; without libFuzzer (a replay driver)
 * they are simply never called, and the library links without it.
 */
#ifndef WSSPEC_CUSTOM_MUTATOR_HPP
#define WSSPEC_CUSTOM_MUTATOR_HPP

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
#define WSSPEC_EXTERN_C extern "C"
#else
#define WSSPEC_EXTERN_C
#endif

/* Who sends the frames (RFC 6455 §5.1: a client masks its frames, a server does not). */
#define WSSPEC_FRAMES_FROM_CLIENT 0
#define WSSPEC_FRAMES_FROM_SERVER 1

/* Mutates data[0, size) in place, in a buffer of max_size bytes: the first `prefix` bytes are
 * kept (zero-filled when the input is shorter), the rest is read as frames from `sender` and
 * mutated, deterministically for a given seed. One call in eight (by seed) runs libFuzzer's own
 * mutator on the whole input instead, when the target is linked with libFuzzer. Returns the new
 * size, at most max_size. */
WSSPEC_EXTERN_C size_t wsspec_mutate_frames(uint8_t* data, size_t size, size_t max_size,
                                            unsigned int seed, size_t prefix, int sender);

/* Writes into out[0, max_out) the first input's prefix and its frames up to a frame boundary, then
 * the second input's bytes from a frame boundary on (both boundaries chosen by seed). Returns the
 * size written. */
WSSPEC_EXTERN_C size_t wsspec_cross_over_frames(const uint8_t* data1, size_t size1,
                                                const uint8_t* data2, size_t size2, uint8_t* out,
                                                size_t max_out, unsigned int seed, size_t prefix);

/* libFuzzer's custom mutator and cross-over hooks, for a target whose input is
 * [prefix bytes][frames sent by `sender`]. */
#define WSSPEC_CUSTOM_MUTATOR(sender, prefix)                                                  \
  WSSPEC_EXTERN_C size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size,  \
                                                 unsigned int seed) {                          \
    return wsspec_mutate_frames(data, size, max_size, seed, (prefix), (sender));               \
  }                                                                                            \
  WSSPEC_EXTERN_C size_t LLVMFuzzerCustomCrossOver(                                            \
      const uint8_t* data1, size_t size1, const uint8_t* data2, size_t size2, uint8_t* out,    \
      size_t max_out, unsigned int seed) {                                                     \
    return wsspec_cross_over_frames(data1, size1, data2, size2, out, max_out, seed, (prefix)); \
  }

#endif /* WSSPEC_CUSTOM_MUTATOR_HPP */
