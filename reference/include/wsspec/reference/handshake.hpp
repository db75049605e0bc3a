// The opening handshake (RFC 6455 §4), both roles: building and validating the client's request
// and the server's response.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "wsspec/reference/error.hpp"
#include "wsspec/reference/extensions.hpp"
#include "wsspec/reference/http_head.hpp"

namespace wsspec::ref {

std::string base64_encode(std::span<const std::uint8_t> bytes);
// Strict: canonical padding, no whitespace; nullopt on anything else.
std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text);
// RFC 6455 §4.2.2: base64(SHA-1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")).
std::string accept_for_key(std::string_view key);

struct client_request {
  std::string host;          // Host header value (with port if not default)
  std::string target = "/";  // request-target
  std::array<std::uint8_t, 16> nonce{};
  std::vector<std::string> subprotocols;
  std::vector<extension> extensions;  // offered, in preference order
  std::optional<std::string> origin;
  std::vector<header_field> extra_headers;
};

// The key sent for a nonce: base64 of its 16 bytes.
std::string key_for_nonce(const std::array<std::uint8_t, 16>& nonce);
std::string build_request(const client_request& req);
// The field lines of a valid opening request (RFC 6455 §4.1) for `req`, in the usual order, with
// `key` as its Sec-WebSocket-Key: every request wsspec writes is built from these.
std::vector<header_field> request_fields(const client_request& req, std::string_view key);
// An HTTP head as text: `start_line`, each field line as given, the empty line; CRLF after each.
// Lines are written as they are, so a test can send malformed ones on purpose.
std::string format_head(std::string_view start_line, const std::vector<std::string>& lines);
// "Name: value" for each field.
std::vector<std::string> field_lines(const std::vector<header_field>& fields);

// What a server learns from a valid request.
struct handshake_request {
  std::string target;
  std::string host;
  std::string key;
  std::vector<std::string> subprotocols;  // offered, in order
  std::vector<extension> extensions;      // offered, in order
  std::optional<std::string> origin;
};

// RFC 6455 §4.2.1: GET, HTTP/1.1 or higher, one Host, Upgrade containing "websocket", Connection
// containing "Upgrade" (token lists, any case), one Sec-WebSocket-Key decoding to 16 bytes, one
// Sec-WebSocket-Version equal to 13, well-formed Sec-WebSocket-Protocol and -Extensions lists.
result<handshake_request> validate_request(const http_head& head);

struct handshake_response {
  std::string accept;  // accept_for_key(request key)
  std::optional<std::string> subprotocol;
  std::vector<extension> extensions;
  std::vector<header_field> extra_headers;
};
std::string build_response(const handshake_response& resp);
// The HTTP response rejecting a request for `e` (400, 405, 426 with "Sec-WebSocket-Version: 13").
std::string build_rejection(error e);

// What a client learns from a valid response.
struct handshake_accepted {
  std::optional<std::string> subprotocol;
  std::vector<extension> extensions;  // as the server accepted them
};

// RFC 6455 §4.1 (client side): status 101, Upgrade "websocket", Connection "Upgrade", exactly one
// Sec-WebSocket-Accept matching the key, no subprotocol that was not offered (nor more than one),
// no extension that was not offered. Extension parameters are checked by the extension itself
// (see permessage_deflate.hpp).
result<handshake_accepted> validate_response(const http_head& head, std::string_view key,
                                             const std::vector<std::string>& offered_subprotocols,
                                             const std::vector<extension>& offered_extensions);

}  // namespace wsspec::ref
