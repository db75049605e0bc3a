// RFC 6455 §11.3.2 the Sec-WebSocket-Extensions field (server role): a client may split its offer
// over several field lines, which a server reads as one list, and a response carries the field
// at most once.
#include "common/handshake.hpp"

namespace wsspec::cases {
namespace {

constexpr const char* extensions_lines =
    "The |Sec-WebSocket-Extensions| header field MAY appear multiple times in an HTTP request "
    "(which is logically the same as a single |Sec-WebSocket-Extensions| header field that "
    "contains all values.";
constexpr const char* one_field_rule =
    "However, the |Sec-WebSocket-Extensions| header field MUST NOT appear more than once in an "
    "HTTP response.";

void add_sec_websocket_extensions(catalogue& cat) {
  auto split =
      cat.add("rfc6455/11.3.2/extensions-two-field-lines")
          .section("11.3.2")
          .roles(role_set::server)
          .should(extensions_lines)
          .note(
              "Refusing this valid request breaks no MUST-level sentence: RFC 6455 §11.3.2 says "
              "the field MAY appear more than once, and RFC 9110 §5.3 lets a recipient combine "
              "the lines, but no sentence obliges a server to accept a request it misreads. A "
              "refusal is NON-STRICT.")
          .describe(
              "Send the opening handshake with two Sec-WebSocket-Extensions field lines of "
              "unknown extensions; the server reads them as one list, accepts without any "
              "extension and echoes a text message.")
          .request_header("Sec-WebSocket-Extensions", "x-wsspec-a")
          .request_header("Sec-WebSocket-Extensions", "x-wsspec-b; level=2")
          .expect_handshake(handshake_without_extensions());
  echo_after_handshake(split);

  auto lines =
      cat.add("rfc6455/11.3.2/extensions-one-field-line-in-response")
          .section("11.3.2")
          .roles(role_set::server)
          .must(one_field_rule)
          .describe(
              "Offer permessage-deflate and an unknown extension in two "
              "Sec-WebSocket-Extensions field lines of the request (which §11.3.2 "
              "allows); the response carries at most one Sec-WebSocket-Extensions field "
              "line, whether the server accepts an extension or not, and the server "
              "echoes a text message.")
          .request_header("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits")
          .request_header("Sec-WebSocket-Extensions", "x-wsspec-unknown")
          .expect_handshake(handshake_accepted());
  echo_after_handshake(lines);
}

}  // namespace

WSSPEC_FAMILY(6455, "11.3.2", add_sec_websocket_extensions);

}  // namespace wsspec::cases
