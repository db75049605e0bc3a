// RFC 6455 §10.4 implementation-specific limits: large messages, in one frame, in many frames or
// written in small pieces, are echoed unchanged, or refused (1009) by a target whose limit
// they exceed (Autobahn 9.1-9.6, performance cases that run alone after the others, and 10.1.1).
#include "common/builders.hpp"

namespace wsspec::cases {
namespace {

constexpr const char* limits_requirement =
    "Implementations that have implementation- and/or platform-specific limitations regarding "
    "the frame size or total message size after reassembly from multiple frames MUST protect "
    "themselves against exceeding those limits. [...] Such an implementation SHOULD impose a "
    "limit on frame sizes and the total message size after reassembly from multiple frames.";

constexpr const char* fragments_rule =
    " [...] (§5.4) Clients and servers MUST support receiving both fragmented and unfragmented "
    "messages.";

constexpr const char* limits_note =
    "Autobahn checks only the echo's type and length, and fails a target that refuses the "
    "message. wsspec compares the echo exactly (its digest is computed as the bytes arrive, so "
    "this costs nothing) and, since RFC 6455 sets no size an endpoint must accept, reports a "
    "refusal as INFORMATIONAL: the target closes first with a Close frame carrying 1009 (or "
    "1008, for a limit on something other than size, such as the number of frames). A reset or a "
    "dropped connection is no refusal (RFC 6455 §7.4.1 names 1009 for it). An altered echo, or "
    "neither an echo nor a refusal within the budget, is FAILED.";

constexpr std::uint64_t kib = 1024;
constexpr std::uint64_t mib = 1024 * kib;

// Autobahn's fillers for large payloads.
constexpr const char* text_filler = "BAsd7&jh23";
const std::vector<std::uint8_t> binary_filler{0x00, 0xfe, 0x23, 0xfa, 0xf0};

// "64kib", "4mib", "64b": for case ids.
std::string slug_size(std::uint64_t n) {
  if (n >= mib && n % mib == 0) return std::to_string(n / mib) + "mib";
  if (n >= kib && n % kib == 0) return std::to_string(n / kib) + "kib";
  return std::to_string(n) + "b";
}
// "64 KiB", "4 MiB", "64 bytes": for descriptions.
std::string human_size(std::uint64_t n) {
  if (n >= mib && n % mib == 0) return std::to_string(n / mib) + " MiB";
  if (n >= kib && n % kib == 0) return std::to_string(n / kib) + " KiB";
  return std::to_string(n) + " bytes";
}

payload_spec filler(std::uint8_t op, std::uint64_t length) {
  return op == 1 ? payload_spec::repeat(text_filler, length)
                 : payload_spec::repeat_bytes(binary_filler, length);
}

// The target echoes the message exactly, or refuses it by ending the connection itself (RFC
// 6455 §7.4.1: 1009 for "a message that is too big for it to process", or the generic 1008 for
// a limit of another kind, such as the number of frames).
void expect_echo_or_refusal(case_builder& c, std::uint8_t op, const payload_spec& payload) {
  close_expectation close;
  close.closes = close_expectation::who::any;
  close.codes = {1000, 1008, 1009};
  close.allow_drop = true;
  c.expect({ok({message_of(op, payload)}),
            outcome{verdict::informational,
                    {},
                    true,
                    {ref::close_code::too_big, ref::close_code::policy_violation}}},
           close);
}

// Generous for a target on loopback (the reference echoes 16 MiB in about half a second), yet
// bounded: five seconds plus one per MiB, never less than ten, plus `extra` for many frames or
// writes.
std::chrono::milliseconds budget_for(std::uint64_t bytes, std::chrono::milliseconds extra = {}) {
  const auto per_mib = std::chrono::milliseconds(1000) * static_cast<std::int64_t>(bytes / mib);
  return std::max<std::chrono::milliseconds>(10s, 5s + per_mib) + extra;
}

void add_limits(catalogue& cat) {
  for (std::uint8_t op = 1; op <= 2; ++op) {
    const std::string kind = op == 1 ? "text" : "binary";

    // Autobahn 9.1.x / 9.2.x: one message in one frame, 64 KiB to 16 MiB.
    const std::uint64_t sizes[] = {64 * kib, 256 * kib, mib, 4 * mib, 8 * mib, 16 * mib};
    for (std::size_t i = 0; i < std::size(sizes); ++i) {
      const auto payload = filler(op, sizes[i]);
      auto c = cat.add("rfc6455/10.4/" + kind + "-" + slug_size(sizes[i]))
                   .section("10.4")
                   .must(limits_requirement)
                   .autobahn((op == 1 ? "9.1." : "9.2.") + std::to_string(i + 1))
                   .describe("Send a " + kind + " message of " + human_size(sizes[i]) +
                             " in one frame; the target echoes it unchanged, or refuses it "
                             "with 1009.")
                   .note(limits_note)
                   .performance()
                   .budget(budget_for(sizes[i]))
                   .send({frame(op, payload)});
      expect_echo_or_refusal(c, op, payload);
    }

    // Autobahn 9.3.x / 9.4.x: a 4 MiB message in frames of 64 bytes up to one 4 MiB frame.
    const std::uint64_t fragments[] = {64,       256,       kib,     4 * kib, 16 * kib,
                                       64 * kib, 256 * kib, 1 * mib, 4 * mib};
    const auto four = filler(op, 4 * mib);
    for (std::size_t i = 0; i < std::size(fragments); ++i) {
      const std::uint64_t frames = 4 * mib / fragments[i];
      auto c = cat.add("rfc6455/10.4/" + kind + "-4mib-in-" + slug_size(fragments[i]) + "-frames")
                   .section("10.4")
                   .must(std::string(limits_requirement) + fragments_rule)
                   .autobahn((op == 1 ? "9.3." : "9.4.") + std::to_string(i + 1))
                   .describe("Send a " + kind + " message of 4 MiB as " +
                             (frames == 1 ? std::string("a single frame")
                                          : std::to_string(frames) + " frames of " +
                                                human_size(fragments[i])) +
                             ", in one write; the target echoes it unchanged, or refuses it "
                             "with 1009.")
                   .note(std::string(limits_note) +
                         " Autobahn ends a message whose size is a multiple of the fragment "
                         "size with an empty final frame; wsspec's last frame carries data.")
                   .performance()
                   .budget(budget_for(4 * mib, std::chrono::milliseconds(frames / 4)))
                   .send_message(op, four, static_cast<std::size_t>(fragments[i]));
      expect_echo_or_refusal(c, op, four);
    }

    // Autobahn 9.5.x / 9.6.x: a 1 MiB frame written in pieces of 64 to 2048 bytes.
    const std::size_t chops[] = {64, 128, 256, 512, 1024, 2048};
    const auto one = filler(op, mib);
    for (std::size_t i = 0; i < std::size(chops); ++i) {
      auto c =
          cat.add("rfc6455/10.4/" + kind + "-1mib-in-" + slug_size(chops[i]) + "-writes")
              .section("10.4")
              .must(limits_requirement)
              .autobahn((op == 1 ? "9.5." : "9.6.") + std::to_string(i + 1))
              .describe("Send a " + kind + " message of 1 MiB in one frame, written to TCP in " +
                        "pieces of " + human_size(chops[i]) +
                        "; the target echoes it unchanged, or refuses it with 1009.")
              .note(limits_note)
              .performance()
              .budget(budget_for(mib, std::chrono::milliseconds(mib / chops[i] / 8)))
              .send_chopped({frame(op, one)}, chops[i]);
      expect_echo_or_refusal(c, op, one);
    }
  }

  // Autobahn 10.1.1: a 64 KiB message in 1300-byte frames (Autobahn's auto-fragmentation).
  const auto star = payload_spec::repeat("*", 64 * kib);
  auto c = cat.add("rfc6455/10.4/text-64kib-in-1300b-frames")
               .section("10.4")
               .must(std::string(limits_requirement) + fragments_rule)
               .autobahn("10.1.1")
               .describe(
                   "Send a text message of 64 KiB as 51 frames (50 of 1300 bytes and a "
                   "last one of 536); the target echoes it unchanged, or refuses it with "
                   "1009.")
               .note(std::string(limits_note) +
                     " Autobahn's 10.1.1 also checks that Autobahn itself sent 51 frames; the "
                     "target only has to echo.")
               .send_message(1, star, 1300);
  expect_echo_or_refusal(c, 1, star);
}

}  // namespace

WSSPEC_FAMILY(6455, "10.4", add_limits);

}  // namespace wsspec::cases
