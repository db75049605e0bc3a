// RFC 6455 §7.1.1 closing the connection (client role): after the closing handshake the server
// closes TCP first, and the client waits for it.
#include <chrono>

#include "common/builders.hpp"

namespace wsspec::cases {
namespace {

using namespace std::chrono_literals;

void add_close_the_connection(catalogue& cat) {
  cat.add("rfc6455/7.1.1/client-waits-for-server-tcp-close")
      .section("7.1.1")
      .roles(role_set::client)
      .should(
          "As such, when a server is instructed to _Close the WebSocket Connection_ it SHOULD "
          "initiate a TCP Close immediately, and when a client is instructed to do the same, it "
          "SHOULD wait for a TCP Close from the server.")
      .describe(
          "Have a text message echoed, complete the closing handshake with 1000, then hold the "
          "server's TCP close back for 500 ms; the client waits for it instead of closing TCP "
          "first (it MAY close after a reasonable time, which 500 ms is not).")
      .note(
          "Autobahn's server closes TCP at once after the closing handshake, so it never sees "
          "which side would close first. RFC 6455 §7.1.1 wants the server to hold the TIME_WAIT "
          "state: a client that closes first is NON-STRICT.")
      .send({text("close after me")})
      .expect_echo({text_message("close after me")})
      .server_close_delay(500ms);
}

}  // namespace

WSSPEC_FAMILY(6455, "7.1.1", add_close_the_connection);

}  // namespace wsspec::cases
