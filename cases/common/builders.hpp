// What every family file uses: the case builder, frame and expectation constructors.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "wsspec/harness/catalogue.hpp"
#include "wsspec/reference/close_code.hpp"

namespace wsspec::cases {

using namespace harness;
using namespace std::chrono_literals;

// The close codes a target may use when it fails the connection for a protocol violation.
inline const std::vector<std::uint16_t> protocol_error{1002};
inline const std::vector<std::uint16_t> invalid_payload{1007};

// Cases about the closing handshake itself, where wsspec's Close frame is the stimulus and the
// close verdict decides the behavior too (as in Autobahn's 7.x cases).
//
// The target answers wsspec's Close with a Close carrying one of `codes` (or no code) and, as a
// server, then closes TCP first (RFC 6455 §5.5.1).
inline close_expectation answers_close(std::vector<std::uint16_t> codes) {
  close_expectation c;
  c.closes = close_expectation::who::harness;
  c.codes = std::move(codes);
  c.decides_behavior = true;
  return c;
}
// wsspec's Close frame is invalid: the target must Fail the WebSocket Connection (RFC 6455
// §7.1.7), with a Close frame carrying one of `codes`. Answering as to a valid Close (the code
// echoed, 1000, or no code) is not failing; another code, or closing TCP without a Close frame,
// breaks only the §7.1.7 SHOULD.
inline close_expectation rejects_close(std::vector<std::uint16_t> codes) {
  close_expectation c;
  c.closes = close_expectation::who::target;
  c.codes = std::move(codes);
  c.allow_drop = true;
  c.require_clean = false;
  return c;
}

// How the closing-handshake cases are judged, as a note for those that follow Autobahn's 7.x.
inline constexpr const char* closing_handshake_note =
    "Judged as Autobahn's 7.x cases are: a close code outside the expected ones makes the "
    "behavior FAILED too. wsspec also fails a target that does not answer the Close or, as a "
    "server, does not close TCP after the closing handshake (RFC 6455 §5.5.1 MUSTs that "
    "Autobahn only reports as an unclean close).";

}  // namespace wsspec::cases
