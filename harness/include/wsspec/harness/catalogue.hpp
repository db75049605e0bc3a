// The registry of cases, and a small builder that keeps case definitions short and readable.
#pragma once

#include <chrono>
#include <initializer_list>
#include <source_location>
#include <string>
#include <string_view>
#include <vector>

#include "wsspec/harness/case.hpp"

namespace wsspec::harness {

class case_builder;

class catalogue {
 public:
  // A new case, which records where it is defined: the file of the call (as case_source_path
  // names it) and its line.
  case_builder add(std::string id, std::source_location where = std::source_location::current());
  void add_case(case_def c) { cases_.push_back(std::move(c)); }
  const std::vector<case_def>& cases() const noexcept { return cases_; }
  std::vector<case_def>& cases() noexcept { return cases_; }
  const case_def* find(std::string_view id) const noexcept;
  // Every problem that makes the catalogue unusable: a missing field, a duplicate id or
  // Autobahn alias, an id naming another section than the case's, an expectation that cannot be
  // met. Empty when the catalogue is sound.
  std::vector<std::string> validate() const;

 private:
  std::vector<case_def> cases_;
};

// A source file's path as a case records it: relative to the repository root
// ("cases/rfc6455/5_2_base_framing.cpp"), so that no path of the machine that built it is kept.
// A file outside the repository is named from its last cases/ directory on, or by its name alone.
std::string case_source_path(std::string_view compiled_path);

// The section a case id names: "5.5.1" for "rfc6455/5.5.1/close-after-echo". Empty when the id
// does not have the form rfc<number>/<section>/<name>.
std::string_view id_section(std::string_view id) noexcept;

// The built-in catalogue: every family registered from cases/, in RFC and section order.
const catalogue& builtin_catalogue();

// Families register themselves from their own file (cases/<rfc>/<section>_<topic>.cpp):
//   WSSPEC_FAMILY(6455, "5.2", add_base_framing);
using family_fn = void (*)(catalogue&);
bool register_family(int rfc, std::string_view section, family_fn add);
#define WSSPEC_FAMILY(rfc, section, fn)                   \
  [[maybe_unused]] static const bool wsspec_family_##fn = \
      ::wsspec::harness::register_family(rfc, section, fn)

// Chainable setters over a case in a catalogue.
class case_builder {
 public:
  case_builder(catalogue& cat, std::size_t index) : cat_(&cat), index_(index) {}
  case_def& def() { return cat_->cases()[index_]; }

  case_builder& rfc(std::string r);
  case_builder& section(std::string s);
  case_builder& must(std::string requirement);
  case_builder& should(std::string requirement);
  case_builder& may(std::string requirement);
  case_builder& roles(role_set r);
  case_builder& autobahn(std::string number);
  case_builder& describe(std::string d);
  case_builder& note(std::string n);
  // A reference rule this case catches when a target breaks it (may be given several times).
  case_builder& rule(ref::error e);
  case_builder& budget(std::chrono::milliseconds b);
  case_builder& performance();

  // The opening handshake.
  case_builder& handshake(handshake_spec h);
  case_builder& request_header(std::string name, std::string value);
  case_builder& omit_header(std::string name);
  case_builder& raw_request(std::string request);
  case_builder& subprotocols(std::vector<std::string> p);
  case_builder& offer_extensions(std::vector<ref::extension> e);
  // permessage-deflate offers in preference order; without arguments the one offer
  // "permessage-deflate; client_max_window_bits". Testing a client, offers make wsspec accept
  // the client's offer with the reference server's policy unless answer_deflate says otherwise.
  case_builder& offer_deflate();
  case_builder& offer_deflate(std::vector<ref::deflate_offer> offers);
  // Testing a client: accept its permessage-deflate offer under this policy (disabled: decline).
  case_builder& answer_deflate(ref::deflate_server_policy policy);
  // Without permessage-deflate agreed the case is UNIMPLEMENTED and runs none of its steps.
  case_builder& requires_deflate();

  // Testing a client: wsspec's response to its request (see response_spec).
  case_builder& respond(response_spec r);
  case_builder& response_status(int status, std::string reason = {});
  case_builder& response_accept(std::string value);
  case_builder& response_subprotocol(std::string value);
  case_builder& response_extensions(std::string value);
  case_builder& response_header(std::string name, std::string value);
  case_builder& omit_response_header(std::string name);
  case_builder& raw_response(std::string response);
  case_builder& response_chopped(std::size_t chop, std::chrono::milliseconds pause = {});
  case_builder& frames_with_response(std::vector<wire_frame> frames);

  // Steps.
  case_builder& send(std::initializer_list<wire_frame> frames);
  case_builder& send(std::vector<wire_frame> frames);
  case_builder& send_chopped(std::vector<wire_frame> frames, std::size_t chop,
                             std::chrono::milliseconds pause = {});
  case_builder& send_raw(payload_spec bytes, std::size_t chop = 0,
                         std::chrono::milliseconds pause = {});
  case_builder& send_message(std::uint8_t opcode, payload_spec payload, std::size_t fragment = 0,
                             bool compress = false);
  case_builder& pause(std::chrono::milliseconds d);
  case_builder& await(std::size_t messages, std::size_t pongs = 0,
                      std::chrono::milliseconds timeout = std::chrono::milliseconds(2000));
  case_builder& close(std::optional<std::uint16_t> code, std::string reason = {});
  case_builder& close_raw(payload_spec body);
  // A Close frame followed, in the same write, by `after` (frames sent after the Close).
  case_builder& close_then(std::optional<std::uint16_t> code, std::vector<wire_frame> after);
  case_builder& shutdown();
  case_builder& mark(std::string label);
  case_builder& round_trips(std::uint8_t opcode, payload_spec payload, std::size_t count,
                            std::chrono::milliseconds timeout);

  // A stream of corpus messages, each sent once the previous one was echoed.
  case_builder& stream(message_stream s);

  // Expectations.
  // The target echoes every message of the case's streams exactly; wsspec then closes with 1000
  // and expects a clean closing handshake.
  case_builder& expect_stream_echo();
  // The target echoes exactly these events; wsspec then closes with 1000 and expects a clean
  // closing handshake.
  case_builder& expect_echo(std::vector<expected_event> events);
  // Several acceptable outcomes (first match wins) and how the connection must end.
  case_builder& expect(std::vector<outcome> outcomes, close_expectation close);
  // The target must Fail the WebSocket Connection (RFC 6455 §7.1.7): a Close frame with one of
  // `codes` (or a bare TCP close), after sending exactly `before` (usually nothing).
  case_builder& expect_fail(std::vector<std::uint16_t> codes,
                            std::vector<expected_event> before = {});
  case_builder& expect_handshake(handshake_expectation h);
  // Testing a client: it must fail the connection on wsspec's response (RFC 6455 §4.1): close
  // TCP and send no frame, whatever the case sends it afterwards.
  case_builder& expect_client_fails();
  // Testing a client: after the closing handshake wsspec holds its TCP close back this long, and
  // the client SHOULD wait for it (RFC 6455 §7.1.1).
  case_builder& server_close_delay(std::chrono::milliseconds d);
  case_builder& fail_fast(std::string mark);
  // The target must not send a Pong with this payload (it answers a Ping sent after a frame on
  // which the target must fail: RFC 6455 §7.1.7).
  case_builder& forbid_pong(payload_spec payload);
  // The Pong answering the Ping with this payload must arrive before the mark is reached.
  case_builder& pong_before(payload_spec payload, std::string mark);
  case_builder& compare_length();
  case_builder& informational();

 private:
  catalogue* cat_;
  std::size_t index_;
};

// ----- small constructors for frames and expected events -------------------------------------

wire_frame frame(std::uint8_t opcode, payload_spec payload, bool fin = true);
wire_frame text(std::string_view s, bool fin = true);
wire_frame binary(std::vector<std::uint8_t> b, bool fin = true);
wire_frame continuation(std::string_view s, bool fin = true);
wire_frame ping(std::string_view s = {});
wire_frame pong(std::string_view s = {});
wire_frame close_frame(std::optional<std::uint16_t> code, std::string_view reason = {});
wire_frame with_rsv(wire_frame f, std::uint8_t bits);  // bits as RSV1=4, RSV2=2, RSV3=1

expected_event message_of(std::uint8_t opcode, payload_spec payload);
expected_event text_message(std::string_view s);
expected_event binary_message(std::vector<std::uint8_t> b);
expected_event pong_of(std::string_view s);
outcome ok(std::vector<expected_event> events);
outcome non_strict(std::vector<expected_event> events);

// Bytes from a hex string ("cebae1bdb9"), for payloads that are not text.
std::vector<std::uint8_t> hex(std::string_view h);

}  // namespace wsspec::harness
