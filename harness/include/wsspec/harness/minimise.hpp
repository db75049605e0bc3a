// Smaller versions of a fuzzed stimulus, for minimising a finding: each candidate removes or
// shrinks one thing, so that a finding is kept with the fewest steps, frames, writes and bytes
// that still reproduce it. Pure.
#pragma once

#include <vector>

#include "wsspec/harness/case.hpp"

namespace wsspec::harness::fuzzing {

// One-step reductions of `c`, biggest first: a step left out; a frame left out; a step sent in
// one write without pauses; a payload (or a Close reason) cut to its first half, or emptied; the
// frames after a Close left out; a request written by hand, an extra header or a left-out header
// back to the default. Every candidate is strictly smaller than `c` (see stimulus_size).
std::vector<case_def> reductions(const case_def& c);

// A measure that every reduction lowers: steps, frames, writes and payload bytes, weighted.
std::uint64_t stimulus_size(const case_def& c);

}  // namespace wsspec::harness::fuzzing
