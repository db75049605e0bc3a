// RFC 7692 §7.2: compressing and decompressing with the agreed parameters. Autobahn 13.x: the
// JSON corpus in Autobahn's 18 message sizes under seven offers (wsspec testing a server) and
// seven answers (wsspec testing a client): no context takeover and 512-byte or 32 KiB windows,
// one way or both. wsspec inflates what the target sends with exactly the agreed window and
// context: a target that compresses with a larger window, or refers to an earlier message when
// it agreed not to, sends a stream wsspec cannot inflate and fails.
#include "common/deflate.hpp"

namespace wsspec::cases {
namespace {

constexpr const char* agreed_rule =
    "If the \"agreed parameters\" contain the \"client_no_context_takeover\" extension "
    "parameter, the client MUST start compressing each new message with an empty LZ77 sliding "
    "window. [...] If the \"agreed parameters\" contain the \"server_no_context_takeover\" "
    "extension parameter, the server MUST start compressing each new message with an empty LZ77 "
    "sliding window. [...] If the \"agreed parameters\" contain the \"client_max_window_bits\" "
    "extension parameter with a value of w, the client MUST NOT use an LZ77 sliding window "
    "longer than the w-th power of 2 bytes to compress messages to send. [...] If the \"agreed "
    "parameters\" contain the \"server_max_window_bits\" extension parameter with a value of w, "
    "the server MUST NOT use an LZ77 sliding window longer than the w-th power of 2 bytes to "
    "compress messages to send.";

constexpr const char* base =
    "permessage-deflate; client_no_context_takeover; client_max_window_bits";

struct parameter_set {
  const char* name;
  std::vector<const char*> offers;    // what wsspec offers a server, after `base`
  ref::deflate_server_policy answer;  // what wsspec asks a client for
  const char* summary;
};

const std::vector<parameter_set>& parameter_sets() {
  static const std::vector<parameter_set> sets = {
      {"base-offer", {""}, asking_client(), "the offer alone; a client's offer accepted as it is"},
      {"no-context-takeover",
       {"; server_no_context_takeover"},
       asking_client(true),
       "server_no_context_takeover offered; client_no_context_takeover asked of a client"},
      {"window-9",
       {"; server_max_window_bits=9"},
       asking_client(false, 9),
       "a 512-byte window asked of the target (server_max_window_bits=9 offered to a server, "
       "client_max_window_bits=9 answered to a client)"},
      {"window-15",
       {"; server_max_window_bits=15"},
       asking_client(false, 15),
       "a 32 KiB window named explicitly"},
      {"no-context-takeover-window-9",
       {"; server_no_context_takeover; server_max_window_bits=9"},
       asking_client(true, 9),
       "no context takeover and a 512-byte window"},
      {"no-context-takeover-window-15",
       {"; server_no_context_takeover; server_max_window_bits=15"},
       asking_client(true, 15),
       "no context takeover and a 32 KiB window"},
      {"three-offers",
       {"; server_no_context_takeover; server_max_window_bits=9", "; server_no_context_takeover",
        ""},
       asking_client(true, 9),
       "three offers in preference order (no context takeover with a 512-byte window, no "
       "context takeover, the offer alone); a client asked for no context takeover and a "
       "512-byte window"},
  };
  return sets;
}

void add_agreed_parameters(catalogue& cat) {
  const auto& sets = parameter_sets();
  for (std::size_t p = 0; p < sets.size(); ++p) {
    std::vector<ref::deflate_offer> offers;
    for (const char* more : sets[p].offers)
      offers.push_back(deflate_offer_of(std::string(base) + more));
    for (std::size_t i = 0; i < std::size(autobahn_stream_sizes); ++i) {
      message_stream s;
      s.source = corpus::json;
      s.opcode = 1;
      s.units = autobahn_stream_sizes[i].units;
      s.fragment = autobahn_stream_sizes[i].fragment;
      s.count = stream_count(s.units);
      s.timeout = 60s;
      cat.add("rfc7692/7.2/" + std::string(sets[p].name) + "-" + stream_name(s))
          .rfc("RFC 7692")
          .section("7.2")
          .must(agreed_rule)
          .autobahn("13." + std::to_string(p + 1) + "." + std::to_string(i + 1))
          .describe(std::string("Parameters: ") + sets[p].summary + ". " + stream_description(s))
          .note(std::string(stream_note) +
                " wsspec inflates the target's messages with the agreed window and context "
                "takeover, so a target that compresses beyond them fails.")
          .budget(60s)
          .offer_deflate(offers)
          .answer_deflate(sets[p].answer)
          .requires_deflate()
          .stream(s)
          .expect_stream_echo();
    }
  }
}

}  // namespace

WSSPEC_FAMILY(7692, "7.2", add_agreed_parameters);

}  // namespace wsspec::cases
