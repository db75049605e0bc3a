// RFC 6455 §5.2 payload length encodings: text and binary messages at every boundary of the
// length field are read whole and echoed unchanged (Autobahn 1.x).
#include <string>

#include "common/builders.hpp"

namespace wsspec::cases {
namespace {

constexpr const char* echo_requirement =
    "Payload length:  7 bits, 7+16 bits, or 7+64 bits [...] The length of the \"Payload data\", in "
    "bytes: if 0-125, that is the payload length.  If 126, the following 2 bytes interpreted as a "
    "16-bit unsigned integer are the payload length.  If 127, the following 8 bytes interpreted "
    "as a 64-bit unsigned integer (the most significant bit MUST be 0) are the payload length.";

constexpr const char* minimal_requirement =
    "Note that in all cases, the minimal number of bytes MUST be used to encode the length, for "
    "example, the length of a 124-byte-long string can't be encoded as the sequence 126, 0, 124.";

constexpr const char* validate_requirement =
    "(§10.7) Incoming data MUST always be validated by both clients and servers.";

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
      std::string id = "rfc6455/5.2/" + kind + "-" + std::to_string(s.length);
      if (chopped) id += "-chopped";
      auto c = cat.add(id)
                   .section("5.2")
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

  // Beyond Autobahn: length encodings the sender MUST NOT use.
  wire_frame top_bit = text("Hello");
  top_bit.length_bytes = 8;
  top_bit.declared_length = (std::uint64_t{1} << 63) | 5;
  cat.add("rfc6455/5.2/length-64-bit-top-bit-set")
      .section("5.2")
      .must(std::string(echo_requirement) + " [...] " + validate_requirement)
      .rule(ref::error::length_top_bit)
      // A target that reads the length as 2^63 + 5 waits for the payload forever; a conforming
      // one fails at the header, so a second is plenty (scaled by --slow).
      .budget(1s)
      .describe(
          "Send a text frame 'Hello' whose 64-bit length field has its most significant bit set "
          "(declaring 2^63 + 5 bytes); no such length exists, so the target fails the connection "
          "with 1002 rather than wait for 8 EiB of payload.")
      .send({top_bit})
      .expect_fail(protocol_error);
  for (const std::uint8_t bytes : {2, 8}) {
    wire_frame padded = text("Hello");
    padded.length_bytes = bytes;
    const std::string bits = bytes == 2 ? "16" : "64";
    cat.add("rfc6455/5.2/length-non-minimal-" + bits + "-bit")
        .section("5.2")
        .should(std::string(minimal_requirement) + " [...] " + validate_requirement)
        .rule(ref::error::non_minimal_length)
        .describe("Send a text frame 'Hello' whose length 5 is written in the " + bits +
                  "-bit form instead of the 7-bit one; the target fails the connection with "
                  "1002.")
        .note(
            "The MUST of RFC 6455 §5.2 binds the sender, and no sentence says what the "
            "receiver of a non-minimal length does; §10.7 asks it to validate incoming data. "
            "A target that reads the frame and echoes it is NON-STRICT.")
        .send({padded})
        .expect_fail(protocol_error);
  }
}

}  // namespace

WSSPEC_FAMILY(6455, "5.2", add_data_frames);

}  // namespace wsspec::cases
