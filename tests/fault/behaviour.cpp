#include "behaviour.hpp"

#include <variant>

namespace wsspec::fault {

behaviour reference_echo_server() {
  // As ref::asio::echo_server configures its connections.
  behaviour b;
  b.config.self = ref::role::server;
  b.config.max_message_size = 64ull << 20;
  b.config.max_frame_size = b.config.max_message_size;
  b.config.deflate.enabled = true;
  b.config.accept_any_subprotocol = true;
  return b;
}

void echo(ref::connection& c, ref::event& e) {
  if (auto* m = std::get_if<ref::message_event>(&e)) c.send_message(m->op, m->data);
}

}  // namespace wsspec::fault
