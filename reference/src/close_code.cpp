#include "wsspec/reference/close_code.hpp"

namespace wsspec::ref::close_code {

std::string_view describe(std::uint16_t code) noexcept {
  switch (code) {
    case normal:
      return "normal closure";
    case going_away:
      return "going away";
    case protocol_error:
      return "protocol error";
    case unsupported_data:
      return "unsupported data";
    case 1004:
      return "reserved";
    case no_status:
      return "no status received";
    case abnormal:
      return "abnormal closure";
    case invalid_payload:
      return "invalid frame payload data";
    case policy_violation:
      return "policy violation";
    case too_big:
      return "message too big";
    case mandatory_extension:
      return "mandatory extension";
    case internal_error:
      return "internal error";
    case service_restart:
      return "service restart";
    case try_again_later:
      return "try again later";
    case bad_gateway:
      return "bad gateway";
    case tls_handshake:
      return "TLS handshake";
    default:
      break;
  }
  if (code >= 3000 && code <= 3999) return "registered (libraries, frameworks, applications)";
  if (code >= 4000 && code <= 4999) return "private use";
  if (code < 1000) return "not used";
  return "unassigned";
}

}  // namespace wsspec::ref::close_code
