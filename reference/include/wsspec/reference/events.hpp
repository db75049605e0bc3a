// What a connection reports to the code that drives it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "wsspec/reference/close_payload.hpp"
#include "wsspec/reference/error.hpp"
#include "wsspec/reference/handshake.hpp"
#include "wsspec/reference/opcode.hpp"
#include "wsspec/reference/permessage_deflate.hpp"

namespace wsspec::ref {

// The opening handshake completed.
struct open_event {
  std::string target;  // the request-target (server side: what the client asked for)
  std::optional<std::string> subprotocol;
  std::optional<deflate_params> deflate;
  std::vector<header_field> headers;  // the peer's request or response header fields
};

// The opening handshake failed; for a server the rejection has been queued for sending.
struct handshake_failed_event {
  error err;
  int http_status = 0;  // the status sent (server) or received (client)
};

struct message_event {
  opcode op = opcode::text;  // text or binary
  std::vector<std::uint8_t> data;
};

struct ping_event {
  std::vector<std::uint8_t> data;
};

struct pong_event {
  std::vector<std::uint8_t> data;
};

// The peer's Close frame arrived (RFC 6455 §7.1.5, "The WebSocket Closing Handshake is Started").
struct close_received_event {
  close_info info;
};

// The WebSocket connection is closed: no more events follow. `code` is the peer's status when
// the closing handshake completed (1005 when its Close had none), the code this side sent when
// it failed the connection, or 1006 when the connection ended without a Close frame.
struct closed_event {
  std::uint16_t code = 1006;
  std::string reason;
  bool clean = false;            // Close frames went both ways
  std::optional<error> failure;  // we failed the connection for this rule
};

using event = std::variant<open_event, handshake_failed_event, message_event, ping_event,
                           pong_event, close_received_event, closed_event>;

}  // namespace wsspec::ref
