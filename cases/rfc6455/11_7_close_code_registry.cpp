// RFC 6455 §11.7 the WebSocket Close Code Number Registry: status codes run from 1000 to 4999, so a
// Close frame with a code above 4999 is invalid (Autobahn 7.13.x).
#include <cstdint>
#include <string>

#include "common/status_codes.hpp"

namespace wsspec::cases {
namespace {

constexpr const char* registry_range =
    "The status code is an integer number between 1000 and 4999 (inclusive).";

void add_close_code_registry(catalogue& cat) {
  struct code_row {
    std::uint16_t code;
    const char* autobahn;
  };
  const code_row invalid[] = {{5000, "7.13.1"}, {65535, "7.13.2"}};
  for (const auto& v : invalid) {
    auto c = cat.add("rfc6455/11.7/invalid-close-code-" + std::to_string(v.code)).section("11.7");
    refuses_status_code(c, v.code, registry_range)
        .autobahn(v.autobahn)
        .should(quote_status_code(registry_range, status_code_rule))
        .note(
            "Autobahn reports this as INFORMATIONAL, holding that the RFC leaves codes above "
            "4999 undefined. RFC 6455 §11.7 bounds every status code to 1000-4999 and §5.5.1 "
            "binds the sender to codes defined in §7.4, so the Close frame is invalid; but no "
            "sentence requires the receiver to fail the connection on it. wsspec grades it at "
            "SHOULD: failing with 1002 is OK, echoing the code back or answering 1000 is "
            "NON-STRICT, and not answering the Close at all is FAILED (§5.5.1).");
  }
}

}  // namespace

WSSPEC_FAMILY(6455, "11.7", add_close_code_registry);

}  // namespace wsspec::cases
