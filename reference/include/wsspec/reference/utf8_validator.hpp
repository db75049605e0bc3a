// Incremental UTF-8 validation (RFC 3629 as required by RFC 6455 §8.1): rejects overlong forms,
// surrogates (U+D800-U+DFFF) and code points above U+10FFFF, and fails at the first byte that
// can no longer lead to valid UTF-8, so a peer sending bad text is caught as early as possible.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace wsspec::ref {

class utf8_validator {
 public:
  // Validates the next bytes. Returns false as soon as a byte cannot continue a valid sequence;
  // from then on the validator stays failed until reset().
  bool feed(std::span<const std::uint8_t> bytes) noexcept;
  bool feed(std::string_view s) noexcept {
    return feed({reinterpret_cast<const std::uint8_t*>(s.data()), s.size()});
  }
  // True when all bytes fed so far are valid and no code point is left unfinished: a text message
  // may end here. A frame may end mid-code-point; a message may not.
  bool complete() const noexcept { return state_ == 0; }
  bool failed() const noexcept { return state_ == reject_state; }
  // Bytes accepted before the first invalid byte (total bytes fed when not failed).
  std::uint64_t valid_prefix() const noexcept { return valid_; }
  void reset() noexcept {
    state_ = 0;
    valid_ = 0;
  }

  static constexpr std::uint8_t reject_state = 1;

 private:
  std::uint8_t state_ = 0;
  std::uint64_t valid_ = 0;
};

bool is_valid_utf8(std::span<const std::uint8_t> bytes) noexcept;
inline bool is_valid_utf8(std::string_view s) noexcept {
  return is_valid_utf8({reinterpret_cast<const std::uint8_t*>(s.data()), s.size()});
}

}  // namespace wsspec::ref
