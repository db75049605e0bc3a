#include "wsspec/reference/connection.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <stdexcept>
#include <utility>

#include "wsspec/reference/close_code.hpp"
#include "wsspec/reference/close_payload.hpp"
#include "wsspec/reference/enforcement.hpp"
#include "wsspec/reference/entropy.hpp"
#include "wsspec/reference/frame_encoder.hpp"
#include "wsspec/reference/mask.hpp"

namespace wsspec::ref {
namespace {

decoder_config make_decoder_config(const connection_config& c) {
  decoder_config d;
  d.receiver = c.self;
  d.max_frame_size = c.max_frame_size;
  return d;
}

// A payload at least this large is held apart from out_ when the connection may keep it (and
// every frame of it is that large): copying it costs more than one more piece to write.
constexpr std::size_t apart_threshold = 16 * 1024;
// More than the deflater's output grows by at a time, plus a sync flush's empty block.
constexpr std::size_t deflate_room = 64 * 1024;
// A compressed message at least this large, given to the connection to keep, is compressed as it
// is sent (see send_message): below it, holding the message and its compressed form at once
// costs little, and the message goes out in one frame.
constexpr std::size_t stream_threshold = std::size_t{1} << 20;
// The frames of a message compressed as it is sent carry this many compressed bytes (the last
// fewer), unless fragment_size asks for smaller ones.
constexpr std::size_t stream_frame = 64 * 1024;
// Such a message is compressed in parts of this size: what is compressed ahead of the frame
// being made stays small.
constexpr std::size_t stream_part = 16 * 1024;
// A buffer reused from message to message (out_, scratch_) keeps its capacity once emptied,
// unless it grew past this for one large message: that memory is released.
constexpr std::size_t keep_capacity = 1 << 20;

std::span<const std::uint8_t> as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

void append(std::vector<std::uint8_t>& out, std::string_view s) {
  out.insert(out.end(), s.begin(), s.end());
}

}  // namespace

connection::connection(connection_config config)
    : config_(std::move(config)),
      http_(config_.self == role::server ? http_head_parser::kind::request
                                         : http_head_parser::kind::response,
            config_.http),
      decoder_(make_decoder_config(config_)),
      assembler_(assembler_config{config_.max_message_size, enforced(error::invalid_utf8)}) {
  if (config_.self == role::client) {
    client_request& req = config_.request;
    if (!config_.fixed_nonce) {
      fill_random(req.nonce);
    }
    key_ = key_for_nonce(req.nonce);
    if (config_.offer_deflate) req.extensions.push_back(to_extension(*config_.offer_deflate));
    append(out_, build_request(req));
  }
}

connection::~connection() = default;

std::optional<event> connection::next_event() {
  if (events_.empty()) resume_held();
  // A lax endpoint that read on after the peer's Close (see on_control) ends the connection once
  // the input at hand is used up.
  if (events_.empty() && peer_close_ && state_ == connection_state::closing)
    finish(peer_close_->code.value_or(close_code::no_status), peer_close_->reason, true,
           std::nullopt);
  if (events_.empty()) return std::nullopt;
  event e = std::move(events_.front());
  events_.pop_front();
  return e;
}

std::span<const std::uint8_t> connection::output() {
  if (!apart_.empty()) {
    std::vector<std::uint8_t> all;
    all.reserve(output_size());
    std::array<std::span<const std::uint8_t>, 16> pieces;
    for (;;) {
      const std::size_t n = output_pieces(pieces);
      if (n == 0) break;
      std::size_t taken = 0;
      for (std::size_t i = 0; i < n; ++i) {
        all.insert(all.end(), pieces[i].begin(), pieces[i].end());
        taken += pieces[i].size();
      }
      consume_output(taken);
    }
    out_ = std::move(all);
    out_pos_ = 0;
  }
  return {out_.data() + out_pos_, out_.size() - out_pos_};
}

std::size_t connection::output_pieces(
    std::span<std::span<const std::uint8_t>> pieces) const noexcept {
  std::size_t n = 0;
  std::size_t pos = out_pos_;
  for (const apart_piece& a : apart_) {
    if (a.at > pos) {
      if (n == pieces.size()) return n;
      pieces[n++] = std::span<const std::uint8_t>(out_).subspan(pos, a.at - pos);
    }
    if (n == pieces.size()) return n;
    pieces[n++] = a.bytes;
    pos = a.at;
    // What follows a message compressed as it is sent waits for its next frames.
    if (a.stream) return n;
  }
  if (out_.size() > pos && n < pieces.size())
    pieces[n++] = std::span<const std::uint8_t>(out_).subspan(pos);
  return n;
}

std::size_t connection::output_size() const noexcept {
  std::size_t n = out_.size() - out_pos_;
  for (const apart_piece& a : apart_) n += a.bytes.size();
  return n;
}

void connection::consume_output(std::size_t n) {
  for (;;) {
    const std::size_t end = apart_.empty() ? out_.size() : apart_.front().at;
    const std::size_t from_out = std::min(n, end - out_pos_);
    out_pos_ += from_out;
    n -= from_out;
    if (apart_.empty() || out_pos_ < end) break;
    apart_piece& a = apart_.front();
    const std::size_t from_apart = std::min(n, a.bytes.size());
    a.bytes = a.bytes.subspan(from_apart);
    n -= from_apart;
    if (!a.bytes.empty()) break;
    if (a.stream) {
      // The next frame is compressed once the one before was written.
      a.bytes = next_stream_frame();
      if (!a.bytes.empty()) continue;
      streams_.pop_front();
      apart_.pop_front();
      start_stream();
      continue;
    }
    // The payload's memory goes as soon as its last byte was written (to hold a later message).
    if (a.last) {
      assembler_.recycle(std::move(payloads_.front()));
      payloads_.pop_front();
    }
    apart_.pop_front();
  }
  if (out_pos_ == out_.size() && apart_.empty()) {
    out_.clear();
    out_pos_ = 0;
    if (out_.capacity() > keep_capacity) out_ = std::vector<std::uint8_t>();
  }
}

void connection::receive(std::string_view data) {
  std::vector<std::uint8_t> copy(data.begin(), data.end());
  receive(std::span<std::uint8_t>(copy));
}

void connection::receive(std::span<std::uint8_t> data) {
  if (state_ == connection_state::closed) return;
  if (held_pos_ < held_.size()) {
    held_.insert(held_.end(), data.begin(), data.end());
    return;
  }
  if (state_ == connection_state::connecting) {
    receive_handshake(data);
    if (state_ != connection_state::open) return;
  }
  const std::size_t used = receive_frames(data);
  if (used < data.size()) {
    held_.assign(data.begin() + static_cast<std::ptrdiff_t>(used), data.end());
    held_pos_ = 0;
  }
}

void connection::receive_handshake(std::span<std::uint8_t>& data) {
  const parse_result r = http_.feed(data);
  data = data.subspan(r.consumed);
  if (r.status == parse_status::need_more) return;
  if (r.status == parse_status::error) {
    if (config_.self == role::server) {
      append(out_, build_rejection(r.err));
      events_.push_back(handshake_failed_event{r.err, http_status_for(r.err)});
    } else {
      events_.push_back(handshake_failed_event{r.err, 0});
    }
    finish(close_code::abnormal, {}, false, r.err);
    return;
  }
  if (config_.self == role::server) {
    server_handshake();
  } else {
    client_handshake();
  }
}

void connection::server_handshake() {
  const http_head& head = http_.head();
  auto req = validate_request(head);
  if (!req) {
    append(out_, build_rejection(req.err()));
    events_.push_back(handshake_failed_event{req.err(), http_status_for(req.err())});
    finish(close_code::abnormal, {}, false, req.err());
    return;
  }
  handshake_response resp;
  resp.accept = accept_for_key(req->key);
  // RFC 6455 §4.2.2: the server selects at most one of the subprotocols the client offered.
  if (config_.accept_any_subprotocol && !req->subprotocols.empty()) {
    resp.subprotocol = req->subprotocols.front();
  } else {
    for (const auto& mine : config_.subprotocols) {
      if (std::find(req->subprotocols.begin(), req->subprotocols.end(), mine) !=
          req->subprotocols.end()) {
        resp.subprotocol = mine;
        break;
      }
    }
  }
  std::optional<deflate_params> params;
  if (config_.deflate.enabled) {
    if (auto agreed = negotiate_deflate(req->extensions, config_.deflate)) {
      params = agreed->params;
      resp.extensions.push_back(agreed->response);
    }
  }
  append(out_, build_response(resp));
  enter_open(params);
  events_.push_back(open_event{req->target, resp.subprotocol, params, head.fields});
}

void connection::client_handshake() {
  const http_head& head = http_.head();
  auto accepted =
      validate_response(head, key_, config_.request.subprotocols, config_.request.extensions);
  auto reject = [&](error e) {
    events_.push_back(handshake_failed_event{e, head.status});
    finish(close_code::abnormal, {}, false, e);
  };
  if (!accepted) return reject(accepted.err());
  std::optional<deflate_params> params;
  for (const extension& ext : accepted->extensions) {
    if (ext.name != permessage_deflate_name || !config_.offer_deflate) continue;
    auto p = accept_deflate_response(ext, *config_.offer_deflate);
    if (!p) return reject(p.err());
    params = *p;
  }
  enter_open(params);
  events_.push_back(open_event{config_.request.target, accepted->subprotocol, params, head.fields});
}

void connection::enter_open(std::optional<deflate_params> params) {
  state_ = connection_state::open;
  deflate_ = params;
  if (!params) return;
  // RFC 7692 §6: with permessage-deflate agreed, RSV1 marks a compressed message.
  decoder_.set_allowed_rsv(0x4);
  const bool server = config_.self == role::server;
  const int send_bits = server ? params->server_max_window_bits : params->client_max_window_bits;
  const bool send_reset =
      server ? params->server_no_context_takeover : params->client_no_context_takeover;
  const int recv_bits = server ? params->client_max_window_bits : params->server_max_window_bits;
  const bool recv_reset =
      server ? params->client_no_context_takeover : params->server_no_context_takeover;
  deflater_ = std::make_unique<deflater>(send_bits, send_reset);
  inflater_ = std::make_unique<inflater>(recv_bits, recv_reset, config_.max_message_size);
  assembler_.set_inflater(inflater_.get());
}

std::size_t connection::receive_frames(std::span<std::uint8_t> data) {
  const std::size_t total = data.size();
  while (state_ != connection_state::closed) {
    const decode_result r = decoder_.decode(data);
    data = data.subspan(r.consumed);
    switch (r.status) {
      case decode_status::need_more:
        return total;
      case decode_status::error:
        fail(r.err);
        return total;
      case decode_status::header:
        if (discarding_) break;
        if (auto e = assembler_.on_header(decoder_.header())) {
          fail(*e);
          return total;
        }
        break;
      case decode_status::payload:
        if (discarding_) break;
        if (auto e = assembler_.on_payload(r.payload, r.frame_complete)) {
          fail(*e);
          return total;
        }
        // The application answers a complete message (an echo, say) before anything after it
        // is read, so that a later invalid frame does not fail the connection first.
        if (r.frame_complete && on_frame_complete() && !data.empty()) return total - data.size();
        break;
    }
  }
  return total;
}

void connection::resume_held() {
  if (held_pos_ < held_.size() && state_ != connection_state::closed) {
    held_pos_ += receive_frames(std::span<std::uint8_t>(held_).subspan(held_pos_));
  }
  if (held_pos_ == held_.size() || state_ == connection_state::closed) {
    held_.clear();
    held_pos_ = 0;
  }
}

bool connection::on_frame_complete() {
  switch (assembler_.ready()) {
    case assembled::nothing:
      return false;
    case assembled::message:
      events_.push_back(
          message_event{assembler_.message_opcode(), std::move(assembler_.message())});
      return true;
    case assembled::control:
      on_control(assembler_.control_opcode(), assembler_.control_payload());
      return false;
  }
  return false;
}

void connection::on_control(opcode op, const std::vector<std::uint8_t>& payload) {
  switch (op) {
    case opcode::ping:
      // RFC 6455 §5.5.2: a Ping is answered with a Pong carrying the same application data,
      // unless a Close frame was already received (having sent one is no exception: §5.5.1 only
      // forbids data frames after it).
      if (config_.auto_pong && !close_received_) write_frame(opcode::pong, payload, true, false);
      events_.push_back(ping_event{payload});
      return;
    case opcode::pong:
      events_.push_back(pong_event{payload});
      return;
    case opcode::close: {
      auto info = parse_close_payload(payload);
      if (!info) return fail(info.err());
      close_received_ = true;
      discarding_ = enforced(error::frame_after_close);
      events_.push_back(close_received_event{*info});
      const std::uint16_t code = info->code.value_or(close_code::no_status);
      if (!close_sent_) {
        // RFC 6455 §5.5.1: an endpoint that receives a Close frame sends a Close frame in
        // response, typically echoing the status code it received.
        const auto body = encode_close_payload(info->code);
        write_frame(opcode::close, body, true, false);
        close_sent_ = true;
      }
      // RFC 6455 §7.1.1: the server closes the TCP connection first; the client waits for it.
      await_eof_ = config_.self == role::client;
      // RFC 6455 §5.5.1: no data frame follows a Close frame; a lax endpoint reads on, and
      // answers what it reads, until the input at hand is used up.
      if (!enforced(error::frame_after_close)) {
        peer_close_ = *info;
        state_ = connection_state::closing;
        return;
      }
      return finish(code, info->reason, true, std::nullopt);
    }
    default:
      return;
  }
}

void connection::fail(error e) {
  if (state_ == connection_state::closed) return;
  const std::uint16_t code = close_code_for(e);
  // RFC 6455 §7.1.7: to Fail the WebSocket Connection an endpoint sends a Close frame with an
  // appropriate status code (unless it already sent one) and closes the connection.
  if (!close_sent_ && code != 0) {
    const std::string_view reason = name(e);
    write_frame(opcode::close, encode_close_payload(code, reason.substr(0, 123)), true, false);
    close_sent_ = true;
  }
  discarding_ = true;
  await_eof_ = false;
  finish(code, std::string(name(e)), false, e);
}

void connection::finish(std::uint16_t code, std::string reason, bool clean,
                        std::optional<error> failure) {
  if (state_ == connection_state::closed) return;
  state_ = connection_state::closed;
  close_transport_ = true;
  events_.push_back(closed_event{code, std::move(reason), clean, failure});
}

void connection::receive_eof() {
  while (!held_.empty()) resume_held();
  if (state_ == connection_state::closed) {
    await_eof_ = false;
    return;
  }
  await_eof_ = false;
  finish(close_code::abnormal, {}, false, std::nullopt);
}

bool connection::send_text(std::string_view text) {
  return send_message(opcode::text, as_bytes(text));
}

bool connection::send_binary(std::span<const std::uint8_t> data) {
  return send_message(opcode::binary, data);
}

bool connection::may_send(opcode op) const noexcept {
  // RFC 6455 §5.5.1: no data frame after a Close frame (a lax endpoint sends on while it reads
  // on after the peer's Close).
  const bool lax_closing =
      state_ == connection_state::closing && !enforced(error::frame_after_close);
  if ((state_ != connection_state::open || close_sent_) && !lax_closing) return false;
  return op == opcode::text || op == opcode::binary;
}

bool connection::send_message(opcode op, std::span<const std::uint8_t> data) {
  if (!may_send(op)) return false;
  if (deflater_ && !streams_.empty()) {
    // The deflater takes messages in the order they are sent: this one waits for those ahead.
    write_message_streamed(op, std::vector<std::uint8_t>(data.begin(), data.end()));
  } else if (deflater_) {
    send_compressed(op, data);
  } else {
    write_message(op, data, false);
  }
  return true;
}

bool connection::send_message(opcode op, std::vector<std::uint8_t>&& data) {
  if (!may_send(op)) return false;
  // The message is the connection's now: a compressed one is released once compressed, its
  // buffer kept to hold a later message (see message_assembler::recycle).
  std::vector<std::uint8_t> message = std::move(data);
  if (deflater_ && (message.size() >= stream_threshold || !streams_.empty())) {
    write_message_streamed(op, std::move(message));
  } else if (deflater_) {
    send_compressed(op, message);
  } else if (holds_apart(message.size())) {
    write_message_apart(op, std::move(message), false);
  } else {
    write_message(op, message, false);
  }
  // A message copied (or compressed) into the output leaves its buffer for a later message.
  assembler_.recycle(std::move(message));
  return true;
}

void connection::send_compressed(opcode op, std::span<const std::uint8_t> data) {
  scratch_.clear();
  // Room for the worst case (DEFLATE's bound for stored blocks, plus the deflater's last round
  // of output space), so that the compressed message is never copied to a larger buffer while
  // it grows: only the bytes written take memory.
  const std::size_t n = data.size();
  scratch_.reserve(n + (n >> 12) + (n >> 14) + (n >> 25) + deflate_room);
  deflater_->compress(data, scratch_);
  if (!holds_apart(scratch_.size())) {
    write_message(op, scratch_, true);
  } else if (scratch_.size() >= scratch_.capacity() / 2) {
    // A large compressed message is sent from where it was compressed to.
    write_message_apart(op, std::exchange(scratch_, {}), true);
  } else {
    // Most of that buffer is room the message did not need: it is sent from an exact copy.
    write_message_apart(op, std::vector<std::uint8_t>(scratch_.begin(), scratch_.end()), true);
  }
  if (scratch_.capacity() > keep_capacity) scratch_ = std::vector<std::uint8_t>();
}

bool connection::holds_apart(std::size_t size) const noexcept {
  const std::size_t piece = config_.fragment_size;
  return size >= apart_threshold && (piece == 0 || piece >= apart_threshold);
}

void connection::write_message(opcode op, std::span<const std::uint8_t> data, bool rsv1) {
  const std::size_t piece = config_.fragment_size;
  if (piece == 0 || data.size() <= piece) {
    write_frame(op, data, true, rsv1);
    return;
  }
  // RFC 7692 §6.1: only the first frame of a compressed message carries RSV1.
  std::size_t offset = 0;
  bool first = true;
  while (offset < data.size()) {
    const std::size_t n = std::min(piece, data.size() - offset);
    write_frame(first ? op : opcode::continuation, data.subspan(offset, n),
                offset + n == data.size(), first && rsv1);
    offset += n;
    first = false;
  }
}

void connection::write_message_apart(opcode op, std::vector<std::uint8_t>&& data, bool rsv1) {
  payloads_.push_back(std::move(data));
  const std::span<std::uint8_t> payload(payloads_.back());
  const std::size_t piece = config_.fragment_size == 0 ? payload.size() : config_.fragment_size;
  // The same frames as write_message: RFC 7692 §6.1, RSV1 on the first frame only.
  std::size_t offset = 0;
  do {
    const std::size_t n = std::min(piece, payload.size() - offset);
    const bool last = offset + n == payload.size();
    const frame_header h =
        write_header(offset == 0 ? op : opcode::continuation, n, last, offset == 0 && rsv1);
    const std::span<std::uint8_t> bytes = payload.subspan(offset, n);
    if (h.masked) apply_mask(bytes, h.key);
    apart_.push_back(apart_piece{out_.size(), bytes, last});
    offset += n;
  } while (offset < payload.size());
}

void connection::write_message_streamed(opcode op, std::vector<std::uint8_t>&& data) {
  compress_stream s;
  s.op = op;
  s.message = std::move(data);
  streams_.push_back(std::move(s));
  apart_piece piece;
  piece.at = out_.size();
  piece.stream = true;
  apart_.push_back(piece);
  if (streams_.size() == 1) start_stream();
}

void connection::start_stream() {
  if (streams_.empty()) return;
  const auto it =
      std::find_if(apart_.begin(), apart_.end(), [](const apart_piece& a) { return a.stream; });
  it->bytes = next_stream_frame();
}

std::span<const std::uint8_t> connection::next_stream_frame() {
  compress_stream& s = streams_.front();
  if (s.done) return {};
  // The frame made last was written: its bytes go. They are dropped from the buffer once they
  // are most of it, so each byte is moved at most once.
  s.start += s.framed;
  s.framed = 0;
  if (s.buffer.empty()) {
    s.buffer.resize(max_header_size);
  } else if (s.start - max_header_size >= s.buffer.size() - s.start) {
    s.buffer.erase(s.buffer.begin() + static_cast<std::ptrdiff_t>(max_header_size),
                   s.buffer.begin() + static_cast<std::ptrdiff_t>(s.start));
    s.start = max_header_size;
  }
  const std::size_t frame_size = config_.fragment_size == 0 ? stream_frame : config_.fragment_size;
  // A frame that is not the last is made once more compressed bytes than it carries are at hand:
  // only then is it known that another frame follows.
  while (!s.compressed_whole && s.buffer.size() - s.start <= frame_size) {
    const std::size_t n = std::min(stream_part, s.message.size() - s.read);
    const bool last = s.read + n == s.message.size();
    deflater_->compress_part(std::span<const std::uint8_t>(s.message).subspan(s.read, n), last,
                             s.buffer);
    s.read += n;
    if (last) {
      assembler_.recycle(std::move(s.message));
      s.message = std::vector<std::uint8_t>();
      s.compressed_whole = true;
    }
  }
  const std::size_t ready = s.buffer.size() - s.start;
  const std::size_t n = std::min(ready, frame_size);
  const bool fin = s.compressed_whole && ready <= frame_size;
  // RFC 7692 §6.1: only the first frame of a compressed message carries RSV1.
  const frame_header h = make_header(s.first ? s.op : opcode::continuation, n, fin, s.first);
  // The header goes right before the payload, over bytes already written (or the gap left at
  // the buffer's start), so that the frame is one span of the buffer.
  std::uint8_t head[max_header_size];
  const std::size_t head_size = encode_header(h, head);
  std::uint8_t* const payload = s.buffer.data() + s.start;
  std::copy_n(head, head_size, payload - head_size);
  if (h.masked) apply_mask(std::span<std::uint8_t>(payload, n), h.key);
  s.framed = n;
  s.first = false;
  s.done = fin;
  return {payload - head_size, head_size + n};
}

bool connection::send_ping(std::span<const std::uint8_t> data) {
  if (state_ != connection_state::open || close_sent_ || data.size() > max_control_payload)
    return false;
  write_frame(opcode::ping, data, true, false);
  return true;
}

bool connection::send_pong(std::span<const std::uint8_t> data) {
  if (state_ != connection_state::open || close_sent_ || data.size() > max_control_payload)
    return false;
  write_frame(opcode::pong, data, true, false);
  return true;
}

bool connection::close(std::optional<std::uint16_t> code, std::string_view reason) {
  if (state_ != connection_state::open || close_sent_) return false;
  // RFC 6455 §7.4: 1005, 1006, 1015 and codes outside the defined ranges are never sent.
  if (code && !close_code::valid_on_wire(*code)) return false;
  // RFC 6455 §5.5: the whole Close payload, code included, fits in 125 bytes; §5.5.1: the reason
  // is UTF-8, so it is cut before a code point that does not fit, never inside it.
  std::size_t keep = code ? std::min<std::size_t>(reason.size(), 123) : 0;
  while (keep > 0 && keep < reason.size() &&
         (static_cast<unsigned char>(reason[keep]) & 0xC0) == 0x80)
    --keep;
  const auto body = encode_close_payload(code, reason.substr(0, keep));
  write_frame(opcode::close, body, true, false);
  close_sent_ = true;
  state_ = connection_state::closing;
  return true;
}

mask_key connection::next_mask() {
  if (config_.mask_source) return config_.mask_source();
  if (random_pos_ + 4 > random_pool_.size()) {
    random_pool_.resize(4096);
    fill_random(random_pool_);
    random_pos_ = 0;
  }
  mask_key k;
  std::memcpy(k.data(), random_pool_.data() + random_pos_, 4);
  random_pos_ += 4;
  return k;
}

frame_header connection::make_header(opcode op, std::size_t size, bool fin, bool rsv1) {
  frame_header h;
  h.fin = fin;
  h.rsv1 = rsv1;
  h.opcode = static_cast<std::uint8_t>(op);
  h.length = size;
  // RFC 6455 §5.3: a client masks every frame it sends; a server masks none.
  if (config_.self == role::client) {
    h.masked = true;
    h.key = next_mask();
  }
  return h;
}

frame_header connection::write_header(opcode op, std::size_t size, bool fin, bool rsv1) {
  const frame_header h = make_header(op, size, fin, rsv1);
  std::uint8_t head[max_header_size];
  const std::size_t head_size = encode_header(h, head);
  out_.insert(out_.end(), head, head + head_size);
  return h;
}

void connection::write_frame(opcode op, std::span<const std::uint8_t> payload, bool fin,
                             bool rsv1) {
  const frame_header h = write_header(op, payload.size(), fin, rsv1);
  const std::size_t at = out_.size();
  out_.insert(out_.end(), payload.begin(), payload.end());
  if (h.masked && !payload.empty())
    apply_mask(std::span<std::uint8_t>(out_.data() + at, payload.size()), h.key);
}

}  // namespace wsspec::ref
