// Close status codes (RFC 6455 §7.4, IANA "WebSocket Close Code Number Registry").
#pragma once

#include <cstdint>
#include <string_view>

namespace wsspec::ref::close_code {

inline constexpr std::uint16_t normal = 1000;
inline constexpr std::uint16_t going_away = 1001;
inline constexpr std::uint16_t protocol_error = 1002;
inline constexpr std::uint16_t unsupported_data = 1003;
inline constexpr std::uint16_t no_status = 1005;  // never on the wire
inline constexpr std::uint16_t abnormal = 1006;   // never on the wire
inline constexpr std::uint16_t invalid_payload = 1007;
inline constexpr std::uint16_t policy_violation = 1008;
inline constexpr std::uint16_t too_big = 1009;
inline constexpr std::uint16_t mandatory_extension = 1010;
inline constexpr std::uint16_t internal_error = 1011;
inline constexpr std::uint16_t service_restart = 1012;
inline constexpr std::uint16_t try_again_later = 1013;
inline constexpr std::uint16_t bad_gateway = 1014;
inline constexpr std::uint16_t tls_handshake = 1015;  // never on the wire

// RFC 6455 §7.4: codes an endpoint may send in a Close frame: 1000-1003 and 1007-1014 from the
// IANA registry, and 3000-4999 (registered libraries and private use). 1004 is reserved, 1005,
// 1006 and 1015 must never be sent, 1016-2999 are unassigned, below 1000 is unused.
constexpr bool valid_on_wire(std::uint16_t code) noexcept {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
         (code >= 3000 && code <= 4999);
}

// "normal", "protocol error", ... "private use", "unassigned".
std::string_view describe(std::uint16_t code) noexcept;

}  // namespace wsspec::ref::close_code
