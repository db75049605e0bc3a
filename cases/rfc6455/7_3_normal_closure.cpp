// RFC 6455 §7.3 normal closure of connections (client role): a client does not close an idle
// connection of its own accord.
#include <chrono>

#include "common/builders.hpp"

namespace wsspec::cases {
namespace {

using namespace std::chrono_literals;

void add_normal_closure(catalogue& cat) {
  cat.add("rfc6455/7.3/client-keeps-an-idle-connection")
      .section("7.3")
      .roles(role_set::client)
      .should("Clients SHOULD NOT close the WebSocket connection arbitrarily.")
      .describe(
          "Leave the connection idle for 1.5 s after the opening handshake, then send a text "
          "message; the client has kept the connection open and echoes it.")
      .budget(5s)
      .pause(1500ms)
      .send({text("still there?")})
      .expect_echo({text_message("still there?")});
}

}  // namespace

WSSPEC_FAMILY(6455, "7.3", add_normal_closure);

}  // namespace wsspec::cases
