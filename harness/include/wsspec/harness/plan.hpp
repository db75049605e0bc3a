// How a session ends a case, decided from the case alone: what it waits for after the case's
// steps, and the Close it sends if the target has not ended the connection by then. The session
// runs this plan; it does not read the expectation itself.
#pragma once

#include <cstddef>
#include <cstdint>

#include "wsspec/harness/case.hpp"
#include "wsspec/harness/transcript.hpp"

namespace wsspec::harness {

struct case_ending {
  enum class wait : std::uint8_t {
    target_ends,  // the target must fail or close the connection itself
    events,       // the target's messages and pongs arrive (or it ends the connection)
  };
  wait until = wait::events;
  // The most messages and pongs any acceptable outcome lists. With wait::target_ends, a target
  // that sends more messages than that has processed what it had to fail on: no need to wait.
  std::size_t messages = 0;
  std::size_t pongs = 0;
  // wsspec's Close when the wait is over: 1001 (going away) when the target was to close and
  // did not, 1000 otherwise.
  std::uint16_t close_code = 1000;
};

case_ending plan_ending(const case_def& c);

// The case sends message streams (message_stream steps).
bool streams_messages(const case_def& c);

// A case about permessage-deflate that cannot run (UNIMPLEMENTED): it was not agreed or, where
// wsspec answers a client with a Sec-WebSocket-Extensions field written by hand, the client
// offered no permessage-deflate.
bool deflate_unavailable(const case_def& c, const transcript& t);

}  // namespace wsspec::harness
