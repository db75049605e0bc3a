// One named error per rule a peer (or a handshake) can break, grouped by category, each mapped
// to the close code (or HTTP status) that answers it. The table below is the single place where
// that mapping lives.
#pragma once

#include <cstdint>
#include <string_view>
#include <system_error>
#include <utility>
#include <variant>

namespace wsspec::ref {

enum class category : std::uint8_t { handshake, protocol, payload, limit, extension };

// X(name, category, close code, HTTP status, description)
#define WSSPEC_REFERENCE_ERRORS(X)                                                                 \
  /* RFC 6455 §5.2 frame syntax */                                                                \
  X(reserved_bits, protocol, 1002, 0, "RFC 6455 §5.2: RSV bit set without a negotiated extension") \
  X(reserved_opcode, protocol, 1002, 0, "RFC 6455 §5.2: reserved opcode")                          \
  X(control_frame_too_long, protocol, 1002, 0,                                                     \
    "RFC 6455 §5.5: control frame payload longer than 125 bytes")                                  \
  X(control_frame_fragmented, protocol, 1002, 0, "RFC 6455 §5.5: control frame without FIN")       \
  X(unmasked_client_frame, protocol, 1002, 0, "RFC 6455 §5.1: client frame not masked")            \
  X(masked_server_frame, protocol, 1002, 0, "RFC 6455 §5.1: server frame masked")                  \
  X(length_top_bit, protocol, 1002, 0,                                                             \
    "RFC 6455 §5.2: 64-bit payload length with the most significant bit set")                      \
  X(non_minimal_length, protocol, 1002, 0,                                                         \
    "RFC 6455 §5.2: payload length not encoded in the minimal number of bytes")                    \
  /* RFC 6455 §5.4 message sequence */                                                            \
  X(unexpected_continuation, protocol, 1002, 0,                                                    \
    "RFC 6455 §5.4: continuation frame without a message to continue")                             \
  X(expected_continuation, protocol, 1002, 0,                                                      \
    "RFC 6455 §5.4: new data frame while a fragmented message is in progress")                     \
  X(frame_after_close, protocol, 1002, 0, "RFC 6455 §5.5.1: data frame after a Close frame")       \
  /* payload rules */                                                                              \
  X(invalid_utf8, payload, 1007, 0, "RFC 6455 §8.1: text message is not valid UTF-8")              \
  X(close_payload_too_short, protocol, 1002, 0,                                                    \
    "RFC 6455 §5.5.1: Close payload of one byte cannot hold a status code")                        \
  X(invalid_close_code, protocol, 1002, 0,                                                         \
    "RFC 6455 §7.4: status code not allowed in a Close frame")                                     \
  X(invalid_close_reason, payload, 1007, 0, "RFC 6455 §5.5.1: Close reason is not valid UTF-8")    \
  /* limits */                                                                                     \
  X(frame_too_big, limit, 1009, 0, "RFC 6455 §10.4: frame larger than the configured limit")       \
  X(message_too_big, limit, 1009, 0, "RFC 6455 §10.4: message larger than the configured limit")   \
  X(decompressed_too_big, limit, 1009, 0,                                                          \
    "RFC 7692 §8.1: decompressed message larger than the configured limit")                        \
  X(head_too_large, limit, 0, 431, "RFC 9112 §2.3: HTTP head larger than the configured limit")    \
  /* RFC 7692 framing */                                                                           \
  X(rsv1_on_continuation, extension, 1002, 0, "RFC 7692 §6.1: RSV1 set on a continuation frame")   \
  X(rsv1_on_control, extension, 1002, 0, "RFC 7692 §6.1: RSV1 set on a control frame")             \
  X(inflate_failed, extension, 1007, 0,                                                            \
    "RFC 7692 §6.2: compressed payload is not a valid DEFLATE stream")                             \
  /* HTTP/1.1 syntax (RFC 9112) */                                                                 \
  X(bad_request_line, handshake, 0, 400, "RFC 9112 §3: malformed request line")                    \
  X(bad_status_line, handshake, 0, 0, "RFC 9112 §4: malformed status line")                        \
  X(bad_header_line, handshake, 0, 400, "RFC 9112 §5: malformed header field line")                \
  /* RFC 6455 §4.2.1 client request */                                                            \
  X(bad_method, handshake, 0, 405, "RFC 6455 §4.2.1: request method is not GET")                   \
  X(bad_http_version, handshake, 0, 400, "RFC 6455 §4.2.1: HTTP version below 1.1")                \
  X(missing_host, handshake, 0, 400, "RFC 6455 §4.2.1: Host header missing")                       \
  X(duplicate_host, handshake, 0, 400, "RFC 9112 §3.2: more than one Host header")                 \
  X(bad_upgrade, handshake, 0, 400, "RFC 6455 §4.2.1: Upgrade does not include websocket")         \
  X(bad_connection, handshake, 0, 400, "RFC 6455 §4.2.1: Connection does not include Upgrade")     \
  X(missing_key, handshake, 0, 400, "RFC 6455 §4.2.1: Sec-WebSocket-Key missing")                  \
  X(bad_key, handshake, 0, 400, "RFC 6455 §4.2.1: Sec-WebSocket-Key is not 16 bytes in base64")    \
  X(duplicate_key, handshake, 0, 400, "RFC 6455 §11.3.1: Sec-WebSocket-Key sent more than once")   \
  X(missing_version, handshake, 0, 426, "RFC 6455 §4.2.1: Sec-WebSocket-Version missing")          \
  X(unsupported_version, handshake, 0, 426, "RFC 6455 §4.4: Sec-WebSocket-Version is not 13")      \
  X(duplicate_version, handshake, 0, 400,                                                          \
    "RFC 6455 §11.3.5: Sec-WebSocket-Version sent more than once")                                 \
  X(bad_subprotocol, handshake, 0, 400,                                                            \
    "RFC 6455 §4.1: Sec-WebSocket-Protocol is not a list of tokens")                               \
  X(duplicate_subprotocol, handshake, 0, 400,                                                      \
    "RFC 6455 §4.1: a subprotocol is named more than once")                                        \
  X(bad_extension_syntax, handshake, 0, 400,                                                       \
    "RFC 6455 §9.1: Sec-WebSocket-Extensions does not follow the grammar")                         \
  X(bad_extension_parameter, extension, 0, 400,                                                    \
    "RFC 7692 §7: invalid, duplicated or unknown permessage-deflate parameter")                    \
  /* RFC 6455 §4.1 server response, as the client validates it */                                 \
  X(bad_status, handshake, 0, 0, "RFC 6455 §4.1: response status is not 101")                      \
  X(missing_accept, handshake, 0, 0, "RFC 6455 §4.1: Sec-WebSocket-Accept missing")                \
  X(bad_accept, handshake, 0, 0, "RFC 6455 §4.1: Sec-WebSocket-Accept does not match the key")     \
  X(duplicate_accept, handshake, 0, 0,                                                             \
    "RFC 6455 §11.3.3: Sec-WebSocket-Accept sent more than once")                                  \
  X(unoffered_subprotocol, handshake, 0, 0,                                                        \
    "RFC 6455 §4.1: server selected a subprotocol the client did not offer")                       \
  X(unoffered_extension, extension, 0, 0,                                                          \
    "RFC 6455 §4.1: server accepted an extension the client did not offer")                        \
  X(duplicate_extension, extension, 0, 0,                                                          \
    "RFC 7692 §5: permessage-deflate accepted more than once in a response")

enum class error : std::uint8_t {
#define WSSPEC_X(name, cat, close, http, text) name,
  WSSPEC_REFERENCE_ERRORS(WSSPEC_X)
#undef WSSPEC_X
};

inline constexpr std::size_t error_count = 0
#define WSSPEC_X(name, cat, close, http, text) +1
    WSSPEC_REFERENCE_ERRORS(WSSPEC_X)
#undef WSSPEC_X
    ;

category category_of(error e) noexcept;
// The close code an endpoint sends when it fails the connection for `e`; 0 for errors found
// before the connection is open (handshake errors), which are answered in HTTP instead.
std::uint16_t close_code_for(error e) noexcept;
// The HTTP status a server answers a handshake error with; 0 where no response is sent.
std::uint16_t http_status_for(error e) noexcept;
// Stable snake_case name, e.g. "reserved_opcode": used in transcripts and reports.
std::string_view name(error e) noexcept;
std::string_view describe(error e) noexcept;
std::string_view name(category c) noexcept;

const std::error_category& error_category() noexcept;
std::error_code make_error_code(error e) noexcept;

// A set of errors; cheap to copy. Used where several rules can be broken at once (a frame
// header that is both masked wrongly and uses a reserved opcode).
class error_set {
 public:
  constexpr void add(error e) noexcept { bits_ |= bit(e); }
  constexpr bool contains(error e) const noexcept { return (bits_ & bit(e)) != 0; }
  constexpr bool empty() const noexcept { return bits_ == 0; }
  constexpr void clear() noexcept { bits_ = 0; }
  // The lowest-numbered error in the set; the set must not be empty.
  error first() const noexcept;
  template <class F>
  void for_each(F&& f) const {
    for (std::size_t i = 0; i < error_count; ++i)
      if (bits_ & (std::uint64_t{1} << i)) f(static_cast<error>(i));
  }
  constexpr bool operator==(const error_set&) const = default;

 private:
  static constexpr std::uint64_t bit(error e) noexcept {
    return std::uint64_t{1} << static_cast<unsigned>(e);
  }
  std::uint64_t bits_ = 0;
};
static_assert(error_count <= 64, "error_set holds at most 64 errors");

// A value or the rule that was broken producing it.
template <class T>
class result {
 public:
  result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  result(error e) : v_(e) {}                 // NOLINT(google-explicit-constructor)
  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  error err() const { return std::get<1>(v_); }

 private:
  std::variant<T, error> v_;
};

}  // namespace wsspec::ref

template <>
struct std::is_error_code_enum<wsspec::ref::error> : std::true_type {};
