// RFC 6455 §7.4 status codes: a Close frame with a code an endpoint may send is answered (the
// code echoed, or 1000); one with a code outside §7.4 makes the target fail the connection with
// 1002 (Autobahn 7.7.x, 7.9.x, 7.13.x, plus the codes IANA registered after RFC 6455).
#include "common/builders.hpp"
#include "wsspec/reference/close_code.hpp"

namespace wsspec::cases {
namespace {

constexpr const char* answer_rule =
    "(§5.5.1) If an endpoint receives a Close frame and did not previously send a Close frame, "
    "the endpoint MUST send a Close frame in response. (When sending a Close frame in response, "
    "the endpoint typically echos the status code it received.)";

constexpr const char* code_rule =
    "(§5.5.1) If there is a body, the first two bytes of the body MUST be a 2-byte unsigned "
    "integer (in network byte order) representing a status code with value /code/ defined in "
    "Section 7.4.";

constexpr const char* defined_codes =
    "Endpoints MAY use the following pre-defined status codes when sending a Close frame.";
constexpr const char* protocol_range =
    "Status codes in the range 1000-2999 are reserved for definition by this protocol, its "
    "future revisions, and extensions specified in a permanent and readily available public "
    "specification.";
constexpr const char* library_range =
    "Status codes in the range 3000-3999 are reserved for use by libraries, frameworks, and "
    "applications. These status codes are registered directly with IANA.";
constexpr const char* private_range =
    "Status codes in the range 4000-4999 are reserved for private use and thus can't be "
    "registered. Such codes can be used by prior agreements between WebSocket applications.";
constexpr const char* unused_range = "Status codes in the range 0-999 are not used.";
constexpr const char* reserved_1004 =
    "1004 Reserved. The specific meaning might be defined in the future.";
constexpr const char* never_on_wire =
    "1005 is a reserved value and MUST NOT be set as a status code in a Close control frame by "
    "an endpoint. [...] 1006 is a reserved value and MUST NOT be set as a status code in a Close "
    "control frame by an endpoint. [...] 1015 is a reserved value and MUST NOT be set as a "
    "status code in a Close control frame by an endpoint.";
constexpr const char* registry_range =
    "The status code is an integer number between 1000 and 4999 (inclusive).";

constexpr const char* wrong_code_note =
    "As in Autobahn, a close code outside the expected ones makes the behavior FAILED too; "
    "wsspec also fails a target that does not answer or, as a server, does not close TCP.";

std::string quote(const char* section_text, const char* rule) {
  return std::string(section_text) + " [...] " + rule;
}

void add_status_codes(catalogue& cat) {
  // Codes an endpoint may send: the target answers, echoing the code or with 1000.
  struct valid_code {
    std::uint16_t code;
    const char* autobahn;  // empty: beyond Autobahn
    const char* section;
    const char* text;
  };
  const valid_code valid[] = {
      {1000, "7.7.1", "7.4.1", defined_codes},  {1001, "7.7.2", "7.4.1", defined_codes},
      {1002, "7.7.3", "7.4.1", defined_codes},  {1003, "7.7.4", "7.4.1", defined_codes},
      {1007, "7.7.5", "7.4.1", defined_codes},  {1008, "7.7.6", "7.4.1", defined_codes},
      {1009, "7.7.7", "7.4.1", defined_codes},  {1010, "7.7.8", "7.4.1", defined_codes},
      {1011, "7.7.9", "7.4.1", defined_codes},  {1012, "", "7.4.2", protocol_range},
      {1013, "", "7.4.2", protocol_range},      {1014, "", "7.4.2", protocol_range},
      {3000, "7.7.10", "7.4.2", library_range}, {3999, "7.7.11", "7.4.2", library_range},
      {4000, "7.7.12", "7.4.2", private_range}, {4999, "7.7.13", "7.4.2", private_range},
  };
  for (const auto& v : valid) {
    const std::string code = std::to_string(v.code);
    const std::string name = std::string(ref::close_code::describe(v.code));
    auto c = cat.add("rfc6455/" + std::string(v.section) + "/close-code-" + code)
                 .section(v.section)
                 .must(quote(v.text, answer_rule))
                 .describe("Send a Close frame with code " + code + " (" + name +
                           ") and no reason; the target answers with a Close echoing " + code +
                           " (or 1000) and closes TCP.")
                 .close(v.code)
                 .expect({ok({})}, answers_close({v.code, 1000}));
    if (*v.autobahn) {
      c.autobahn(v.autobahn).note(wrong_code_note);
    } else {
      // RFC 6455 itself never defines these codes: only the IANA registry that §11.7 creates
      // does, so refusing them breaks a SHOULD at most. Not answering the Close at all breaks
      // the §5.5.1 MUST whatever the level.
      c.should(quote(v.text, answer_rule))
          .note(
              "Beyond Autobahn, whose 7.7.x list predates the code: IANA's WebSocket Close Code "
              "Number Registry (RFC 6455 §11.7) assigns 1012 (Service Restart), 1013 (Try Again "
              "Later) and 1014 (Bad Gateway), so a Close carrying it is valid. RFC 6455 itself "
              "does not define the code, so a target that fails the connection with 1002 "
              "breaks no MUST of it: NON-STRICT. A target that sends no Close back at all is "
              "FAILED (§5.5.1).");
    }
  }

  // Codes outside §7.4: the target fails the connection with 1002 (or just closes TCP).
  struct invalid_code {
    std::uint16_t code;
    const char* autobahn;  // empty: beyond Autobahn
    const char* section;
    const char* text;
  };
  const invalid_code invalid[] = {
      {0, "7.9.1", "7.4.2", unused_range},      {999, "7.9.2", "7.4.2", unused_range},
      {1004, "7.9.3", "7.4.1", reserved_1004},  {1005, "7.9.4", "7.4.1", never_on_wire},
      {1006, "7.9.5", "7.4.1", never_on_wire},  {1015, "", "7.4.1", never_on_wire},
      {1016, "7.9.6", "7.4.2", protocol_range}, {1100, "7.9.7", "7.4.2", protocol_range},
      {2000, "7.9.8", "7.4.2", protocol_range}, {2999, "7.9.9", "7.4.2", protocol_range},
      {5000, "7.13.1", "11.7", registry_range}, {65535, "7.13.2", "11.7", registry_range},
  };
  for (const auto& v : invalid) {
    const std::string code = std::to_string(v.code);
    auto c = cat.add("rfc6455/" + std::string(v.section) + "/invalid-close-code-" + code)
                 .section(v.section)
                 .must(quote(v.text, code_rule))
                 .rule(ref::error::invalid_close_code)
                 .describe("Send a Close frame with code " + code +
                           ", not a status code an endpoint may send (RFC 6455 §7.4); the "
                           "target fails the connection with 1002.")
                 .close(v.code)
                 .expect({ok({})}, rejects_close(protocol_error));
    if (v.code > 4999) {
      c.autobahn(v.autobahn)
          .should(quote(v.text, code_rule))
          .note(
              "Autobahn reports this as INFORMATIONAL, holding that the RFC leaves codes above "
              "4999 undefined. RFC 6455 §11.7 bounds every status code to 1000-4999 and §5.5.1 "
              "binds the sender to codes defined in §7.4, so the Close frame is invalid; but no "
              "sentence requires the receiver to fail the connection on it. wsspec grades it at "
              "SHOULD: failing with 1002 is OK, echoing the code back or answering 1000 is "
              "NON-STRICT, and not answering the Close at all is FAILED (§5.5.1).");
    } else if (*v.autobahn) {
      c.autobahn(v.autobahn).note(wrong_code_note);
    } else {
      c.note(
          "Beyond Autobahn, whose 7.9.x list leaves 1015 out although RFC 6455 §7.4.1 "
          "forbids it on the wire like 1005 and 1006.");
    }
  }
}

}  // namespace

WSSPEC_FAMILY(6455, "7.4", add_status_codes);

}  // namespace wsspec::cases
