// RFC 6455 §4.4 supporting multiple versions (server role): a request for a version the server
// does not speak is refused with the versions it does speak in Sec-WebSocket-Version.
#include <string>
#include <vector>

#include "common/handshake.hpp"

namespace wsspec::cases {
namespace {

constexpr const char* version_rule =
    "If the server doesn't support the requested version, it MUST respond with a "
    "|Sec-WebSocket-Version| header field (or multiple |Sec-WebSocket-Version| header fields) "
    "containing all versions it is willing to use. (RFC 6455 §4.2.2 /version/: If this version "
    "does not match a version understood by the server, the server MUST abort the WebSocket "
    "handshake described in this section and instead send an appropriate HTTP error code (such "
    "as 426 Upgrade Required) and a |Sec-WebSocket-Version| header field indicating the "
    "version(s) the server is capable of understanding.)";

void add_versions(catalogue& cat) {
  // Versions of the IANA registry (RFC 6455 §11.6) that no server speaks as RFC 6455: reserved
  // (12), unassigned (14), and the one of the §4.4 example (25).
  for (const char* v : {"12", "14", "25"}) {
    handshake_expectation h = handshake_rejected();
    h.require_version_header = true;
    cat.add(std::string("rfc6455/4.4/version-") + v)
        .section("4.4")
        .roles(role_set::server)
        .must(version_rule)
        .rule(ref::error::unsupported_version)
        .describe(std::string("Send the opening handshake with Sec-WebSocket-Version: ") + v +
                  "; the server refuses it with an error status (426 Upgrade Required, or 400 "
                  "as in the §4.4 example) that carries Sec-WebSocket-Version listing 13.")
        .raw_request(with_version_lines({std::string("Sec-WebSocket-Version: ") + v}))
        .expect_handshake(h);
  }
  // Interim versions of the drafts (RFC 6455 §11.6): a server may still understand one; if it
  // refuses, it names the versions it speaks.
  for (const char* v : {"7", "8"}) {
    handshake_expectation h = handshake_either();
    h.require_version_header = true;
    auto c =
        cat.add(std::string("rfc6455/4.4/version-") + v + "-interim-draft")
            .section("4.4")
            .roles(role_set::server)
            .must(version_rule)
            .rule(ref::error::unsupported_version)
            .describe(std::string("Send the opening handshake with Sec-WebSocket-Version: ") + v +
                      ", an interim draft's version; a server that understands it may "
                      "accept (then it echoes a text message), otherwise it refuses with an "
                      "error status that carries Sec-WebSocket-Version listing 13.")
            .raw_request(with_version_lines({std::string("Sec-WebSocket-Version: ") + v}))
            .expect_handshake(h);
    echo_after_handshake(c);
  }
}

}  // namespace

WSSPEC_FAMILY(6455, "4.4", add_versions);

}  // namespace wsspec::cases
