// Runs one case over a transport and records the transcript. The session speaks for the harness:
// it sends exactly what the case says, reads the target's bytes with the reference decoders in
// observer mode (a violation is recorded, never thrown), answers pings and Close frames the way
// a conforming endpoint would, and stops at the case's deadline whatever the target does.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wsspec/harness/case.hpp"
#include "wsspec/harness/transcript.hpp"
#include "wsspec/harness/transport.hpp"

namespace wsspec::harness {

struct session_config {
  ref::role target = ref::role::server;
  std::string host_header = "127.0.0.1";          // Host of the request
  std::string resource = "/";                     // request-target
  std::uint64_t seed = 1;                         // mask keys and handshake nonce derive from it
  std::chrono::milliseconds close_timeout{1000};  // wait for the target's side of a close
  std::chrono::milliseconds handshake_timeout{3000};
  std::uint64_t max_message_size = 64ull << 20;  // the target's messages are bounded too
  // Scales every deadline of the case (a slow target gets more time).
  double time_scale = 1.0;
  // Testing a client: records the Sec-WebSocket-Key of this case's request and returns the id of
  // an earlier case whose request carried the same key, if any (keys are fresh per connection,
  // RFC 6455 §4.1). Unset: keys are not compared across cases.
  std::function<std::optional<std::string>(const std::string& key, const std::string& case_id)>
      note_key;
};

// Runs `c` on a connected transport. Never throws for anything the target does.
net::awaitable<transcript> run_session(const case_def& c, transport& t, session_config config);
// The same, recording into `out` as it goes: when the caller abandons the session (a hard
// deadline), what happened until then is kept.
net::awaitable<void> run_session(const case_def& c, transport& t, session_config config,
                                 transcript& out);

}  // namespace wsspec::harness
