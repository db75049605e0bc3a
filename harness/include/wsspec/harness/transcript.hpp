// What happened during one case, recorded as it happened (append-only, timestamped) and
// summarised for the evaluator. Everything the target sent is bounded: byte logs are capped and
// messages are kept as length, digest and a short preview.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "wsspec/reference/close_payload.hpp"
#include "wsspec/reference/error.hpp"
#include "wsspec/reference/frame.hpp"
#include "wsspec/reference/http_head.hpp"

namespace wsspec::harness {

using micros = std::chrono::microseconds;

enum class entry_kind : std::uint8_t {
  connected,           // TCP connection established
  tx_bytes,            // bytes wsspec wrote
  rx_bytes,            // bytes the target sent
  handshake_request,   // the opening request (text)
  handshake_response,  // the opening response (text)
  tx_frame,            // a frame wsspec sent
  rx_frame,            // a frame the target sent (header, payload preview, violations)
  rx_message,          // a whole message from the target
  rx_close,            // the target's Close frame
  violation,           // a rule the target broke
  tcp_fin,             // the target closed its side of TCP
  tcp_error,           // the connection was reset or failed
  tcp_closed,          // wsspec closed the TCP connection
  mark,                // a named point in the case
  timeout,             // something the case waited for did not come in time
  note,                // anything else worth reading
};

struct entry {
  micros at{0};
  entry_kind kind = entry_kind::note;
  std::string text;                 // a one-line description
  std::vector<std::uint8_t> bytes;  // raw bytes or payload preview (capped)
  std::uint64_t size = 0;           // the full size of what `bytes` previews
  ref::frame_header header{};       // for frames
  ref::error_set violations{};      // for rx_frame and violation entries
};

struct observed_message {
  std::uint8_t opcode = 1;
  std::uint64_t length = 0;
  std::uint64_t digest = 0;  // of the payload; see payload_digest()
  bool valid_utf8 = true;
  bool compressed = false;
  micros at{0};
};

struct observed_close {
  std::optional<std::uint16_t> code;
  std::string reason;                 // as sent (may be invalid UTF-8)
  std::optional<ref::error> problem;  // a Close body that breaks RFC 6455 §5.5.1 / §7.4
  micros at{0};
};

struct transcript {
  ref::role target = ref::role::server;  // the role of the implementation under test
  std::vector<entry> entries;
  bool connected = false;
  std::string connect_error;  // why the target could not be reached
  std::string harness_error;  // a fault of wsspec itself
  // The opening handshake.
  bool handshake_sent = false;
  bool handshake_complete = false;  // a valid 101 (or, testing a client, a valid request)
  int http_status = 0;
  std::optional<ref::http_head> peer_head;
  std::optional<ref::error> handshake_problem;
  bool deflate_agreed = false;
  // A valid permessage-deflate offer was made: by wsspec (testing a server) or by the client.
  bool deflate_offered = false;
  // What the target sent.
  std::vector<observed_message> messages;
  std::vector<std::vector<std::uint8_t>> pongs;
  std::vector<micros> pong_at;  // when each of `pongs` arrived
  std::size_t pings = 0;
  // Control frames the target sent after its own Close frame (data frames after it are
  // violations; see `violations`).
  std::size_t control_after_close = 0;
  std::optional<observed_close> close;
  // Testing a client: the masking key of every masked frame it sent, in order (capped at
  // max_mask_keys), for the RFC 6455 §5.3 unpredictability checks.
  std::vector<std::uint32_t> rx_mask_keys;
  static constexpr std::size_t max_mask_keys = 1u << 18;
  // Testing a client: an earlier connection of the run carried the same Sec-WebSocket-Key (the
  // id of its case). RFC 6455 §4.1: the nonce is "randomly selected" for each connection.
  std::optional<std::string> key_reused_from;
  // Testing a client: bytes it sent after its request, before wsspec's response (RFC 6455 §4.1:
  // it "MUST wait for a response from the server before sending any further data").
  std::uint64_t bytes_before_response = 0;
  std::vector<std::pair<ref::error, std::string>> violations;
  // How it ended.
  std::optional<micros> close_sent_at;           // wsspec sent a Close frame (of any form)
  std::optional<std::uint16_t> close_sent_code;  // the status code in it, if it had one
  // That Close frame was part of the case's steps (the stimulus), not wsspec ending the case.
  bool close_sent_by_step = false;
  std::optional<micros> peer_eof_at;  // the target closed TCP
  // Over TLS, when the target closed: whether it closed the TLS session (close_notify) first.
  std::optional<bool> tls_session_closed;
  std::optional<micros> reset_at;          // the connection was reset
  std::optional<micros> we_closed_tcp_at;  // wsspec closed TCP
  std::optional<micros> we_shut_down_at;   // wsspec half-closed TCP (sent its FIN)
  bool harness_closed_first = false;       // wsspec's Close frame went out before the target's
  bool budget_expired = false;
  std::map<std::string, micros> marks;
  micros duration{0};
  std::uint64_t tx_bytes = 0;
  std::uint64_t rx_bytes = 0;

  // When the target first showed that it was ending the connection: its Close frame, its FIN or
  // a reset, whichever came first.
  std::optional<micros> target_ended_at() const;
};

// FNV-1a 64 over the bytes, resumable: pass the previous value to continue a digest.
std::uint64_t payload_digest(const std::uint8_t* data, std::size_t size,
                             std::uint64_t state = 0xcbf29ce484222325ull) noexcept;

std::string_view to_string(entry_kind k) noexcept;

}  // namespace wsspec::harness
