// RFC 6455 §5.2 base framing: without a negotiated extension the RSV bits are 0, and opcodes
// 0x3-0x7 and 0xB-0xF are reserved; a frame that breaks either rule fails the connection, on
// data and control frames alike, whole or in the middle of a fragmented message (Autobahn 3.x,
// 4.x).
#include "common/builders.hpp"

namespace wsspec::cases {
namespace {

constexpr const char* rsv_requirement =
    "RSV1, RSV2, RSV3:  1 bit each [...] MUST be 0 unless an extension is negotiated that defines "
    "meanings for non-zero values.  If a nonzero value is received and none of the negotiated "
    "extensions defines the meaning of such a nonzero value, the receiving endpoint MUST _Fail "
    "the WebSocket Connection_.";

constexpr const char* opcode_requirement =
    "If an unknown opcode is received, the receiving endpoint MUST _Fail the WebSocket "
    "Connection_. [...] %x3-7 are reserved for further non-control frames [...] %xB-F are "
    "reserved for further control frames";

constexpr const char* ignored_note =
    "Autobahn scores a target that ignores the frame as behavior OK (only its close verdict "
    "fails); wsspec fails it, since the target MUST fail the connection.";

constexpr const char* before_note =
    " Failing before echoing the valid first message is NON-STRICT, as in Autobahn: that message "
    "was valid.";

constexpr const char* hello = "Hello, world!";
constexpr const char* after_ping = "sent after the invalid frame";

// How the frames of a case reach the target.
enum class writes : std::uint8_t { one, per_frame, per_byte };

struct violation {
  std::string slug;
  std::string autobahn;
  const char* requirement;
  std::string what;          // the invalid frame, for the description
  wire_frame bad;            // the frame the target must fail on
  bool valid_first = false;  // a valid text message before it, and a Ping after it
  writes how = writes::one;
  std::string note{};  // more on how wsspec differs from Autobahn
};

// The reference rule behind each requirement of this family.
ref::error rule_of(std::string_view requirement) {
  return requirement == rsv_requirement ? ref::error::reserved_bits : ref::error::reserved_opcode;
}

std::string how_text(writes w) {
  switch (w) {
    case writes::one:
      return "";
    case writes::per_frame:
      return ", each frame in its own write";
    case writes::per_byte:
      return ", written one byte per TCP write";
  }
  return "";
}

// The target fails the connection with 1002 on the invalid frame. With a valid message before
// it, echoing that message first is expected; failing before it is only NON-STRICT (the message
// was valid). A Ping after the invalid frame must stay unanswered (RFC 6455 §7.1.7).
void add_violation(catalogue& cat, const violation& v) {
  std::vector<wire_frame> frames;
  if (v.valid_first) frames.push_back(text(hello));
  frames.push_back(v.bad);
  if (v.valid_first) frames.push_back(ping(after_ping));

  std::string d = "Send ";
  if (v.valid_first) d += "a valid text message 'Hello, world!', then ";
  d += v.what;
  if (v.valid_first) d += ", then a Ping";
  d += how_text(v.how) + "; the target fails the connection with 1002";
  d += v.valid_first ? " after echoing the valid message, and does not answer the Ping."
                     : " and echoes nothing.";

  auto c = cat.add("rfc6455/5.2/" + v.slug)
               .section("5.2")
               .must(v.requirement)
               .rule(rule_of(v.requirement))
               .autobahn(v.autobahn)
               .describe(d)
               .note(std::string(ignored_note) + (v.valid_first ? before_note : "") +
                     (v.note.empty() ? "" : " " + v.note));
  switch (v.how) {
    case writes::one:
      c.send(frames);
      break;
    case writes::per_frame:
      for (const auto& f : frames) c.send({f});
      break;
    case writes::per_byte:
      c.send_chopped(frames, 1);
      break;
  }
  if (v.valid_first) {
    c.expect_fail(protocol_error, {text_message(hello)});
    c.def().expect.outcomes.push_back(non_strict({}));
    c.forbid_pong(payload_spec::text(after_ping));
  } else {
    c.expect_fail(protocol_error);
  }
}

wire_frame fragment(std::uint8_t opcode, std::string_view s, bool fin) {
  return frame(opcode, payload_spec::text(s), fin);
}

void add_base_framing(catalogue& cat) {
  // Autobahn 3.x numbers the RSV field as a 3-bit value: RSV1=4, RSV2=2, RSV3=1.
  const violation rsv[] = {
      {"rsv3-on-text", "3.1", rsv_requirement, "a text frame with RSV3 set",
       with_rsv(text(hello), 1)},
      {"rsv2-on-text-after-valid", "3.2", rsv_requirement, "a text frame with RSV2 set",
       with_rsv(text(hello), 2), true},
      {"rsv2-rsv3-on-text-framewise", "3.3", rsv_requirement, "a text frame with RSV2 and RSV3 set",
       with_rsv(text(hello), 3), true, writes::per_frame},
      {"rsv1-on-text-bytewise", "3.4", rsv_requirement,
       "a text frame with RSV1 set (no extension was negotiated)", with_rsv(text(hello), 4), true,
       writes::per_byte},
      {"rsv1-rsv3-on-binary", "3.5", rsv_requirement, "a binary frame with RSV1 and RSV3 set",
       with_rsv(binary(hex("00fffefdfcfb00ff")), 5)},
      {"rsv1-rsv2-on-binary", "3.6", rsv_requirement, "a binary frame with RSV1 and RSV2 set",
       with_rsv(frame(2, payload_spec::text(hello)), 6)},
      {"all-rsv-on-close", "3.7", rsv_requirement,
       "a Close frame (code 1000) with all three RSV bits set", with_rsv(close_frame(1000), 7),
       false, writes::one,
       "Autobahn's Close frame has no body; wsspec's carries 1000, so that a target that ignores "
       "the RSV bits and answers the Close (1000) is told apart from one that fails (1002)."},
  };
  for (const auto& v : rsv) add_violation(cat, v);

  // Reserved opcodes, data (0x3-0x7, Autobahn 4.1.x) and control (0xB-0xF, Autobahn 4.2.x).
  for (int group = 0; group < 2; ++group) {
    const std::uint8_t base = group == 0 ? 3 : 11;
    const std::string kind = group == 0 ? "data" : "control";
    for (std::uint8_t i = 0; i < 5; ++i) {
      const std::uint8_t op = static_cast<std::uint8_t>(base + i);
      static constexpr char digits[] = "0123456789abcdef";
      const std::string name = std::string("0x") + digits[op];
      violation v;
      v.requirement = opcode_requirement;
      v.autobahn = std::string(group == 0 ? "4.1." : "4.2.") + std::to_string(i + 1);
      v.valid_first = i >= 2;
      v.how = i == 4 ? writes::per_byte : writes::one;
      payload_spec payload;
      if (i == 1) payload = payload_spec::text("reserved opcode payload");
      if (i >= 3) payload = payload_spec::text(hello);
      v.bad = frame(op, payload);
      v.what = "a frame with the reserved " + kind + " opcode " + name +
               (payload.length ? " and a " + std::to_string(payload.length) + "-byte payload"
                               : " and no payload");
      v.slug = "reserved-" + kind + "-opcode-" + name;
      if (v.valid_first) v.slug += "-after-valid";
      if (v.how == writes::per_byte) v.slug += "-bytewise";
      add_violation(cat, v);
    }
  }

  // Beyond Autobahn: the same rules on continuation and control frames, and inside a
  // fragmented message.
  struct extra {
    const char* slug;
    const char* requirement;
    const char* what;
    std::vector<wire_frame> frames;
  };
  const extra more[] = {
      {"rsv1-on-continuation",
       rsv_requirement,
       "a text fragment 'fragment1', then its final continuation frame 'fragment2' with RSV1 set "
       "(no extension was negotiated)",
       {fragment(1, "fragment1", false), with_rsv(fragment(0, "fragment2", true), 4)}},
      {"rsv2-on-ping",
       rsv_requirement,
       "a Ping 'rsv2' with RSV2 set, then a text message",
       {with_rsv(ping("rsv2"), 2), text(hello)}},
      {"rsv3-on-pong",
       rsv_requirement,
       "an unsolicited Pong with RSV3 set, then a text message",
       {with_rsv(pong("rsv3"), 1), text(hello)}},
      {"reserved-data-opcode-0x3-fragmented",
       opcode_requirement,
       "a frame with the reserved data opcode 0x3 and FIN clear, then a final continuation frame",
       {fragment(3, "fragment1", false), fragment(0, "fragment2", true)}},
      {"reserved-control-opcode-0xb-inside-fragmented-text",
       opcode_requirement,
       "a text fragment 'fragment1', then a frame with the reserved control opcode 0xb, then the "
       "final continuation frame 'fragment2'",
       {fragment(1, "fragment1", false), frame(11, {}), fragment(0, "fragment2", true)}},
  };
  for (const auto& v : more) {
    auto c = cat.add(std::string("rfc6455/5.2/") + v.slug)
                 .section("5.2")
                 .must(v.requirement)
                 .rule(rule_of(v.requirement))
                 .describe(std::string("Send ") + v.what +
                           ", in one write; the target fails the connection with 1002 and "
                           "echoes nothing.")
                 .send(v.frames)
                 .expect_fail(protocol_error);
    // The Ping with invalid RSV bits is not a Ping to answer.
    if (v.frames.front().opcode == 9) c.forbid_pong(v.frames.front().payload);
  }
}

}  // namespace

WSSPEC_FAMILY(6455, "5.2", add_base_framing);

}  // namespace wsspec::cases
