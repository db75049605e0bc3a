// Incremental frame decoder (RFC 6455 §5.2). Bytes go in split anywhere; the decoder reports one
// step at a time: a complete header, then the payload in chunks (unmasked in place), or a named
// error. It never allocates: a declared length of 2^63 costs nothing until the bytes arrive.
//
// In strict mode (the default) the first rule a header breaks is returned as an error. In observer
// mode (used by the harness to read what a target sends) every rule the header breaks is recorded
// in violations() and decoding goes on, so a target's violation is evidence, not an exception;
// only a length with the top bit set, or over max_frame_size, stops it there too.
#pragma once

#include <cstdint>
#include <limits>
#include <span>

#include "wsspec/reference/error.hpp"
#include "wsspec/reference/frame.hpp"

namespace wsspec::ref {

struct decoder_config {
  // The role of the endpoint that decodes: a server requires masked frames (RFC 6455 §5.1), a
  // client requires unmasked ones.
  role receiver = role::server;
  bool observer = false;
  // RSV bits that a negotiated extension gives a meaning to, as in frame_header::rsv_bits()
  // (permessage-deflate: 0x4). With 0x4 allowed, RSV1 on a control or continuation frame is
  // still an error (RFC 7692 §6.1).
  std::uint8_t allowed_rsv = 0;
  std::uint64_t max_frame_size = std::numeric_limits<std::uint64_t>::max();
  // RFC 6455 §5.2 requires the minimal length encoding of the sender; a strict receiver fails
  // the connection on a non-minimal one.
  bool reject_non_minimal_length = true;
};

enum class decode_status : std::uint8_t {
  need_more,  // all input consumed; feed more bytes
  header,     // a header is complete: header() and violations() describe it
  payload,    // payload bytes (possibly none) of the current frame, unmasked in place
  error,      // a rule was broken; the decoder stops until reset()
};

struct decode_result {
  decode_status status = decode_status::need_more;
  std::size_t consumed = 0;               // bytes of the input this step used
  std::span<const std::uint8_t> payload;  // status::payload: the unmasked bytes, inside the input
  bool frame_complete = false;            // status::payload: the last chunk of this frame
  error err{};                            // status::error
};

class frame_decoder {
 public:
  explicit frame_decoder(decoder_config config = {}) noexcept : config_(config) {}

  // Decodes one step from `input`. Call again with the rest of the input (input.subspan(consumed))
  // until it returns need_more. A frame with an empty payload still yields one payload step with
  // frame_complete set (the input may then be empty).
  decode_result decode(std::span<std::uint8_t> input) noexcept;

  const frame_header& header() const noexcept { return header_; }
  // Rules the current header breaks (observer mode records all of them).
  const error_set& violations() const noexcept { return violations_; }
  // Payload bytes of the current frame not yet delivered.
  std::uint64_t remaining() const noexcept { return remaining_; }
  bool in_frame() const noexcept { return state_ == state::payload; }
  const decoder_config& config() const noexcept { return config_; }
  void set_allowed_rsv(std::uint8_t bits) noexcept { config_.allowed_rsv = bits; }
  void reset() noexcept;

 private:
  enum class state : std::uint8_t { header, payload, failed };
  decode_result finish_header() noexcept;

  decoder_config config_;
  state state_ = state::header;
  frame_header header_{};
  error_set violations_{};
  std::uint8_t buf_[max_header_size]{};
  std::uint8_t have_ = 0;
  std::uint64_t remaining_ = 0;
  std::uint64_t offset_ = 0;  // payload bytes of this frame already delivered (for unmasking)
  error failed_with_{};
};

}  // namespace wsspec::ref
