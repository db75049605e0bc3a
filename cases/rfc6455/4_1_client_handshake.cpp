// RFC 6455 §4.1 the client validates the server's opening handshake (client role): wsspec serves,
// the client under test connects. A response that breaks one of the six checks of §4.1, or is
// no valid HTTP response (§4.2.2), makes the client fail the connection: it sends no frame and
// closes TCP, so a probe message wsspec sends afterwards is never echoed. A response that only
// varies in what HTTP leaves free (field name case, whitespace, field order, reason phrase, how
// the bytes are split, frames in the same write) is accepted, and the connection works.
//
// Every client is tested without offering a subprotocol or an extension: a subprotocol or an
// extension in a response is one the client did not offer.
#include <string>
#include <string_view>
#include <vector>

#include "common/handshake.hpp"

namespace wsspec::cases {
namespace {

// ----- the requirements ------------------------------------------------------------------------

constexpr const char* validate = "The client MUST validate the server's response as follows:";
constexpr const char* item_status =
    "1. If the status code received from the server is not 101, the client handles the response "
    "per HTTP [RFC2616] procedures. In particular, the client might perform authentication if it "
    "receives a 401 status code; the server might redirect the client using a 3xx status code "
    "(but clients are not required to follow them), etc. Otherwise, proceed as follows.";
constexpr const char* item_upgrade =
    "2. If the response lacks an |Upgrade| header field or the |Upgrade| header field contains a "
    "value that is not an ASCII case-insensitive match for the value \"websocket\", the client "
    "MUST _Fail the WebSocket Connection_.";
constexpr const char* item_connection =
    "3. If the response lacks a |Connection| header field or the |Connection| header field "
    "doesn't contain a token that is an ASCII case-insensitive match for the value \"Upgrade\", "
    "the client MUST _Fail the WebSocket Connection_.";
constexpr const char* item_accept =
    "4. If the response lacks a |Sec-WebSocket-Accept| header field or the "
    "|Sec-WebSocket-Accept| contains a value other than the base64-encoded SHA-1 of the "
    "concatenation of the |Sec-WebSocket-Key| (as a string, not base64-decoded) with the string "
    "\"258EAFA5-E914-47DA-95CA-C5AB0DC85B11\" but ignoring any leading and trailing whitespace, "
    "the client MUST _Fail the WebSocket Connection_.";
constexpr const char* item_extensions =
    "5. If the response includes a |Sec-WebSocket-Extensions| header field and this header field "
    "indicates the use of an extension that was not present in the client's handshake (the "
    "server has indicated an extension not requested by the client), the client MUST _Fail the "
    "WebSocket Connection_.";
constexpr const char* item_subprotocol =
    "6. If the response includes a |Sec-WebSocket-Protocol| header field and this header field "
    "indicates the use of a subprotocol that was not present in the client's handshake (the "
    "server has indicated a subprotocol not requested by the client), the client MUST _Fail the "
    "WebSocket Connection_.";
constexpr const char* nonconforming =
    "If the server's response does not conform to the requirements for the server's handshake "
    "as defined in this section and in Section 4.2.2, the client MUST _Fail the WebSocket "
    "Connection_.";
constexpr const char* names_any_case =
    "Please note that according to [RFC2616], all header field names in both HTTP requests and "
    "HTTP responses are case-insensitive.";
constexpr const char* established =
    "If the server's response is validated as provided for above, it is said that _The "
    "WebSocket Connection is Established_ and that the WebSocket Connection is in the OPEN "
    "state.";
constexpr const char* reads_response =
    "it MUST open a connection, send an opening handshake, and read the server's handshake in "
    "response.";
// §4.2.2, quoted after a §4.1 sentence.
constexpr const char* valid_101 =
    "(§4.2.2) If the server chooses to accept the incoming connection, it MUST reply with a valid "
    "HTTP response indicating the following. 1. A Status-Line with a 101 response code as per "
    "RFC 2616 [RFC2616]. Such a response could look like \"HTTP/1.1 101 Switching Protocols\".";
constexpr const char* status_not_101 =
    "(§1.3) Any status code other than 101 indicates that the WebSocket handshake has not "
    "completed and that the semantics of HTTP still apply.";
constexpr const char* accept_once =
    "(§11.3.3) The |Sec-WebSocket-Accept| header MUST NOT appear more than once in an HTTP "
    "response.";
constexpr const char* accept_grammar = "(§4.2.2) Sec-WebSocket-Accept = base64-value-non-empty";
constexpr const char* subprotocol_grammar = "(§4.3) Sec-WebSocket-Protocol-Server = token";
constexpr const char* extension_grammar =
    "(§9.1) If a value is received by either the client or the server during negotiation that "
    "does not conform to the ABNF below, the recipient of such malformed data MUST immediately "
    "_Fail the WebSocket Connection_.";
constexpr const char* server_sends_at_once =
    "(§4.2.2) If the server finishes these steps without aborting the WebSocket handshake, the "
    "server considers the WebSocket connection to be established and that the WebSocket "
    "connection is in the OPEN state. At this point, the server may begin sending (and "
    "receiving) data.";
constexpr const char* cookies =
    "Additionally, if any header fields in the server's handshake indicate that cookies should "
    "be set (as defined by [RFC6265]), these cookies are referred to as _Cookies Set During the "
    "Server's Opening Handshake_.";

constexpr const char* reason_ignored =
    "RFC 9112 §4: A client SHOULD ignore the reason-phrase content because it is not a reliable "
    "channel for information (it might be translated for a given locale, overwritten by "
    "intermediaries, or discarded when the message is forwarded via other forms of HTTP).";
constexpr const char* unknown_fields_ignored =
    "RFC 9110 §5.1: Other recipients SHOULD ignore unrecognized header and trailer fields.";
constexpr const char* order_free =
    "RFC 9110 §5.3: The order in which field lines with differing field names are received in a "
    "section is not significant.";
constexpr const char* combined_lines =
    "RFC 9110 §5.3: A recipient MAY combine multiple field lines within a field section that "
    "have the same field name into one field line, without changing the semantics of the "
    "message, by appending each subsequent field line value to the initial field line value in "
    "order, separated by a comma (\",\") and optional whitespace.";
constexpr const char* obs_fold_unfolded =
    "RFC 9112 §5.2: A user agent that receives an obs-fold in a response message that is not "
    "within a \"message/http\" container MUST replace each received obs-fold with one or more SP "
    "octets prior to interpreting the field value.";
constexpr const char* status_line_grammar =
    "RFC 9112 §4: status-line = HTTP-version SP status-code SP [ reason-phrase ]";
constexpr const char* http_name_grammar =
    "RFC 9112 §2.3: HTTP-version = HTTP-name \"/\" DIGIT \".\" DIGIT HTTP-name = %s\"HTTP\"";
constexpr const char* bare_lf_allowed =
    "RFC 9112 §2.2: Although the line terminator for the start-line and fields is the sequence "
    "CRLF, a recipient MAY recognize a single LF as a line terminator and ignore any preceding "
    "CR.";
constexpr const char* field_line_grammar =
    "RFC 9112 §5: field-line = field-name \":\" OWS field-value OWS";

// ----- notes -----------------------------------------------------------------------------------

constexpr const char* failing_note =
    "Failing the connection means the client sends no frame and closes TCP (a Close frame is "
    "tolerated, though the connection was never established). wsspec sends a text message after "
    "the response: a client that went on echoes it and is caught. The message ends with an empty "
    "line, so that a client still reading HTTP takes it for a malformed response and fails "
    "rather than wait for more.";
constexpr const char* status_note =
    "§4.1 lets the client handle a non-101 response per HTTP (authenticate, follow a redirect), "
    "but the WebSocket connection is not established on this connection: the client must not go "
    "on to exchange frames. The response is complete (Content-Length: 0 where a body could "
    "follow), so a client has nothing to wait for.";
constexpr const char* not_offered_note =
    "Written for a client that offers no extension (clients are tested with permessage-deflate "
    "off for now, and the in-process reference client offers nothing). A client that offered "
    "the extension may accept this response: the case does not apply to it.";
constexpr const char* valid_failed_note =
    "The response is valid, but failing it breaks no MUST-level sentence: RFC 6455 §4.1 obliges "
    "a client to fail a response that does not conform, not to accept every valid variation, "
    "and RFC 9110/9112 describe how a parser reads such a response. Failing it is graded at "
    "SHOULD: NON-STRICT.";

// ----- the response ------------------------------------------------------------------------------

// The message sent after a response the client must fail: never echoed by a client that did.
constexpr std::string_view probe = "a client that failed the connection cannot echo this\r\n\r\n";

// The field lines of a valid 101 response, in the usual order; the session expands "{accept}".
std::vector<std::string> valid_response_fields() {
  return {"Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Accept: {accept}"};
}

// The valid field lines with the field `name` replaced by `lines` in its place.
std::vector<std::string> valid_response_with(std::string_view name,
                                             std::vector<std::string> lines) {
  return fields_with(valid_response_fields(), name, std::move(lines));
}

// A response head: the status line, the field lines as given (malformed ones too), each ended by
// CRLF, then the empty line.
std::string response_head(std::string_view status_line, const std::vector<std::string>& fields) {
  return ref::format_head(status_line, fields);
}

constexpr std::string_view switching = "HTTP/1.1 101 Switching Protocols";

// `head` with every CRLF line ending replaced by a bare LF.
std::string bare_lf(const std::string& head) {
  std::string out;
  for (char ch : head)
    if (ch != '\r') out.push_back(ch);
  return out;
}

// ----- case shapes -------------------------------------------------------------------------------

// Quotes that do not follow each other in the RFC, joined by an elision. A quote of another RFC
// ("RFC 9112 §5.1: ...") lasts to the end, so it comes last.
std::string joined(std::string_view a, std::string_view b) {
  return std::string(a) + " [...] " + std::string(b);
}
std::string joined(std::string_view a, std::string_view b, std::string_view c) {
  return joined(joined(a, b), c);
}
std::string joined(std::string_view a, std::string_view b, std::string_view c, std::string_view d) {
  return joined(joined(a, b, c), d);
}

case_builder client_case(catalogue& cat, std::string_view slug, level lvl,
                         std::string requirement) {
  auto c = cat.add("rfc6455/4.1/" + std::string(slug)).section("4.1").roles(role_set::client);
  switch (lvl) {
    case level::must:
      c.must(std::move(requirement));
      break;
    case level::should:
      c.should(std::move(requirement));
      break;
    case level::may:
      c.may(std::move(requirement));
      break;
  }
  return c;
}

// The client must fail the connection on the response the caller sets: `rule` is the reference
// check that catches it.
case_builder must_fail(catalogue& cat, std::string_view slug, std::string requirement,
                       ref::error rule, std::string description) {
  auto c = client_case(cat, slug, level::must, joined(validate, requirement));
  c.rule(rule).describe(std::move(description)).note(failing_note).expect_client_fails();
  c.send({text(probe)});
  return c;
}

// The client must accept the response the caller sets, and then echo a text message.
case_builder must_accept(catalogue& cat, std::string_view slug, level lvl, std::string requirement,
                         std::string description) {
  auto c = client_case(cat, slug, lvl, std::move(requirement));
  c.describe(std::move(description));
  if (lvl == level::should) c.note(valid_failed_note);
  echo_after_handshake(c);
  return c;
}

// ----- the family --------------------------------------------------------------------------------

void add_status_cases(catalogue& cat) {
  struct status_row {
    int status;
    const char* reason;
    std::vector<ref::header_field> fields;
    const char* what;
  };
  const std::vector<status_row> rows = {
      {200, "OK", {{"Content-Length", "0"}}, "200 OK"},
      {204, "No Content", {}, "204 No Content (a response without a body)"},
      {301,
       "Moved Permanently",
       {{"Location", "ws://wsspec.invalid/moved"}, {"Content-Length", "0"}},
       "301 Moved Permanently with a Location in the never-resolving .invalid domain"},
      {302,
       "Found",
       {{"Location", "ws://wsspec.invalid/found"}, {"Content-Length", "0"}},
       "302 Found with a Location in the never-resolving .invalid domain"},
      {400, "Bad Request", {{"Content-Length", "0"}}, "400 Bad Request"},
      {401,
       "Unauthorized",
       {{"WWW-Authenticate", "Basic realm=\"wsspec\""}, {"Content-Length", "0"}},
       "401 Unauthorized with a WWW-Authenticate challenge"},
      {403, "Forbidden", {{"Content-Length", "0"}}, "403 Forbidden"},
      {404, "Not Found", {{"Content-Length", "0"}}, "404 Not Found"},
      {426,
       "Upgrade Required",
       {{"Sec-WebSocket-Version", "13"}, {"Content-Length", "0"}},
       "426 Upgrade Required"},
      {500, "Internal Server Error", {{"Content-Length", "0"}}, "500 Internal Server Error"},
      {503, "Service Unavailable", {{"Content-Length", "0"}}, "503 Service Unavailable"},
  };
  for (const auto& r : rows) {
    auto c = must_fail(cat, "status-" + std::to_string(r.status),
                       joined(item_status, status_not_101, nonconforming, valid_101),
                       ref::error::bad_status,
                       std::string("Answer the opening handshake with ") + r.what +
                           ", otherwise carrying valid Upgrade, Connection and "
                           "Sec-WebSocket-Accept fields; the client fails the connection and "
                           "does not echo the message sent next.");
    c.response_status(r.status, r.reason);
    for (const auto& f : r.fields) c.response_header(f.name, f.value);
    c.note(std::string(status_note) + " " + failing_note);
  }
  must_fail(cat, "status-100-continue", joined(item_status, status_not_101, nonconforming),
            ref::error::bad_status,
            "Answer the opening handshake with an interim 100 Continue and nothing more; the "
            "client fails the connection (at once, or when the message sent next is no valid "
            "final response) and never echoes that message.")
      .response_status(100, "Continue")
      .raw_response("HTTP/1.1 100 Continue\r\n\r\n")
      .note(
          "HTTP lets a client read past an interim 1xx response to the final one; here the final "
          "response never comes, and what follows (the probe message, ending in an empty line) "
          "is no status line. A client either fails on the 100 or on those bytes; one that takes "
          "the 100 for an acceptance echoes the message. " +
          std::string(failing_note));
}

void add_accept_cases(catalogue& cat) {
  struct accept_row {
    const char* slug;
    const char* value;
    const char* description;
  };
  const accept_row rows[] = {
      {"accept-of-another-key", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=",
       "Answer with the Sec-WebSocket-Accept value of another key (the RFC's example, "
       "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=, the accept of dGhlIHNhbXBsZSBub25jZQ==); the client "
       "fails the connection."},
      {"accept-lowercase", "{accept-lowercase}",
       "Answer with the right Sec-WebSocket-Accept value in lower case (base64 is "
       "case-sensitive: a client that compares without case accepts it); the client fails the "
       "connection."},
      {"accept-off-by-one", "{accept-off-by-one}",
       "Answer with the right Sec-WebSocket-Accept value with its first character changed (a "
       "client that compares only a suffix, or a length, accepts it); the client fails the "
       "connection."},
      {"accept-is-the-key", "{key}",
       "Answer with the client's own Sec-WebSocket-Key as the Sec-WebSocket-Accept value (a "
       "server that echoes the key unhashed); the client fails the connection."},
      {"accept-empty", "",
       "Answer with an empty Sec-WebSocket-Accept field; the client fails the connection."},
      {"accept-trailing-garbage", "{accept}garbage",
       "Answer with the right Sec-WebSocket-Accept value followed by \"garbage\" (a client that "
       "compares only the first 28 characters accepts it); the client fails the connection."},
      {"accept-extra-padding", "{accept}=",
       "Answer with the right Sec-WebSocket-Accept value followed by one more \"=\" (a client "
       "that compares decoded bytes with a lenient base64 decoder accepts it); the client fails "
       "the connection."},
      {"accept-quoted", "\"{accept}\"",
       "Answer with the right Sec-WebSocket-Accept value in double quotes, which the grammar "
       "does not allow; the client fails the connection."},
      {"accept-list-of-two", "{accept}, {accept}",
       "Answer with the right Sec-WebSocket-Accept value twice in one field, as a list; the "
       "client fails the connection."},
  };
  for (const auto& r : rows)
    must_fail(cat, r.slug, joined(item_accept, accept_grammar), ref::error::bad_accept,
              r.description)
        .response_accept(r.value);

  must_fail(cat, "accept-missing", item_accept, ref::error::missing_accept,
            "Answer with a 101 response without a Sec-WebSocket-Accept field; the client fails "
            "the connection.")
      .omit_response_header("Sec-WebSocket-Accept");
  must_fail(cat, "accept-misnamed", item_accept, ref::error::missing_accept,
            "Answer with the right accept value in a field named Sec-WebSocket-Accepted instead "
            "of Sec-WebSocket-Accept; the response lacks the field, and the client fails the "
            "connection.")
      .omit_response_header("Sec-WebSocket-Accept")
      .response_header("Sec-WebSocket-Accepted", "{accept}");

  struct twice_row {
    const char* slug;
    const char* first;
    const char* second;
    const char* description;
  };
  const twice_row twice[] = {
      {"accept-twice-same", "{accept}", "{accept}",
       "Answer with two Sec-WebSocket-Accept field lines, both with the right value; the field "
       "must not appear twice, and the client fails the connection."},
      {"accept-twice-right-then-wrong", "{accept}", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=",
       "Answer with two Sec-WebSocket-Accept field lines, the right value first and another "
       "key's second (a client that reads only the first accepts it); the client fails the "
       "connection."},
      {"accept-twice-wrong-then-right", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", "{accept}",
       "Answer with two Sec-WebSocket-Accept field lines, another key's value first and the "
       "right one second (a client that reads only the last accepts it); the client fails the "
       "connection."},
  };
  for (const auto& r : twice)
    must_fail(cat, r.slug, joined(item_accept, accept_once, nonconforming, combined_lines),
              ref::error::duplicate_accept, r.description)
        .response_accept(r.first)
        .response_header("Sec-WebSocket-Accept", r.second);
}

void add_upgrade_connection_cases(catalogue& cat) {
  must_fail(cat, "upgrade-missing", item_upgrade, ref::error::bad_upgrade,
            "Answer with a 101 response without an Upgrade field; the client fails the "
            "connection.")
      .omit_response_header("Upgrade");
  struct row {
    const char* slug;
    const char* value;
    const char* description;
  };
  const row upgrades[] = {
      {"upgrade-h2c", "h2c",
       "Answer with a 101 response that upgrades to h2c instead of websocket; the client fails "
       "the connection."},
      {"upgrade-websocket2", "websocket2",
       "Answer with \"Upgrade: websocket2\", which starts like websocket but is another "
       "protocol; the client fails the connection."},
      {"upgrade-empty", "",
       "Answer with an Upgrade field that has an empty value; the client fails the "
       "connection."},
  };
  for (const auto& r : upgrades)
    must_fail(cat, r.slug, item_upgrade, ref::error::bad_upgrade, r.description)
        .omit_response_header("Upgrade")
        .response_header("Upgrade", r.value);

  must_fail(cat, "connection-missing", item_connection, ref::error::bad_connection,
            "Answer with a 101 response without a Connection field; the client fails the "
            "connection.")
      .omit_response_header("Connection");
  const row connections[] = {
      {"connection-keep-alive", "keep-alive",
       "Answer with \"Connection: keep-alive\", which lacks the token Upgrade; the client fails "
       "the connection."},
      {"connection-close", "close",
       "Answer with \"Connection: close\", which lacks the token Upgrade; the client fails the "
       "connection."},
      {"connection-upgraded", "Upgraded",
       "Answer with \"Connection: Upgraded\", a token that only starts like Upgrade; the client "
       "fails the connection."},
  };
  for (const auto& r : connections)
    must_fail(cat, r.slug, item_connection, ref::error::bad_connection, r.description)
        .omit_response_header("Connection")
        .response_header("Connection", r.value);
}

void add_negotiation_cases(catalogue& cat) {
  must_fail(cat, "subprotocol-not-offered", item_subprotocol, ref::error::unoffered_subprotocol,
            "Answer with \"Sec-WebSocket-Protocol: chat\" although the client offered no "
            "subprotocol; the client fails the connection.")
      .response_subprotocol("chat")
      .note(std::string("Written for a client that offers no subprotocol, as clients under "
                        "test do. ") +
            failing_note);
  must_fail(cat, "subprotocol-list", joined(item_subprotocol, subprotocol_grammar),
            ref::error::bad_subprotocol,
            "Answer with \"Sec-WebSocket-Protocol: chat, superchat\", a list where the server "
            "selects a single token, and of subprotocols the client did not offer; the client "
            "fails the connection.")
      .response_subprotocol("chat, superchat");

  struct row {
    const char* slug;
    const char* value;
    ref::error rule;
    std::string requirement;
    const char* description;
  };
  const row extensions[] = {
      {"extension-unknown-not-offered", "x-wsspec-unknown", ref::error::unoffered_extension,
       item_extensions,
       "Answer with \"Sec-WebSocket-Extensions: x-wsspec-unknown\", an extension the client did "
       "not offer (and cannot know); the client fails the connection."},
      {"extension-unknown-with-parameter", "x-wsspec-unknown; mode=fast",
       ref::error::unoffered_extension, item_extensions,
       "Answer with \"Sec-WebSocket-Extensions: x-wsspec-unknown; mode=fast\", an extension "
       "with a parameter that the client did not offer; the client fails the connection."},
      {"extension-deflate-unknown-parameter", "permessage-deflate; x-wsspec-never-offered",
       ref::error::unoffered_extension, item_extensions,
       "Answer with \"Sec-WebSocket-Extensions: permessage-deflate; x-wsspec-never-offered\": "
       "permessage-deflate with a parameter no client offers. A client that did not offer "
       "permessage-deflate fails the connection (RFC 6455 §4.1); one that did fails it too, as "
       "RFC 7692 §7 requires for a response with an extension parameter not defined for use in "
       "a response."},
      {"extension-malformed", "permessage-deflate;", ref::error::bad_extension_syntax,
       joined(item_extensions, extension_grammar),
       "Answer with \"Sec-WebSocket-Extensions: permessage-deflate;\", a parameter list with "
       "an empty parameter that the grammar does not allow, of an extension the client did not "
       "offer; the client fails the connection."},
  };
  for (const auto& r : extensions) {
    auto c = must_fail(cat, r.slug, r.requirement, r.rule, r.description)
                 .response_extensions(r.value)
                 .note(std::string(not_offered_note) + " " + failing_note);
    // A client that offered permessage-deflate refuses the parameter (RFC 7692 §7).
    if (std::string_view(r.value).starts_with("permessage-deflate; "))
      c.rule(ref::error::bad_extension_parameter);
  }
}

void add_syntax_cases(catalogue& cat) {
  must_fail(cat, "status-line-no-space-before-reason",
            joined(nonconforming, valid_101, status_line_grammar), ref::error::bad_status_line,
            "Answer with the status line \"HTTP/1.1 101Switching Protocols\", without the space "
            "between the status code and the reason phrase (a client that reads the code with a "
            "number parser still finds 101); the client fails the connection.")
      .raw_response(response_head("HTTP/1.1 101Switching Protocols", valid_response_fields()));
  must_fail(cat, "status-line-lowercase-http", joined(nonconforming, valid_101, http_name_grammar),
            ref::error::bad_status_line,
            "Answer with the status line \"http/1.1 101 Switching Protocols\": the HTTP-name is "
            "case-sensitive, so this is no status line; the client fails the connection.")
      .raw_response(response_head("http/1.1 101 Switching Protocols", valid_response_fields()));
  {
    auto fields = valid_response_fields();
    fields.push_back("X-Wsspec-No-Colon");
    must_fail(cat, "field-line-without-colon", joined(nonconforming, valid_101, field_line_grammar),
              ref::error::bad_header_line,
              "Answer with a valid 101 response plus a field line without a colon "
              "(\"X-Wsspec-No-Colon\"), which is no field line; the client fails the connection.")
        .raw_response(response_head(switching, fields));
  }

  // HTTP leaves these open: either answer is reported.
  handshake_expectation either;
  either.expect = handshake_expectation::outcome::either;
  client_case(cat, "status-line-http-1.0", level::may, valid_101)
      .describe(
          "Answer with a valid 101 response whose status line says HTTP/1.0, a version that "
          "has no 101 status and no Upgrade; the client may fail the connection or go on (then "
          "it echoes a text message).")
      .note(
          "RFC 6455 asks for a 101 status line \"as per RFC 2616\" and shows HTTP/1.1, but no "
          "sentence makes the client check the version of the response: reported as "
          "INFORMATIONAL either way.")
      .raw_response(response_head("HTTP/1.0 101 Switching Protocols", valid_response_fields()))
      .send({text(after_handshake)})
      .expect_echo({text_message(after_handshake)})
      .expect_handshake(either)
      .informational();
  client_case(cat, "bare-lf-line-endings", level::may, bare_lf_allowed)
      .describe(
          "Answer with a valid 101 response whose lines all end in a bare LF; the client may "
          "accept it (then it echoes a text message) or fail the connection.")
      .rule(ref::error::bad_status_line)
      .raw_response(bare_lf(response_head(switching, valid_response_fields())))
      .send({text(after_handshake)})
      .expect_echo({text_message(after_handshake)})
      .expect_handshake(either)
      .informational();
}

void add_valid_variations(catalogue& cat) {
  struct row {
    const char* slug;
    level lvl;
    std::string requirement;
    const char* description;
    std::string response;
  };
  const row rows[] = {
      {"field-names-lowercase", level::must, names_any_case,
       "Answer with every field name in lower case (upgrade, connection, sec-websocket-accept); "
       "the client accepts and echoes a text message.",
       response_head(switching, {"upgrade: websocket", "connection: Upgrade",
                                 "sec-websocket-accept: {accept}"})},
      {"field-names-uppercase", level::must, names_any_case,
       "Answer with every field name in upper case (UPGRADE, CONNECTION, SEC-WEBSOCKET-ACCEPT); "
       "the client accepts and echoes a text message.",
       response_head(switching, {"UPGRADE: websocket", "CONNECTION: Upgrade",
                                 "SEC-WEBSOCKET-ACCEPT: {accept}"})},
      {"field-names-mixed-case", level::must, names_any_case,
       "Answer with field names in inverted case (uPGRADE, cONNECTION, sEC-wEBsOCKET-aCCEPT); "
       "the client accepts and echoes a text message.",
       response_head(switching, {"uPGRADE: websocket", "cONNECTION: Upgrade",
                                 "sEC-wEBsOCKET-aCCEPT: {accept}"})},
      {"upgrade-mixed-case", level::must, item_upgrade,
       "Answer with \"Upgrade: WebSocket\"; the value is case-insensitive, so the client "
       "accepts and echoes a text message.",
       response_head(switching, valid_response_with("Upgrade", {"Upgrade: WebSocket"}))},
      {"upgrade-upper-case", level::must, item_upgrade,
       "Answer with \"Upgrade: WEBSOCKET\"; the value is case-insensitive, so the client "
       "accepts and echoes a text message.",
       response_head(switching, valid_response_with("Upgrade", {"Upgrade: WEBSOCKET"}))},
      {"connection-lowercase", level::must, item_connection,
       "Answer with \"Connection: upgrade\" in lower case; the token is case-insensitive, so "
       "the client accepts and echoes a text message.",
       response_head(switching, valid_response_with("Connection", {"Connection: upgrade"}))},
      {"connection-token-list", level::must, item_connection,
       "Answer with \"Connection: keep-alive, Upgrade\"; the field contains the token, so the "
       "client accepts and echoes a text message.",
       response_head(switching,
                     valid_response_with("Connection", {"Connection: keep-alive, Upgrade"}))},
      {"connection-two-field-lines", level::should, joined(item_connection, combined_lines),
       "Answer with two Connection field lines, \"keep-alive\" and \"Upgrade\"; together they "
       "contain the token, so the client accepts and echoes a text message.",
       response_head(switching, valid_response_with("Connection", {"Connection: keep-alive",
                                                                   "Connection: Upgrade"}))},
      {"accept-surrounded-by-whitespace", level::must, item_accept,
       "Answer with spaces and tabs before and after the Sec-WebSocket-Accept value, which the "
       "client ignores; it accepts and echoes a text message.",
       response_head(switching, valid_response_with("Sec-WebSocket-Accept",
                                                    {"Sec-WebSocket-Accept: \t {accept} \t"}))},
      {"field-value-no-space", level::should, ows_rule,
       "Answer with no space between each colon and its field value; the client accepts and "
       "echoes a text message.",
       response_head(switching,
                     {"Upgrade:websocket", "Connection:Upgrade", "Sec-WebSocket-Accept:{accept}"})},
      {"field-value-several-spaces", level::should, ows_rule,
       "Answer with several spaces before and after each field value; the client accepts and "
       "echoes a text message.",
       response_head(switching, {"Upgrade:    websocket   ", "Connection:    Upgrade   ",
                                 "Sec-WebSocket-Accept:    {accept}   "})},
      {"field-value-tabs", level::should, ows_rule,
       "Answer with a tab (HTAB, which OWS allows like SP) before and after each field value; "
       "the client accepts and echoes a text message.",
       response_head(switching, {"Upgrade:\twebsocket\t", "Connection:\tUpgrade\t",
                                 "Sec-WebSocket-Accept:\t{accept}\t"})},
      {"field-order-reversed", level::should, joined(nonconforming, order_free),
       "Answer with the fields in reverse order (Sec-WebSocket-Accept first, Upgrade last); "
       "the client accepts and echoes a text message.",
       response_head(switching, {"Sec-WebSocket-Accept: {accept}", "Connection: Upgrade",
                                 "Upgrade: websocket"})},
      {"extra-fields", level::should, joined(cookies, unknown_fields_ignored),
       "Answer with Server, Date, Set-Cookie, Cache-Control and an unknown field besides the "
       "WebSocket ones; the client ignores what it does not use, accepts and echoes a text "
       "message.",
       response_head(switching,
                     {"Server: wsspec", "Date: Sun, 06 Nov 1994 08:49:37 GMT", "Upgrade: websocket",
                      "Set-Cookie: wsspec=1; Path=/; HttpOnly", "Connection: Upgrade",
                      "Cache-Control: no-store", "Sec-WebSocket-Accept: {accept}",
                      "X-Wsspec-Unknown: anything at all"})},
      {"reason-phrase-other", level::should, joined(valid_101, reason_ignored),
       "Answer with the status line \"HTTP/1.1 101 Web Socket Protocol Handshake\" (the reason "
       "phrase of older servers); the client ignores the reason phrase, accepts and echoes a "
       "text message.",
       response_head("HTTP/1.1 101 Web Socket Protocol Handshake", valid_response_fields())},
      {"reason-phrase-empty", level::should, joined(valid_101, reason_ignored, status_line_grammar),
       "Answer with the status line \"HTTP/1.1 101 \" (an empty reason phrase, which the "
       "grammar allows); the client accepts and echoes a text message.",
       response_head("HTTP/1.1 101 ", valid_response_fields())},
      {"field-obs-fold", level::must, joined(nonconforming, obs_fold_unfolded),
       "Answer with a valid 101 response plus an unrelated field whose value continues on a "
       "line that starts with a space (obsolete line folding); the client unfolds it (or "
       "ignores the field), accepts and echoes a text message.",
       response_head(switching,
                     {"Upgrade: websocket", "Connection: Upgrade", "X-Wsspec-Folded: first part",
                      " second part", "Sec-WebSocket-Accept: {accept}"})},
  };
  for (const auto& r : rows)
    must_accept(cat, r.slug, r.lvl, r.requirement, r.description).raw_response(r.response);
}

void add_delivery_cases(catalogue& cat) {
  must_accept(cat, "response-in-1-byte-writes", level::must, reads_response,
              "Answer with a valid 101 response written one byte at a time; the client "
              "reassembles it, accepts and echoes a text message.")
      .response_chopped(1);
  must_accept(cat, "response-chopped-with-pauses", level::must, reads_response,
              "Answer with a valid 101 response written in 10-byte pieces 50 ms apart; the "
              "client waits for the whole head, accepts and echoes a text message.")
      .response_chopped(10, 50ms);

  constexpr std::string_view first = "sent in the same write as the 101 response";
  client_case(cat, "text-frame-with-response", level::must,
              joined(established, server_sends_at_once))
      .describe(
          "Answer with a valid 101 response followed, in the same write, by a text frame; the "
          "client reads the frame that follows the head, echoes it, then echoes a second "
          "message.")
      .frames_with_response({text(first)})
      .send({text(after_handshake)})
      .expect_echo({text_message(first), text_message(after_handshake)});
  constexpr std::string_view ping_data = "ping in the same write as the 101";
  client_case(cat, "ping-with-response", level::must,
              joined(established, server_sends_at_once,
                     "(§5.5.2) Upon receipt of a Ping frame, an endpoint MUST send a Pong frame in "
                     "response, unless it already received a Close frame."))
      .describe(
          "Answer with a valid 101 response followed, in the same write, by a Ping; the client "
          "answers it with a Pong carrying the same data, then echoes a text message.")
      .frames_with_response({ping(ping_data)})
      .send({text(after_handshake)})
      .expect_echo({pong_of(ping_data), text_message(after_handshake)});
}

// The client's own request: checked on every client case (an invalid request is refused and the
// case FAILED; a repeated key or data before the response is FAILED too); this case names the
// sentences.
void add_request_case(catalogue& cat) {
  // Sentences of RFC 6455 §4.1, each quoted where it stands in the numbered list.
  const char* const sentences[] = {
      "Once a connection to the server has been established (including a connection via a proxy or "
      "over a TLS-encrypted tunnel), the client MUST send an opening handshake to the server.",
      "The handshake MUST be a valid HTTP request as specified by [RFC2616].",
      "The method of the request MUST be GET, and the HTTP version MUST be at least 1.1.",
      "The request MUST contain a |Host| header field whose value contains /host/ plus optionally "
      "\":\" followed by /port/ (when not using the default port).",
      "The request MUST contain an |Upgrade| header field whose value MUST include the "
      "\"websocket\" keyword.",
      "The request MUST contain a |Connection| header field whose value MUST include the "
      "\"Upgrade\" token.",
      "The request MUST include a header field with the name |Sec-WebSocket-Key|.",
      "The value of this header field MUST be a nonce consisting of a randomly selected 16-byte "
      "value that has been base64-encoded (see Section 4 of [RFC4648]).",
      "The nonce MUST be selected randomly for each connection.",
      "The request MUST include a header field with the name |Sec-WebSocket-Version|.",
      "The value of this header field MUST be 13.",
      "Once the client's opening handshake has been sent, the client MUST wait for a response from "
      "the server before sending any further data.",
  };
  std::string request;
  for (const char* sentence : sentences)
    request += (request.empty() ? "" : " [...] ") + std::string(sentence);
  client_case(cat, "opening-request", level::must, request)
      .describe(
          "Read the client's opening request and accept it; the client echoes a text message. "
          "The request must be a GET of HTTP/1.1 or later with Host, Upgrade: websocket, "
          "Connection: Upgrade, a base64 16-byte Sec-WebSocket-Key and Sec-WebSocket-Version: "
          "13, and nothing may follow it before the response. Every client case checks the same, "
          "and that no two connections of the run carry the same key.")
      .send({text("the request was valid")})
      .expect_echo({text_message("the request was valid")});
}

void add_client_handshake(catalogue& cat) {
  add_request_case(cat);
  add_status_cases(cat);
  add_accept_cases(cat);
  add_upgrade_connection_cases(cat);
  add_negotiation_cases(cat);
  add_syntax_cases(cat);
  add_valid_variations(cat);
  add_delivery_cases(cat);
}

}  // namespace

WSSPEC_FAMILY(6455, "4.1", add_client_handshake);

}  // namespace wsspec::cases
