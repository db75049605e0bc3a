#include "behaviour.hpp"

#include <utility>
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

behaviour reference_echo_client(std::string host_header, std::string target) {
  // As ref::asio::run_echo_client configures its connections.
  behaviour b;
  b.config.self = ref::role::client;
  ref::deflate_offer offer;
  offer.client_max_window_bits_present = true;
  b.config.offer_deflate = offer;
  b.config.max_message_size = 64ull << 20;
  b.config.max_frame_size = b.config.max_message_size;
  b.config.request.host = std::move(host_header);
  b.config.request.target = std::move(target);
  return b;
}

void echo(ref::connection& c, ref::event& e) {
  if (auto* m = std::get_if<ref::message_event>(&e)) c.send_message(m->op, m->data);
}

}  // namespace wsspec::fault
