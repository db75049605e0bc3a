// connection_server_fuzz: ref::connection in the server role, fed a client's bytes.
//
// Input and oracle: see connection_fuzz.hpp. Here the connection validates the client's request
// (RFC 6455 §4.2.1), answers it, and must then fail on unmasked frames (§5.1); its peer is a
// client that reads the response and unmasked frames.
#include <cstddef>
#include <cstdint>

#include "connection_fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  wsspec::fuzz::run_connection(wsspec::ref::role::server, data, size);
  return 0;
}
