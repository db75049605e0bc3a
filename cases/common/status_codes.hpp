// Close frames that carry a status code (RFC 6455 §7.4): the requirements the §7.4.1, §7.4.2 and
// §11.7 families quote, and the two kinds of case they build from a code.
#pragma once

#include <cstdint>
#include <string>

#include "common/builders.hpp"
#include "wsspec/reference/close_code.hpp"

namespace wsspec::cases {

inline constexpr const char* status_code_answer_rule =
    "(§5.5.1) If an endpoint receives a Close frame and did not previously send a Close frame, "
    "the endpoint MUST send a Close frame in response. (When sending a Close frame in response, "
    "the endpoint typically echos the status code it received.)";

inline constexpr const char* status_code_rule =
    "(§5.5.1) If there is a body, the first two bytes of the body MUST be a 2-byte unsigned "
    "integer (in network byte order) representing a status code with value /code/ defined in "
    "Section 7.4.";

inline constexpr const char* wrong_code_note =
    "As in Autobahn, a close code outside the expected ones makes the behavior FAILED too; "
    "wsspec also fails a target that does not answer or, as a server, does not close TCP.";

// The sentence of §7.4 (or §11.7) that makes a code valid or invalid, then the rule it bears on.
inline std::string quote_status_code(const char* section_text, const char* rule) {
  return std::string(section_text) + " [...] " + rule;
}

// wsspec closes with `code`, which an endpoint may send (`section_text` says so): the target
// answers with a Close echoing the code, or with 1000, and closes TCP.
inline case_builder& answers_status_code(case_builder& c, std::uint16_t code,
                                         const char* section_text) {
  const std::string number = std::to_string(code);
  const std::string name = std::string(ref::close_code::describe(code));
  return c.must(quote_status_code(section_text, status_code_answer_rule))
      .describe("Send a Close frame with code " + number + " (" + name +
                ") and no reason; the target answers with a Close echoing " + number +
                " (or 1000) and closes TCP.")
      .close(code)
      .expect({ok({})}, answers_close({code, 1000}));
}

// wsspec closes with `code`, which no endpoint may send (`section_text` says why): the target
// fails the connection with 1002.
inline case_builder& refuses_status_code(case_builder& c, std::uint16_t code,
                                         const char* section_text) {
  const std::string number = std::to_string(code);
  return c.must(quote_status_code(section_text, status_code_rule))
      .rule(ref::error::invalid_close_code)
      .describe("Send a Close frame with code " + number +
                ", not a status code an endpoint may send (RFC 6455 §7.4); the "
                "target fails the connection with 1002.")
      .close(code)
      .expect({ok({})}, rejects_close(protocol_error));
}

}  // namespace wsspec::cases
