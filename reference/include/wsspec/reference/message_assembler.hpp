// Turns decoded frames into messages and control frames (RFC 6455 §5.4-§5.6): enforces the
// fragmentation sequence, validates text as UTF-8 while it arrives (failing fast), bounds the
// message size and, when permessage-deflate was agreed, decompresses (RFC 7692 §6.2).
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <vector>

#include "wsspec/reference/error.hpp"
#include "wsspec/reference/frame.hpp"
#include "wsspec/reference/permessage_deflate.hpp"
#include "wsspec/reference/utf8_validator.hpp"

namespace wsspec::ref {

struct assembler_config {
  std::uint64_t max_message_size = std::numeric_limits<std::uint64_t>::max();
  bool validate_utf8 = true;
};

enum class assembled : std::uint8_t { nothing, message, control };

class message_assembler {
 public:
  explicit message_assembler(assembler_config config = {}) : config_(config) {}

  // Decompresses messages that arrive with RSV1 set; null when permessage-deflate was not agreed.
  void set_inflater(inflater* inf) noexcept { inflater_ = inf; }

  // A frame header the decoder accepted. Errors: unexpected_continuation,
  // expected_continuation, message_too_big.
  std::optional<error> on_header(const frame_header& h);
  // Payload of the current frame, in order; `frame_complete` on its last piece. Errors:
  // invalid_utf8, message_too_big, inflate_failed, decompressed_too_big.
  std::optional<error> on_payload(std::span<const std::uint8_t> chunk, bool frame_complete);

  // What the last completed frame finished: a whole data message, a control frame, or nothing
  // (a data frame that is not the last of its message).
  assembled ready() const noexcept { return ready_; }
  // The finished message: text or binary, and its (decompressed) bytes. Valid until the next
  // on_header; the caller may move the bytes out.
  opcode message_opcode() const noexcept { return message_op_; }
  std::vector<std::uint8_t>& message() noexcept { return message_; }
  // The finished control frame's opcode and payload.
  opcode control_opcode() const noexcept { return control_op_; }
  const std::vector<std::uint8_t>& control_payload() const noexcept { return control_; }
  bool in_message() const noexcept { return in_message_; }
  // A buffer a message was sent from, handed back once written: it holds the next message when
  // it is larger than the buffer the assembler has (and no message is being assembled), so that
  // a connection echoing large messages reuses one buffer, as its memory already is, instead of
  // taking new memory for each.
  void recycle(std::vector<std::uint8_t>&& buffer) noexcept;

 private:
  std::optional<error> append(std::span<const std::uint8_t> bytes, bool last);
  // Makes room for `needed` bytes of an uncompressed message.
  void grow(std::size_t needed);
  // Keeps a piece of a decompressed message: in message_ up to its first block, then in blocks_.
  void store_inflated(std::span<const std::uint8_t> piece);
  // Joins message_ and blocks_ into message_, releasing each block once it was copied.
  void join_blocks();

  assembler_config config_;
  inflater* inflater_ = nullptr;
  utf8_validator utf8_;
  bool in_message_ = false;
  bool compressed_ = false;
  bool current_is_control_ = false;
  bool current_fin_ = false;
  bool ignoring_ = false;  // the current frame is skipped (a rule switched off, see enforced())
  opcode message_op_ = opcode::text;
  opcode control_op_ = opcode::ping;
  std::vector<std::uint8_t> message_;
  // A decompressed message's bytes after its first block_size bytes, in blocks of that size:
  // its size is unknown until it ends, and a buffer grown geometrically would, on its last
  // reallocation, hold the bytes so far twice (and up to twice the message in capacity). Joined
  // into message_ when the message ends, each block released once it is copied, so the message
  // is held about once throughout.
  std::vector<std::vector<std::uint8_t>> blocks_;
  bool utf8_ok_ = true;  // the decompressed text so far is valid UTF-8
  std::vector<std::uint8_t> control_;
  std::uint64_t wire_size_ = 0;
  // The message's size once the current data frame's payload arrived, as its header declares.
  std::uint64_t frame_end_ = 0;
  assembled ready_ = assembled::nothing;
};

}  // namespace wsspec::ref
