// RFC 6455 §4.2.1 reading the client's opening handshake (server role): a request that breaks one
// of the listed parts, or the grammar of §4.3, is refused with an HTTP error status, and one that
// only varies in what HTTP leaves free (header name case, whitespace, field order, how the bytes
// are split) is accepted. The HTTP rules the handshake inherits come from RFC 9110 and RFC 9112.
#include <map>
#include <string>
#include <vector>

#include "common/handshake.hpp"

namespace wsspec::cases {
namespace {

constexpr const char* part_get =
    "1. An HTTP/1.1 or higher GET request, including a \"Request-URI\" [RFC2616] that should be "
    "interpreted as a /resource name/ defined in Section 3 (or an absolute HTTP/HTTPS URI "
    "containing the /resource name/).";
constexpr const char* part_host = "2. A |Host| header field containing the server's authority.";
constexpr const char* part_upgrade =
    "3. An |Upgrade| header field containing the value \"websocket\", treated as an ASCII "
    "case-insensitive value.";
constexpr const char* part_connection =
    "4. A |Connection| header field that includes the token \"Upgrade\", treated as an ASCII "
    "case-insensitive value.";
constexpr const char* part_key =
    "5. A |Sec-WebSocket-Key| header field with a base64-encoded (see Section 4 of [RFC4648]) "
    "value that, when decoded, is 16 bytes in length.";
constexpr const char* part_other =
    "10. Optionally, other header fields, such as those used to send cookies or request "
    "authentication to a server. Unknown header fields are ignored, as per [RFC2616].";
constexpr const char* names_any_case =
    "Please note that according to [RFC2616], all header field names in both HTTP requests and "
    "HTTP responses are case-insensitive. (RFC 6455 §4.1)";
constexpr const char* host_400 =
    "RFC 9112 §3.2: A server MUST respond with a 400 (Bad Request) status code to any HTTP/1.1 "
    "request message that lacks a Host header field and to any request message that contains "
    "more than one Host header field line or a Host header field with an invalid field value.";

constexpr const char* subprotocol_grammar =
    "If the server, while reading the handshake, finds that the client did not send a handshake "
    "that matches the description below [...], including but not limited to any violations of "
    "the ABNF grammar specified for the components of the handshake, the server MUST stop "
    "processing the client's handshake and return an HTTP response with an appropriate error "
    "code (such as 400 Bad Request). [...] RFC 6455 §4.3: Sec-WebSocket-Protocol-Client = "
    "1#token";
constexpr const char* version_grammar =
    " RFC 6455 §4.3: Sec-WebSocket-Version-Client = version [...] version = DIGIT | (NZDIGIT "
    "DIGIT) | (\"1\" DIGIT DIGIT) | (\"2\" DIGIT DIGIT) ; Limited to 0-255 range, with no "
    "leading zeros";

constexpr const char* valid_refused_note =
    "The request is valid, but refusing it breaks no MUST-level sentence: RFC 6455 §4.2.1 "
    "obliges a server to refuse what does not match, not to accept every valid variation, and "
    "RFC 9110/9112 describe how a parser reads such a request without requiring the server to "
    "proceed. A refusal is graded at SHOULD: NON-STRICT.";

// A refusal: the request breaks `part`, so the server answers with an error status.
std::string refuse(std::string_view part) {
  return std::string(part) + " [...] " + server_must_reject;
}

// The reference rule each refusal catches, by the case's slug.
const std::map<std::string, ref::error>& refusal_rules() {
  static const std::map<std::string, ref::error> rules{
      {"method-post", ref::error::bad_method},
      {"method-head", ref::error::bad_method},
      {"method-lowercase-get", ref::error::bad_method},
      {"http-1.0", ref::error::bad_http_version},
      {"host-missing", ref::error::missing_host},
      {"host-duplicated", ref::error::duplicate_host},
      {"upgrade-missing", ref::error::bad_upgrade},
      {"upgrade-not-websocket", ref::error::bad_upgrade},
      {"connection-missing", ref::error::bad_connection},
      {"connection-without-upgrade", ref::error::bad_connection},
      {"key-missing", ref::error::missing_key},
      {"key-not-base64", ref::error::bad_key},
      {"key-15-bytes", ref::error::bad_key},
      {"key-17-bytes", ref::error::bad_key},
      {"key-unpadded", ref::error::bad_key},
      {"field-obs-fold", ref::error::bad_header_line},
      {"field-space-before-colon", ref::error::bad_header_line},
      {"bare-lf-line-endings", ref::error::bad_request_line},
      {"request-line-extra-token", ref::error::bad_request_line},
  };
  return rules;
}

struct row {
  std::string slug;
  std::string section;
  level lvl = level::must;
  std::string requirement;
  std::string description;
  std::string request;
  handshake_expectation answer;
  std::size_t chop = 0;
  bool informational = false;
  std::string note{};
};

void add(catalogue& cat, const row& r) {
  auto c = cat.add("rfc6455/" + r.section + "/" + r.slug)
               .section(r.section)
               .roles(role_set::server)
               .describe(r.description)
               .raw_request(r.request)
               .expect_handshake(r.answer);
  switch (r.lvl) {
    case level::must:
      c.must(r.requirement);
      break;
    case level::should:
      c.should(r.requirement);
      break;
    case level::may:
      c.may(r.requirement);
      break;
  }
  if (const auto it = refusal_rules().find(r.slug); it != refusal_rules().end()) c.rule(it->second);
  if (!r.note.empty()) c.note(r.note);
  c.def().handshake.chop = r.chop;
  if (r.answer.expect != handshake_expectation::outcome::reject) echo_after_handshake(c);
  if (r.informational) c.informational();
}

// `request` with every CRLF line ending replaced by a bare LF.
std::string bare_lf(std::string request) {
  std::string out;
  for (char ch : request)
    if (ch != '\r') out.push_back(ch);
  return out;
}

std::vector<std::string> reversed(std::vector<std::string> fields) {
  return {fields.rbegin(), fields.rend()};
}

// Filler header lines of `count` x `size` bytes (a large but ordinary head).
std::vector<std::string> filler_fields(int count, std::size_t size) {
  std::vector<std::string> out;
  for (int i = 0; i < count; ++i) {
    std::string name = "X-Filler-" + std::to_string(100 + i) + ": ";
    out.push_back(name + std::string(size - name.size(), 'f'));
  }
  return out;
}

void add_server_reads_handshake(catalogue& cat) {
  const std::string get = "GET {target} HTTP/1.1";
  const std::vector<row> rows = {
      // ----- 1. the request line: an HTTP/1.1 or higher GET request ---------------------------
      {"method-post", "4.2.1", level::must, refuse(part_get),
       "Send the opening handshake with the method POST; the server refuses it with an error "
       "status.",
       request_head("POST {target} HTTP/1.1", valid_fields()), handshake_rejected()},
      {"method-head", "4.2.1", level::must, refuse(part_get),
       "Send the opening handshake with the method HEAD; the server refuses it with an error "
       "status.",
       request_head("HEAD {target} HTTP/1.1", valid_fields()), handshake_rejected()},
      {"method-lowercase-get", "4.2.1", level::must,
       refuse(part_get) +
           " RFC 9110 §9.1: The method token is case-sensitive because it might be used as a "
           "gateway to object-based systems with case-sensitive method names.",
       "Send the opening handshake with the method \"get\" in lower case, which is not the "
       "method GET; the server refuses it with an error status.",
       request_head("get {target} HTTP/1.1", valid_fields()), handshake_rejected()},
      {"http-1.0", "4.2.1", level::must, refuse(part_get),
       "Send the opening handshake as an HTTP/1.0 request; the server refuses it with an error "
       "status.",
       request_head("GET {target} HTTP/1.0", valid_fields()), handshake_rejected()},
      {"http-1.2", "4.2.1", level::should,
       std::string(part_get) +
           " RFC 9110 §2.5: A recipient that receives a message with a major version number that "
           "it implements and a minor version number higher than what it implements SHOULD "
           "process the message as if it were in the highest minor version within that major "
           "version to which the recipient is conformant.",
       "Send the opening handshake as an HTTP/1.2 request, a higher minor version of HTTP/1; the "
       "server processes it as HTTP/1.1 and accepts, then echoes a text message.",
       request_head("GET {target} HTTP/1.2", valid_fields()), handshake_accepted()},
      {"http-2.0", "4.2.1", level::may,
       std::string(part_get) +
           " RFC 9110 §2.5: A server can send a 505 (HTTP Version Not Supported) response if it "
           "wishes, for any reason, to refuse service of the client's major protocol version.",
       "Send the opening handshake in HTTP/1.1 syntax but with the version HTTP/2.0 in the "
       "request line; the server may accept it (then it echoes a text message) or refuse the "
       "major version.",
       request_head("GET {target} HTTP/2.0", valid_fields()), handshake_either(), 0, true},
      {"target-with-query", "4.2.1", level::should, part_get,
       "Send the opening handshake for the resource with a query string appended; a resource "
       "name includes its query (RFC 6455 §3), and the server accepts and echoes a text message.",
       request_head("GET {target}?wsspec=1&q=a%20b HTTP/1.1", valid_fields()),
       handshake_accepted()},
      {"target-absolute-form", "4.2.1", level::must,
       std::string(part_get) +
           " RFC 9112 §3.2.2: A server MUST accept the absolute-form in requests even though "
           "most HTTP/1.1 clients will only send the absolute-form to a proxy.",
       "Send the opening handshake with the request target as an absolute http URI; the server "
       "accepts it and echoes a text message.",
       request_head("GET http://{host}{target} HTTP/1.1", valid_fields()), handshake_accepted()},
      // ----- 2. Host -------------------------------------------------------------------------
      {"host-missing", "4.2.1", level::must, refuse(part_host) + " " + host_400,
       "Send the opening handshake without a Host field; the server refuses it with 400.",
       request_head(get, valid_fields_with("Host", {})), handshake_rejected({400})},
      {"host-duplicated", "4.2.1", level::must, refuse(part_host) + " " + host_400,
       "Send the opening handshake with two Host field lines of different values; the server "
       "refuses it with 400.",
       request_head(get, valid_fields_with("Host", {"Host: {host}", "Host: other.example"})),
       handshake_rejected({400})},
      // ----- 3. Upgrade ----------------------------------------------------------------------
      {"upgrade-missing", "4.2.1", level::must, refuse(part_upgrade),
       "Send the opening handshake without an Upgrade field; the server refuses it with an "
       "error status.",
       request_head(get, valid_fields_with("Upgrade", {})), handshake_rejected()},
      {"upgrade-not-websocket", "4.2.1", level::must, refuse(part_upgrade),
       "Send the opening handshake asking to upgrade to h2c instead of websocket; the server "
       "refuses it with an error status.",
       request_head(get, valid_fields_with("Upgrade", {"Upgrade: h2c"})), handshake_rejected()},
      {"upgrade-mixed-case", "4.2.1", level::must, part_upgrade,
       "Send the opening handshake with \"Upgrade: WebSocket\"; the value is case-insensitive, "
       "so the server accepts and echoes a text message.",
       request_head(get, valid_fields_with("Upgrade", {"Upgrade: WebSocket"})),
       handshake_accepted()},
      {"upgrade-upper-case", "4.2.1", level::must, part_upgrade,
       "Send the opening handshake with \"Upgrade: WEBSOCKET\"; the value is case-insensitive, "
       "so the server accepts and echoes a text message.",
       request_head(get, valid_fields_with("Upgrade", {"Upgrade: WEBSOCKET"})),
       handshake_accepted()},
      {"upgrade-token-list", "4.2.1", level::may,
       std::string(part_upgrade) +
           " RFC 9110 §7.8: A client MAY send a list of protocols in the Upgrade header field of "
           "a request to invite the server to switch to one or more of those protocols, in order "
           "of descending preference, before sending the final response.",
       "Send the opening handshake with \"Upgrade: foo, websocket\", a list that contains "
       "websocket; RFC 6455 does not say whether a list is acceptable, so either answer is "
       "reported (an accepted connection must echo a text message).",
       request_head(get, valid_fields_with("Upgrade", {"Upgrade: foo, websocket"})),
       handshake_either(), 0, true},
      // ----- 4. Connection -------------------------------------------------------------------
      {"connection-missing", "4.2.1", level::must, refuse(part_connection),
       "Send the opening handshake without a Connection field; the server refuses it with an "
       "error status.",
       request_head(get, valid_fields_with("Connection", {})), handshake_rejected()},
      {"connection-without-upgrade", "4.2.1", level::must, refuse(part_connection),
       "Send the opening handshake with \"Connection: keep-alive\", which lacks the token "
       "Upgrade; the server refuses it with an error status.",
       request_head(get, valid_fields_with("Connection", {"Connection: keep-alive"})),
       handshake_rejected()},
      {"connection-lowercase", "4.2.1", level::must, part_connection,
       "Send the opening handshake with \"Connection: upgrade\" in lower case; the token is "
       "case-insensitive, so the server accepts and echoes a text message.",
       request_head(get, valid_fields_with("Connection", {"Connection: upgrade"})),
       handshake_accepted()},
      {"connection-token-list", "4.2.1", level::must, part_connection,
       "Send the opening handshake with \"Connection: keep-alive, Upgrade\" (as browsers do); "
       "the field includes the token, so the server accepts and echoes a text message.",
       request_head(get, valid_fields_with("Connection", {"Connection: keep-alive, Upgrade"})),
       handshake_accepted()},
      {"connection-two-field-lines", "4.2.1", level::should,
       std::string(part_connection) +
           " RFC 9110 §5.3: A recipient MAY combine multiple field lines within a field section "
           "that have the same field name into one field line, without changing the semantics of "
           "the message, by appending each subsequent field line value to the initial field line "
           "value in order, separated by a comma (\",\") and optional whitespace.",
       "Send the opening handshake with two Connection field lines, \"keep-alive\" and "
       "\"Upgrade\"; together they include the token, so the server accepts and echoes a text "
       "message.",
       request_head(
           get, valid_fields_with("Connection", {"Connection: keep-alive", "Connection: Upgrade"})),
       handshake_accepted(), 0, false, valid_refused_note},
      // ----- 5. Sec-WebSocket-Key ------------------------------------------------------------
      {"key-missing", "4.2.1", level::must, refuse(part_key),
       "Send the opening handshake without a Sec-WebSocket-Key field; the server refuses it "
       "with an error status.",
       request_head(get, valid_fields_with("Sec-WebSocket-Key", {})), handshake_rejected()},
      {"key-not-base64", "4.2.1", level::must, refuse(part_key),
       "Send the opening handshake with a 24-character Sec-WebSocket-Key made of characters "
       "outside the base64 alphabet; the server refuses it with an error status.",
       request_head(get, valid_fields_with("Sec-WebSocket-Key",
                                           {"Sec-WebSocket-Key: !!!!!!!!!!!!!!!!!!!!!!=="})),
       handshake_rejected()},
      {"key-15-bytes", "4.2.1", level::must, refuse(part_key),
       "Send the opening handshake with a Sec-WebSocket-Key that decodes to 15 bytes; the server "
       "refuses it with an error status.",
       request_head(get, valid_fields_with("Sec-WebSocket-Key",
                                           {"Sec-WebSocket-Key: AAECAwQFBgcICQoLDA0O"})),
       handshake_rejected()},
      {"key-17-bytes", "4.2.1", level::must, refuse(part_key),
       "Send the opening handshake with a Sec-WebSocket-Key that decodes to 17 bytes; the server "
       "refuses it with an error status.",
       request_head(get, valid_fields_with("Sec-WebSocket-Key",
                                           {"Sec-WebSocket-Key: AAECAwQFBgcICQoLDA0ODxA="})),
       handshake_rejected()},
      {"key-unpadded", "4.2.1", level::must,
       refuse(part_key) +
           " RFC 6455 §4.3: base64-value-non-empty = (1*base64-data [ base64-padding ]) | "
           "base64-padding",
       "Send the opening handshake with the 16-byte Sec-WebSocket-Key base64-encoded without its "
       "\"==\" padding, which the grammar does not allow; the server refuses it with an error "
       "status.",
       request_head(get, valid_fields_with("Sec-WebSocket-Key",
                                           {"Sec-WebSocket-Key: AAECAwQFBgcICQoLDA0ODw"})),
       handshake_rejected()},
      // ----- HTTP field syntax ---------------------------------------------------------------
      {"field-names-lowercase", "4.2.1", level::must, names_any_case,
       "Send the opening handshake with every field name in lower case (sec-websocket-key, "
       "...); the server accepts and echoes a text message.",
       request_head(get, {"host: {host}", "upgrade: websocket", "connection: Upgrade",
                          "sec-websocket-key: {key}", "sec-websocket-version: 13"}),
       handshake_accepted()},
      {"field-names-uppercase", "4.2.1", level::must, names_any_case,
       "Send the opening handshake with every field name in upper case (SEC-WEBSOCKET-KEY, "
       "...); the server accepts and echoes a text message.",
       request_head(get, {"HOST: {host}", "UPGRADE: websocket", "CONNECTION: Upgrade",
                          "SEC-WEBSOCKET-KEY: {key}", "SEC-WEBSOCKET-VERSION: 13"}),
       handshake_accepted()},
      {"field-value-no-space", "4.2.1", level::should, ows_rule,
       "Send the opening handshake with no space between each colon and its field value; the "
       "server accepts and echoes a text message.",
       request_head(get, {"Host:{host}", "Upgrade:websocket", "Connection:Upgrade",
                          "Sec-WebSocket-Key:{key}", "Sec-WebSocket-Version:13"}),
       handshake_accepted(), 0, false, valid_refused_note},
      {"field-value-several-spaces", "4.2.1", level::should, ows_rule,
       "Send the opening handshake with several spaces before each field value; the server "
       "accepts and echoes a text message.",
       request_head(get, {"Host:   {host}", "Upgrade:   websocket", "Connection:   Upgrade",
                          "Sec-WebSocket-Key:   {key}", "Sec-WebSocket-Version:   13"}),
       handshake_accepted(), 0, false, valid_refused_note},
      {"field-value-tabs", "4.2.1", level::should, ows_rule,
       "Send the opening handshake with a tab (HTAB, which OWS allows like SP) before each field "
       "value; the server accepts and echoes a text message.",
       request_head(get, {"Host:\t{host}", "Upgrade:\twebsocket", "Connection:\tUpgrade",
                          "Sec-WebSocket-Key:\t{key}", "Sec-WebSocket-Version:\t13"}),
       handshake_accepted(), 0, false, valid_refused_note},
      {"field-value-trailing-whitespace", "4.2.1", level::should, ows_rule,
       "Send the opening handshake with spaces and tabs after each field value (including the "
       "key and the version); the server excludes them, accepts and echoes a text message.",
       request_head(get, {"Host: {host} ", "Upgrade: websocket \t", "Connection: Upgrade  ",
                          "Sec-WebSocket-Key: {key}\t ", "Sec-WebSocket-Version: 13\t"}),
       handshake_accepted(), 0, false, valid_refused_note},
      {"field-order-reversed", "4.2.1", level::must, server_must_reject,
       "Send the opening handshake with its fields in reverse order (the version first, Host "
       "last); the order is not important, so the server accepts and echoes a text message.",
       request_head(get, reversed(valid_fields())), handshake_accepted()},
      {"unknown-fields-ignored", "4.2.1", level::must, part_other,
       "Send the opening handshake with Origin, User-Agent, Cookie, Cache-Control and an unknown "
       "field; the server ignores what it does not use, accepts and echoes a text message.",
       valid_request_plus({"Origin: http://example.com", "User-Agent: wsspec",
                           "Cookie: session=wsspec", "Cache-Control: no-cache",
                           "X-Unknown-Field: anything at all"}),
       handshake_accepted()},
      {"field-obs-fold", "4.2.1", level::must,
       "RFC 9112 §5.2: A server that receives an obs-fold in a request message that is not "
       "within a \"message/http\" container MUST either reject the message by sending a 400 "
       "(Bad Request), preferably with a representation explaining that obsolete line folding "
       "is unacceptable, or replace each received obs-fold with one or more SP octets prior to "
       "interpreting the field value or forwarding the message downstream.",
       "Send the opening handshake with an extra field whose value continues on a line that "
       "starts with a space (obsolete line folding); the server refuses it with 400 or unfolds "
       "it and accepts (then echoes a text message).",
       valid_request_plus({"X-Folded: first part", " second part"}), handshake_either({400})},
      {"request-line-extra-token", "4.2.1", level::must,
       refuse(part_get) + " RFC 9112 §3: request-line = method SP request-target SP HTTP-version",
       "Send the opening handshake with a request line that has a fourth element, \"GET / "
       "HTTP/1.1 extra\", which is no HTTP/1.1 request line; the server refuses it with an error "
       "status.",
       request_head("GET {target} HTTP/1.1 extra", valid_fields()), handshake_rejected(), 0, false,
       "RFC 9112 §3 lets a recipient parse the request line on whitespace-delimited words, so "
       "extra spaces between the elements are tolerated and not tested; a fourth word is invalid "
       "under either reading."},
      {"field-space-before-colon", "4.2.1", level::must,
       "RFC 9112 §5.1: No whitespace is allowed between the field name and colon. [...] A "
       "server MUST reject, with a response status code of 400 (Bad Request), any received "
       "request message that contains whitespace between a header field name and colon.",
       "Send the opening handshake with an extra field written \"X-Spaced : 1\"; the server "
       "refuses it with 400.",
       valid_request_plus({"X-Spaced : 1"}), handshake_rejected({400})},
      {"bare-lf-line-endings", "4.2.1", level::may,
       "RFC 9112 §2.2: Although the line terminator for the start-line and fields is the "
       "sequence CRLF, a recipient MAY recognize a single LF as a line terminator and ignore any "
       "preceding CR.",
       "Send the opening handshake with every line ended by a bare LF; the server may accept it "
       "(then it echoes a text message) or refuse it.",
       bare_lf(request_head(get, valid_fields())), handshake_either(), 0, true},
      // ----- how the request arrives ---------------------------------------------------------
      {"request-in-1-byte-writes", "4.2.1", level::must,
       "When a client starts a WebSocket connection, it sends its part of the opening "
       "handshake. The server must parse at least part of this handshake in order to obtain "
       "the necessary information to generate the server part of the handshake.",
       "Send a valid opening handshake one byte per write; the server reassembles it, accepts "
       "and echoes a text message.",
       request_head(get, valid_fields()), handshake_accepted(), 1},
      {"large-head-in-1-byte-writes", "4.2.1", level::must,
       "RFC 9110 §5.4: A server that receives a request header field line, field value, or set "
       "of fields larger than it wishes to process MUST respond with an appropriate 4xx (Client "
       "Error) status code.",
       "Send a valid opening handshake with 32 extra 256-byte fields (an 8 KiB head) one byte "
       "per write; the server answers within the deadline: it accepts and echoes a text "
       "message, or refuses the head with a 4xx status.",
       valid_request_plus(filler_fields(32, 256)), handshake_either({400, 413, 414, 431}), 1},
  };
  for (const auto& r : rows) add(cat, r);

  // ----- the grammar of the other fields (RFC 6455 §4.3) --------------------------------------
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
  {
    auto c = cat.add("rfc6455/4.2.1/subprotocol-repeated")
                 .section("4.2.1")
                 .roles(role_set::server)
                 .may(
                     "Optionally, a |Sec-WebSocket-Protocol| header field, with a list of values "
                     "indicating which protocols the client would like to speak, ordered by "
                     "preference.")
                 .describe(
                     "Send the opening handshake with \"Sec-WebSocket-Protocol: chat, chat\", a "
                     "name given twice; the server refuses it with an error status, or accepts "
                     "it (with chat or no subprotocol) and echoes a text message.")
                 .note(
                     "The elements \"MUST all be unique strings\" (RFC 6455 §4.1) is a MUST of "
                     "the client. The list is still a list of tokens, so no grammar is broken "
                     "and no sentence asks the server to refuse it: either answer informs.")
                 .subprotocols({"chat", "chat"})
                 .rule(ref::error::duplicate_subprotocol)
                 .expect_handshake(handshake_either());
    echo_after_handshake(c);
    c.informational();
  }

  // ----- 6. Sec-WebSocket-Version ---------------------------------------------------------
  struct version_row {
    const char* slug;
    std::string requirement;
    const char* description;
    std::vector<std::string> lines;
    ref::error rule;
  };
  const version_row versions[] = {
      {"version-missing",
       version_must_reject,
       "Send the opening handshake without Sec-WebSocket-Version; the server refuses it with an "
       "error status.",
       {},
       ref::error::missing_version},
      {"version-leading-zero",
       std::string(version_must_reject) + version_grammar,
       "Send the opening handshake with Sec-WebSocket-Version: 013, which the grammar forbids "
       "(no leading zeros); the server refuses it with an error status.",
       {"Sec-WebSocket-Version: 013"},
       ref::error::unsupported_version},
      {"version-list",
       std::string(version_must_reject) + version_grammar,
       "Send the opening handshake with Sec-WebSocket-Version: 13, 8, a list where a client "
       "sends one version; the server refuses it with an error status.",
       {"Sec-WebSocket-Version: 13, 8"},
       ref::error::unsupported_version},
  };
  for (const auto& r : versions) {
    cat.add(std::string("rfc6455/4.2.1/") + r.slug)
        .section("4.2.1")
        .roles(role_set::server)
        .must(r.requirement)
        .rule(r.rule)
        .describe(r.description)
        .raw_request(with_version_lines(r.lines))
        .expect_handshake(handshake_rejected());
  }
}

}  // namespace

WSSPEC_FAMILY(6455, "4.2.1", add_server_reads_handshake);

}  // namespace wsspec::cases
