// frame_decoder_structured_fuzz: frame_decoder_fuzz's target and oracle, with the structure-aware
// custom mutator (fuzz/custom_mutator/): libFuzzer's mutations are mostly replaced by frame-level
// ones (header fields, lengths and their encodings, masking, payloads, frame order) on the bytes
// after the decoder parameters, read as frames a client sends to a server.
//
// Input: [decoder_params: 3 bytes][bytes], at most 1024 bytes, as frame_decoder_fuzz.
//
// Oracle: frame_decoder_oracle.hpp, decoding whole (see frame_decoder_fuzz.cpp).
#include <cstddef>
#include <cstdint>

#include "frame_decoder_oracle.hpp"
#include "wsspec_custom_mutator.hpp"

WSSPEC_CUSTOM_MUTATOR(WSSPEC_FRAMES_FROM_CLIENT, 3)

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  wsspec::fuzz::frame_decoder_oracle::check_whole(data, size);
  return 0;
}
