#include "wsspec/reference/frame_decoder.hpp"

#include <algorithm>
#include <cstring>

#include "wsspec/reference/enforcement.hpp"
#include "wsspec/reference/mask.hpp"

namespace wsspec::ref {
namespace {

// RFC 6455 §5.2: the header is 2 octets, then 0, 2 or 8 octets of extended payload length
// (7-bit length 126 or 127), then the 4-octet masking key when the MASK bit is set. Returns 2
// while the first two octets are not all known.
std::size_t header_size(const std::uint8_t* buf, std::size_t have) noexcept {
  if (have < 2) return 2;
  const std::uint8_t len7 = buf[1] & 0x7F;
  const std::size_t extended = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
  return 2 + extended + ((buf[1] & 0x80) != 0 ? 4 : 0);
}

decode_result error_result(error e, std::size_t consumed) noexcept {
  decode_result r;
  r.status = decode_status::error;
  r.consumed = consumed;
  r.err = e;
  return r;
}

}  // namespace

decode_result frame_decoder::decode(std::span<std::uint8_t> input) noexcept {
  if (state_ == state::failed) return error_result(failed_with_, 0);

  if (state_ == state::payload) {
    const std::size_t n =
        static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, input.size()));
    decode_result r;
    if (n == 0 && remaining_ != 0) return r;
    const std::span<std::uint8_t> chunk = input.first(n);
    // RFC 6455 §5.3: a masked payload is unmasked with the key, octet i with key octet i MOD 4
    // counted from the start of the frame's payload.
    if (header_.masked) apply_mask(chunk, header_.key, offset_);
    offset_ += n;
    remaining_ -= n;
    r.status = decode_status::payload;
    r.consumed = n;
    r.payload = chunk;
    r.frame_complete = remaining_ == 0;
    if (r.frame_complete) {
      state_ = state::header;
      have_ = 0;
    }
    return r;
  }

  // Fast path: the whole header is in the input.
  if (have_ == 0 && input.size() >= 2) {
    const std::size_t need = header_size(input.data(), 2);
    if (input.size() >= need) {
      std::memcpy(buf_, input.data(), need);
      have_ = static_cast<std::uint8_t>(need);
      decode_result r = finish_header();
      r.consumed = need;
      return r;
    }
  }

  std::size_t used = 0;
  for (;;) {
    const std::size_t need = header_size(buf_, have_);
    if (have_ >= need) break;
    const std::size_t take = std::min(need - have_, input.size() - used);
    if (take == 0) {
      decode_result r;
      r.consumed = used;
      return r;
    }
    std::memcpy(buf_ + have_, input.data() + used, take);
    have_ = static_cast<std::uint8_t>(have_ + take);
    used += take;
  }
  decode_result r = finish_header();
  r.consumed = used;
  return r;
}

decode_result frame_decoder::finish_header() noexcept {
  const std::uint8_t b0 = buf_[0];
  const std::uint8_t b1 = buf_[1];
  header_.fin = (b0 & 0x80) != 0;
  header_.rsv1 = (b0 & 0x40) != 0;
  header_.rsv2 = (b0 & 0x20) != 0;
  header_.rsv3 = (b0 & 0x10) != 0;
  header_.opcode = b0 & 0x0F;
  header_.masked = (b1 & 0x80) != 0;

  std::size_t pos = 2;
  const std::uint8_t len7 = b1 & 0x7F;
  if (len7 == 126) {
    header_.length = (std::uint64_t{buf_[2]} << 8) | buf_[3];
    header_.length_bytes = 2;
    pos = 4;
  } else if (len7 == 127) {
    header_.length = 0;
    for (std::size_t i = 0; i < 8; ++i) header_.length = (header_.length << 8) | buf_[2 + i];
    header_.length_bytes = 8;
    pos = 10;
  } else {
    header_.length = len7;
    header_.length_bytes = 0;
  }
  header_.key = {};
  if (header_.masked) std::memcpy(header_.key.data(), buf_ + pos, header_.key.size());

  violations_.clear();
  // The first rule broken, in check order, that fails a strict decoder; and the first that stops
  // an observer too (a length that cannot or must not be waited for).
  bool failed = false;
  error fail_with{};
  bool stopped = false;
  error stop_with{};
  const auto broken = [&](error e, bool fatal, bool stops) {
    // A rule switched off (see enforced()) is not checked at all.
    if (!enforced(e)) return;
    violations_.add(e);
    if (fatal && !failed) {
      failed = true;
      fail_with = e;
    }
    if (stops && !stopped) {
      stopped = true;
      stop_with = e;
    }
  };

  const std::uint8_t op = header_.opcode;
  // RFC 6455 §5.2: opcodes 0x3-0x7 and 0xB-0xF are reserved; an endpoint receiving one MUST
  // fail the connection.
  if (is_reserved_opcode(op)) broken(error::reserved_opcode, true, false);

  // RFC 6455 §5.2: RSV1-3 MUST be 0 unless an extension is negotiated that defines them.
  const std::uint8_t rsv = header_.rsv_bits();
  if ((rsv & ~config_.allowed_rsv) != 0) broken(error::reserved_bits, true, false);
  if ((rsv & config_.allowed_rsv & 0x4) != 0) {
    // RFC 7692 §6.1: RSV1 ("Per-Message Compressed") is set only on the first frame of a
    // message; never on a continuation frame, and never on a control frame.
    if (op == static_cast<std::uint8_t>(opcode::continuation))
      broken(error::rsv1_on_continuation, true, false);
    else if (is_control(op))
      broken(error::rsv1_on_control, true, false);
  }

  if (is_control(op)) {
    // RFC 6455 §5.5: all control frames MUST have a payload length of 125 bytes or less.
    if (header_.length > max_control_payload) broken(error::control_frame_too_long, true, false);
    // RFC 6455 §5.5: control frames MUST NOT be fragmented.
    if (!header_.fin) broken(error::control_frame_fragmented, true, false);
  }

  // RFC 6455 §5.1: a server MUST close the connection on an unmasked frame; a client MUST close
  // it on a masked frame.
  if (config_.receiver == role::server && !header_.masked)
    broken(error::unmasked_client_frame, true, false);
  if (config_.receiver == role::client && header_.masked)
    broken(error::masked_server_frame, true, false);

  // RFC 6455 §5.2: the minimal number of bytes MUST be used to encode the length.
  if (header_.length_bytes != minimal_length_bytes(header_.length))
    broken(error::non_minimal_length, config_.reject_non_minimal_length, false);
  // RFC 6455 §5.2: in the 64-bit length the most significant bit MUST be 0.
  if ((header_.length >> 63) != 0) {
    broken(error::length_top_bit, true, true);
    // A reader that does not check the bit reads the 63 bits below it as the length.
    if (!enforced(error::length_top_bit)) header_.length &= ~(std::uint64_t{1} << 63);
  }
  // RFC 6455 §10.4: an endpoint MAY refuse frames larger than the limit it can handle.
  if (header_.length > config_.max_frame_size) broken(error::frame_too_big, true, true);

  if (config_.observer ? stopped : failed) {
    state_ = state::failed;
    failed_with_ = config_.observer ? stop_with : fail_with;
    return error_result(failed_with_, 0);
  }

  state_ = state::payload;
  remaining_ = header_.length;
  offset_ = 0;
  decode_result r;
  r.status = decode_status::header;
  return r;
}

void frame_decoder::reset() noexcept {
  state_ = state::header;
  header_ = {};
  violations_.clear();
  have_ = 0;
  remaining_ = 0;
  offset_ = 0;
  failed_with_ = {};
}

}  // namespace wsspec::ref
