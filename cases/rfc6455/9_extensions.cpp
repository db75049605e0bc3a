// RFC 6455 §9 extensions and the §11.3.2 field that carries them (server role): a server that
// accepts an offered extension answers with parameters its specification allows, in a single
// Sec-WebSocket-Extensions field line.
#include <string>

#include "common/handshake.hpp"
#include "wsspec/reference/extensions.hpp"

namespace wsspec::cases {
namespace {

constexpr const char* parameters_rule =
    "If extension parameters are included in negotiations between the client and the server, "
    "those parameters MUST be chosen in accordance with the specification of the extension to "
    "which the parameters apply.";
constexpr const char* one_field_rule =
    "However, the |Sec-WebSocket-Extensions| header field MUST NOT appear more than once in an "
    "HTTP response.";

std::vector<ref::extension> offer(std::string_view header) {
  auto parsed = ref::parse_extensions(header);
  return parsed ? *parsed : std::vector<ref::extension>{};
}

void add_extensions(catalogue& cat) {
  auto params = cat.add("rfc6455/9/extension-parameters-follow-the-extension")
                    .section("9")
                    .roles(role_set::server)
                    .must(parameters_rule)
                    .describe(
                        "Offer \"permessage-deflate; client_max_window_bits; "
                        "server_max_window_bits=10\"; a server that accepts it answers with "
                        "parameters RFC 7692 §7 allows (no unknown or repeated parameter, "
                        "server_max_window_bits at most 10, client_max_window_bits between 8 and "
                        "15), then echoes a text message, compressed or not. Declining the "
                        "extension passes too.")
                    .offer_extensions(offer(
                        "permessage-deflate; client_max_window_bits; server_max_window_bits=10"))
                    .expect_handshake(handshake_accepted());
  echo_after_handshake(params);

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

WSSPEC_FAMILY(6455, "9", add_extensions);

}  // namespace wsspec::cases
