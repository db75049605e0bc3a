// RFC 6455 §11.3.5 the Sec-WebSocket-Version field (server role): a request carries it once, and
// a server refuses a request that repeats it.
#include <string>

#include "common/handshake.hpp"

namespace wsspec::cases {
namespace {

constexpr const char* version_once =
    "The |Sec-WebSocket-Version| header field MAY appear multiple times in an HTTP response "
    "(which is logically the same as a single |Sec-WebSocket-Version| header field that contains "
    "all values). However, the |Sec-WebSocket-Version| header field MUST NOT appear more than "
    "once in an HTTP request.";

void add_sec_websocket_version(catalogue& cat) {
  cat.add("rfc6455/11.3.5/version-duplicated")
      .section("11.3.5")
      .roles(role_set::server)
      .must(std::string(version_once) + " [...] " + version_must_reject)
      .rule(ref::error::duplicate_version)
      .describe(
          "Send the opening handshake with two Sec-WebSocket-Version: 13 field lines; the server "
          "refuses it with an error status.")
      .raw_request(with_version_lines({"Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 13"}))
      .expect_handshake(handshake_rejected());
}

}  // namespace

WSSPEC_FAMILY(6455, "11.3.5", add_sec_websocket_version);

}  // namespace wsspec::cases
