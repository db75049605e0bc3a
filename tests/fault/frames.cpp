#include "frames.hpp"

#include <utility>

#include "wsspec/reference/mask.hpp"

namespace wsspec::fault {

void write_frame(const frame& f, std::vector<std::uint8_t>& out) {
  const ref::frame_header& h = f.header;
  const std::uint64_t length = f.payload.size();
  const std::uint8_t extra = f.length_bytes.value_or(ref::minimal_length_bytes(length));
  out.push_back(
      static_cast<std::uint8_t>((h.fin ? 0x80 : 0) | (h.rsv_bits() << 4) | (h.opcode & 0x0F)));
  // RFC 6455 §5.2: a 7-bit length, or 126 / 127 followed by a 16-bit / 64-bit length.
  const std::uint8_t mask_bit = h.masked ? 0x80 : 0;
  if (extra == 0) {
    out.push_back(static_cast<std::uint8_t>(mask_bit | length));
  } else {
    out.push_back(static_cast<std::uint8_t>(mask_bit | (extra == 2 ? 126 : 127)));
    for (int shift = 8 * (extra - 1); shift >= 0; shift -= 8)
      out.push_back(static_cast<std::uint8_t>(length >> shift));
  }
  if (h.masked) out.insert(out.end(), h.key.begin(), h.key.end());
  const std::size_t at = out.size();
  out.insert(out.end(), f.payload.begin(), f.payload.end());
  if (h.masked) ref::apply_mask(std::span<std::uint8_t>(out).subspan(at), h.key);
}

frame_reader::frame_reader(ref::role receiver)
    : decoder_(ref::decoder_config{.receiver = receiver, .observer = true}) {}

std::vector<frame> frame_reader::read(std::span<const std::uint8_t> bytes) {
  std::vector<frame> out;
  const std::size_t before = unread_.size();
  unread_.insert(unread_.end(), bytes.begin(), bytes.end());
  if (!good_) return out;
  // The decoder unmasks in place: it works on a copy, unread_ keeps the bytes as received.
  std::vector<std::uint8_t> work(bytes.begin(), bytes.end());
  std::span<std::uint8_t> rest(work);
  std::size_t used = before;
  for (;;) {
    const ref::decode_result r = decoder_.decode(rest);
    rest = rest.subspan(r.consumed);
    used += r.consumed;
    if (r.status == ref::decode_status::need_more) break;
    if (r.status == ref::decode_status::error) {
      good_ = false;
      break;
    }
    if (r.status == ref::decode_status::header) {
      // A non-minimal length encoding is kept: it may be what a case sent on purpose.
      const ref::frame_header& h = decoder_.header();
      current_ = frame{h, {}, std::nullopt};
      if (h.length_bytes != ref::minimal_length_bytes(h.length))
        current_.length_bytes = h.length_bytes;
      continue;
    }
    current_.payload.insert(current_.payload.end(), r.payload.begin(), r.payload.end());
    if (!r.frame_complete) continue;
    out.push_back(std::move(current_));
    current_ = {};
    unread_.erase(unread_.begin(), unread_.begin() + static_cast<std::ptrdiff_t>(used));
    used = 0;
  }
  return out;
}

std::vector<std::uint8_t> frame_reader::take_unread() {
  return std::exchange(unread_, {});
}

}  // namespace wsspec::fault
