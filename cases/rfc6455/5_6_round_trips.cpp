// RFC 6455 §5.6 data frames, sustained: 1000 messages of one size, each sent once the previous
// one is echoed, measure the target's round-trip time (Autobahn 9.7.x, 9.8.x). Performance
// cases: they run alone, after the others.
#include "common/builders.hpp"

namespace wsspec::cases {
namespace {

constexpr const char* data_requirement =
    "Data frames carry application-layer and/or extension-layer data. The opcode determines the "
    "interpretation of the data: Text The \"Payload data\" is text data encoded as UTF-8. [...] "
    "Binary The \"Payload data\" is arbitrary binary data whose interpretation is solely up to "
    "the application layer.";

constexpr std::size_t round_trip_count = 1000;

void add_round_trips(catalogue& cat) {
  const std::uint64_t sizes[] = {0, 16, 64, 256, 1024, 4096};
  for (std::uint8_t op = 1; op <= 2; ++op) {
    const std::string kind = op == 1 ? "text" : "binary";
    for (std::size_t i = 0; i < std::size(sizes); ++i) {
      const payload_spec payload = op == 1 ? payload_spec::repeat("*", sizes[i])
                                           : payload_spec::repeat_bytes({0xfe}, sizes[i]);
      // Generous (the reference needs about a quarter of a millisecond per round trip on
      // loopback; this allows some 30 ms each), yet bounded.
      const auto budget = std::chrono::milliseconds(30000 + 2 * sizes[i]);
      cat.add("rfc6455/5.6/" + kind + "-round-trips-" + std::to_string(sizes[i]) + "b")
          .section("5.6")
          .must(data_requirement)
          .autobahn((op == 1 ? "9.7." : "9.8.") + std::to_string(i + 1))
          .describe("Send " + std::to_string(round_trip_count) + " " + kind + " messages of " +
                    std::to_string(sizes[i]) +
                    " bytes one at a time, each once the previous one was echoed; the target "
                    "echoes every one unchanged. The duration is the time of 1000 round trips.")
          .note(
              "Autobahn checks only each echo's type and length; wsspec compares every echo "
              "exactly (the digest is computed as the bytes arrive).")
          .performance()
          .budget(budget)
          .round_trips(op, payload, round_trip_count, budget)
          .expect_echo(std::vector<expected_event>(round_trip_count, message_of(op, payload)));
    }
  }
}

}  // namespace

WSSPEC_FAMILY(6455, "5.6", add_round_trips);

}  // namespace wsspec::cases
