// How a faulty endpoint behaves on one connection: the reference echo server (or the reference
// testee client), with hooks where a planted fault rewrites what comes in, what goes out, what the
// application does, and how TCP ends. A behaviour without hooks is the reference itself.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "frames.hpp"
#include "wsspec/reference/connection.hpp"

namespace wsspec::fault {

// What a hook may want to know about the connection so far.
struct context {
  bool peer_closed = false;  // the peer's Close frame was received
};

enum class ending : std::uint8_t {
  // As the reference (RFC 6455 §7.1.1): a server half-closes, then waits (bounded) for the
  // client's FIN; a client waits (bounded) for the server to close TCP first.
  clean,
  wait_for_peer,  // leave TCP open until the peer closes it
  reset,          // abort with a reset (RST) instead of closing
  at_once,        // close TCP as soon as the closing handshake is over, without waiting
};

using frames = std::vector<frame>;

struct behaviour {
  ref::connection_config config;
  // The HTTP head it sends (the server's 101 or refusal, the client's request), rewritten before
  // it is sent. Bytes appended after the empty line go out in the same write.
  std::function<void(std::string& head)> head_out;
  // Client: the server's response head (up to its empty line), rewritten before the reference
  // reads it; `key` is the Sec-WebSocket-Key the client sent.
  std::function<void(std::string& head, std::string_view key)> head_in;
  // A whole frame from the peer, rewritten into `out` before the reference reads it.
  std::function<void(frame f, frames& out)> incoming;
  // A frame the reference sends, rewritten into `out` before it is sent.
  std::function<void(frame f, frames& out, const context&)> outgoing;
  // What the application does with an event (none: echo every message).
  std::function<void(ref::connection&, ref::event&, const context&)> application;
  // With no byte from the peer for this long on an open connection, the application starts the
  // closing handshake (0: never).
  std::chrono::milliseconds close_when_idle{0};
  ending end = ending::clean;
};

// The reference echo server, as `wsspec echo-server` runs it.
behaviour reference_echo_server();

// The reference testee client on one connection to `target` (a runCase path), as
// `wsspec echo-client` runs it: it offers permessage-deflate.
behaviour reference_echo_client(std::string host_header, std::string target);

// The reference echo application: every message is sent back as it came.
void echo(ref::connection& c, ref::event& e);

}  // namespace wsspec::fault
