// The driver shared by connection_server_fuzz and connection_client_fuzz: a ref::connection fed
// fuzzer-chosen bytes in fuzzer-chosen chunks, driven by a small application, with every event it
// reports and every byte it sends checked by a conforming peer.
//
// Input: [connection_params: 8 bytes][split plan][bytes] (see fuzz_support.hpp for the plan).
// Unless params.raw is set, the target first gives the connection a valid opening handshake (the
// peer's request or response), so the fuzzer's bytes are read as frames; with raw set the bytes
// hold the handshake too (export_seeds writes the catalogue's cases that way). The handshake
// prefix is cut by the plan like the rest. The application takes the events after each chunk,
// or (lazy) only after the last one, so that bytes arrive while earlier ones are held back.
//
// Oracle (RFC 6455 unless noted):
//  - Output: the peer reads what the connection sends as the other role would, in strict mode:
//    the handshake head first (a server's 101 response is accepted by validate_response for the
//    request the server accepted, with the same subprotocol and permessage-deflate parameters; a
//    rejection carries the status of the handshake error; a client's request passes
//    validate_request with the client's key), then frames that a strict frame_decoder and
//    message_assembler accept (masked iff sent by a client §5.1, minimal lengths §5.2, control
//    frames of at most 125 bytes and unfragmented §5.5, RSV1 only on the first frame of a
//    compressed message when permessage-deflate was agreed, RFC 7692 §6.1, which inflates; text
//    is UTF-8 §8.1), whole frames and whole messages at a time, a valid Close payload (§5.5.1),
//    no data frame and no second Close after a Close frame (§5.5.1), nothing after a rejection.
//  - Pongs (§5.5.2): with auto_pong the Pongs sent carry, in order, the data of every Ping
//    reported (the reference answers a Ping until it has received a Close, also after sending its
//    own; Pings after a received Close are not reported); without auto_pong none are sent.
//  - Close (§5.5.1, §7.1.7): the only Close frame sent is the application's (its status code and
//    its reason, cut to 123 bytes on a code point boundary; an empty body without a code), or the
//    echo of the peer's status code, or, when the connection failed for a rule, that rule's close
//    code and name; none when the connection ended otherwise.
//  - Events: at most one open_event, first; handshake_failed_event only before it; messages,
//    pings, pongs and close_received_event only after it and before close_received_event; text
//    messages are valid UTF-8 and within max_message_size; control data at most 125 bytes; a
//    close_received_event's status is valid on the wire and its reason UTF-8; closed_event once,
//    with nothing after it (not even after more bytes or an EOF), the state closed, the transport
//    to be closed, its code the received one (clean), the failed rule's close code (failure) or
//    1006. The application's sends succeed exactly while the connection is open.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "fuzz_support.hpp"
#include "wsspec/reference/close_code.hpp"
#include "wsspec/reference/close_payload.hpp"
#include "wsspec/reference/connection.hpp"
#include "wsspec/reference/frame_decoder.hpp"
#include "wsspec/reference/handshake.hpp"
#include "wsspec/reference/http_head.hpp"
#include "wsspec/reference/message_assembler.hpp"
#include "wsspec/reference/permessage_deflate.hpp"
#include "wsspec/reference/utf8_validator.hpp"

namespace wsspec::fuzz {

// What the connection and its application do. Byte layout, in order:
//  flags: bit 0 raw, bit 1 deflate, bit 2 no auto_pong, bit 3 echo, bit 4 eof, bit 5 ping_back,
//  bit 6 lazy, bit 7 accept_any_subprotocol; frame_limit, message_limit (0: none / the default;
//  else 16 bytes per unit); fragment (outgoing frame payload size, 0: unfragmented); close_after
//  (bits 0-4: the application closes after this many events, 0: never; bit 5: without a status
//  code; bit 6: with a UTF-8 reason too long for a Close frame); deflate_bits (offer: bit 0
//  server_no_context_takeover, bit 1 client_no_context_takeover, bit 2 client_max_window_bits;
//  policy: bit 3 server_no_context_takeover, bit 4 client_no_context_takeover); offer_windows and
//  policy_windows (low nibble server, high nibble client: 0 none / 15, else 8-15).
struct connection_params {
  bool raw = false;         // the bytes hold the opening handshake
  bool deflate = false;     // server: permessage-deflate enabled; client: offered
  bool auto_pong = true;    // the connection answers pings itself
  bool echo = false;        // the application sends every message back
  bool eof = false;         // the peer closes TCP after the last byte
  bool ping_back = false;   // the application sends a ping of its own for every ping
  bool lazy = false;        // the application takes events only after the last bytes
  bool accept_any = false;  // server: select the client's first subprotocol
  std::uint8_t frame_limit = 0;
  std::uint8_t message_limit = 0;
  std::uint8_t fragment = 0;
  std::uint8_t close_after = 0;
  std::uint8_t deflate_bits = 0;
  std::uint8_t offer_windows = 0;
  std::uint8_t policy_windows = 0;

  static connection_params read(byte_reader& in) {
    connection_params p;
    const std::uint8_t flags = in.byte();
    p.raw = (flags & 1) != 0;
    p.deflate = (flags & 2) != 0;
    p.auto_pong = (flags & 4) == 0;
    p.echo = (flags & 8) != 0;
    p.eof = (flags & 16) != 0;
    p.ping_back = (flags & 32) != 0;
    p.lazy = (flags & 64) != 0;
    p.accept_any = (flags & 128) != 0;
    p.frame_limit = in.byte();
    p.message_limit = in.byte();
    p.fragment = in.byte();
    p.close_after = in.byte();
    p.deflate_bits = in.byte();
    p.offer_windows = in.byte();
    p.policy_windows = in.byte();
    return p;
  }

  std::vector<std::uint8_t> encode() const {
    const std::uint8_t flags = static_cast<std::uint8_t>(
        (raw ? 1 : 0) | (deflate ? 2 : 0) | (auto_pong ? 0 : 4) | (echo ? 8 : 0) | (eof ? 16 : 0) |
        (ping_back ? 32 : 0) | (lazy ? 64 : 0) | (accept_any ? 128 : 0));
    return {flags,       frame_limit,  message_limit, fragment,
            close_after, deflate_bits, offer_windows, policy_windows};
  }

  // The permessage-deflate offer a client makes.
  ref::deflate_offer offer() const {
    ref::deflate_offer o;
    o.server_no_context_takeover = (deflate_bits & 1) != 0;
    o.client_no_context_takeover = (deflate_bits & 2) != 0;
    o.client_max_window_bits_present = (deflate_bits & 4) != 0;
    if (const int n = offer_windows & 15; n != 0) o.server_max_window_bits = 8 + n % 8;
    if (const int n = offer_windows >> 4; n != 0 && o.client_max_window_bits_present)
      o.client_max_window_bits = 8 + n % 8;
    return o;
  }

  // The permessage-deflate policy of a server.
  ref::deflate_server_policy policy() const {
    ref::deflate_server_policy s;
    s.enabled = deflate;
    s.server_no_context_takeover = (deflate_bits & 8) != 0;
    s.client_no_context_takeover = (deflate_bits & 16) != 0;
    const int server = policy_windows & 15;
    const int client = policy_windows >> 4;
    s.server_max_window_bits = server == 0 ? 15 : 8 + server % 8;
    s.client_max_window_bits = client == 0 ? 15 : 8 + client % 8;
    return s;
  }
};

inline const std::vector<std::string> offered_subprotocols{"chat", "superchat"};

inline ref::client_request client_request_for(const connection_params& p) {
  ref::client_request r;
  r.host = "example.com";
  r.target = "/chat";
  r.nonce = client_nonce;
  r.subprotocols = offered_subprotocols;
  if (p.deflate) r.extensions.push_back(ref::to_extension(p.offer()));
  return r;
}

inline ref::connection_config connection_config_for(ref::role self, const connection_params& p) {
  ref::connection_config c;
  c.self = self;
  if (p.frame_limit != 0) c.max_frame_size = 16u * p.frame_limit;
  if (p.message_limit != 0) c.max_message_size = 16u * p.message_limit;
  c.fragment_size = p.fragment;
  c.auto_pong = p.auto_pong;
  if (self == ref::role::server) {
    c.subprotocols = {"chat"};
    c.accept_any_subprotocol = p.accept_any;
    c.deflate = p.policy();
  } else {
    c.request = client_request_for(p);
    c.request.extensions.clear();  // the connection adds its own offer
    c.fixed_nonce = true;
    if (p.deflate) c.offer_deflate = p.offer();
  }
  // Mask keys from a counter: a run can be replayed byte for byte.
  c.mask_source = [n = std::uint32_t{0}]() mutable {
    ++n;
    return ref::mask_key{static_cast<std::uint8_t>(n >> 24), static_cast<std::uint8_t>(n >> 16),
                         static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)};
  };
  return c;
}

// The 101 response a conforming server with `policy` gives to a request it accepted.
inline std::string response_for(const ref::handshake_request& req,
                                const ref::deflate_server_policy& policy) {
  ref::handshake_response resp;
  resp.accept = ref::accept_for_key(req.key);
  if (!req.subprotocols.empty()) resp.subprotocol = req.subprotocols.front();
  if (auto agreed = ref::negotiate_deflate(req.extensions, policy))
    resp.extensions.push_back(agreed->response);
  return ref::build_response(resp);
}

// The other end of the connection, reading everything it sends.
class conforming_peer {
 public:
  explicit conforming_peer(ref::role connection_role)
      : connection_role_(connection_role),
        head_(connection_role == ref::role::server ? ref::http_head_parser::kind::response
                                                   : ref::http_head_parser::kind::request),
        decoder_(ref::decoder_config{ref::peer_of(connection_role)}) {}

  // permessage-deflate was agreed: the connection's messages may be compressed.
  void agree(const ref::deflate_params& p) {
    const bool server = connection_role_ == ref::role::server;
    decoder_.set_allowed_rsv(0x4);
    inflater_ = std::make_unique<ref::inflater>(
        server ? p.server_max_window_bits : p.client_max_window_bits,
        server ? p.server_no_context_takeover : p.client_no_context_takeover);
    assembler_.set_inflater(inflater_.get());
  }

  void feed(std::span<const std::uint8_t> bytes) {
    std::vector<std::uint8_t> copy(bytes.begin(), bytes.end());
    std::span<std::uint8_t> in(copy);
    if (!head_done_) {
      const ref::parse_result r = head_.feed(in);
      WSSPEC_FUZZ_CHECK(r.status != ref::parse_status::error);
      in = in.subspan(r.consumed);
      if (r.status != ref::parse_status::done) return;
      head_done_ = true;
    }
    if (!in.empty()) {
      // Nothing follows a rejection (its Connection: close ends the exchange).
      WSSPEC_FUZZ_CHECK(head_.head().is_request || head_.head().status == 101);
    }
    for (;;) {
      const ref::decode_result r = decoder_.decode(in);
      WSSPEC_FUZZ_CHECK(r.status != ref::decode_status::error);
      in = in.subspan(r.consumed);
      if (r.status == ref::decode_status::need_more) break;
      if (r.status == ref::decode_status::header) {
        // §5.5.1: no data frame after a Close frame, and one Close only.
        const std::uint8_t op = decoder_.header().opcode;
        if (!closes_.empty()) WSSPEC_FUZZ_CHECK(ref::is_control(op) && op != 0x8);
        WSSPEC_FUZZ_CHECK(!assembler_.on_header(decoder_.header()));
        continue;
      }
      WSSPEC_FUZZ_CHECK(!assembler_.on_payload(r.payload, r.frame_complete));
      if (r.frame_complete) on_frame();
    }
    // The connection writes whole frames, and all the frames of a message together.
    WSSPEC_FUZZ_CHECK(!decoder_.in_frame());
    WSSPEC_FUZZ_CHECK(!assembler_.in_message());
  }

  bool head_done() const noexcept { return head_done_; }
  const ref::http_head& head() const noexcept { return head_.head(); }
  const std::vector<std::vector<std::uint8_t>>& pongs() const noexcept { return pongs_; }
  const std::vector<ref::close_info>& closes() const noexcept { return closes_; }

 private:
  void on_frame() {
    if (assembler_.ready() != ref::assembled::control) return;
    const auto& payload = assembler_.control_payload();
    switch (assembler_.control_opcode()) {
      case ref::opcode::close: {
        const auto info = ref::parse_close_payload(payload);
        WSSPEC_FUZZ_CHECK(info.ok());
        closes_.push_back(*info);
        return;
      }
      case ref::opcode::pong:
        pongs_.push_back(payload);
        return;
      default:
        return;
    }
  }

  ref::role connection_role_;
  ref::http_head_parser head_;
  bool head_done_ = false;
  ref::frame_decoder decoder_;
  ref::message_assembler assembler_;
  std::unique_ptr<ref::inflater> inflater_;
  std::vector<std::vector<std::uint8_t>> pongs_;
  std::vector<ref::close_info> closes_;
};

class connection_driver {
 public:
  connection_driver(ref::role self, const connection_params& p)
      : self_(self), params_(p), conn_(connection_config_for(self, p)), peer_(self) {
    if (self_ == ref::role::client) {
      // The request is written at construction.
      flush_output();
      WSSPEC_FUZZ_CHECK(peer_.head_done());
      auto req = ref::validate_request(peer_.head());
      WSSPEC_FUZZ_CHECK(req.ok());
      WSSPEC_FUZZ_CHECK(req->key == conn_.key());
      request_ = std::move(*req);
    }
  }

  // The valid handshake bytes the connection gets before the fuzzer's.
  std::string handshake_prefix() const {
    if (self_ == ref::role::server) return ref::build_request(client_request_for(params_));
    return response_for(*request_, params_.policy());
  }

  void receive(std::span<const std::uint8_t> chunk) {
    std::vector<std::uint8_t> copy(chunk.begin(), chunk.end());
    conn_.receive(std::span<std::uint8_t>(copy));
    if (!params_.lazy) drain();
  }

  void receive_eof() {
    conn_.receive_eof();
    drain();
    WSSPEC_FUZZ_CHECK(closed_);
  }

  void finish(std::size_t input_size) {
    drain();
    WSSPEC_FUZZ_CHECK(events_ <= 2 * input_size + 8);
    if (closed_) {
      // Nothing happens after the end, whatever arrives.
      conn_.receive(std::string_view("\x81\x80\x00\x00\x00\x00", 6));
      conn_.receive_eof();
      WSSPEC_FUZZ_CHECK(!conn_.next_event());
      WSSPEC_FUZZ_CHECK(conn_.output().empty());
    }
    check_pongs();
    check_closes();
  }

 private:
  void drain() {
    const bool was_closed = closed_;
    while (auto e = conn_.next_event()) {
      WSSPEC_FUZZ_CHECK(!closed_);  // nothing after closed_event
      ++events_;
      std::visit([this](auto& ev) { on(ev); }, *e);
      if ((params_.close_after & 31) == events_) app_close();
    }
    if (was_closed) WSSPEC_FUZZ_CHECK(conn_.output().empty());
    flush_output();
  }

  void flush_output() {
    const auto out = conn_.output();
    const bool head_was_done = peer_.head_done();
    peer_.feed(out);
    conn_.consume_output(out.size());
    WSSPEC_FUZZ_CHECK(conn_.output().empty());
    if (!head_was_done && peer_.head_done() && self_ == ref::role::server) check_response();
  }

  bool open() const { return conn_.state() == ref::connection_state::open; }

  void app_close() {
    const bool was_open = open();
    // RFC 6455 §5.5: a reason longer than 123 bytes is cut, never inside a code point (§5.5.1).
    app_code_ = (params_.close_after & 32) != 0 ? std::nullopt : std::optional<std::uint16_t>(1000);
    app_reason_ = "bye";
    if ((params_.close_after & 64) != 0) {
      app_reason_ = "xy";
      for (int i = 0; i < 62; ++i) app_reason_ += "\xc3\xa9";
    }
    const bool ok = conn_.close(app_code_, app_reason_);
    WSSPEC_FUZZ_CHECK(ok == was_open);
    app_closed_ = app_closed_ || ok;
  }

  void on(ref::open_event& ev) {
    WSSPEC_FUZZ_CHECK(events_ == 1);
    opened_ = true;
    if (ev.deflate) {
      WSSPEC_FUZZ_CHECK(params_.deflate);
      peer_.agree(*ev.deflate);
    }
    deflate_ = ev.deflate;
    subprotocol_ = ev.subprotocol;
    if (self_ == ref::role::server) {
      // The request the server accepted, as its client sent it.
      ref::http_head head;
      head.method = "GET";
      head.target = ev.target;
      head.fields = ev.headers;
      auto req = ref::validate_request(head);
      WSSPEC_FUZZ_CHECK(req.ok());
      request_ = std::move(*req);
      // RFC 6455 §4.2.2: one of the client's subprotocols, the server's choice.
      const auto& offered = request_->subprotocols;
      if (params_.accept_any) {
        const auto first =
            offered.empty() ? std::nullopt : std::optional<std::string>(offered.front());
        WSSPEC_FUZZ_CHECK(ev.subprotocol == first);
      } else if (ev.subprotocol) {
        WSSPEC_FUZZ_CHECK(*ev.subprotocol == "chat");
        WSSPEC_FUZZ_CHECK(std::find(offered.begin(), offered.end(), "chat") != offered.end());
      }
    } else if (ev.subprotocol) {
      WSSPEC_FUZZ_CHECK(std::find(offered_subprotocols.begin(), offered_subprotocols.end(),
                                  *ev.subprotocol) != offered_subprotocols.end());
    }
  }

  void on(ref::handshake_failed_event& ev) {
    WSSPEC_FUZZ_CHECK(!opened_ && !handshake_failed_);
    handshake_failed_ = true;
    failed_with_ = ev.err;
    if (self_ == ref::role::server)
      WSSPEC_FUZZ_CHECK(ev.http_status == ref::http_status_for(ev.err));
  }

  // Messages, pings, pongs and the peer's Close arrive after the opening handshake and before the
  // peer's Close.
  void check_open_phase() const { WSSPEC_FUZZ_CHECK(opened_ && !close_received_); }

  void on(ref::message_event& ev) {
    check_open_phase();
    WSSPEC_FUZZ_CHECK(ev.op == ref::opcode::text || ev.op == ref::opcode::binary);
    if (ev.op == ref::opcode::text) WSSPEC_FUZZ_CHECK(ref::is_valid_utf8(ev.data));
    const std::uint64_t limit =
        params_.message_limit == 0 ? (64ull << 20) : 16u * params_.message_limit;
    WSSPEC_FUZZ_CHECK(ev.data.size() <= limit);
    if (params_.echo) {
      const bool was_open = open();
      WSSPEC_FUZZ_CHECK(conn_.send_message(ev.op, ev.data) == was_open);
    }
  }

  void on(ref::ping_event& ev) {
    check_open_phase();
    WSSPEC_FUZZ_CHECK(ev.data.size() <= ref::max_control_payload);
    pings_.push_back(ev.data);
    if (params_.ping_back) {
      const bool was_open = open();
      const std::uint8_t data[] = {'a', 'p', 'p'};
      WSSPEC_FUZZ_CHECK(conn_.send_ping(data) == was_open);
    }
  }

  void on(ref::pong_event& ev) {
    check_open_phase();
    WSSPEC_FUZZ_CHECK(ev.data.size() <= ref::max_control_payload);
  }

  void on(ref::close_received_event& ev) {
    check_open_phase();
    close_received_ = true;
    received_ = ev.info;
    if (ev.info.code) WSSPEC_FUZZ_CHECK(ref::close_code::valid_on_wire(*ev.info.code));
    WSSPEC_FUZZ_CHECK(ref::is_valid_utf8(ev.info.reason));
    WSSPEC_FUZZ_CHECK(ev.info.reason.size() <= ref::max_control_payload - 2);
  }

  void on(ref::closed_event& ev) {
    closed_ = true;
    WSSPEC_FUZZ_CHECK(conn_.state() == ref::connection_state::closed);
    WSSPEC_FUZZ_CHECK(conn_.should_close_transport());
    if (self_ == ref::role::server) WSSPEC_FUZZ_CHECK(!conn_.await_peer_eof());
    WSSPEC_FUZZ_CHECK(!(ev.clean && ev.failure));
    if (ev.clean) {
      WSSPEC_FUZZ_CHECK(close_received_);
      WSSPEC_FUZZ_CHECK(ev.code == received_->code.value_or(ref::close_code::no_status));
      WSSPEC_FUZZ_CHECK(ev.reason == received_->reason);
    } else if (ev.failure) {
      failed_with_ = ev.failure;
      if (opened_) {
        WSSPEC_FUZZ_CHECK(ref::close_code_for(*ev.failure) != 0);
        WSSPEC_FUZZ_CHECK(ev.code == ref::close_code_for(*ev.failure));
      } else {
        WSSPEC_FUZZ_CHECK(handshake_failed_);
        WSSPEC_FUZZ_CHECK(ev.code == ref::close_code::abnormal);
      }
    } else {
      // Only the peer's EOF ends a connection without a Close frame or a failure.
      WSSPEC_FUZZ_CHECK(ev.code == ref::close_code::abnormal);
    }
  }

  // The server's handshake answer, read by a client that sent the request it accepted.
  void check_response() {
    const ref::http_head& head = peer_.head();
    if (head.status != 101) {
      WSSPEC_FUZZ_CHECK(handshake_failed_ && failed_with_);
      const std::uint16_t status = ref::http_status_for(*failed_with_);
      WSSPEC_FUZZ_CHECK(head.status == (status == 0 ? 400 : status));
      return;
    }
    WSSPEC_FUZZ_CHECK(opened_ && request_);
    const auto accepted =
        ref::validate_response(head, request_->key, request_->subprotocols, request_->extensions);
    WSSPEC_FUZZ_CHECK(accepted.ok());
    WSSPEC_FUZZ_CHECK(accepted->subprotocol == subprotocol_);
    std::vector<ref::deflate_offer> offers;
    for (const auto& ext : request_->extensions) {
      if (ext.name != ref::permessage_deflate_name) continue;
      if (auto offer = ref::parse_deflate_offer(ext)) offers.push_back(*offer);
    }
    std::optional<ref::deflate_params> client_view;
    for (const auto& ext : accepted->extensions) {
      WSSPEC_FUZZ_CHECK(ext.name == ref::permessage_deflate_name);
      const auto params = ref::accept_deflate_response(ext, offers);
      WSSPEC_FUZZ_CHECK(params.ok());
      client_view = *params;
    }
    WSSPEC_FUZZ_CHECK(client_view == deflate_);
  }

  void check_pongs() const {
    const auto& pongs = peer_.pongs();
    if (!params_.auto_pong) {
      WSSPEC_FUZZ_CHECK(pongs.empty());
      return;
    }
    WSSPEC_FUZZ_CHECK(pongs == pings_);
  }

  void check_closes() const {
    const auto& closes = peer_.closes();
    if (app_closed_) {
      WSSPEC_FUZZ_CHECK(closes.size() == 1);
      const ref::close_info& sent = closes.front();
      WSSPEC_FUZZ_CHECK(sent.code == app_code_);
      if (app_code_) {
        WSSPEC_FUZZ_CHECK(app_reason_.starts_with(sent.reason));
        WSSPEC_FUZZ_CHECK(sent.reason.size() + 3 >= std::min<std::size_t>(app_reason_.size(), 123));
      } else {
        WSSPEC_FUZZ_CHECK(sent.reason.empty());
      }
    } else if (close_received_) {
      // §5.5.1: the answer to a Close echoes its status code.
      WSSPEC_FUZZ_CHECK(closes.size() == 1);
      WSSPEC_FUZZ_CHECK(closes.front().code == received_->code);
    } else if (opened_ && closed_ && failed_with_) {
      // §7.1.7: failing the connection sends a Close with the rule's code.
      WSSPEC_FUZZ_CHECK(closes.size() == 1);
      WSSPEC_FUZZ_CHECK(closes.front().code == ref::close_code_for(*failed_with_));
      WSSPEC_FUZZ_CHECK(closes.front().reason == ref::name(*failed_with_));
    } else {
      WSSPEC_FUZZ_CHECK(closes.empty());
    }
  }

  ref::role self_;
  connection_params params_;
  ref::connection conn_;
  conforming_peer peer_;
  std::optional<ref::handshake_request> request_;
  std::optional<ref::deflate_params> deflate_;
  std::optional<std::string> subprotocol_;
  std::size_t events_ = 0;
  bool opened_ = false;
  bool handshake_failed_ = false;
  bool close_received_ = false;
  bool closed_ = false;
  bool app_closed_ = false;
  std::optional<std::uint16_t> app_code_;
  std::string app_reason_;
  std::optional<ref::error> failed_with_;
  std::optional<ref::close_info> received_;
  std::vector<std::vector<std::uint8_t>> pings_;
};

inline void run_connection(ref::role self, const std::uint8_t* data, std::size_t size) {
  byte_reader in(data, size);
  const connection_params params = connection_params::read(in);
  const split_plan plan = split_plan::read(in);
  const auto bytes = in.rest();

  connection_driver driver(self, params);
  std::vector<std::uint8_t> input;
  if (!params.raw) {
    const std::string prefix = driver.handshake_prefix();
    input.assign(prefix.begin(), prefix.end());
  }
  input.insert(input.end(), bytes.begin(), bytes.end());
  for (const auto chunk : plan.cut(std::span<const std::uint8_t>(input))) driver.receive(chunk);
  if (params.eof) driver.receive_eof();
  driver.finish(input.size());
}

}  // namespace wsspec::fuzz
