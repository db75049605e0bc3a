// utf8_fuzz: the incremental UTF-8 validator (RFC 3629, as RFC 6455 §8.1 requires it) against a
// plain reference written here from the definition of UTF-8.
//
// Input: [split plan][bytes].
//
// Oracle: fed in the plan's chunks, feed() returns false exactly from the chunk holding the first
// byte that can no longer lead to valid UTF-8 (fail fast); valid_prefix() is the number of bytes
// before that byte (all bytes fed while none failed); complete() holds exactly between code
// points; a failed validator stays failed and keeps its valid_prefix. is_valid_utf8 on the whole
// input agrees with the reference, and so does one feed of the whole input after reset().
//
// The reference decodes code points arithmetically: after each byte of a sequence it asks whether
// some continuation can still give a code point that is in range for the sequence length (not an
// overlong form), at most U+10FFFF, and not a surrogate (U+D800-U+DFFF).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "fuzz_support.hpp"
#include "wsspec/reference/utf8_validator.hpp"

namespace {

// Whether a sequence of `length` bytes whose bits so far are `value`, with `left` continuation
// bytes still to come, can end as a valid code point.
bool can_finish(std::uint32_t value, int length, int left) {
  static constexpr std::uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
  const std::uint32_t low = value << (6 * left);
  const std::uint32_t high = low | ((std::uint32_t{1} << (6 * left)) - 1);
  if (high < smallest[length]) return false;          // only overlong forms remain
  if (low > 0x10FFFF) return false;                   // beyond the Unicode range
  if (low >= 0xD800 && high <= 0xDFFF) return false;  // only surrogates remain
  return true;
}

struct expectation {
  bool failed = false;
  std::size_t valid_prefix = 0;  // bytes before the first impossible byte (or all of them)
  std::vector<bool> boundary;    // boundary[i]: i bytes end between code points (i <= prefix)
};

expectation reference(std::span<const std::uint8_t> s) {
  expectation e;
  e.boundary.assign(s.size() + 1, false);
  e.boundary[0] = true;
  std::size_t i = 0;
  const auto fail_at = [&](std::size_t at) {
    e.failed = true;
    e.valid_prefix = at;
    return e;
  };
  while (i < s.size()) {
    const std::uint8_t lead = s[i];
    int length = 1;
    std::uint32_t value = lead;
    if (lead >= 0x80) {
      if ((lead & 0xE0) == 0xC0) {
        length = 2;
        value = lead & 0x1F;
      } else if ((lead & 0xF0) == 0xE0) {
        length = 3;
        value = lead & 0x0F;
      } else if ((lead & 0xF8) == 0xF0) {
        length = 4;
        value = lead & 0x07;
      } else {
        return fail_at(i);  // a continuation byte or F8-FF cannot start a sequence
      }
      if (!can_finish(value, length, length - 1)) return fail_at(i);
    }
    for (int k = 1; k < length; ++k) {
      if (i + k == s.size()) {
        e.valid_prefix = s.size();
        return e;
      }
      const std::uint8_t c = s[i + k];
      if ((c & 0xC0) != 0x80) return fail_at(i + k);
      value = (value << 6) | (c & 0x3F);
      if (!can_finish(value, length, length - 1 - k)) return fail_at(i + k);
    }
    i += length;
    e.boundary[i] = true;
  }
  e.valid_prefix = s.size();
  return e;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using wsspec::ref::utf8_validator;
  wsspec::fuzz::byte_reader in(data, size);
  const auto plan = wsspec::fuzz::split_plan::read(in);
  const auto bytes = in.rest();
  const expectation want = reference(bytes);

  utf8_validator v;
  std::size_t fed = 0;
  for (const auto chunk : plan.cut(bytes)) {
    const bool ok = v.feed(chunk);
    fed += chunk.size();
    const bool failed_by_now = want.failed && want.valid_prefix < fed;
    WSSPEC_FUZZ_CHECK(ok == !failed_by_now);
    WSSPEC_FUZZ_CHECK(v.failed() == failed_by_now);
    if (failed_by_now) {
      WSSPEC_FUZZ_CHECK(v.valid_prefix() == want.valid_prefix);
      WSSPEC_FUZZ_CHECK(!v.complete());
    } else {
      WSSPEC_FUZZ_CHECK(v.valid_prefix() == fed);
      WSSPEC_FUZZ_CHECK(v.complete() == want.boundary[fed]);
    }
  }
  if (want.failed) {
    // Failed stays failed, whatever follows.
    const std::uint8_t ascii[] = {'a'};
    WSSPEC_FUZZ_CHECK(!v.feed(ascii));
    WSSPEC_FUZZ_CHECK(v.failed() && v.valid_prefix() == want.valid_prefix);
  }

  const bool valid = !want.failed && want.boundary[bytes.size()];
  WSSPEC_FUZZ_CHECK(wsspec::ref::is_valid_utf8(bytes) == valid);
  WSSPEC_FUZZ_CHECK(wsspec::ref::is_valid_utf8(wsspec::fuzz::as_chars(bytes)) == valid);

  v.reset();
  WSSPEC_FUZZ_CHECK(v.feed(bytes) == !want.failed);
  WSSPEC_FUZZ_CHECK(v.valid_prefix() == want.valid_prefix);
  WSSPEC_FUZZ_CHECK(v.complete() == valid);
  return 0;
}
