#include "wsspec/reference/message_assembler.hpp"

#include <algorithm>

#include "wsspec/reference/enforcement.hpp"

namespace wsspec::ref {

namespace {
constexpr std::uint64_t reserve_limit = 1 << 20;
// A decompressed message is kept in blocks of this many bytes past its first block.
constexpr std::size_t block_size = 256 * 1024;
}  // namespace

std::optional<error> message_assembler::on_header(const frame_header& h) {
  ready_ = assembled::nothing;
  ignoring_ = false;
  if (is_control(h.opcode)) {
    current_is_control_ = true;
    control_op_ = static_cast<opcode>(h.opcode);
    control_.clear();
    return std::nullopt;
  }
  current_is_control_ = false;
  current_fin_ = h.fin;
  if (h.opcode == static_cast<std::uint8_t>(opcode::continuation)) {
    // RFC 6455 §5.4: a continuation frame only continues a message that was started.
    if (!in_message_) {
      if (enforced(error::unexpected_continuation)) return error::unexpected_continuation;
      // A lax reader skips the frame.
      ignoring_ = true;
      return std::nullopt;
    }
  } else {
    // RFC 6455 §5.4: the fragments of one message are not interleaved with another message; a
    // lax reader drops the unfinished message and starts the new one.
    if (in_message_ && enforced(error::expected_continuation)) return error::expected_continuation;
    in_message_ = true;
    message_op_ = static_cast<opcode>(h.opcode);
    message_.clear();
    blocks_.clear();
    utf8_ok_ = true;
    wire_size_ = 0;
    utf8_.reset();
    compressed_ = h.rsv1 && inflater_ != nullptr;
  }
  frame_end_ = message_.size() + h.length;
  wire_size_ += h.length;
  // Room for the frame's payload, so that a message arriving in pieces is not copied again and
  // again; bounded, as nothing is allocated for bytes that have not arrived (a declared length is
  // only a claim).
  if (!compressed_ && wire_size_ <= config_.max_message_size) {
    const std::size_t needed = message_.size() + static_cast<std::size_t>(std::min<std::uint64_t>(
                                                     h.length, reserve_limit));
    // Grow geometrically: many small fragments must not each cost a reallocation.
    if (needed > message_.capacity()) message_.reserve(std::max(needed, 2 * message_.capacity()));
  }
  // RFC 6455 §10.4: an endpoint bounds the size of the messages it accepts. A compressed
  // message is bounded by its decompressed size instead, as it arrives.
  if (!compressed_ && wire_size_ > config_.max_message_size) return error::message_too_big;
  if (wire_size_ < h.length) return error::message_too_big;  // the sum wrapped around
  return std::nullopt;
}

void message_assembler::grow(std::size_t needed) {
  if (needed <= message_.capacity()) return;
  // Geometric growth copies a message arriving in many pieces a bounded number of times. Near
  // the end of the frame the buffer grows to exactly the frame's end, for it to be the last
  // copy: one more doubling would hold the whole message twice while it copies.
  std::uint64_t want = std::max<std::uint64_t>(needed, 2 * std::uint64_t{message_.capacity()});
  if (frame_end_ >= needed && frame_end_ <= 2 * want) want = frame_end_;
  message_.reserve(static_cast<std::size_t>(want));
}

void message_assembler::store_inflated(std::span<const std::uint8_t> piece) {
  // RFC 6455 §8.1: text is UTF-8; the check runs on the bytes as they are decompressed.
  if (message_op_ == opcode::text && config_.validate_utf8 && utf8_ok_)
    utf8_ok_ = utf8_.feed(piece);
  const std::size_t needed = message_.size() + piece.size();
  if (blocks_.empty() && needed <= std::max(block_size, message_.capacity())) {
    // Within the buffer at hand, else geometric growth up to the first block's size.
    if (needed > message_.capacity())
      message_.reserve(std::min(block_size, std::max(needed, 2 * message_.capacity())));
    message_.insert(message_.end(), piece.begin(), piece.end());
    return;
  }
  if (blocks_.empty() || blocks_.back().size() + piece.size() > block_size) {
    blocks_.emplace_back().reserve(std::max(block_size, piece.size()));
  }
  blocks_.back().insert(blocks_.back().end(), piece.begin(), piece.end());
}

void message_assembler::recycle(std::vector<std::uint8_t>&& buffer) noexcept {
  if (in_message_ || buffer.capacity() <= message_.capacity()) return;
  buffer.clear();
  message_ = std::move(buffer);
}

void message_assembler::join_blocks() {
  if (blocks_.empty()) return;
  std::vector<std::uint8_t> whole;
  whole.reserve(static_cast<std::size_t>(inflater_->message_size()));
  whole.insert(whole.end(), message_.begin(), message_.end());
  message_ = std::vector<std::uint8_t>();
  for (auto& block : blocks_) {
    whole.insert(whole.end(), block.begin(), block.end());
    block = std::vector<std::uint8_t>();
  }
  blocks_.clear();
  message_ = std::move(whole);
}

std::optional<error> message_assembler::append(std::span<const std::uint8_t> bytes, bool last) {
  if (compressed_) {
    // RFC 7692 §7.2.2: the payload of all the message's frames together is one DEFLATE block
    // sequence; the inflater is told when the message's last frame is complete.
    // RFC 7692 §6.2: data that does not decompress fails the connection. A receiver with the
    // rule switched off delivers whatever it could inflate.
    const auto e = inflater_->decompress(
        bytes, last, [this](std::span<const std::uint8_t> piece) { store_inflated(piece); });
    if (e && (*e != error::inflate_failed || enforced(error::inflate_failed))) return e;
    // RFC 6455 §8.1: an endpoint fails the connection at the first invalid byte rather than
    // waiting for the rest of the message.
    if (!utf8_ok_) return error::invalid_utf8;
    if (last) join_blocks();
    return std::nullopt;
  }
  const std::size_t before = message_.size();
  grow(message_.size() + bytes.size());
  message_.insert(message_.end(), bytes.begin(), bytes.end());
  if (message_op_ == opcode::text && config_.validate_utf8) {
    // RFC 6455 §8.1: text is UTF-8; an endpoint fails the connection at the first invalid
    // byte rather than waiting for the rest of the message.
    if (!utf8_.feed(std::span<const std::uint8_t>(message_).subspan(before)))
      return error::invalid_utf8;
  }
  return std::nullopt;
}

std::optional<error> message_assembler::on_payload(std::span<const std::uint8_t> chunk,
                                                   bool frame_complete) {
  if (ignoring_) return std::nullopt;
  if (current_is_control_) {
    control_.insert(control_.end(), chunk.begin(), chunk.end());
    if (frame_complete) ready_ = assembled::control;
    return std::nullopt;
  }
  if (auto e = append(chunk, frame_complete && current_fin_)) return e;
  if (frame_complete && current_fin_) {
    // RFC 6455 §8.1: a text message must not end in the middle of a code point.
    if (message_op_ == opcode::text && config_.validate_utf8 && !utf8_.complete())
      return error::invalid_utf8;
    in_message_ = false;
    ready_ = assembled::message;
  }
  return std::nullopt;
}

}  // namespace wsspec::ref
