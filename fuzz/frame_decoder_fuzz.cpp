// frame_decoder_fuzz: the incremental frame decoder (RFC 6455 §5.2) on arbitrary bytes, decoded
// in one pass.
//
// Input: [decoder_params: 3 bytes][bytes] (see fuzz_support.hpp), at most 1024 bytes in all
// (frame_decoder_oracle::max_input); longer inputs are skipped, and fuzz/options/ gives libFuzzer
// the same -max_len. Small inputs keep this target fast; every header form and rule fits in them.
//
// Oracle: frame_decoder_oracle.hpp, decoding whole: every header equals the one read from the
// bytes, its violation set is exactly the rules it breaks, a header is returned only when no rule
// that stops this mode is broken and an error only when one is, payloads are unmasked with key
// octet i MOD 4, minimal headers encode back to the same bytes, every step makes progress, and an
// error sticks. Whether the result depends on where the bytes are split is
// frame_decoder_split_fuzz's question.
#include <cstddef>
#include <cstdint>

#include "frame_decoder_oracle.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  wsspec::fuzz::frame_decoder_oracle::check_whole(data, size);
  return 0;
}
