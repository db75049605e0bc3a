// The WebSocket connection state machine (RFC 6455 §4-§7), sans I/O: bytes from the network go
// in through receive(), events come out of next_event(), bytes to send accumulate in output().
// Both roles, the opening handshake, permessage-deflate, ping/pong, the closing handshake and
// Failing the WebSocket Connection. It reads no clock: the code that drives it owns timers (for
// the client's wait for the server to close TCP, RFC 6455 §7.1.1).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "wsspec/reference/events.hpp"
#include "wsspec/reference/frame.hpp"
#include "wsspec/reference/frame_decoder.hpp"
#include "wsspec/reference/handshake.hpp"
#include "wsspec/reference/http_head.hpp"
#include "wsspec/reference/message_assembler.hpp"
#include "wsspec/reference/permessage_deflate.hpp"

namespace wsspec::ref {

struct connection_config {
  role self = role::server;
  std::uint64_t max_frame_size = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t max_message_size = 64ull << 20;
  http_limits http{};
  // Server: subprotocols it supports, in its order of preference; the first one the client also
  // offered is selected. accept_any_subprotocol selects the client's first offer instead.
  std::vector<std::string> subprotocols;
  bool accept_any_subprotocol = false;
  // Server: permessage-deflate policy (enabled = false declines every offer).
  deflate_server_policy deflate{};
  // Client: the request to send (its nonce is replaced by a random one unless fixed_nonce).
  client_request request{};
  bool fixed_nonce = false;
  // Client: offer permessage-deflate with these parameters.
  std::optional<deflate_offer> offer_deflate;
  // Outgoing data messages are split into frames of at most this many payload bytes (0: never).
  std::size_t fragment_size = 0;
  // Answer pings with pongs automatically (RFC 6455 §5.5.2 requires an answer).
  bool auto_pong = true;
  // Client mask keys; by default unpredictable bytes from the system's CSPRNG (RFC 6455 §5.3).
  std::function<mask_key()> mask_source;
};

enum class connection_state : std::uint8_t { connecting, open, closing, closed };

class connection {
 public:
  explicit connection(connection_config config);
  ~connection();
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  // Bytes from the peer. Frame payloads are unmasked in place, so the span is modified. Bytes
  // after a complete data message are kept and read by next_event() once the events before them
  // were taken, so that the application can answer the message before a later frame is read.
  void receive(std::span<std::uint8_t> data);
  void receive(std::string_view data);
  // The peer closed its side of the TCP connection.
  void receive_eof();

  // The next event, or nullopt when there is none.
  std::optional<event> next_event();

  // Bytes waiting to be written to the peer.
  std::span<const std::uint8_t> output() const noexcept {
    return {out_.data() + out_pos_, out_.size() - out_pos_};
  }
  void consume_output(std::size_t n) noexcept;
  // True once nothing more will be sent: the transport should be shut down after output() is
  // flushed. A server closes TCP first (RFC 6455 §7.1.1); a client waits for the server to do
  // so, then closes after a timeout of its own choosing.
  bool should_close_transport() const noexcept { return close_transport_; }
  // With should_close_transport(): true when this side should wait for the peer to close TCP
  // first (a client after a clean closing handshake), false when it closes at once.
  bool await_peer_eof() const noexcept { return await_eof_; }

  // Sending is possible while the connection is open; each returns false otherwise (after a Close
  // frame was sent, RFC 6455 §5.5.1 allows no more data frames).
  bool send_text(std::string_view text);
  bool send_binary(std::span<const std::uint8_t> data);
  bool send_message(opcode op, std::span<const std::uint8_t> data);
  // Control frames carry at most 125 bytes (RFC 6455 §5.5); longer payloads are refused.
  bool send_ping(std::span<const std::uint8_t> data = {});
  bool send_pong(std::span<const std::uint8_t> data = {});
  // Starts the closing handshake (RFC 6455 §7.1.2). The reason is cut to fit a control frame.
  bool close(std::optional<std::uint16_t> code = std::uint16_t{1000}, std::string_view reason = {});

  connection_state state() const noexcept { return state_; }
  role self() const noexcept { return config_.self; }
  const std::optional<deflate_params>& deflate() const noexcept { return deflate_; }
  // The key the client sent (client role).
  const std::string& key() const noexcept { return key_; }

 private:
  void receive_handshake(std::span<std::uint8_t>& data);
  void server_handshake();
  void client_handshake();
  // Returns how much of `data` was read: all of it, unless it stopped after a complete message.
  std::size_t receive_frames(std::span<std::uint8_t> data);
  // Reads input held back after a complete message, once its events were taken.
  void resume_held();
  // True when the frame completed a data message.
  bool on_frame_complete();
  void on_control(opcode op, const std::vector<std::uint8_t>& payload);
  void fail(error e);
  void finish(std::uint16_t code, std::string reason, bool clean, std::optional<error> failure);
  void write_frame(opcode op, std::span<const std::uint8_t> payload, bool fin, bool rsv1);
  mask_key next_mask();
  void enter_open(std::optional<deflate_params> params);

  connection_config config_;
  connection_state state_ = connection_state::connecting;
  http_head_parser http_;
  frame_decoder decoder_;
  message_assembler assembler_;
  std::unique_ptr<deflater> deflater_;
  std::unique_ptr<inflater> inflater_;
  std::optional<deflate_params> deflate_;
  std::deque<event> events_;
  // Input after a complete data message, read once the application took the events so far.
  std::vector<std::uint8_t> held_;
  std::size_t held_pos_ = 0;
  std::vector<std::uint8_t> out_;
  std::size_t out_pos_ = 0;
  std::vector<std::uint8_t> scratch_;
  std::string key_;
  bool close_sent_ = false;
  bool close_received_ = false;
  bool close_transport_ = false;
  bool await_eof_ = false;
  bool discarding_ = false;  // frames after the peer's Close are read and dropped
  // The peer's Close, while an endpoint with a rule switched off reads on (see enforced()).
  std::optional<close_info> peer_close_;
  std::vector<std::uint8_t> random_pool_;
  std::size_t random_pos_ = 0;
};

}  // namespace wsspec::ref
