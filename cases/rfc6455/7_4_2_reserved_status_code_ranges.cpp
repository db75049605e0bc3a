// RFC 6455 §7.4.2 reserved status code ranges: a Close frame with a code of the ranges libraries,
// applications or later registrations may use is answered (the code echoed, or 1000); one with a
// code no range allows on the wire makes the target fail the connection with 1002 (Autobahn
// 7.7.10-7.7.13, 7.9.1, 7.9.2, 7.9.6-7.9.9, plus the codes IANA registered after RFC 6455).
#include <cstdint>
#include <string>

#include "common/status_codes.hpp"

namespace wsspec::cases {
namespace {

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

struct code_row {
  std::uint16_t code;
  const char* autobahn;  // empty: beyond Autobahn
  const char* text;
};

std::string id_of(const char* kind, std::uint16_t code) {
  return std::string("rfc6455/7.4.2/") + kind + std::to_string(code);
}

void add_reserved_status_code_ranges(catalogue& cat) {
  // Codes an endpoint may send: the target answers, echoing the code or with 1000.
  const code_row valid[] = {
      {1012, "", protocol_range},      {1013, "", protocol_range},
      {1014, "", protocol_range},      {3000, "7.7.10", library_range},
      {3999, "7.7.11", library_range}, {4000, "7.7.12", private_range},
      {4999, "7.7.13", private_range},
  };
  for (const auto& v : valid) {
    auto c = cat.add(id_of("close-code-", v.code)).section("7.4.2");
    answers_status_code(c, v.code, v.text);
    if (*v.autobahn) {
      c.autobahn(v.autobahn).note(wrong_code_note);
    } else {
      // RFC 6455 itself never defines these codes: only the IANA registry that §11.7 creates
      // does, so refusing them breaks a SHOULD at most. Not answering the Close at all breaks
      // the §5.5.1 MUST whatever the level.
      c.should(quote_status_code(v.text, status_code_answer_rule))
          .note(
              "Beyond Autobahn, whose 7.7.x list predates the code: IANA's WebSocket Close Code "
              "Number Registry (RFC 6455 §11.7) assigns 1012 (Service Restart), 1013 (Try Again "
              "Later) and 1014 (Bad Gateway), so a Close carrying it is valid. RFC 6455 itself "
              "does not define the code, so a target that fails the connection with 1002 "
              "breaks no MUST of it: NON-STRICT. A target that sends no Close back at all is "
              "FAILED (§5.5.1).");
    }
  }

  // Codes outside the ranges an endpoint may send: the target fails the connection with 1002 (or
  // just closes TCP).
  const code_row invalid[] = {
      {0, "7.9.1", unused_range},      {999, "7.9.2", unused_range},
      {1016, "7.9.6", protocol_range}, {1100, "7.9.7", protocol_range},
      {2000, "7.9.8", protocol_range}, {2999, "7.9.9", protocol_range},
  };
  for (const auto& v : invalid) {
    auto c = cat.add(id_of("invalid-close-code-", v.code)).section("7.4.2");
    refuses_status_code(c, v.code, v.text).autobahn(v.autobahn).note(wrong_code_note);
  }
}

}  // namespace

WSSPEC_FAMILY(6455, "7.4.2", add_reserved_status_code_ranges);

}  // namespace wsspec::cases
