// RFC 6455 §11.3.1 the Sec-WebSocket-Key field (server role): a request carries it once, and a
// server refuses a request that repeats it.
#include <string>

#include "common/handshake.hpp"

namespace wsspec::cases {
namespace {

constexpr const char* key_once =
    "The |Sec-WebSocket-Key| header field MUST NOT appear more than once in an HTTP request.";

void add_sec_websocket_key(catalogue& cat) {
  cat.add("rfc6455/11.3.1/key-duplicated")
      .section("11.3.1")
      .roles(role_set::server)
      .must(std::string(key_once) + " [...] " + server_must_reject)
      .describe(
          "Send the opening handshake with two Sec-WebSocket-Key field lines, each a valid key; "
          "the server refuses it with an error status.")
      .raw_request(request_head(
          "GET {target} HTTP/1.1",
          valid_fields_with("Sec-WebSocket-Key", {"Sec-WebSocket-Key: {key}",
                                                  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="})))
      .rule(ref::error::duplicate_key)
      .expect_handshake(handshake_rejected());
}

}  // namespace

WSSPEC_FAMILY(6455, "11.3.1", add_sec_websocket_key);

}  // namespace wsspec::cases
