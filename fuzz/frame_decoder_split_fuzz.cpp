// frame_decoder_split_fuzz: the incremental frame decoder (RFC 6455 §5.2) on arbitrary bytes,
// decoded whole and again cut into chunks.
//
// Input: [decoder_params: 3 bytes][split plan][bytes] (see fuzz_support.hpp).
//
// Oracle: the bytes are decoded whole and again cut at the plan's boundaries; both give the same
// sequence of headers, violation sets, frame payloads and error, and end in the same state
// (DESIGN.md principle 2). Both passes make the checks of frame_decoder_oracle.hpp that do not
// need the header's bytes in place (each step makes progress, need_more consumes all input,
// violation sets are exactly the rules broken, an error sticks), and the whole pass all of them.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "frame_decoder_oracle.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace wsspec::fuzz;
  byte_reader in(data, size);
  const auto params = decoder_params::read(in);
  const auto plan = split_plan::read(in);
  const auto bytes = in.rest();
  const std::vector<std::uint8_t> pristine(bytes.begin(), bytes.end());

  std::vector<std::uint8_t> whole_copy = pristine;
  const frame_decoder_oracle::pass whole = frame_decoder_oracle::decode(
      params.config, {std::span<std::uint8_t>(whole_copy)}, pristine, true);

  std::vector<std::uint8_t> split_copy = pristine;
  const frame_decoder_oracle::pass split = frame_decoder_oracle::decode(
      params.config, plan.cut(std::span<std::uint8_t>(split_copy)), pristine, false);

  WSSPEC_FUZZ_CHECK(whole.failed == split.failed);
  WSSPEC_FUZZ_CHECK(whole.trace == split.trace);
  return 0;
}
