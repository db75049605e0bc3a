// RFC 7692 §6.2: what a receiver does with a message under permessage-deflate. A compressed text
// message is UTF-8 once inflated; data that does not inflate fails the connection; an
// uncompressed message passes as it is; the empty DEFLATE blocks of §7.2.3.6 end a message; the
// window kept between messages carries over; a small message that inflates to 32 MiB is handled
// within the receiver's limits. Both roles.
#include <string>
#include <vector>

#include "common/deflate.hpp"

namespace wsspec::cases {
namespace {

constexpr const char* receive_rule =
    "An endpoint MUST use the following algorithm to receive a message in the form of a "
    "compressed message. 1. Concatenate the payload data portion of the received frames of the "
    "compressed message. [...] 2. Decompress the concatenation by following the decompression "
    "procedure of the PMCE.";

constexpr const char* takeover_rule =
    "Otherwise, the server MUST decompress each new message using the LZ77 sliding window used "
    "to process the last compressed message. [...] Otherwise, the client MUST decompress each "
    "new message using the LZ77 sliding window used to process the last compressed message.";

void add_receive_cases(catalogue& cat) {
  framing_case(cat, "invalid-utf8-inside-valid-deflate", "6.2", receive_rule)
      .describe(
          "Send a compressed text message that inflates to invalid UTF-8 (\"κόσμε\", then the "
          "surrogate ED A0 80, then \"edited\"): the DEFLATE stream is valid, the text is not. "
          "The target fails the connection with 1007 (RFC 6455 §8.1). " +
          std::string(unimplemented_note))
      .rule(ref::error::invalid_utf8)
      .send({compressed(frame(1, payload_spec::bytes(hex("cebae1bdb9eda080656469746564"))))})
      .expect_fail(invalid_payload);
  framing_case(cat, "corrupt-deflate-stream", "6.2", receive_rule)
      .describe(
          "Send a text frame with RSV1 set whose payload is no DEFLATE data (FF FF FF FF: a "
          "block of the reserved type 11). The target fails the connection, with 1007 (RFC 6455 "
          "§7.4.1: data inconsistent with the message type) or 1002. " +
          std::string(unimplemented_note))
      .note(
          "RFC 7692 names no close code for data that does not inflate; 1007 and 1002 are both "
          "accepted.")
      .rule(ref::error::inflate_failed)
      .send({with_rsv(frame(1, payload_spec::bytes(hex("ffffffff"))), 4)})
      .expect_fail({1007, 1002});
  framing_case(cat, "uncompressed-message", "6.2",
               "An endpoint MUST use the following algorithm to receive a message in the form of "
               "an uncompressed message. 1. Process the received message as follows: * If this "
               "PMCE is the last extension to process incoming messages, deliver the _A "
               "WebSocket Message Has Been Received_ event to the application layer with the "
               "received message payload and header values as is.")
      .describe(
          "With permessage-deflate agreed, send a text message without RSV1 (not compressed). "
          "The target echoes it unchanged. " +
          std::string(unimplemented_note))
      .send({text("uncompressed under permessage-deflate")})
      .expect_echo({text_message("uncompressed under permessage-deflate")});

  // RFC 7692 §7.2.3.6: "an empty uncompressed DEFLATE block can be built and used for this
  // purpose as follows: 0x00".
  framing_case(cat, "empty-final-fragment", "6.2", receive_rule)
      .describe(
          "Send \"Hello\" compressed in a first text frame (f2 48 cd c9 c9 07 00, RFC 7692 "
          "§7.2.3.1, with its 00 00 ff ff kept as a non-final fragment keeps it, §7.2.1), then a "
          "final continuation frame holding only 0x00, the empty DEFLATE block of RFC 7692 "
          "§7.2.3.6. The target echoes \"Hello\". " +
          std::string(unimplemented_note))
      .send({with_rsv(frame(1,
                            payload_spec::bytes(hex("f248cdc9c90700"
                                                    "0000ffff")),
                            false),
                      4),
             frame(0, payload_spec::bytes({0x00}))})
      .expect_echo({text_message("Hello")});
  framing_case(cat, "empty-message-0x00", "6.2", receive_rule)
      .describe(
          "Send a compressed text message whose payload is the single byte 0x00, an empty "
          "stored DEFLATE block (RFC 7692 §7.2.3.6). The target echoes an empty text message. " +
          std::string(unimplemented_note))
      .send({with_rsv(frame(1, payload_spec::bytes({0x00})), 4)})
      .expect_echo({text_message("")});
  framing_case(cat, "empty-message-fixed-block", "6.2", receive_rule)
      .describe(
          "Send a compressed binary message whose payload is 02 00, an empty fixed-Huffman "
          "DEFLATE block (BFINAL 0). The target echoes an empty binary message. " +
          std::string(unimplemented_note))
      .send({with_rsv(frame(2, payload_spec::bytes({0x02, 0x00})), 4)})
      .expect_echo({binary_message({})});

  // The same message three times, compressed with the window kept: the second and third are
  // little more than a reference back into the first.
  const std::string line =
      "{\"id\": 1, \"name\": \"wsspec\", \"tags\": [\"deflate\", \"context\", \"takeover\"]}";
  framing_case(cat, "context-takeover", "6.2", takeover_rule)
      .describe(
          "Offer \"permessage-deflate\" without client_no_context_takeover and send the same "
          "text message three times, compressed with the window kept between messages, so that "
          "the second and third refer back into the first. The target echoes all three. " +
          std::string(unimplemented_note))
      .offer_deflate({deflate_offer_of("permessage-deflate")})
      .send({compressed(text(line))})
      .send({compressed(text(line))})
      .send({compressed(text(line))})
      .expect_echo({text_message(line), text_message(line), text_message(line)});

  // 32 MiB of one byte compress to some 32 KiB: a receiver inflates it within its limits.
  const auto bomb = payload_spec::repeat("*", 32ull << 20);
  auto c = cat.add("rfc7692/6.2/inflates-to-32mib")
               .rfc("RFC 7692")
               .section("6.2")
               .may(
                   "RFC 6455 §10.4: Implementations that have implementation- and/or "
                   "platform-specific limitations regarding the frame size or total message "
                   "size after reassembly from multiple frames MUST protect themselves against "
                   "exceeding those limits.")
               .describe(
                   "Send a text message of 32 MiB of \"*\", compressed to some 32 KiB (a "
                   "decompression bomb in small). The target echoes it, or refuses it with 1009 "
                   "(message too big); either is reported with the size the target reached. A "
                   "target that dies fails the next case. " +
                   std::string(unimplemented_note))
               .performance()
               .budget(30s)
               .offer_deflate()
               .requires_deflate()
               .send_message(1, bomb, 0, true);
  close_expectation any;
  any.closes = close_expectation::who::any;
  any.codes = {1000, 1009};
  any.allow_drop = true;
  any.require_clean = false;
  outcome refused;
  refused.result = verdict::informational;
  refused.target_closed = true;
  c.expect({outcome{verdict::informational, {message_of(1, bomb)}}, refused}, any).informational();
}

}  // namespace

WSSPEC_FAMILY(7692, "6.2", add_receive_cases);

}  // namespace wsspec::cases
