// The case model, as data: what a case checks (RFC, section, quoted requirement, level, roles,
// Autobahn alias), what it does (steps), and which outcomes are acceptable. The same model
// serves both roles: steps are written from the harness's side, and the role decides who masks
// and who opens the handshake.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "wsspec/harness/corpus.hpp"
#include "wsspec/harness/wire_frame.hpp"
#include "wsspec/reference/error.hpp"
#include "wsspec/reference/http_head.hpp"
#include "wsspec/reference/permessage_deflate.hpp"

namespace wsspec::harness {

enum class level : std::uint8_t { must, should, may };

// Which target role a case applies to: a server (wsspec connects) or a client (wsspec serves).
enum class role_set : std::uint8_t { server = 1, client = 2, both = 3 };
constexpr bool applies_to(role_set s, ref::role target) noexcept {
  return (static_cast<unsigned>(s) & (target == ref::role::server ? 1u : 2u)) != 0;
}

// Autobahn's verdict words, plus ERROR for a fault of wsspec itself.
enum class verdict : std::uint8_t { ok, non_strict, informational, unimplemented, failed, error };
enum class close_verdict : std::uint8_t { ok, wrong_code, unclean, failed, informational, error };

// ----- steps -------------------------------------------------------------------------------

struct send_frames {
  std::vector<wire_frame> frames;      // written together
  std::size_t chop = 0;                // split the bytes into writes of this size (0: one write)
  std::chrono::milliseconds pause{0};  // between chopped writes
};
struct send_raw {
  payload_spec bytes;
  std::size_t chop = 0;
  std::chrono::milliseconds pause{0};
};
// A whole message, split into frames of `fragment` payload bytes (0: one frame), compressed
// when permessage-deflate was agreed and `compress` is set.
struct send_message {
  std::uint8_t opcode = 1;
  payload_spec payload;
  std::size_t fragment = 0;
  bool compress = false;
};
struct pause_step {
  std::chrono::milliseconds duration{0};
};
// Wait until the target has sent `messages` data messages and `pongs` pongs in all (counted from
// the start of the case), or the connection ends, or `timeout` passes.
struct await_step {
  std::size_t messages = 0;
  std::size_t pongs = 0;
  std::chrono::milliseconds timeout{2000};
};
// Start the closing handshake from the harness side.
struct close_step {
  std::optional<std::uint16_t> code;
  std::string reason;
  std::optional<payload_spec> raw_payload;  // an arbitrary Close body instead
  std::vector<wire_frame> then;  // frames written right after the Close, in the same write
};
// Half-close the TCP connection (FIN) from the harness side.
struct shutdown_step {};
// A named point in time, for judging how soon the target reacted ("fail fast").
struct mark_step {
  std::string label;
};
// Send the same message `count` times, waiting for each echo before the next (performance).
struct round_trips_step {
  std::uint8_t opcode = 1;
  payload_spec payload;
  std::size_t count = 1;
  std::chrono::milliseconds timeout{60000};
};

// A stream of messages cut from a generated corpus (Autobahn 12.x and 13.x): `count` messages of
// `units` units each, one at a time, each once the previous one was echoed. Message i is the
// corpus from unit i * units on, wrapping around its end; units are characters when a text corpus
// is sent as text (so every message is valid UTF-8), bytes otherwise. Compressed when
// permessage-deflate was agreed and `compress` is set, the compressed payload split into frames
// of `fragment` bytes (0: one frame), RSV1 on the first only (RFC 7692 §6.1).
struct message_stream {
  corpus source = corpus::json;
  std::uint8_t opcode = 1;
  std::size_t units = 16;
  std::size_t count = 1;
  std::size_t fragment = 0;
  bool compress = true;
  std::chrono::milliseconds timeout{60000};

  bool by_characters() const noexcept { return opcode == 1 && is_text(source); }
  // The payload of message i.
  std::vector<std::uint8_t> message(std::size_t i) const;
  bool operator==(const message_stream&) const = default;
};

using step = std::variant<send_frames, send_raw, send_message, pause_step, await_step, close_step,
                          shutdown_step, mark_step, round_trips_step, message_stream>;

// ----- the opening handshake -----------------------------------------------------------------

// Testing a client: the response wsspec answers its request with. By default a valid 101 (the
// right Sec-WebSocket-Accept, no subprotocol, permessage-deflate as the handshake_spec's
// deflate_answer says); each field changes one thing, so that a case can send exactly the fault
// it is about.
struct response_spec {
  int status = 101;
  std::optional<std::string> reason;  // default: the status's usual reason phrase
  // The Sec-WebSocket-Accept value; "{accept}" expands to the right one, "{key}" to the client's
  // key, "{accept-lowercase}" and "{accept-off-by-one}" (its first character changed) to near
  // misses. Default: "{accept}".
  std::optional<std::string> accept;
  std::optional<std::string> subprotocol;        // a Sec-WebSocket-Protocol field, offered or not
  std::optional<std::string> extensions;         // a Sec-WebSocket-Extensions field, offered or not
  std::vector<ref::header_field> extra_headers;  // appended after the default fields
  std::vector<std::string> omit_headers;         // names of default fields to leave out
  // Exact bytes instead ("{accept}" and "{key}" expand); ends with the blank line.
  std::optional<std::string> raw;
  std::size_t chop = 0;  // send the response in pieces of this size
  std::chrono::milliseconds pause{0};
  // Frame bytes sent in the same write as the response (RFC 6455 §4.1: the client reads frames
  // that follow the 101 in the same segment).
  std::vector<wire_frame> frames_with_response;
  bool operator==(const response_spec&) const = default;
};

struct handshake_spec {
  // Testing a server: the request. Empty raw_request → a valid one built from the fields below.
  std::optional<std::string> raw_request;  // exact bytes; "{host}", "{target}", "{key}" expand
  std::vector<ref::header_field> extra_headers;
  std::vector<std::string> omit_headers;  // names of default headers to leave out
  std::vector<std::string> subprotocols;
  std::vector<ref::extension> extensions;
  // permessage-deflate offers (RFC 7692 §5), in preference order, each an element of
  // Sec-WebSocket-Extensions ahead of `extensions`.
  std::vector<ref::deflate_offer> deflate_offers;
  // Testing a client: how wsspec answers its permessage-deflate offers when the response does not
  // write Sec-WebSocket-Extensions by hand: it accepts the first offer this policy can accept
  // (RFC 7692 §5), and a disabled policy declines them all. Unset: the reference server's policy
  // when the case makes deflate offers of its own (it is about compression), declining otherwise.
  std::optional<ref::deflate_server_policy> deflate_answer;
  std::size_t chop = 0;  // send the request in pieces of this size
  std::chrono::milliseconds pause{0};
  // Frame bytes sent in the same write as the request.
  std::vector<wire_frame> frames_with_request;
  // Testing a client: the answer to its request.
  response_spec response;
};

// What the target's answer to the handshake must be. Testing a server: its response to the
// request. Testing a client: whether it goes on with the connection after wsspec's response
// (accept) or fails it (reject: RFC 6455 §4.1, it closes TCP and sends no frame).
struct handshake_expectation {
  enum class outcome : std::uint8_t { accept, reject, either };
  outcome expect = outcome::accept;
  // For a rejection: acceptable status codes (empty: any 4xx or 5xx).
  std::vector<int> statuses;
  // For 426: the response must carry Sec-WebSocket-Version: 13 (RFC 6455 §4.4).
  bool require_version_header = false;
  // For an acceptance: the subprotocol the response must select (empty string: none at all).
  std::optional<std::string> subprotocol;
  // For an acceptance: the response must not accept any extension.
  bool no_extensions = false;
  // For an acceptance, testing a server: whether it accepts permessage-deflate. Whatever
  // parameters it answers with are judged by RFC 7692 §7 in every case.
  enum class deflate_outcome : std::uint8_t { either, accept, decline };
  deflate_outcome deflate = deflate_outcome::either;
  // With outcome::either: a refusal of the whole handshake is INFORMATIONAL rather than OK (the
  // RFC asks for something else, such as declining one offer, and a refusal breaks no MUST).
  bool refusal_informs = false;
};

// ----- expectations --------------------------------------------------------------------------

enum class compare_mode : std::uint8_t { exact, length };

struct expected_event {
  enum class kind : std::uint8_t { message, pong };
  kind what = kind::message;
  std::uint8_t opcode = 1;  // message: text or binary
  payload_spec payload;
  bool operator==(const expected_event&) const = default;
};

// One acceptable outcome: the target's messages and pongs (in order within each kind; pongs
// the case does not list are tolerated, RFC 6455 §5.5.3) lead to `result`.
struct outcome {
  verdict result = verdict::ok;
  std::vector<expected_event> events;
  // Matches only when the target ended the connection itself, before wsspec's Close: a refusal,
  // such as a message over the target's size limit (RFC 6455 §10.4).
  bool target_closed = false;
  // With target_closed: the refusal counts only as a Close frame with one of these codes (a
  // reset or a crash is no refusal). Empty: any end of the connection.
  std::vector<std::uint16_t> refusal_codes{};
};

// A Pong that must arrive before the case reaches a mark (RFC 6455 §5.5.2: "as soon as is
// practical", even in the middle of a fragmented message, §5.4).
struct pong_deadline {
  payload_spec payload;
  std::string mark;
};

struct close_expectation {
  enum class who : std::uint8_t {
    harness,  // the target echoes; wsspec starts the closing handshake when the events are in
    target,   // the target must fail or close the connection itself
    any,
  };
  who closes = who::harness;
  std::vector<std::uint16_t> codes{1000};  // acceptable codes from the target (empty: any)
  bool allow_drop = false;                 // a bare TCP close without a Close frame is acceptable
  bool require_clean = true;               // Close frames both ways and TCP closed by the server
  // The closing handshake is what the case checks (RFC 6455 §5.5.1, §7): a close verdict other
  // than OK leaves the behavior unmet too, at the case's level.
  bool decides_behavior = false;
  // Testing a client: wsspec waits this long after the closing handshake before it closes TCP,
  // and the client SHOULD wait for that (RFC 6455 §7.1.1). Zero: wsspec closes at once and
  // when the client closes is not judged.
  std::chrono::milliseconds server_close_delay{0};
};

struct expectation {
  std::vector<outcome> outcomes;  // first match wins; none matches → the case's level decides
  close_expectation close;
  compare_mode compare = compare_mode::exact;
  // "Fail fast": the target must have closed before this mark was reached (verdict OK), or before
  // the end (NON-STRICT).
  std::optional<std::string> fail_before_mark;
  std::optional<handshake_expectation> handshake;
  // Verdict when everything was as expected but the case only informs (RFC leaves it open).
  bool informational = false;
  // The target sent this many messages' worth of round trips (performance cases).
  bool timing = false;
  // Pongs the target must not send: they would answer a Ping sent after a frame on which the
  // target must fail, and RFC 6455 §7.1.7 forbids processing any data after that.
  std::vector<payload_spec> forbidden_pongs;
  std::vector<pong_deadline> pongs_before;
  // The case is about compression: when permessage-deflate was not agreed it is UNIMPLEMENTED
  // (wsspec closes at once with 1000 and runs none of its steps, as Autobahn does for 12.x/13.x).
  bool requires_deflate = false;
  // The target echoes every message of the case's message streams, exactly and in order.
  bool echo_streams = false;
};

// ----- the case ------------------------------------------------------------------------------

struct case_def {
  std::string id;  // stable, e.g. "rfc6455/5.2/reserved-opcode-0x3"
  std::string rfc = "RFC 6455";
  std::string section;      // "5.2"
  std::string requirement;  // quoted from the RFC
  level lvl = level::must;
  role_set roles = role_set::both;
  std::string autobahn;  // equivalent Autobahn case number, or empty
  std::string description;
  std::string note;  // where wsspec judges differently from Autobahn, and why
  // The reference rules (from ref::error's table) whose breach this case is built to catch: a
  // target with one of them switched off must come out FAILED (NON-STRICT at SHOULD level).
  std::vector<ref::error> rules;
  handshake_spec handshake;
  std::vector<step> steps;
  expectation expect;
  std::chrono::milliseconds budget{3000};
  bool performance = false;  // runs alone, not alongside other cases
  // Where the case is defined, from the repository root ("cases/rfc6455/5_2_base_framing.cpp"),
  // and the line of its catalogue::add call; empty and 0 when unknown.
  std::string source_file;
  unsigned source_line = 0;
};

std::string_view to_string(level l) noexcept;
std::string_view to_string(verdict v) noexcept;
std::string_view to_string(close_verdict v) noexcept;
std::string_view to_string(role_set r) noexcept;

}  // namespace wsspec::harness
