// Reads the target's frames and records what they mean, without I/O and without a clock: the
// reference frame decoder in observer mode (a broken rule is recorded, never thrown), message
// assembly with UTF-8 checking and permessage-deflate inflation, pongs, pings and the target's
// Close. What a conforming endpoint would answer (a Pong, a Close) is handed back to the caller,
// which decides whether to send it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "wsspec/harness/recorder.hpp"
#include "wsspec/reference/frame_decoder.hpp"
#include "wsspec/reference/permessage_deflate.hpp"
#include "wsspec/reference/utf8_validator.hpp"

namespace wsspec::harness {

// Something the target sent that an endpoint answers.
struct observed_control {
  enum class kind : std::uint8_t { ping, close };
  kind what = kind::ping;
  std::vector<std::uint8_t> payload;  // the Ping's data
  // A Close: its status code, and whether its body was valid (RFC 6455 §5.5.1, §7.4).
  std::optional<std::uint16_t> code;
  bool valid = true;
};

class observer {
 public:
  // `harness_role` is the role wsspec plays: the target's frames are decoded as that role
  // receives them (a server requires masked frames, a client unmasked ones).
  observer(recorder& rec, ref::role harness_role, std::uint64_t max_message_size);
  ~observer();
  observer(const observer&) = delete;
  observer& operator=(const observer&) = delete;

  // permessage-deflate was agreed: RSV1 marks compressed messages, inflated within the limit.
  void agree(const ref::deflate_params& p);

  // Bytes from the target, received at `at`. Frame payloads are unmasked in place.
  std::vector<observed_control> feed(std::span<std::uint8_t> data, micros at);

  // A decoding error stopped the reader: nothing more can be read from this connection.
  bool stopped() const noexcept { return stopped_; }

 private:
  void on_header(micros at);
  void on_payload(std::span<const std::uint8_t> chunk, bool complete, micros at,
                  std::vector<observed_control>& out);
  void on_control(micros at, std::vector<observed_control>& out);
  void consume_message_bytes(std::span<const std::uint8_t> bytes, micros at);

  recorder& rec_;
  ref::role self_;
  std::uint64_t max_message_size_;
  ref::frame_decoder decoder_;
  std::unique_ptr<ref::inflater> inflater_;
  std::vector<std::uint8_t> control_;
  std::vector<std::uint8_t> inflated_;
  std::uint8_t control_op_ = 0;
  bool frame_is_control_ = false;
  bool in_message_ = false;
  bool msg_fin_ = false;
  bool inflate_failed_ = false;
  bool utf8_flagged_ = false;
  bool stopped_ = false;
  observed_message msg_;
  ref::utf8_validator utf8_;
  std::size_t rx_entry_ = static_cast<std::size_t>(-1);
  std::size_t frames_seen_ = 0;
};

}  // namespace wsspec::harness
