#include "wsspec_custom_mutator.hpp"

#include <algorithm>
#include <span>
#include <vector>

#include "wsspec/harness/mutator.hpp"

// libFuzzer's byte mutator: defined when the target is linked with libFuzzer, null otherwise
// (a weak reference, so that replay drivers link without it).
extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size)
    __attribute__((weak));

namespace {

using namespace wsspec;
namespace fz = harness::fuzzing;

ref::role role_of(int sender) {
  return sender == WSSPEC_FRAMES_FROM_SERVER ? ref::role::server : ref::role::client;
}

// A frame boundary of data[prefix, size), chosen by `g`: 0, or the end of one of its first
// frames.
size_t cut_at(const uint8_t* data, size_t size, size_t prefix, fz::generator& g) {
  if (size <= prefix) return 0;
  const auto ends = fz::frame_ends(std::span<const uint8_t>(data + prefix, size - prefix), 64);
  const auto pick = g.below(ends.size() + 1);
  return pick == 0 ? 0 : ends[pick - 1];
}

}  // namespace

extern "C" size_t wsspec_mutate_frames(uint8_t* data, size_t size, size_t max_size,
                                       unsigned int seed, size_t prefix, int sender) {
  fz::generator g(seed);
  const bool bytes_only = max_size <= prefix;
  if ((g.chance(1, 8) || bytes_only) && LLVMFuzzerMutate != nullptr && size > 0)
    return LLVMFuzzerMutate(data, size, max_size);
  if (bytes_only) return std::min(size, max_size);
  if (size < prefix) {
    std::fill(data + size, data + prefix, uint8_t{0});
    size = prefix;
  }
  return prefix + fz::mutate_frame_bytes(data + prefix, size - prefix, max_size - prefix, g.next(),
                                         role_of(sender));
}

extern "C" size_t wsspec_cross_over_frames(const uint8_t* data1, size_t size1, const uint8_t* data2,
                                           size_t size2, uint8_t* out, size_t max_out,
                                           unsigned int seed, size_t prefix) {
  // The first input's prefix and frames up to a boundary, then the second's from a boundary on
  // (what follows its last whole frame included).
  fz::generator g(seed);
  const size_t head = std::min(prefix, max_out);
  std::fill_n(out, head, uint8_t{0});
  std::copy_n(data1, std::min(head, size1), out);
  size_t n = head;
  const auto append = [&](const uint8_t* from, size_t count) {
    count = std::min(count, max_out - n);
    std::copy_n(from, count, out + n);
    n += count;
  };
  append(data1 + std::min(prefix, size1), cut_at(data1, size1, prefix, g));
  const size_t second = std::min(prefix, size2) + cut_at(data2, size2, prefix, g);
  append(data2 + second, size2 - second);
  return n;
}
