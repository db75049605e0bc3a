// RFC 6455 §7.4.1 defined status codes: a Close frame with a code an endpoint may send is
// answered (the code echoed, or 1000); one with a code §7.4.1 reserves or keeps off the wire makes
// the target fail the connection with 1002 (Autobahn 7.7.1-7.7.9, 7.9.3-7.9.5).
#include <cstdint>
#include <string>

#include "common/status_codes.hpp"

namespace wsspec::cases {
namespace {

constexpr const char* defined_codes =
    "Endpoints MAY use the following pre-defined status codes when sending a Close frame.";
constexpr const char* reserved_1004 =
    "1004 Reserved. The specific meaning might be defined in the future.";
constexpr const char* never_on_wire =
    "1005 is a reserved value and MUST NOT be set as a status code in a Close control frame by "
    "an endpoint. [...] 1006 is a reserved value and MUST NOT be set as a status code in a Close "
    "control frame by an endpoint. [...] 1015 is a reserved value and MUST NOT be set as a "
    "status code in a Close control frame by an endpoint.";

struct code_row {
  std::uint16_t code;
  const char* autobahn;  // empty: beyond Autobahn
  const char* text;
};

std::string id_of(const char* kind, std::uint16_t code) {
  return std::string("rfc6455/7.4.1/") + kind + std::to_string(code);
}

void add_defined_status_codes(catalogue& cat) {
  // Codes an endpoint may send: the target answers, echoing the code or with 1000.
  const code_row valid[] = {
      {1000, "7.7.1", defined_codes}, {1001, "7.7.2", defined_codes},
      {1002, "7.7.3", defined_codes}, {1003, "7.7.4", defined_codes},
      {1007, "7.7.5", defined_codes}, {1008, "7.7.6", defined_codes},
      {1009, "7.7.7", defined_codes}, {1010, "7.7.8", defined_codes},
      {1011, "7.7.9", defined_codes},
  };
  for (const auto& v : valid) {
    auto c = cat.add(id_of("close-code-", v.code)).section("7.4.1");
    answers_status_code(c, v.code, v.text).autobahn(v.autobahn).note(wrong_code_note);
  }

  // Codes §7.4.1 keeps off the wire: the target fails the connection with 1002 (or just closes
  // TCP).
  const code_row invalid[] = {
      {1004, "7.9.3", reserved_1004},
      {1005, "7.9.4", never_on_wire},
      {1006, "7.9.5", never_on_wire},
      {1015, "", never_on_wire},
  };
  for (const auto& v : invalid) {
    auto c = cat.add(id_of("invalid-close-code-", v.code)).section("7.4.1");
    refuses_status_code(c, v.code, v.text);
    if (*v.autobahn) {
      c.autobahn(v.autobahn).note(wrong_code_note);
    } else {
      c.note(
          "Beyond Autobahn, whose 7.9.x list leaves 1015 out although RFC 6455 §7.4.1 "
          "forbids it on the wire like 1005 and 1006.");
    }
  }
}

}  // namespace

WSSPEC_FAMILY(6455, "7.4.1", add_defined_status_codes);

}  // namespace wsspec::cases
