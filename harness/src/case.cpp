#include "wsspec/harness/case.hpp"

namespace wsspec::harness {

std::string_view to_string(level l) noexcept {
  switch (l) {
    case level::must:
      return "MUST";
    case level::should:
      return "SHOULD";
    case level::may:
      return "MAY";
  }
  return "MUST";
}

std::string_view to_string(verdict v) noexcept {
  switch (v) {
    case verdict::ok:
      return "OK";
    case verdict::non_strict:
      return "NON-STRICT";
    case verdict::informational:
      return "INFORMATIONAL";
    case verdict::unimplemented:
      return "UNIMPLEMENTED";
    case verdict::failed:
      return "FAILED";
    case verdict::error:
      return "ERROR";
  }
  return "ERROR";
}

std::string_view to_string(close_verdict v) noexcept {
  switch (v) {
    case close_verdict::ok:
      return "OK";
    case close_verdict::wrong_code:
      return "WRONG CODE";
    case close_verdict::unclean:
      return "UNCLEAN";
    case close_verdict::failed:
      return "FAILED";
    case close_verdict::informational:
      return "INFORMATIONAL";
    case close_verdict::error:
      return "ERROR";
  }
  return "ERROR";
}

std::vector<std::uint8_t> message_stream::message(std::size_t i) const {
  std::vector<std::uint8_t> out;
  corpus_slice(source, static_cast<std::uint64_t>(i) * units, units, by_characters(), out);
  return out;
}

std::string_view to_string(role_set r) noexcept {
  switch (r) {
    case role_set::server:
      return "server";
    case role_set::client:
      return "client";
    case role_set::both:
      return "both";
  }
  return "both";
}

}  // namespace wsspec::harness
