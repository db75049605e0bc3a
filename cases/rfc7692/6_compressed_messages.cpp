// RFC 7692 §6: sending and receiving compressed messages. Autobahn 12.x: five corpora (JSON and
// HTML sent as text, prose, an image-like and an incompressible binary sent as binary), each in
// Autobahn's 18 message sizes, with and without fragmentation, one message at a time, every echo
// compared exactly. Both roles: wsspec offers permessage-deflate to a server and accepts a
// client's offer.
#include "common/deflate.hpp"

namespace wsspec::cases {
namespace {

constexpr const char* algorithm_rule =
    "An endpoint MUST use the following algorithm to send a message in the form of a compressed "
    "message. [...] An endpoint MUST use the following algorithm to receive a message in the "
    "form of a compressed message.";

struct dataset {
  corpus source;
  std::uint8_t opcode;
};

// Autobahn's datasets 12.1-12.5 in its order: JSON (text), an image (binary), prose (sent as
// binary), HTML (text), and incompressible bytes (binary).
constexpr dataset datasets[] = {{corpus::json, 1},
                                {corpus::image, 2},
                                {corpus::prose, 2},
                                {corpus::html, 1},
                                {corpus::noise, 2}};

void add_compressed_messages(catalogue& cat) {
  // Autobahn's offer: "permessage-deflate; client_no_context_takeover; client_max_window_bits".
  const auto offer =
      deflate_offer_of("permessage-deflate; client_no_context_takeover; client_max_window_bits");
  for (std::size_t d = 0; d < std::size(datasets); ++d) {
    for (std::size_t i = 0; i < std::size(autobahn_stream_sizes); ++i) {
      message_stream s;
      s.source = datasets[d].source;
      s.opcode = datasets[d].opcode;
      s.units = autobahn_stream_sizes[i].units;
      s.fragment = autobahn_stream_sizes[i].fragment;
      s.count = stream_count(s.units);
      s.timeout = 60s;
      cat.add("rfc7692/6/" + stream_name(s))
          .rfc("RFC 7692")
          .section("6")
          .must(algorithm_rule)
          .autobahn("12." + std::to_string(d + 1) + "." + std::to_string(i + 1))
          .describe(stream_description(s))
          .note(stream_note)
          .budget(60s)
          .offer_deflate({offer})
          .answer_deflate(asking_client())
          .requires_deflate()
          .stream(s)
          .expect_stream_echo();
    }
  }
}

}  // namespace

WSSPEC_FAMILY(7692, "6", add_compressed_messages);

}  // namespace wsspec::cases
