#include "wsspec/harness/mask_keys.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <bitset>
#include <cmath>
#include <cstdio>

namespace wsspec::harness {

namespace {

// The chance that a check trips on keys from a uniform 32-bit source stays below this.
constexpr double kFalseAlarm = 1e-9;

// No verdict from fewer keys: two keys make a single step, which no check can call a pattern.
constexpr std::size_t kMinKeys = 3;

// Runs of derived keys. A run of L steps with one fixed parameter fitted from its first step has
// L - 1 steps that each match a uniform random next key with a chance of 2^-32, so the chance
// that random keys hold such a run anywhere is at most n * 32 * 2^(-32 (L-1)) (32 candidate
// rotations): for L = 3 that is n * 2^-59, below 1e-9 for any n up to 5 * 10^8 (the transcript
// keeps at most 2^18 keys). Long sequences need 8 steps so that a source that is random but
// draws from few values (reported by the statistics) seldom forms a run by chance and gets a
// misleading label.
constexpr std::size_t kLongRun = 8;
constexpr std::size_t kMinRun = 3;
// lcg_mask_keys fits two values (a and c) from the first two steps: one more step keeps two
// checked steps, the same n * 2^-64 bound.
constexpr std::size_t kMinLcgRun = 4;

// Statistics need a sample: at 16 keys a single repeat is already within chance (see
// mask_key_repeats_allowed), so no verdict rests on one coincidence.
constexpr std::size_t kMinStatisticalKeys = 16;

// A bit is stuck when all n keys agree on it. For random keys one of 32 bits does so with a
// chance of at most 32 * 2 * 2^-n = 2^(6-n): 5.8e-11 at n = 40.
constexpr std::size_t kMinStuckBitKeys = 40;

// A byte position is low-entropy when it takes at most this many distinct values (it carries at
// most 7 of its 8 bits) and chance cannot explain it (see few_values_by_chance).
constexpr std::size_t kMaxLowEntropyValues = 128;

std::string hex32(std::uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", static_cast<unsigned>(v));
  return buf;
}

// Two significant digits, whole numbers from 10 on: 0.00047, 0.5, 4.7, 251.
std::string approx(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, v >= 10 ? "%.0f" : "%.2g", v);
  return buf;
}

const char* const kRandom =
    "RFC 6455 §5.3: the masking key is \"a 32-bit value chosen at random by the client\"";
const char* const kFresh =
    "RFC 6455 §5.3: \"the client MUST pick a fresh masking key\" for each masked frame; §10.3: "
    "\"Clients MUST choose a new masking key for each frame\"";
const char* const kEntropy =
    "RFC 6455 §5.3: a fresh masking key \"from the set of allowed 32-bit values\", \"derived "
    "from a strong source of entropy\"";
const char* const kPredict =
    "RFC 6455 §5.3: the masking key for a given frame \"MUST NOT make it simple for a "
    "server/proxy to predict the masking key for a subsequent frame\"; §10.3: with \"a "
    "decipherable pattern for how the next key is chosen\" an attacker chooses the bytes on the "
    "wire";

// A stretch of consecutive keys that follow from each other: steps first .. first + steps - 1,
// where step i leads from key i to key i + 1.
struct key_run {
  std::size_t first = 0;
  std::size_t steps = 0;
  std::uint32_t a = 0;  // counter and xor: the step; lcg: the multiplier
  std::uint32_t c = 0;  // rotation and lcg: the constant XORed or added
  unsigned r = 0;       // rotation: the bits rotated left
};

// The fewest steps a run needs to be reported in n keys; SIZE_MAX when n is too short.
std::size_t needed_steps(std::size_t n, std::size_t least) {
  if (n - 1 < least) return SIZE_MAX;
  return std::min(kLongRun, n - 1);
}

std::string run_keys(const key_run& r) {
  return "keys " + std::to_string(r.first + 1) + " to " + std::to_string(r.first + r.steps + 1);
}

std::string run_length(const key_run& r) {
  return std::to_string(r.steps) + " steps in a row";
}

// k[i+1] = k[i] + s. A step of 2^31 flips only the top bit, so two keys alternate: that is the
// XOR check's.
key_run longest_counter(std::span<const std::uint32_t> k) {
  key_run best, cur;
  for (std::size_t i = 0; i + 1 < k.size(); ++i) {
    const std::uint32_t s = k[i + 1] - k[i];
    if (s == 0 || s == 0x80000000u) {
      cur.steps = 0;
      continue;
    }
    if (cur.steps > 0 && s == cur.a) {
      ++cur.steps;
    } else {
      cur = {i, 1, s, 0, 0};
    }
    if (cur.steps > best.steps) best = cur;
  }
  return best;
}

// k[i+1] = k[i] ^ x with x non-zero.
key_run longest_xor_step(std::span<const std::uint32_t> k) {
  key_run best, cur;
  for (std::size_t i = 0; i + 1 < k.size(); ++i) {
    const std::uint32_t x = k[i + 1] ^ k[i];
    if (x == 0) {
      cur.steps = 0;
      continue;
    }
    if (cur.steps > 0 && x == cur.a) {
      ++cur.steps;
    } else {
      cur = {i, 1, x, 0, 0};
    }
    if (cur.steps > best.steps) best = cur;
  }
  return best;
}

// k[i+1] = rotl(k[i], r) ^ c for 1 <= r <= 31. Two steps share c exactly when the second XOR
// difference is the first rotated, x[i] = rotl(x[i-1], r) with x[i] = k[i+1] ^ k[i], and rotation
// keeps the number of set bits: most pairs of random keys are ruled out by that count alone. A
// step counts only when the rotation moves the key and the key changes; a run does not go on
// through two alternating keys (the XOR check's).
key_run longest_rotation(std::span<const std::uint32_t> k) {
  key_run best;
  std::array<key_run, 32> cur{};  // by r: the latest run of steps with that rotation
  for (std::size_t i = 1; i + 1 < k.size(); ++i) {
    const std::uint32_t x0 = k[i] ^ k[i - 1];
    const std::uint32_t x1 = k[i + 1] ^ k[i];
    if (x0 == 0 || x1 == 0 || x0 == x1 || std::popcount(x0) != std::popcount(x1)) continue;
    for (unsigned r = 1; r < 32; ++r) {
      const int shift = static_cast<int>(r);
      if (x1 != std::rotl(x0, shift) || std::rotl(k[i], shift) == k[i]) continue;
      key_run& run = cur[r];
      if (run.steps > 0 && run.first + run.steps == i) {
        ++run.steps;
      } else if (std::rotl(k[i - 1], shift) != k[i - 1]) {
        run = {i - 1, 2, 0, k[i] ^ std::rotl(k[i - 1], shift), r};
      } else {
        continue;
      }
      if (run.steps > best.steps) best = run;
    }
  }
  return best;
}

// The inverse of an odd number modulo 2^32 (Newton's iteration doubles the correct bits: 3, 6,
// 12, 24, 48).
std::uint32_t inverse_odd(std::uint32_t u) {
  std::uint32_t x = u;
  for (int i = 0; i < 4; ++i) x *= 2 - u * x;
  return x;
}

// k[i+1] = a * k[i] + c (mod 2^32). Then the steps d[i] = k[i+1] - k[i] obey d[i+1] = a * d[i].
// With d[i] = 2^v * u (u odd), that fixes a modulo 2^(32-v), which is all the run depends on
// (every later difference is a multiple of 2^v), so any a of that class with
// c = k[i+1] - a * k[i] reproduces the run.
key_run longest_lcg(std::span<const std::uint32_t> k) {
  key_run best;
  const std::size_t n = k.size();
  for (std::size_t i = 0; i + 2 < n;) {
    const std::uint32_t d0 = k[i + 1] - k[i];
    const std::uint32_t d1 = k[i + 2] - k[i + 1];
    const int v = std::countr_zero(d0);
    if (d0 == 0 || d1 == 0 || d1 == d0 || d1 == 0u - d0 || std::countr_zero(d1) < v) {
      ++i;
      continue;
    }
    const std::uint32_t a = (d1 >> v) * inverse_odd(d0 >> v);
    const std::uint32_t c = k[i + 1] - a * k[i];
    std::size_t j = i + 2;  // steps i and i + 1 hold by construction
    while (j + 1 < n && k[j + 1] != k[j] && k[j + 1] == a * k[j] + c) ++j;
    const key_run run{i, j - i, a, c, 0};
    if (run.steps > best.steps) best = run;
    // Another run can share at most one step with this one: two shared steps fix the same a.
    i = run.steps > 2 ? j - 1 : i + 1;
  }
  return best;
}

// The smallest p with k[i] == k[i + p] for every i: n minus the longest proper border (the
// Knuth-Morris-Pratt failure function).
std::size_t smallest_period(std::span<const std::uint32_t> k) {
  const std::size_t n = k.size();
  std::vector<std::size_t> border(n, 0);
  for (std::size_t i = 1; i < n; ++i) {
    std::size_t j = border[i - 1];
    while (j > 0 && k[i] != k[j]) j = border[j - 1];
    if (k[i] == k[j]) ++j;
    border[i] = j;
  }
  return n - border[n - 1];
}

// Keys that equal an earlier key: n minus the distinct keys.
std::uint64_t count_repeats(std::span<const std::uint32_t> k) {
  // Sorted by a radix sort, a byte at a time from the lowest: linear in n.
  std::vector<std::uint32_t> sorted(k.begin(), k.end());
  std::vector<std::uint32_t> spare(k.size());
  for (int shift = 0; shift < 32; shift += 8) {
    std::array<std::size_t, 257> at{};
    for (const std::uint32_t key : sorted) ++at[((key >> shift) & 0xFF) + 1];
    for (std::size_t b = 1; b < at.size(); ++b) at[b] += at[b - 1];
    for (const std::uint32_t key : sorted) spare[at[(key >> shift) & 0xFF]++] = key;
    sorted.swap(spare);
  }
  std::uint64_t repeats = 0;
  for (std::size_t i = 1; i < sorted.size(); ++i) repeats += sorted[i] == sorted[i - 1];
  return repeats;
}

// The expected number of equal pairs among n uniformly random 32-bit keys.
double expected_equal_pairs(std::uint64_t n) {
  return static_cast<double>(n) * static_cast<double>(n - 1) / 2.0 / 4294967296.0;
}

// Whether n random bytes plausibly take as few as d distinct values: they all fall in some set
// of d values with a chance of at most C(256, d) * (d / 256)^n (a union over the sets). Under
// 1e-9 / 4 for each of the 4 byte positions, the 4 together stay under 1e-9. For example at
// n = 256 only 119 or fewer values are below it (a random byte shows about 162), and from
// n = 283 on every count up to 128.
bool few_values_by_chance(std::size_t d, std::size_t n) {
  double log_sets = 0;  // ln C(256, d)
  for (std::size_t i = 0; i < d; ++i)
    log_sets += std::log(256.0 - static_cast<double>(i)) - std::log(static_cast<double>(i) + 1);
  const double log_bound =
      log_sets + static_cast<double>(n) * std::log(static_cast<double>(d) / 256.0);
  return log_bound > std::log(kFalseAlarm / 4);
}

void judge_runs(std::span<const std::uint32_t> k, std::vector<mask_key_finding>& out, bool& whole) {
  const std::size_t n = k.size();
  const std::size_t need = needed_steps(n, kMinRun);
  const auto covers_all = [&](const key_run& r) { return r.steps == n - 1; };

  if (const key_run r = longest_counter(k); r.steps >= need) {
    out.push_back({"counter_mask_keys",
                   run_keys(r) + " each add " + hex32(r.a) + " to the key before (" +
                       run_length(r) + "), so every next key is predictable (" + kPredict + ")"});
    whole = whole || covers_all(r);
  }
  if (const key_run r = longest_xor_step(k); r.steps >= need) {
    out.push_back({"xor_stepped_mask_keys",
                   run_keys(r) + " each XOR the key before with " + hex32(r.a) + " (" +
                       run_length(r) + "), so every next key is predictable (" + kPredict + ")"});
    whole = whole || covers_all(r);
  }
  if (const key_run r = longest_rotation(k); r.steps >= need) {
    std::string how = "rotate the key before left by " + std::to_string(r.r) + " bits";
    if (r.c != 0) how += " and XOR it with " + hex32(r.c);
    out.push_back({"rotated_mask_keys", run_keys(r) + " each " + how + " (" + run_length(r) +
                                            "), so every next key is predictable (" + kPredict +
                                            ")"});
    whole = whole || covers_all(r);
  }
  if (const key_run r = longest_lcg(k); r.steps >= needed_steps(n, kMinLcgRun)) {
    out.push_back({"lcg_mask_keys",
                   run_keys(r) + " each follow from the key before as k * " + hex32(r.a) + " + " +
                       hex32(r.c) + " mod 2^32, a linear congruential generator (" + run_length(r) +
                       "), so every next key is predictable (" + kPredict + ")"});
    whole = whole || covers_all(r);
  }
}

void judge_cycle(std::span<const std::uint32_t> k, std::vector<mask_key_finding>& out,
                 bool& whole) {
  const std::size_t n = k.size();
  const std::size_t p = smallest_period(k);
  // Random keys repeat a period p <= n/2 through n - p >= n/2 >= 2 chance equalities, each 2^-32.
  if (p < 2 || p > n / 2) return;
  out.push_back(
      {"short_mask_key_cycle", "the " + std::to_string(n) + " keys repeat a cycle of " +
                                   std::to_string(p) + " keys, so every key after the first " +
                                   std::to_string(p) + " is predictable (" + kPredict + ")"});
  whole = true;
}

void judge_repeats(std::span<const std::uint32_t> k, std::vector<mask_key_finding>& out) {
  const std::uint64_t n = k.size();
  const std::uint64_t repeats = count_repeats(k);
  const std::uint64_t allowed = mask_key_repeats_allowed(n);
  if (repeats <= allowed) return;
  out.push_back({"mask_key_repeats",
                 std::to_string(repeats) + " of " + std::to_string(n) +
                     " keys repeat an earlier one; a random 32-bit source repeats about " +
                     approx(expected_equal_pairs(n)) + " and at most " + std::to_string(allowed) +
                     " by chance (" + kFresh + ")"});
}

// Returns the key bits of the byte positions it reports.
std::uint32_t judge_bytes(std::span<const std::uint32_t> k, std::vector<mask_key_finding>& out) {
  const std::size_t n = k.size();
  std::array<std::bitset<256>, 4> seen;
  for (const std::uint32_t key : k)
    for (std::size_t b = 0; b < 4; ++b) seen[b].set((key >> (24 - 8 * b)) & 0xFF);
  std::size_t most_flagged = 0;  // the most distinct values that chance cannot explain
  for (std::size_t d = 1; d <= kMaxLowEntropyValues && !few_values_by_chance(d, n); ++d)
    most_flagged = d;
  std::string which;
  std::uint32_t bits = 0;
  for (std::size_t b = 0; b < 4; ++b) {
    const std::size_t d = seen[b].count();
    if (d > most_flagged) continue;
    which += which.empty() ? "key byte " + std::to_string(b) + " takes only " + std::to_string(d) +
                                 " of the 256 values"
                           : ", byte " + std::to_string(b) + " only " + std::to_string(d);
    bits |= 0xFFu << (24 - 8 * b);
  }
  if (bits == 0) return 0;
  const double expected = 256.0 * (1.0 - std::pow(255.0 / 256.0, static_cast<double>(n)));
  out.push_back({"low_entropy_mask_key_bytes",
                 "over " + std::to_string(n) + " keys, " + which + "; a random byte takes about " +
                     approx(expected) + ", and " + std::to_string(most_flagged) +
                     " or fewer only with a chance below 1e-9 (" + kEntropy + ")"});
  return bits;
}

void judge_stuck_bits(std::span<const std::uint32_t> k, std::uint32_t reported,
                      std::vector<mask_key_finding>& out) {
  if (k.size() < kMinStuckBitKeys) return;
  std::uint32_t all = 0xFFFFFFFFu;
  std::uint32_t any = 0;
  for (const std::uint32_t key : k) {
    all &= key;
    any |= key;
  }
  const std::uint32_t stuck = ~(all ^ any) & ~reported;
  if (stuck == 0) return;
  const int count = std::popcount(stuck);
  out.push_back(
      {"stuck_mask_key_bits",
       "over " + std::to_string(k.size()) + " keys, the key bits " + hex32(stuck) + " (" +
           std::to_string(count) + (count == 1 ? " bit) never changes" : " bits) never change") +
           ", so the keys come from at most 2^" + std::to_string(32 - count) +
           " of the 2^32 values, where random keys leave a " +
           "bit unchanged over 40 or more keys only with a chance below 1e-10 (" + kEntropy + ")"});
}

}  // namespace

std::uint64_t mask_key_repeats_allowed(std::uint64_t n) {
  // Keys equal to an earlier key are at most the equal pairs among all keys, whose number is
  // close to Poisson with mean lambda = n(n-1)/2 / 2^32. The limit is the largest t with
  // P(X >= t) >= 1e-9. For n = 65 536, lambda = 0.49999: P(X >= 9) = 3.6e-9 and
  // P(X >= 10) = 1.7e-10, so 9. For n = 1000, lambda = 1.2e-4: P(X >= 2) = 6.8e-9 and
  // P(X >= 3) = 2.6e-13, so 2. For n = 200 000, lambda = 4.66: the limit is 23.
  if (n < 2) return 0;
  const double lambda = expected_equal_pairs(n);
  // The terms ln P(X = t), from t = 0 up to far beyond the limit, summed from the top down.
  const auto top = static_cast<std::size_t>(std::ceil(lambda + 40.0 * std::sqrt(lambda) + 60.0));
  std::vector<double> log_term(top + 1);
  log_term[0] = -lambda;
  for (std::size_t t = 1; t <= top; ++t)
    log_term[t] = log_term[t - 1] + std::log(lambda) - std::log(static_cast<double>(t));
  double tail = 0;
  for (std::size_t t = top + 1; t-- > 0;) {
    tail += std::exp(log_term[t]);
    if (tail >= kFalseAlarm) return t;
  }
  return 0;
}

std::vector<mask_key_finding> judge_mask_keys(std::span<const std::uint32_t> keys) {
  std::vector<mask_key_finding> out;
  const std::size_t n = keys.size();
  if (n < kMinKeys) return out;

  // Random keys: all equal with a chance of 2^(-32 (n-1)), 5.4e-20 for 3 keys.
  if (std::all_of(keys.begin(), keys.end(), [&](std::uint32_t k) { return k == keys[0]; })) {
    if (keys[0] == 0) {
      out.push_back({"zero_mask_key", "all " + std::to_string(n) +
                                          " keys are 0x00000000, so the payload goes on the "
                                          "wire unmasked (" +
                                          kRandom + ", and fresh for each frame)"});
    } else {
      out.push_back({"constant_mask_key", "all " + std::to_string(n) + " keys are " +
                                              hex32(keys[0]) + " (" + kFresh + ")"});
    }
    return out;
  }

  // Set when a finding explains every key, which the statistics would only restate.
  bool whole = false;
  judge_runs(keys, out, whole);
  if (!whole) judge_cycle(keys, out, whole);
  if (whole || n < kMinStatisticalKeys) return out;
  judge_repeats(keys, out);
  const std::uint32_t reported = judge_bytes(keys, out);
  judge_stuck_bits(keys, reported, out);
  return out;
}

}  // namespace wsspec::harness
