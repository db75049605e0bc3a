// RFC 6455 §4.2.2 sending the server's opening handshake (server role): the subprotocol and the
// extensions it selects come from what the client offered, field lines that HTTP lets a client
// split are read as one list, malformed offers are refused (§4.2.1, §9.1), and the connection is
// open as soon as the response is sent.
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
constexpr const char* subprotocol_lines =
    "The |Sec-WebSocket-Protocol| header field MAY appear multiple times in an HTTP request "
    "(which is logically the same as a single |Sec-WebSocket-Protocol| header field that "
    "contains all values). However, the |Sec-WebSocket-Protocol| header field MUST NOT appear "
    "more than once in an HTTP response.";
constexpr const char* subprotocol_grammar =
    "If the server, while reading the handshake, finds that the client did not send a handshake "
    "that matches the description below [...], including but not limited to any violations of "
    "the ABNF grammar specified for the components of the handshake, the server MUST stop "
    "processing the client's handshake and return an HTTP response with an appropriate error "
    "code (such as 400 Bad Request). [...] RFC 6455 §4.3: Sec-WebSocket-Protocol-Client = "
    "1#token";
constexpr const char* extensions_rule =
    "/extensions/ A (possibly empty) list representing the protocol-level extensions the server "
    "is ready to use. If the server supports multiple extensions, then the value MUST be derived "
    "from the client's handshake, specifically by selecting one or more of the values from the "
    "|Sec-WebSocket-Extensions| field. [...] Extensions not listed by the client MUST NOT be "
    "listed.";
constexpr const char* extensions_lines =
    "The |Sec-WebSocket-Extensions| header field MAY appear multiple times in an HTTP request "
    "(which is logically the same as a single |Sec-WebSocket-Extensions| header field that "
    "contains all values.";
constexpr const char* extensions_grammar =
    "If a value is received by either the client or the server during negotiation that does not "
    "conform to the ABNF below, the recipient of such malformed data MUST immediately _Fail the "
    "WebSocket Connection_. [...] extension-param = token [ \"=\" (token | quoted-string) ] "
    ";When using the quoted-string syntax variant, the value ;after quoted-string unescaping "
    "MUST conform to the ;'token' ABNF.";

handshake_expectation no_subprotocol() {
  handshake_expectation h;
  h.subprotocol = std::string();
  return h;
}

handshake_expectation no_extension() {
  handshake_expectation h;
  h.no_extensions = true;
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
  {
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
  cat.add("rfc6455/4.2.1/subprotocol-not-a-token")
      .section("4.2.1")
      .roles(role_set::server)
      .must(subprotocol_grammar)
      .describe(
          "Send the opening handshake with \"Sec-WebSocket-Protocol: chat superchat\", two names "
          "separated by a space instead of a comma, which is not a list of tokens; the server "
          "refuses it with an error status.")
      .request_header("Sec-WebSocket-Protocol", "chat superchat")
      .rule(ref::error::bad_subprotocol)
      .expect_handshake(handshake_rejected());

  // ----- /extensions/ ----------------------------------------------------------------------
  struct accept_row {
    const char* slug;
    const char* section;
    const char* requirement;
    const char* description;
    std::vector<ref::header_field> fields;
    level lvl = level::must;
    const char* note = "";
  };
  const accept_row accepts[] = {
      {"extension-unknown-offered",
       "4.2.2",
       extensions_rule,
       "Send the opening handshake offering an extension no server implements, "
       "\"x-wsspec-unknown; foo=1\"; the server accepts without any Sec-WebSocket-Extensions in "
       "the response and "
       "echoes a text message.",
       {{"Sec-WebSocket-Extensions", "x-wsspec-unknown; foo=1"}}},
      {"extension-quoted-parameter",
       "4.2.2",
       extensions_rule,
       "Send the opening handshake offering an unknown extension whose parameter value is a "
       "quoted token (mode=\"fast\"), which the grammar allows; the server accepts without any "
       "extension and echoes a text message.",
       {{"Sec-WebSocket-Extensions", "x-wsspec-unknown; mode=\"fast\""}}},
      {"extensions-two-field-lines",
       "11.3.2",
       extensions_lines,
       "Send the opening handshake with two Sec-WebSocket-Extensions field lines of unknown "
       "extensions; the server reads them as one list, accepts without any extension and "
       "echoes a text message.",
       {{"Sec-WebSocket-Extensions", "x-wsspec-a"},
        {"Sec-WebSocket-Extensions", "x-wsspec-b; level=2"}},
       level::should,
       "Refusing this valid request breaks no MUST-level sentence: RFC 6455 §11.3.2 says the "
       "field MAY appear more than once, and RFC 9110 §5.3 lets a recipient combine the lines, "
       "but no sentence obliges a server to accept a request it misreads. A refusal is "
       "NON-STRICT."},
  };
  for (const auto& a : accepts) {
    auto c = cat.add(std::string("rfc6455/") + a.section + "/" + a.slug)
                 .section(a.section)
                 .roles(role_set::server)
                 .describe(a.description)
                 .expect_handshake(no_extension());
    if (a.lvl == level::should) {
      c.should(a.requirement).note(a.note);
    } else {
      c.must(a.requirement);
    }
    for (const auto& f : a.fields) c.request_header(f.name, f.value);
    echo_after_handshake(c);
  }
  struct reject_row {
    const char* slug;
    const char* description;
    const char* value;
    level lvl = level::must;
    const char* note = "";
  };
  const reject_row rejects[] = {
      {"extension-parameter-without-name",
       "Send the opening handshake with \"Sec-WebSocket-Extensions: x-wsspec-unknown; =1\", a "
       "parameter without a name; the server fails the connection: it refuses the handshake "
       "with an error status.",
       "x-wsspec-unknown; =1"},
      {"extension-quoted-value-not-token",
       "Send the opening handshake with an extension parameter whose quoted value holds a space "
       "(mode=\"a b\"), not a token once unquoted; the server fails the connection: it refuses "
       "the handshake with an error status.",
       "x-wsspec-unknown; mode=\"a b\"", level::should,
       "The only sentence against this value is an ABNF comment of RFC 6455 §9.1 (a quoted "
       "value must conform to the token rule once unescaped), and it concerns a parameter of an "
       "extension the server does not know and will decline anyway. Accepting the handshake "
       "without the extension is therefore graded at SHOULD: NON-STRICT."},
  };
  for (const auto& r : rejects) {
    auto c = cat.add(std::string("rfc6455/9.1/") + r.slug)
                 .section("9.1")
                 .roles(role_set::server)
                 .rule(ref::error::bad_extension_syntax)
                 .describe(r.description)
                 .request_header("Sec-WebSocket-Extensions", r.value)
                 .expect_handshake(handshake_rejected());
    if (r.lvl == level::should) {
      c.should(extensions_grammar).note(r.note);
    } else {
      c.must(extensions_grammar);
    }
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
