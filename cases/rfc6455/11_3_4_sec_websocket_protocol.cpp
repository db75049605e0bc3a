// RFC 6455 §11.3.4 the Sec-WebSocket-Protocol field (server role): a client may split its offer
// over several field lines, which a server reads as one list.
#include "common/handshake.hpp"

namespace wsspec::cases {
namespace {

constexpr const char* subprotocol_lines =
    "The |Sec-WebSocket-Protocol| header field MAY appear multiple times in an HTTP request "
    "(which is logically the same as a single |Sec-WebSocket-Protocol| header field that "
    "contains all values). However, the |Sec-WebSocket-Protocol| header field MUST NOT appear "
    "more than once in an HTTP response.";

void add_sec_websocket_protocol(catalogue& cat) {
  auto c = cat.add("rfc6455/11.3.4/subprotocol-two-field-lines")
               .section("11.3.4")
               .roles(role_set::server)
               .must(subprotocol_lines)
               .describe(
                   "Send the opening handshake with two Sec-WebSocket-Protocol field lines, "
                   "\"chat\" and \"superchat\", which together offer both; the server accepts "
                   "with one of them or with none, and echoes a text message.")
               .subprotocols({"chat", "superchat"})
               .omit_header("Sec-WebSocket-Protocol")
               .request_header("Sec-WebSocket-Protocol", "chat")
               .request_header("Sec-WebSocket-Protocol", "superchat")
               .expect_handshake(handshake_accepted());
  echo_after_handshake(c);
}

}  // namespace

WSSPEC_FAMILY(6455, "11.3.4", add_sec_websocket_protocol);

}  // namespace wsspec::cases
