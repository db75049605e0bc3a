// RFC 6455 §4.2.2 sending the server's opening handshake (server role): the subprotocol and the
// extensions it selects come from what the client offered, and the connection is open as soon as
// the response is sent.
#include <string>
#include <vector>

#include "common/handshake.hpp"

namespace wsspec::cases {
namespace {

constexpr const char* subprotocol_rule =
    "/subprotocol/ Either a single value representing the subprotocol the server is ready to "
    "use or null. The value chosen MUST be derived from the client's handshake, specifically by "
    "selecting one of the values from the |Sec-WebSocket-Protocol| field that the server is "
    "willing to use for this connection (if any). If the client's handshake did not contain "
    "such a header field or if the server does not agree to any of the client's requested "
    "subprotocols, the only acceptable value is null. The absence of such a field is equivalent "
    "to the null value (meaning that if the server does not wish to agree to one of the "
    "suggested subprotocols, it MUST NOT send back a |Sec-WebSocket-Protocol| header field in "
    "its response).";
constexpr const char* extensions_rule =
    "/extensions/ A (possibly empty) list representing the protocol-level extensions the server "
    "is ready to use. If the server supports multiple extensions, then the value MUST be derived "
    "from the client's handshake, specifically by selecting one or more of the values from the "
    "|Sec-WebSocket-Extensions| field. [...] Extensions not listed by the client MUST NOT be "
    "listed.";

handshake_expectation no_subprotocol() {
  handshake_expectation h;
  h.subprotocol = std::string();
  return h;
}

void add_server_response(catalogue& cat) {
  // ----- /subprotocol/ ---------------------------------------------------------------------
  // The session refuses a 101 response that selects a subprotocol the client did not offer, so
  // every accepting case below also checks "never one that was not offered".
  {
    auto c = cat.add("rfc6455/4.2.2/subprotocol-none-offered")
                 .section("4.2.2")
                 .roles(role_set::server)
                 .must(subprotocol_rule)
                 .describe(
                     "Send the opening handshake without Sec-WebSocket-Protocol; the server "
                     "accepts without selecting a subprotocol (no Sec-WebSocket-Protocol field in "
                     "the response) and echoes a text message.")
                 .expect_handshake(no_subprotocol());
    echo_after_handshake(c);
  }
  struct offer {
    const char* slug;
    std::vector<std::string> protocols;
    const char* description;
  };
  const offer offers[] = {
      {"subprotocol-one-offered",
       {"chat"},
       "Send the opening handshake offering the subprotocol \"chat\"; the server accepts with "
       "\"chat\" or with none, never another, and echoes a text message."},
      {"subprotocol-two-offered",
       {"chat", "superchat"},
       "Send the opening handshake offering \"chat, superchat\"; the server accepts with one of "
       "them or with none, never another or both, and echoes a text message."},
  };
  for (const auto& o : offers) {
    auto c = cat.add(std::string("rfc6455/4.2.2/") + o.slug)
                 .section("4.2.2")
                 .roles(role_set::server)
                 .must(subprotocol_rule)
                 .describe(o.description)
                 .subprotocols(o.protocols)
                 .expect_handshake(handshake_accepted());
    echo_after_handshake(c);
  }

  // ----- /extensions/ ----------------------------------------------------------------------
  struct accept_row {
    const char* slug;
    const char* description;
    std::vector<ref::header_field> fields;
  };
  const accept_row accepts[] = {
      {"extension-unknown-offered",
       "Send the opening handshake offering an extension no server implements, "
       "\"x-wsspec-unknown; foo=1\"; the server accepts without any Sec-WebSocket-Extensions in "
       "the response and "
       "echoes a text message.",
       {{"Sec-WebSocket-Extensions", "x-wsspec-unknown; foo=1"}}},
      {"extension-quoted-parameter",
       "Send the opening handshake offering an unknown extension whose parameter value is a "
       "quoted token (mode=\"fast\"), which the grammar allows; the server accepts without any "
       "extension and echoes a text message.",
       {{"Sec-WebSocket-Extensions", "x-wsspec-unknown; mode=\"fast\""}}},
  };
  for (const auto& a : accepts) {
    auto c = cat.add(std::string("rfc6455/4.2.2/") + a.slug)
                 .section("4.2.2")
                 .roles(role_set::server)
                 .must(extensions_rule)
                 .describe(a.description)
                 .expect_handshake(handshake_without_extensions());
    for (const auto& f : a.fields) c.request_header(f.name, f.value);
    echo_after_handshake(c);
  }

  // ----- the connection is open once the response is sent ------------------------------------
  auto c = cat.add("rfc6455/4.2.2/frame-in-same-write-as-request")
               .section("4.2.2")
               .roles(role_set::server)
               .should(
                   "This completes the server's handshake. If the server finishes these steps "
                   "without aborting the WebSocket handshake, the server considers the WebSocket "
                   "connection to be established and that the WebSocket connection is in the "
                   "OPEN state. At this point, the server may begin sending (and receiving) "
                   "data.")
               .describe(
                   "Send a valid opening handshake and a masked text frame in the same write, "
                   "before the response arrives; the server processes the frame bytes that "
                   "followed the request: it echoes the message. (RFC 6455 §4.1 asks a client to "
                   "wait for the response before sending frames, hence a SHOULD; but the bytes "
                   "after the request head belong to the new protocol, and a server that drops "
                   "them loses data.)")
               .expect_handshake(handshake_accepted())
               .expect_echo({text_message(after_handshake)});
  c.def().handshake.frames_with_request = {text(after_handshake)};
}

}  // namespace

WSSPEC_FAMILY(6455, "4.2.2", add_server_response);

}  // namespace wsspec::cases
