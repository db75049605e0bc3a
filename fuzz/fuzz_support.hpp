// Shared helpers of the fuzz targets: a reader for the parameters a target takes from the front
// of its input, the split plan that cuts the rest into chunks (every parser of reference/ must
// give the same result wherever its input is split, DESIGN.md principle 2), the decoder
// parameters shared with export_seeds, and the check that traps when an oracle fails.
//
// Input layout used by the targets that split: [parameters][split plan][bytes]. A split plan is
// one byte n (low 3 bits: 0-7 chunk sizes) and n size bytes (each 1-256: the byte plus one); the
// sizes are used in turn, cycling, until the bytes run out. With n = 0 the bytes go in whole.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <span>
#include <string_view>
#include <vector>

#include "wsspec/reference/frame.hpp"
#include "wsspec/reference/frame_decoder.hpp"

// An oracle: the condition holds for every input, or the target aborts (a crash for libFuzzer, a
// failed test for the replay driver). The condition's text and line name the rule that broke.
#define WSSPEC_FUZZ_CHECK(cond)                                            \
  do {                                                                     \
    if (!(cond)) ::wsspec::fuzz::oracle_failed(#cond, __FILE__, __LINE__); \
  } while (false)

namespace wsspec::fuzz {

[[noreturn]] inline void oracle_failed(const char* what, const char* file, int line) {
  std::fprintf(stderr, "oracle failed: %s\n  at %s:%d\n", what, file, line);
  std::fflush(stderr);
  std::abort();
}

// Takes fuzzer-chosen values from the front of the input. Past the end every value is zero, so
// any input, the empty one included, reads as some valid set of parameters.
class byte_reader {
 public:
  byte_reader(const std::uint8_t* data, std::size_t size) noexcept : data_(data), size_(size) {}

  std::uint8_t byte() noexcept { return pos_ < size_ ? data_[pos_++] : 0; }
  bool flag() noexcept { return (byte() & 1) != 0; }
  std::uint16_t u16() noexcept {
    const std::uint16_t hi = byte();
    return static_cast<std::uint16_t>((hi << 8) | byte());
  }
  std::uint32_t u32() noexcept {
    const std::uint32_t hi = u16();
    return (hi << 16) | u16();
  }
  std::uint64_t u64() noexcept {
    const std::uint64_t hi = u32();
    return (hi << 32) | u32();
  }
  // Up to `n` bytes (fewer at the end of the input).
  std::span<const std::uint8_t> take(std::size_t n) noexcept {
    const std::size_t k = n < remaining() ? n : remaining();
    const std::span<const std::uint8_t> out(data_ + pos_, k);
    pos_ += k;
    return out;
  }
  std::span<const std::uint8_t> rest() noexcept { return take(remaining()); }
  std::size_t remaining() const noexcept { return size_ - pos_; }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

// Where the bytes of an input are cut before they reach the parser (see the layout above).
class split_plan {
 public:
  static split_plan read(byte_reader& in) {
    split_plan p;
    const std::size_t n = in.byte() & 7;
    for (std::size_t i = 0; i < n; ++i) p.sizes_.push_back(std::size_t{in.byte()} + 1);
    return p;
  }
  // The plan that passes the bytes whole; as bytes, a single zero.
  static std::vector<std::uint8_t> whole() { return {0}; }

  // The chunks of `bytes`, in order; together they are exactly `bytes`.
  template <class T>
  std::vector<std::span<T>> cut(std::span<T> bytes) const {
    std::vector<std::span<T>> out;
    if (sizes_.empty()) {
      out.push_back(bytes);
      return out;
    }
    std::size_t at = 0;
    for (std::size_t i = 0; at < bytes.size(); i = (i + 1) % sizes_.size()) {
      const std::size_t n = std::min(sizes_[i], bytes.size() - at);
      out.push_back(bytes.subspan(at, n));
      at += n;
    }
    return out;
  }

 private:
  std::vector<std::size_t> sizes_;
};

inline std::string_view as_chars(std::span<const std::uint8_t> bytes) noexcept {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// The frame decoder's configuration as frame_decoder_fuzz reads it: one flag byte (bit 0: the
// receiver is a client; bit 1: observer mode; bit 2: accept non-minimal lengths; bits 3-5: the
// allowed RSV bits) and a 16-bit frame size limit (0: none).
struct decoder_params {
  ref::decoder_config config;

  static decoder_params read(byte_reader& in) {
    decoder_params p;
    const std::uint8_t flags = in.byte();
    p.config.receiver = (flags & 1) != 0 ? ref::role::client : ref::role::server;
    p.config.observer = (flags & 2) != 0;
    p.config.reject_non_minimal_length = (flags & 4) == 0;
    p.config.allowed_rsv = static_cast<std::uint8_t>((flags >> 3) & 7);
    const std::uint16_t limit = in.u16();
    p.config.max_frame_size = limit == 0 ? std::numeric_limits<std::uint64_t>::max() : limit;
    return p;
  }

  // The bytes that read() turns back into this configuration (limits above 65535 become none).
  std::vector<std::uint8_t> encode() const {
    const std::uint8_t flags = static_cast<std::uint8_t>(
        (config.receiver == ref::role::client ? 1 : 0) | (config.observer ? 2 : 0) |
        (config.reject_non_minimal_length ? 0 : 4) | ((config.allowed_rsv & 7) << 3));
    const std::uint64_t limit = config.max_frame_size > 0xFFFF ? 0 : config.max_frame_size;
    return {flags, static_cast<std::uint8_t>(limit >> 8), static_cast<std::uint8_t>(limit)};
  }
};

// The 16-byte nonce of the client connections the fuzz targets drive, so that a seed can hold the
// Sec-WebSocket-Accept value that answers it (the key is base64 of these bytes).
inline constexpr std::array<std::uint8_t, 16> client_nonce{'w', 's', 's', 'p', 'e', 'c', '-', 'f',
                                                           'u', 'z', 'z', '-', 'k', 'e', 'y', '!'};

}  // namespace wsspec::fuzz
