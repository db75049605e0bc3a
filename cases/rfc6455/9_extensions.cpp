// RFC 6455 §9 extensions (server role): a server that accepts an offered extension answers with
// parameters its specification allows.
#include <string>

#include "common/handshake.hpp"
#include "wsspec/reference/extensions.hpp"

namespace wsspec::cases {
namespace {

constexpr const char* parameters_rule =
    "If extension parameters are included in negotiations between the client and the server, "
    "those parameters MUST be chosen in accordance with the specification of the extension to "
    "which the parameters apply.";

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
}

}  // namespace

WSSPEC_FAMILY(6455, "9", add_extensions);

}  // namespace wsspec::cases
