// How the faulty peer behaves on one connection: the reference echo server, with hooks where a
// planted fault rewrites what comes in, what goes out, what the application does, and how TCP
// ends. A behaviour without hooks is the reference echo server itself.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "frames.hpp"
#include "wsspec/reference/connection.hpp"

namespace wsspec::fault {

// What a hook may want to know about the connection so far.
struct context {
  bool peer_closed = false;  // the client's Close frame was received
};

enum class ending : std::uint8_t {
  clean,            // as the reference: half-close, then wait (bounded) for the client's FIN
  wait_for_client,  // leave TCP open until the client closes it
  reset,            // abort with a reset (RST) instead of closing
};

using frames = std::vector<frame>;

struct behaviour {
  ref::connection_config config;
  // The HTTP response (a 101 or a refusal), rewritten before it is sent.
  std::function<void(std::string& head)> response;
  // A whole frame from the client, rewritten into `out` before the reference reads it.
  std::function<void(frame f, frames& out)> incoming;
  // A frame the reference sends, rewritten into `out` before it is sent.
  std::function<void(frame f, frames& out, const context&)> outgoing;
  // What the application does with an event (none: echo every message).
  std::function<void(ref::connection&, ref::event&, const context&)> application;
  ending end = ending::clean;
};

// The reference echo server, as `wsspec echo-server` runs it.
behaviour reference_echo_server();

// The reference echo server's application: every message is sent back as it came.
void echo(ref::connection& c, ref::event& e);

}  // namespace wsspec::fault
