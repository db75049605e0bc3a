#include "wsspec/harness/observer.hpp"

#include <algorithm>
#include <string>

#include "wsspec/reference/close_payload.hpp"
#include "wsspec/reference/opcode.hpp"

namespace wsspec::harness {

namespace {
constexpr std::size_t control_cap = 4096;  // control payload kept (125 is the limit)
}  // namespace

observer::observer(recorder& rec, ref::role harness_role, std::uint64_t max_message_size)
    : rec_(rec), self_(harness_role), max_message_size_(max_message_size) {
  ref::decoder_config dc;
  dc.receiver = self_;
  dc.observer = true;
  dc.max_frame_size = max_message_size;
  decoder_ = ref::frame_decoder(dc);
}

observer::~observer() = default;

void observer::agree(const ref::deflate_params& p) {
  const bool we_client = self_ == ref::role::client;
  const int rx_bits = we_client ? p.server_max_window_bits : p.client_max_window_bits;
  const bool rx_reset = we_client ? p.server_no_context_takeover : p.client_no_context_takeover;
  inflater_ = std::make_unique<ref::inflater>(rx_bits, rx_reset, max_message_size_);
  decoder_.set_allowed_rsv(0x4);
}

std::vector<observed_control> observer::feed(std::span<std::uint8_t> data, micros at) {
  std::vector<observed_control> out;
  while (!stopped_) {
    const auto r = decoder_.decode(data);
    data = data.subspan(r.consumed);
    switch (r.status) {
      case ref::decode_status::need_more:
        return out;
      case ref::decode_status::error:
        rec_.violation(r.err, "wsspec cannot read further frames", at);
        stopped_ = true;
        return out;
      case ref::decode_status::header:
        on_header(at);
        break;
      case ref::decode_status::payload:
        on_payload(r.payload, r.frame_complete, at, out);
        break;
    }
  }
  return out;
}

void observer::on_header(micros at) {
  transcript& t = rec_.facts();
  const ref::frame_header& h = decoder_.header();
  auto& e =
      rec_.log(entry_kind::rx_frame,
               ref::opcode_name(h.opcode) + " frame, " + std::to_string(h.length) + " bytes", at);
  e.header = h;
  e.violations = decoder_.violations();
  e.size = h.length;
  rx_entry_ = rec_.kept(e) ? t.entries.size() - 1 : static_cast<std::size_t>(-1);
  ++frames_seen_;
  if (h.masked && t.rx_mask_keys.size() < transcript::max_mask_keys)
    t.rx_mask_keys.push_back(std::uint32_t{h.key[0]} << 24 | std::uint32_t{h.key[1]} << 16 |
                             std::uint32_t{h.key[2]} << 8 | h.key[3]);
  decoder_.violations().for_each(
      [&](ref::error err) { rec_.listed_violation(err, "frame " + std::to_string(frames_seen_)); });
  frame_is_control_ = ref::is_control(h.opcode);
  if (frame_is_control_) {
    // RFC 6455 §1.4: after its Close frame "a peer does not send any further data".
    if (t.close) ++t.control_after_close;
    control_.clear();
    control_op_ = h.opcode;
    return;
  }
  // RFC 6455 §5.5.1: no data frame after a Close frame.
  if (t.close) rec_.violation(ref::error::frame_after_close, "", at);
  if (h.opcode == 0) {
    // RFC 6455 §5.4: a continuation frame continues a started message.
    if (!in_message_) rec_.violation(ref::error::unexpected_continuation, "", at);
  } else {
    // RFC 6455 §5.4: a new message does not start before the previous one ends.
    if (in_message_) rec_.violation(ref::error::expected_continuation, "", at);
    in_message_ = true;
    msg_ = observed_message{};
    msg_.opcode = h.opcode;
    msg_.digest = payload_digest(nullptr, 0);
    msg_.compressed = h.rsv1 && inflater_ != nullptr;
    utf8_.reset();
    utf8_flagged_ = false;
  }
  msg_fin_ = h.fin;
}

void observer::consume_message_bytes(std::span<const std::uint8_t> bytes, micros at) {
  msg_.digest = payload_digest(bytes.data(), bytes.size(), msg_.digest);
  msg_.length += bytes.size();
  if (msg_.opcode != 1 || utf8_.failed()) return;
  utf8_.feed(bytes);
  // RFC 6455 §8.1: text is UTF-8. Flagged at the first byte that cannot be, so a message the
  // target never finishes is judged too.
  if (utf8_.failed()) {
    msg_.valid_utf8 = false;
    utf8_flagged_ = true;
    rec_.violation(ref::error::invalid_utf8, "the target sent text that is not UTF-8", at);
  }
}

void observer::on_payload(std::span<const std::uint8_t> chunk, bool complete, micros at,
                          std::vector<observed_control>& out) {
  transcript& t = rec_.facts();
  if (rx_entry_ < t.entries.size()) {
    auto& e = t.entries[rx_entry_];
    const std::size_t room =
        rec_.limits().entry_bytes - std::min(rec_.limits().entry_bytes, e.bytes.size());
    const std::size_t keep = std::min(room, chunk.size());
    e.bytes.insert(e.bytes.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(keep));
  }
  if (frame_is_control_) {
    const std::size_t keep = std::min(chunk.size(), control_cap - control_.size());
    control_.insert(control_.end(), chunk.begin(),
                    chunk.begin() + static_cast<std::ptrdiff_t>(keep));
    if (complete) on_control(at, out);
    return;
  }
  if (!in_message_) return;
  if (msg_.compressed && !inflate_failed_) {
    inflated_.clear();
    if (auto err = inflater_->decompress(chunk, complete && msg_fin_, inflated_)) {
      rec_.violation(*err, "in a compressed message", at);
      inflate_failed_ = true;
    }
    consume_message_bytes(inflated_, at);
  } else if (!msg_.compressed) {
    consume_message_bytes(chunk, at);
  }
  if (complete && msg_fin_) {
    in_message_ = false;
    inflate_failed_ = false;
    if (msg_.opcode == 1 && !utf8_.complete() && !utf8_flagged_) {
      msg_.valid_utf8 = false;
      rec_.violation(ref::error::invalid_utf8, "the target's text message ends inside a character",
                     at);
    }
    msg_.at = at;
    if (t.messages.size() < rec_.limits().max_messages) t.messages.push_back(msg_);
    rec_.log(entry_kind::rx_message,
             ref::opcode_name(msg_.opcode) + " message, " + std::to_string(msg_.length) + " bytes",
             at);
  }
}

void observer::on_control(micros at, std::vector<observed_control>& out) {
  transcript& t = rec_.facts();
  switch (control_op_) {
    case 0x9:
      ++t.pings;
      out.push_back({observed_control::kind::ping, control_, std::nullopt, true});
      return;
    case 0xA:
      if (t.pongs.size() < rec_.limits().max_messages) {
        t.pongs.push_back(control_);
        t.pong_at.push_back(at);
      }
      return;
    case 0x8: {
      if (t.close) return;
      observed_close oc;
      oc.at = at;
      if (control_.size() >= 2) {
        oc.code = static_cast<std::uint16_t>(control_[0] << 8 | control_[1]);
        oc.reason.assign(control_.begin() + 2, control_.end());
      }
      auto parsed = ref::parse_close_payload(control_);
      if (!parsed) {
        oc.problem = parsed.err();
        rec_.violation(parsed.err(), "in the target's Close frame", at);
      }
      t.close = oc;
      rec_.log(entry_kind::rx_close,
               oc.code ? "Close " + std::to_string(*oc.code) + " " + oc.reason : "Close, no code",
               at);
      out.push_back({observed_control::kind::close, {}, oc.code, parsed.ok()});
      return;
    }
    default:
      return;
  }
}

}  // namespace wsspec::harness
