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
  // Outgoing data messages are split into frames of at most this many payload bytes (0: never,
  // except a compressed message of 1 MiB or more given to send_message(op, vector&&): that one is
  // compressed as it is sent, in frames of 64 KiB of compressed data, see send_message).
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

  // Bytes waiting to be written to the peer, in one span. A payload held apart (see
  // output_pieces) is first copied next to the bytes around it, and a message compressed as it
  // is sent is compressed whole, so a transport that can gather should use output_pieces
  // instead.
  std::span<const std::uint8_t> output();
  // The bytes waiting to be written, in order, as at most pieces.size() spans; returns how many
  // it filled (0: nothing to write). A large message payload is held apart from the frame headers
  // around it instead of being copied next to them, so one message can take several pieces. A
  // message compressed as it is sent shows its next frame only: the pieces end there, and what
  // follows shows once that frame was written. The spans stay valid until the next call of any
  // non-const member.
  std::size_t output_pieces(std::span<std::span<const std::uint8_t>> pieces) const noexcept;
  // How many bytes are ready to be written, over all pieces; not 0 while anything is waiting (a
  // message compressed as it is sent adds its next frame once the one before was written).
  std::size_t output_size() const noexcept;
  // The first n bytes ready (more than are ready: all of them) were written. A payload held
  // apart is released once it is written; a message compressed as it is sent compresses its
  // next frame.
  void consume_output(std::size_t n);
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
  // The same for a message the connection may keep: a large payload is written from `data`'s own
  // buffer (masked in place by a client) instead of a copy, and released once written. With
  // permessage-deflate a message of 1 MiB or more is compressed as it is sent, a frame at a time
  // as the one before was written (RFC 7692 §6.1 allows a compressed message in fragments): the
  // message and its compressed form are never both held whole. `data` is left empty, unless the
  // message is refused (false): then it is left as it was.
  bool send_message(opcode op, std::vector<std::uint8_t>&& data);
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
  bool may_send(opcode op) const noexcept;
  // Compresses `data` and queues it; `data` is not needed after this returns.
  void send_compressed(opcode op, std::span<const std::uint8_t> data);
  // Whether a payload of `size` bytes is held apart rather than copied into out_.
  bool holds_apart(std::size_t size) const noexcept;
  // Queues a message split as fragment_size says, its payload copied into out_.
  void write_message(opcode op, std::span<const std::uint8_t> data, bool rsv1);
  // Queues a message split as fragment_size says, its payload held apart in `data`.
  void write_message_apart(opcode op, std::vector<std::uint8_t>&& data, bool rsv1);
  // Queues a message to be compressed as it is sent.
  void write_message_streamed(opcode op, std::vector<std::uint8_t>&& data);
  // Compresses the next frame of streams_.front() into its frame buffer and returns it; empty
  // once the message's last frame was made.
  std::span<const std::uint8_t> next_stream_frame();
  // Gives the stream at the front of streams_ (if any) its first frame.
  void start_stream();
  // A frame header for `size` payload bytes (with its mask key for a client).
  frame_header make_header(opcode op, std::size_t size, bool fin, bool rsv1);
  // Appends a frame header for `size` payload bytes to out_; returns it (with its mask key).
  frame_header write_header(opcode op, std::size_t size, bool fin, bool rsv1);
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
  // The bytes to send: frame headers and small payloads in out_, from out_pos_ on; each payload
  // held apart goes between out_'s bytes before `at` and those after it.
  struct apart_piece {
    std::size_t at = 0;                   // an index into out_
    std::span<const std::uint8_t> bytes;  // what is left to send, inside one of payloads_
    bool last = false;  // the payload's last piece: payloads_.front() is released after it
    // A message compressed as it is sent (one of streams_): `bytes` is what is left of its
    // current frame (empty before the streams ahead of it are done).
    bool stream = false;
  };
  // A message compressed as it is sent, in order: only the front one is being compressed, so
  // the deflater sees the messages in the order they are sent.
  struct compress_stream {
    opcode op = opcode::binary;
    std::vector<std::uint8_t> message;  // released once compressed whole
    std::size_t read = 0;               // how much of `message` was compressed
    bool compressed_whole = false;      // its last part was compressed
    // Compressed bytes not yet written, from `start` on; before them room for a frame header
    // (the first max_header_size bytes, then bytes already written).
    std::vector<std::uint8_t> buffer;
    std::size_t start = max_header_size;
    std::size_t framed = 0;  // the current frame's payload: `framed` bytes from `start`
    bool first = true;       // no frame made yet
    bool done = false;       // the message's last frame was made
  };
  std::vector<std::uint8_t> out_;
  std::size_t out_pos_ = 0;
  std::deque<apart_piece> apart_;
  std::deque<std::vector<std::uint8_t>> payloads_;
  std::deque<compress_stream> streams_;
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
