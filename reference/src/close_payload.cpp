#include "wsspec/reference/close_payload.hpp"

#include "wsspec/reference/close_code.hpp"
#include "wsspec/reference/enforcement.hpp"
#include "wsspec/reference/utf8_validator.hpp"

namespace wsspec::ref {

result<close_info> parse_close_payload(std::span<const std::uint8_t> payload) {
  // RFC 6455 §5.5.1: a Close frame MAY have no body; the code is then reported as 1005.
  if (payload.empty()) return close_info{};
  // RFC 6455 §5.5.1: if there is a body, its first two bytes MUST be a status code (a lax reader
  // takes a single byte for no code at all).
  if (payload.size() < 2) {
    if (enforced(error::close_payload_too_short)) return error::close_payload_too_short;
    return close_info{};
  }
  // RFC 6455 §5.5.1: the status code is a 2-byte unsigned integer in network byte order.
  const auto code = static_cast<std::uint16_t>((payload[0] << 8) | payload[1]);
  // RFC 6455 §7.4: only the codes defined for use in a Close frame may be sent.
  if (!close_code::valid_on_wire(code) && enforced(error::invalid_close_code))
    return error::invalid_close_code;
  // RFC 6455 §5.5.1: the rest of the body is a reason that is UTF-8 encoded data.
  const auto reason = payload.subspan(2);
  if (!is_valid_utf8(reason) && enforced(error::invalid_close_reason))
    return error::invalid_close_reason;
  return close_info{code, std::string(reason.begin(), reason.end())};
}

std::vector<std::uint8_t> encode_close_payload(std::optional<std::uint16_t> code,
                                               std::string_view reason) {
  std::vector<std::uint8_t> out;
  // RFC 6455 §5.5.1: a reason may only follow a status code; without one the body is empty.
  if (!code) return out;
  out.reserve(2 + reason.size());
  out.push_back(static_cast<std::uint8_t>(*code >> 8));
  out.push_back(static_cast<std::uint8_t>(*code & 0xFF));
  out.insert(out.end(), reason.begin(), reason.end());
  return out;
}

}  // namespace wsspec::ref
