// RFC 6455 §4.4 supporting multiple versions (server role): a request for a version the server
// does not speak is refused with the versions it does speak in Sec-WebSocket-Version, and a
// missing, repeated or malformed version field is refused (§4.2.1, §11.3.5).
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
constexpr const char* must_reject =
    "If the server, while reading the handshake, finds that the client did not send a handshake "
    "that matches the description below [...], including but not limited to any violations of "
    "the ABNF grammar specified for the components of the handshake, the server MUST stop "
    "processing the client's handshake and return an HTTP response with an appropriate error "
    "code (such as 400 Bad Request). [...] 6. A |Sec-WebSocket-Version| header field, with a "
    "value of 13.";
constexpr const char* version_grammar =
    " RFC 6455 §4.3: Sec-WebSocket-Version-Client = version [...] version = DIGIT | (NZDIGIT "
    "DIGIT) | (\"1\" DIGIT DIGIT) | (\"2\" DIGIT DIGIT) ; Limited to 0-255 range, with no "
    "leading zeros";
constexpr const char* version_once =
    "The |Sec-WebSocket-Version| header field MAY appear multiple times in an HTTP response "
    "(which is logically the same as a single |Sec-WebSocket-Version| header field that contains "
    "all values). However, the |Sec-WebSocket-Version| header field MUST NOT appear more than "
    "once in an HTTP request.";

std::string with_version_lines(std::vector<std::string> lines) {
  return request_head("GET {target} HTTP/1.1",
                      valid_fields_with("Sec-WebSocket-Version", std::move(lines)));
}

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
  struct reject_row {
    const char* slug;
    const char* section;
    std::string requirement;
    const char* description;
    std::vector<std::string> lines;
    ref::error rule;
  };
  const reject_row rejects[] = {
      {"version-missing",
       "4.2.1",
       must_reject,
       "Send the opening handshake without Sec-WebSocket-Version; the server refuses it with an "
       "error status.",
       {},
       ref::error::missing_version},
      {"version-leading-zero",
       "4.2.1",
       std::string(must_reject) + version_grammar,
       "Send the opening handshake with Sec-WebSocket-Version: 013, which the grammar forbids "
       "(no leading zeros); the server refuses it with an error status.",
       {"Sec-WebSocket-Version: 013"},
       ref::error::unsupported_version},
      {"version-list",
       "4.2.1",
       std::string(must_reject) + version_grammar,
       "Send the opening handshake with Sec-WebSocket-Version: 13, 8, a list where a client "
       "sends one version; the server refuses it with an error status.",
       {"Sec-WebSocket-Version: 13, 8"},
       ref::error::unsupported_version},
      {"version-duplicated",
       "11.3.5",
       std::string(version_once) + " [...] " + must_reject,
       "Send the opening handshake with two Sec-WebSocket-Version: 13 field lines; the server "
       "refuses it with an error status.",
       {"Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 13"},
       ref::error::duplicate_version},
  };
  for (const auto& r : rejects) {
    cat.add(std::string("rfc6455/") + r.section + "/" + r.slug)
        .section(r.section)
        .roles(role_set::server)
        .must(r.requirement)
        .rule(r.rule)
        .describe(r.description)
        .raw_request(with_version_lines(r.lines))
        .expect_handshake(handshake_rejected());
  }
}

}  // namespace

WSSPEC_FAMILY(6455, "4.4", add_versions);

}  // namespace wsspec::cases
