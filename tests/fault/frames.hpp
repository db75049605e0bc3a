// Frames as the faulty peer rewrites them: cut whole out of a byte stream, and written back with
// whatever header bits a planted fault chose (bits the reference itself never sends).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "wsspec/reference/frame_decoder.hpp"

namespace wsspec::fault {

struct frame {
  // The header to write; its length is that of the payload, whatever header.length says.
  ref::frame_header header;
  std::vector<std::uint8_t> payload;  // unmasked
  // Extra length bytes to write (0, 2 or 8); the minimal encoding when absent.
  std::optional<std::uint8_t> length_bytes;

  bool is(ref::opcode op) const noexcept { return header.opcode == static_cast<std::uint8_t>(op); }
  bool is_data() const noexcept { return is(ref::opcode::text) || is(ref::opcode::binary); }
};

// Appends `f` to `out`, masked with header.key when header.masked is set.
void write_frame(const frame& f, std::vector<std::uint8_t>& out);

// Cuts a byte stream into whole frames, however the bytes are split.
class frame_reader {
 public:
  // `receiver`: the role of the endpoint the frames are sent to.
  explicit frame_reader(ref::role receiver);

  // The frames that `bytes` completes.
  std::vector<frame> read(std::span<const std::uint8_t> bytes);
  // False once the stream stopped being readable as frames (a length it cannot wait for).
  bool good() const noexcept { return good_; }
  // Bytes received and not yet part of a whole frame: all that is left once !good().
  std::vector<std::uint8_t> take_unread();

 private:
  ref::frame_decoder decoder_;
  frame current_;
  std::vector<std::uint8_t> unread_;  // the current frame's bytes so far, as received
  bool good_ = true;
};

}  // namespace wsspec::fault
