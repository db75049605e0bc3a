// RFC 6455 §5.6 data frames and §5.2 payload length encodings: text and binary messages of
// every length-field boundary are echoed unchanged (Autobahn 1.x).
#include "common/builders.hpp"

namespace wsspec::cases {
namespace {

constexpr const char* echo_requirement =
    "Data frames (e.g., non-control frames) are identified by opcodes where the most "
    "significant bit of the opcode is 0. [...] The \"Payload data\" is arbitrary application data, "
    "which the application layer passes on unchanged.";

void add_data_frames(catalogue& cat) {
  // Lengths around the 7-bit / 16-bit / 64-bit boundaries of RFC 6455 §5.2.
  struct size_case {
    std::uint64_t length;
    const char* why;
  };
  const size_case sizes[] = {{0, "empty"},
                             {125, "largest 7-bit length"},
                             {126, "smallest 16-bit length"},
                             {127, "16-bit length, 127"},
                             {128, "16-bit length, 128"},
                             {65535, "largest 16-bit length"},
                             {65536, "smallest 64-bit length"},
                             {65536, "64-bit length, sent in 997-byte writes"}};
  for (int op = 1; op <= 2; ++op) {
    const std::string kind = op == 1 ? "text" : "binary";
    for (std::size_t i = 0; i < std::size(sizes); ++i) {
      const auto& s = sizes[i];
      const bool chopped = i == 7;
      const payload_spec payload = op == 1 ? payload_spec::repeat("*", s.length)
                                           : payload_spec::repeat_bytes({0xfe}, s.length);
      std::string id = "rfc6455/5.6/" + kind + "-" + std::to_string(s.length);
      if (chopped) id += "-chopped";
      auto c = cat.add(id)
                   .section("5.6")
                   .must(echo_requirement)
                   .autobahn((op == 1 ? "1.1." : "1.2.") + std::to_string(i + 1))
                   .describe("Send a " + kind + " message of " + std::to_string(s.length) +
                             " bytes (" + s.why + ") in one frame; the target echoes it.");
      if (chopped) {
        c.send_chopped({frame(static_cast<std::uint8_t>(op), payload)}, 997);
      } else {
        c.send({frame(static_cast<std::uint8_t>(op), payload)});
      }
      c.expect_echo({message_of(static_cast<std::uint8_t>(op), payload)});
    }
  }
}

}  // namespace

WSSPEC_FAMILY(6455, "5.6", add_data_frames);

}  // namespace wsspec::cases
