// RFC 6455 §9.1 negotiating extensions: an offer that does not conform to the grammar of
// |Sec-WebSocket-Extensions| fails the connection, which during the opening handshake means
// refusing it (server role); a client uses no extension the server did not accept (client
// role).
#include <string>

#include "common/handshake.hpp"

namespace wsspec::cases {
namespace {

constexpr const char* extensions_grammar =
    "If a value is received by either the client or the server during negotiation that does not "
    "conform to the ABNF below, the recipient of such malformed data MUST immediately _Fail the "
    "WebSocket Connection_. [...] extension-param = token [ \"=\" (token | quoted-string) ] "
    ";When using the quoted-string syntax variant, the value ;after quoted-string unescaping "
    "MUST conform to the ;'token' ABNF.";

void add_negotiating_extensions(catalogue& cat) {
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
}

// Testing a client: wsspec's response accepts no extension, so every frame of the client has
// its RSV bits clear (the observer flags any other frame, RFC 6455 §5.2).
void add_declined_extensions_unused(catalogue& cat) {
  cat.add("rfc6455/9.1/client-uses-no-declined-extension")
      .section("9.1")
      .roles(role_set::client)
      .must(
          "Note that the client is only offering to use any advertised extensions and MUST NOT "
          "use them unless the server indicates that it wishes to use the extension.")
      .describe(
          "Answer the client's request without Sec-WebSocket-Extensions (declining whatever it "
          "offered, permessage-deflate included), then send a highly compressible text message; "
          "the client echoes it uncompressed, with RSV1 clear.")
      .send({text(std::string(4096, 'a'))})
      .expect_echo({text_message(std::string(4096, 'a'))});
}

}  // namespace

WSSPEC_FAMILY(6455, "9.1", add_negotiating_extensions);
WSSPEC_FAMILY(6455, "9.1", add_declined_extensions_unused);

}  // namespace wsspec::cases
