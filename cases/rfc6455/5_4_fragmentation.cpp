// RFC 6455 §5.4 fragmentation: a fragmented message is one frame with a data opcode and FIN
// clear, continuation frames, and a final continuation with FIN set; control frames may come in
// between but are never fragmented themselves; any other sequence fails the connection
// (Autobahn 5.x).
#include "common/builders.hpp"

namespace wsspec::cases {
namespace {

constexpr const char* sequence_requirement =
    "A fragmented message consists of a single frame with the FIN bit clear and an opcode other "
    "than 0, followed by zero or more frames with the FIN bit clear and the opcode set to 0, and "
    "terminated by a single frame with the FIN bit set and an opcode of 0. [...] (§10.7) Incoming "
    "data MUST always be validated by both clients and servers.";

constexpr const char* receive_requirement =
    "Clients and servers MUST support receiving both fragmented and unfragmented messages.";

constexpr const char* control_inside_requirement =
    "Control frames (see Section 5.5) MAY be injected in the middle of a fragmented message. "
    "[...] An endpoint MUST be capable of handling control frames in the middle of a fragmented "
    "message.";

constexpr const char* control_unfragmented_requirement =
    "Control frames themselves MUST NOT be fragmented. [...] (§10.7) Incoming data MUST always be "
    "validated by both clients and servers.";

constexpr const char* interleave_requirement =
    "The fragments of one message MUST NOT be interleaved between the fragments of another "
    "message unless an extension has been negotiated that can interpret the interleaving.";

constexpr const char* ignored_note =
    "Autobahn scores a target that ignores the frame as behavior OK (only its close verdict "
    "fails); wsspec fails it, since the target MUST fail the connection.";

// How the frames of a case reach the target.
enum class writes : std::uint8_t { one, per_frame, per_byte };

std::string how_text(writes w) {
  switch (w) {
    case writes::one:
      return " in one write";
    case writes::per_frame:
      return ", each frame in its own write";
    case writes::per_byte:
      return ", written one byte per TCP write";
  }
  return "";
}

void send_as(case_builder& c, const std::vector<wire_frame>& frames, writes how) {
  switch (how) {
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
}

wire_frame first(std::string_view s) {
  return text(s, false);
}
wire_frame middle(std::string_view s) {
  return continuation(s, false);
}
wire_frame last(std::string_view s) {
  return continuation(s, true);
}

void add_fragmentation(catalogue& cat) {
  // Autobahn 5.1, 5.2: a fragmented Ping or Pong.
  struct control_case {
    const char* slug;
    const char* autobahn;
    std::uint8_t opcode;
    const char* name;
  };
  const control_case fragmented_control[] = {{"fragmented-ping", "5.1", 9, "Ping"},
                                             {"fragmented-pong", "5.2", 10, "Pong"}};
  for (const auto& f : fragmented_control) {
    auto c = cat.add(std::string("rfc6455/5.4/") + f.slug)
                 .section("5.4")
                 .must(control_unfragmented_requirement)
                 .autobahn(f.autobahn)
                 .describe(std::string("Send a ") + f.name +
                           " 'fragment1' with FIN clear, then a continuation frame 'fragment2' "
                           "with FIN set; the target fails the connection with 1002 and answers "
                           "nothing.")
                 .note(ignored_note)
                 .send({frame(f.opcode, payload_spec::text("fragment1"), false), last("fragment2")})
                 .rule(ref::error::control_frame_fragmented)
                 .expect_fail(protocol_error);
    if (f.opcode == 9) {
      c.forbid_pong(payload_spec::text("fragment1"));
      c.forbid_pong(payload_spec::text("fragment1fragment2"));
    }
  }

  // Autobahn 5.3-5.8: a text message in two fragments, alone or with a Ping between them.
  const writes ways[] = {writes::one, writes::per_frame, writes::per_byte};
  const char* way_slug[] = {"", "-framewise", "-bytewise"};
  for (int with_ping = 0; with_ping < 2; ++with_ping) {
    for (int w = 0; w < 3; ++w) {
      std::vector<wire_frame> frames{first("fragment1")};
      if (with_ping) frames.push_back(ping("ping payload"));
      frames.push_back(last("fragment2"));
      auto c =
          cat.add(std::string("rfc6455/5.4/") +
                  (with_ping ? "ping-between-fragments" : "text-in-two-fragments") + way_slug[w])
              .section("5.4")
              .must(with_ping ? control_inside_requirement : receive_requirement)
              .autobahn("5." + std::to_string(3 + 3 * with_ping + w))
              .describe(std::string("Send a text message as the fragments 'fragment1' and "
                                    "'fragment2'") +
                        (with_ping ? " with a Ping 'ping payload' between them" : "") +
                        how_text(ways[w]) + "; the target " +
                        (with_ping ? "answers the Ping and " : "") +
                        "echoes 'fragment1fragment2'.");
      send_as(c, frames, ways[w]);
      if (with_ping) {
        c.expect_echo({pong_of("ping payload"), text_message("fragment1fragment2")});
      } else {
        c.expect_echo({text_message("fragment1fragment2")});
      }
    }
  }

  // Autobahn 5.9-5.14: a continuation frame with nothing to continue, then a text message.
  for (int fin = 1; fin >= 0; --fin) {
    for (int w = 0; w < 3; ++w) {
      auto c = cat.add(std::string("rfc6455/5.4/continuation-without-start-") +
                       (fin ? "fin" : "no-fin") + way_slug[w])
                   .section("5.4")
                   .must(sequence_requirement)
                   .autobahn("5." + std::to_string(9 + 3 * (1 - fin) + w))
                   .describe(std::string("Send a continuation frame with FIN ") +
                             (fin ? "set" : "clear") +
                             " while no message is in progress, then a text message 'Hello, "
                             "world!'" +
                             how_text(ways[w]) +
                             "; the target fails the connection with 1002 and echoes nothing.")
                   .note(ignored_note);
      send_as(c, {continuation("non-continuation payload", fin == 1), text("Hello, world!")},
              ways[w]);
      c.rule(ref::error::unexpected_continuation).expect_fail(protocol_error);
    }
  }

  auto after =
      cat.add("rfc6455/5.4/continuation-after-complete-message")
          .section("5.4")
          .must(sequence_requirement)
          .autobahn("5.15")
          .describe(
              "Send the fragments 'fragment1' and 'fragment2' of a text message, then a "
              "continuation frame 'fragment3' (no message is in progress any more) and a text "
              "frame 'fragment4', in one write; the target echoes 'fragment1fragment2', then "
              "fails the connection with 1002.")
          .note(std::string(ignored_note) +
                " Failing before echoing the valid first message is NON-STRICT, as in Autobahn: "
                "that message was valid.")
          .send({first("fragment1"), last("fragment2"), middle("fragment3"), text("fragment4")})
          .rule(ref::error::unexpected_continuation)
          .expect_fail(protocol_error, {text_message("fragment1fragment2")});
  after.def().expect.outcomes.push_back(non_strict({}));

  // Autobahn 5.16, 5.17: twice, a continuation frame first, then a fragmented text message.
  for (int fin = 0; fin < 2; ++fin) {
    std::vector<wire_frame> frames;
    for (int round = 0; round < 2; ++round) {
      frames.push_back(continuation("fragment1", fin == 1));
      frames.push_back(first("fragment2"));
      frames.push_back(last("fragment3"));
    }
    cat.add(std::string("rfc6455/5.4/continuation-first-repeated-") + (fin ? "fin" : "no-fin"))
        .section("5.4")
        .must(sequence_requirement)
        .autobahn(fin ? "5.17" : "5.16")
        .describe(std::string("Send, twice: a continuation frame 'fragment1' with FIN ") +
                  (fin ? "set" : "clear") +
                  " (nothing to continue), a text fragment 'fragment2' and a final continuation "
                  "'fragment3', in one write; the target fails the connection with 1002 at the "
                  "first frame and echoes nothing.")
        .note(ignored_note)
        .send(frames)
        .rule(ref::error::unexpected_continuation)
        .expect_fail(protocol_error);
  }

  cat.add("rfc6455/5.4/text-inside-fragmented-text")
      .section("5.4")
      .must(interleave_requirement)
      .autobahn("5.18")
      .describe(
          "Send a text fragment 'fragment1' with FIN clear, then a new text frame "
          "'fragment2' (instead of a continuation); the target fails the connection with "
          "1002 and echoes nothing.")
      .note(ignored_note)
      .send({first("fragment1"), text("fragment2")})
      .rule(ref::error::expected_continuation)
      .expect_fail(protocol_error);

  // Autobahn 5.19, 5.20: a five-fragment message with a Ping in each of two batches, sent with a
  // pause in between.
  for (int sync = 0; sync < 2; ++sync) {
    const std::vector<wire_frame> batch1{first("fragment1"), middle("fragment2"),
                                         ping("pongme 1!")};
    const std::vector<wire_frame> batch2{middle("fragment3"), middle("fragment4"),
                                         ping("pongme 2!"), last("fragment5")};
    const writes how = sync ? writes::per_frame : writes::one;
    auto c = cat.add(std::string("rfc6455/5.4/pings-between-fragments-with-pause") +
                     (sync ? "-framewise" : ""))
                 .section("5.4")
                 .must(control_inside_requirement)
                 .autobahn(sync ? "5.20" : "5.19")
                 .describe(std::string("Send a text message in five fragments, with a Ping after "
                                       "the second and after the fourth fragment, pausing 100 ms "
                                       "after the first Ping") +
                           (sync ? ", each frame in its own write" : "") +
                           "; the target answers both Pings and echoes "
                           "'fragment1fragment2fragment3fragment4fragment5'.")
                 .note(
                     "Autobahn pauses 1 s between the two batches and checks only the order of "
                     "the events at the end; wsspec pauses 100 ms and also requires the first "
                     "Pong to arrive during that pause, while the message is still open: a "
                     "target that holds control frames until the message ends answers late.");
    send_as(c, batch1, how);
    c.pause(100ms);
    c.mark("batch2");
    send_as(c, batch2, how);
    c.expect_echo({pong_of("pongme 1!"), pong_of("pongme 2!"),
                   text_message("fragment1fragment2fragment3fragment4fragment5")});
    c.pong_before(payload_spec::text("pongme 1!"), "batch2");
  }

  // Beyond Autobahn: messages that are fragmented validly in other ways.
  struct valid_case {
    const char* slug;
    const char* requirement;
    const char* what;
    std::vector<wire_frame> frames;
    std::vector<expected_event> echo;
  };
  const valid_case valid[] = {
      {"ping-between-binary-fragments",
       control_inside_requirement,
       "a binary message in three fragments with a Ping 'ping payload' after the first",
       {binary(hex("0001"), false), ping("ping payload"),
        frame(0, payload_spec::bytes(hex("fe")), false),
        frame(0, payload_spec::bytes(hex("ff")), true)},
       {pong_of("ping payload"), binary_message(hex("0001feff"))}},
      {"pong-between-binary-fragments",
       control_inside_requirement,
       "a binary message in two fragments with an unsolicited Pong between them",
       {binary(hex("0001"), false), pong("heartbeat"),
        frame(0, payload_spec::bytes(hex("feff")), true)},
       {binary_message(hex("0001feff"))}},
      {"empty-final-continuation",
       receive_requirement,
       "a text fragment 'fragment1', then a final continuation frame with no payload",
       {first("fragment1"), last("")},
       {text_message("fragment1")}},
      {"empty-first-fragment",
       receive_requirement,
       "a text frame with no payload and FIN clear, then a final continuation 'fragment2'",
       {first(""), last("fragment2")},
       {text_message("fragment2")}},
      {"all-fragments-empty",
       receive_requirement,
       "a text message as three fragments that all have no payload",
       {first(""), middle(""), last("")},
       {text_message("")}},
      {"two-fragmented-messages",
       receive_requirement,
       "a text message in two fragments, then a binary message in two fragments",
       {first("fragment1"), last("fragment2"), binary(hex("00ff"), false),
        frame(0, payload_spec::bytes(hex("ff00")), true)},
       {text_message("fragment1fragment2"), binary_message(hex("00ffff00"))}},
  };
  for (const auto& v : valid) {
    cat.add(std::string("rfc6455/5.4/") + v.slug)
        .section("5.4")
        .must(v.requirement)
        .describe(std::string("Send ") + v.what +
                  ", in one write; the target echoes the reassembled message.")
        .send(v.frames)
        .expect_echo(v.echo);
  }

  cat.add("rfc6455/5.4/sixty-four-one-byte-fragments")
      .section("5.4")
      .must(
          "A sender MAY create fragments of any size for non-control messages. [...] Clients "
          "and servers MUST support receiving both fragmented and unfragmented messages.")
      .describe(
          "Send a 64-byte text message as 64 fragments of one byte each, in one write; the "
          "target echoes the whole message.")
      .send_message(1, payload_spec::repeat("abcdefgh", 64), 1)
      .expect_echo({message_of(1, payload_spec::repeat("abcdefgh", 64))});

  // Beyond Autobahn: invalid sequences the 5.x cases do not cover.
  cat.add("rfc6455/5.4/binary-inside-fragmented-text")
      .section("5.4")
      .must(interleave_requirement)
      .describe(
          "Send a text fragment 'fragment1' with FIN clear, then a complete binary frame; "
          "the target fails the connection with 1002 and echoes nothing.")
      .send({first("fragment1"), binary(hex("00ff"))})
      .rule(ref::error::expected_continuation)
      .expect_fail(protocol_error);

  cat.add("rfc6455/5.4/fragmented-ping-inside-fragmented-text")
      .section("5.4")
      .must(control_unfragmented_requirement)
      .describe(
          "Send a text fragment 'fragment1', then a Ping 'ping' with FIN clear and its "
          "continuation, then the final text continuation, in one write; the target fails "
          "the connection with 1002, answers no Ping and echoes nothing.")
      .send({first("fragment1"), frame(9, payload_spec::text("ping"), false), middle("pong"),
             last("fragment2")})
      .rule(ref::error::control_frame_fragmented)
      .expect_fail(protocol_error)
      .forbid_pong(payload_spec::text("ping"))
      .forbid_pong(payload_spec::text("pingpong"));
}

}  // namespace

WSSPEC_FAMILY(6455, "5.4", add_fragmentation);

}  // namespace wsspec::cases
