// Appends to a transcript within fixed bounds, whatever the target sends: the log keeps at most
// so many entries and bytes, and the violations so many rules. Pure: the caller gives the time
// of every record.
#pragma once

#include <cstddef>
#include <span>
#include <string>

#include "wsspec/harness/transcript.hpp"

namespace wsspec::harness {

struct recorder_limits {
  std::size_t max_entries = 20000;       // log entries per case
  std::size_t entry_bytes = 2048;        // bytes kept per logged entry
  std::size_t total_bytes = 256 * 1024;  // raw bytes kept per case
  std::size_t max_violations = 256;      // rule violations recorded per case
  std::size_t max_messages = 200000;     // messages and pongs recorded per case
  const char* full_note = "the log stops here: the target sent more than it can hold";
};

// A performance case sends many alike frames: its log keeps only their start.
recorder_limits performance_limits();

class recorder {
 public:
  explicit recorder(transcript& t, recorder_limits limits = {}) : t_(t), limits_(limits) {}

  transcript& facts() noexcept { return t_; }
  const recorder_limits& limits() const noexcept { return limits_; }

  // A new log entry. Past the entry cap the bulky kinds (bytes, frames, messages) are dropped,
  // with one note saying so, and a scratch entry is returned; the rest is still recorded up to a
  // tenth more.
  entry& log(entry_kind k, std::string text, micros at);
  // Whether `e` is a real entry of the log (not the scratch one given past the cap).
  bool kept(const entry& e) const noexcept { return &e != &scratch_; }
  // Keeps a preview of `bytes` in `e`, within the per-entry and per-case byte caps.
  void keep_bytes(entry& e, std::span<const std::uint8_t> bytes);
  // A rule the target broke, logged and listed (up to the violation cap).
  void violation(ref::error e, std::string detail, micros at);
  // Listed only (the frame's log entry already shows it).
  void listed_violation(ref::error e, std::string detail);

 private:
  transcript& t_;
  recorder_limits limits_;
  entry scratch_;
  std::size_t kept_bytes_ = 0;
};

}  // namespace wsspec::harness
