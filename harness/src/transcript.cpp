#include "wsspec/harness/transcript.hpp"

#include <algorithm>

namespace wsspec::harness {

std::optional<micros> transcript::target_ended_at() const {
  std::optional<micros> t;
  auto take = [&](const std::optional<micros>& v) {
    if (v && (!t || *v < *t)) t = v;
  };
  if (close) take(close->at);
  take(peer_eof_at);
  take(reset_at);
  return t;
}

std::uint64_t payload_digest(const std::uint8_t* data, std::size_t size,
                             std::uint64_t state) noexcept {
  for (std::size_t i = 0; i < size; ++i) {
    state ^= data[i];
    state *= 0x100000001b3ull;
  }
  return state;
}

std::string_view to_string(entry_kind k) noexcept {
  switch (k) {
    case entry_kind::connected:
      return "connected";
    case entry_kind::tx_bytes:
      return "tx_bytes";
    case entry_kind::rx_bytes:
      return "rx_bytes";
    case entry_kind::handshake_request:
      return "handshake_request";
    case entry_kind::handshake_response:
      return "handshake_response";
    case entry_kind::tx_frame:
      return "tx_frame";
    case entry_kind::rx_frame:
      return "rx_frame";
    case entry_kind::rx_message:
      return "rx_message";
    case entry_kind::rx_close:
      return "rx_close";
    case entry_kind::violation:
      return "violation";
    case entry_kind::tcp_fin:
      return "tcp_fin";
    case entry_kind::tcp_error:
      return "tcp_error";
    case entry_kind::tcp_closed:
      return "tcp_closed";
    case entry_kind::mark:
      return "mark";
    case entry_kind::timeout:
      return "timeout";
    case entry_kind::note:
      return "note";
  }
  return "note";
}

}  // namespace wsspec::harness
