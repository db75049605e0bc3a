// connection_client_fuzz: ref::connection in the client role, fed a server's bytes.
//
// Input and oracle: see connection_fuzz.hpp. Here the connection sends its request at once (its
// key is base64 of fuzz::client_nonce), validates the server's response (RFC 6455 §4.1), and must
// then fail on masked frames (§5.1); its peer is a server that reads the request and masked
// frames.
#include <cstddef>
#include <cstdint>

#include "connection_fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  wsspec::fuzz::run_connection(wsspec::ref::role::client, data, size);
  return 0;
}
