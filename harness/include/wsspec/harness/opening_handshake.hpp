// The opening handshake of a case, without I/O: the request wsspec sends to a target server and
// how its response is judged; the answer wsspec gives a target client's request. The session
// writes and reads the bytes; these functions decide what they are and what they mean.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wsspec/harness/case.hpp"
#include "wsspec/reference/handshake.hpp"
#include "wsspec/reference/http_head.hpp"
#include "wsspec/reference/permessage_deflate.hpp"

namespace wsspec::harness {

// ----- testing a server: wsspec's request ------------------------------------------------------

struct planned_request {
  std::string text;  // the request head, exactly as sent
  // The key the request actually carries (a case may send a malformed one on purpose): a server
  // answers whatever key it read (RFC 6455 §4.2.2).
  std::string key;
  // Every extension offered, in the built field and in extra field lines alike.
  std::vector<ref::extension> offered;
  // Every subprotocol offered, likewise: a response may select any of them (RFC 6455 §4.1).
  std::vector<std::string> subprotocols;
  // The valid permessage-deflate offers among them, in order.
  std::vector<ref::deflate_offer> deflate;
};

planned_request plan_request(const handshake_spec& hs, std::string_view host_header,
                             std::string_view resource, const std::array<std::uint8_t, 16>& nonce);

// The opening request a case sends (RFC 6455 §4.1): a valid request built from the spec's
// fields, or its raw request with {host}, {target} and {key} expanded. `offered` are the
// extensions offered in the built Sec-WebSocket-Extensions field.
std::string build_case_request(const handshake_spec& hs, std::string_view host_header,
                               std::string_view resource, std::string_view key,
                               const std::vector<ref::extension>& offered);

struct judged_response {
  bool complete = false;                       // a valid 101: the connection is open
  std::optional<ref::error> problem;           // why not, or what is wrong with it
  bool violation = false;                      // the problem is a 101 that breaks a rule
  std::optional<ref::deflate_params> deflate;  // permessage-deflate as agreed
};

// RFC 6455 §4.1 (the client's checks of the response) and RFC 7692 §7 (the agreed parameters).
judged_response judge_response(const ref::http_head& response, const planned_request& request);

// ----- testing a client: wsspec's answer -------------------------------------------------------

struct planned_answer {
  std::string text;  // the response head to send
  int status = 101;
  std::optional<ref::error> problem;           // the client's request broke this rule
  bool refused = false;                        // and wsspec refuses it (text is the error response)
  std::optional<ref::deflate_params> deflate;  // agreed in a 101 wsspec built itself
  bool deflate_offered = false;                // the request has a valid permessage-deflate offer
};

// RFC 6455 §4.2.1 (the server's checks of the request) and §4.2.2 (its answer): a valid client
// request is answered as the case's response_spec says, an invalid one is refused.
// With `requires_deflate`, a client that offered no permessage-deflate gets no
// Sec-WebSocket-Extensions field written by hand (the case cannot run; see deflate_unavailable).
planned_answer answer_request(const ref::http_head& request, const handshake_spec& hs,
                              bool requires_deflate = false);

// The usual reason phrase of an HTTP status ("Switching Protocols" for 101).
std::string_view status_reason(int status) noexcept;

}  // namespace wsspec::harness
