// RFC 6455 §10.7 handling of invalid data (server role): invalid data in place of the opening
// handshake is answered with an HTTP error status.
#include "common/handshake.hpp"

namespace wsspec::cases {
namespace {

void add_invalid_data(catalogue& cat) {
  cat.add("rfc6455/10.7/not-http")
      .section("10.7")
      .roles(role_set::server)
      .should(
          "If the invalid data is sent during the WebSocket handshake, the server SHOULD return "
          "an appropriate HTTP [RFC2616] status code.")
      .describe(
          "Send a line that is not an HTTP request line, then an empty line; the server answers "
          "with an HTTP error status (closing the connection without one is non-strict).")
      .raw_request("HELLO WORLD\r\n\r\n")
      .rule(ref::error::bad_request_line)
      .expect_handshake(handshake_rejected());
}

}  // namespace

WSSPEC_FAMILY(6455, "10.7", add_invalid_data);

}  // namespace wsspec::cases
