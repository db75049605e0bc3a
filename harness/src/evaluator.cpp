#include "wsspec/harness/evaluator.hpp"

#include <algorithm>
#include <sstream>

#include "wsspec/harness/mask_keys.hpp"
#include "wsspec/harness/plan.hpp"
#include "wsspec/reference/close_code.hpp"

namespace wsspec::harness {

namespace {

std::string describe_payload(std::uint8_t op, std::uint64_t length) {
  return (op == 1   ? "text "
          : op == 2 ? "binary "
                    : "opcode " + std::to_string(op) + " ") +
         std::to_string(length) + " B";
}

// Runs of the same event are written once with a count: "[text 16 B x1000]".
std::string describe_events(const std::vector<expected_event>& events) {
  std::string s = "[";
  for (std::size_t i = 0; i < events.size();) {
    const auto& e = events[i];
    std::size_t run = 1;
    while (i + run < events.size() && events[i + run] == e) ++run;
    if (s.size() > 1) s += ", ";
    s += e.what == expected_event::kind::pong ? "pong " + std::to_string(e.payload.length) + " B"
                                              : describe_payload(e.opcode, e.payload.length);
    if (run > 1) s += " x" + std::to_string(run);
    i += run;
  }
  return s + "]";
}

std::string describe_close_expectation(const close_expectation& c) {
  std::string s;
  switch (c.closes) {
    case close_expectation::who::harness:
      s = "wsspec closes, the target answers";
      break;
    case close_expectation::who::target:
      s = "the target fails the connection";
      break;
    case close_expectation::who::any:
      s = "either side closes";
      break;
  }
  if (!c.codes.empty()) {
    s += " with ";
    for (std::size_t i = 0; i < c.codes.size(); ++i)
      s += (i ? "/" : "") + std::to_string(c.codes[i]);
  }
  if (c.allow_drop) s += " (or drops TCP)";
  return s;
}

std::string describe_actual(const transcript& t) {
  std::ostringstream s;
  if (!t.connected) return "not connected: " + t.connect_error;
  if (!t.handshake_complete && t.target == ref::role::client) {
    s << (t.peer_head ? "the client's request was refused" : "no opening request from the client");
    if (t.handshake_problem) s << ": " << ref::describe(*t.handshake_problem);
    return s.str();
  }
  if (!t.handshake_complete) {
    s << "handshake not completed";
    if (t.http_status) s << " (HTTP " << t.http_status << ")";
    if (t.handshake_problem) s << ": " << ref::describe(*t.handshake_problem);
    return s.str();
  }
  s << "messages [";
  for (std::size_t i = 0; i < t.messages.size(); ++i) {
    if (i == 8) {
      s << ", ... " << t.messages.size() << " in all";
      break;
    }
    s << (i ? ", " : "") << describe_payload(t.messages[i].opcode, t.messages[i].length);
  }
  s << "], pongs " << t.pongs.size();
  if (t.close) {
    s << ", Close "
      << (t.close->code ? std::to_string(*t.close->code) : std::string("without code"));
    s << (t.harness_closed_first ? " (answering wsspec)" : " (from the target first)");
  } else {
    s << ", no Close frame";
  }
  if (t.peer_eof_at) {
    s << ", TCP closed by the target";
  } else if (t.reset_at) {
    s << ", connection reset";
  } else {
    s << ", TCP closed by wsspec";
  }
  return s.str();
}

bool messages_match(const std::vector<expected_event>& want, const transcript& t,
                    compare_mode mode) {
  std::vector<const expected_event*> msgs;
  for (const auto& e : want)
    if (e.what == expected_event::kind::message) msgs.push_back(&e);
  if (msgs.size() != t.messages.size()) return false;
  for (std::size_t i = 0; i < msgs.size(); ++i) {
    const auto& got = t.messages[i];
    if (got.opcode != msgs[i]->opcode || got.length != msgs[i]->payload.length) return false;
    if (mode == compare_mode::exact && got.digest != spec_digest(msgs[i]->payload)) return false;
  }
  // RFC 6455 §5.5.3: a Pong may be sent unsolicited, so pongs the case does not expect are
  // tolerated; the expected ones must arrive, in order.
  std::size_t next = 0;
  for (const auto& e : want) {
    if (e.what != expected_event::kind::pong) continue;
    const auto body = e.payload.materialize();
    while (next < t.pongs.size() && t.pongs[next] != body) ++next;
    if (next == t.pongs.size()) return false;
    ++next;
  }
  return true;
}

void worsen(verdict& v, verdict w) {
  if (severity(w) > severity(v)) v = w;
}

// A SHOULD of RFC 6455 that holds whatever the case's own level: NON-STRICT at most.
verdict should_unmet(level l) {
  const verdict v = unmet(l);
  return severity(v) < severity(verdict::non_strict) ? v : verdict::non_strict;
}

// RFC 6455 §4.4: the refusal names the versions the server speaks, in one or more
// Sec-WebSocket-Version fields, each a comma-separated list of version numbers.
bool names_version_13(const ref::http_head& h) {
  for (const auto& f : h.fields) {
    if (!ref::iequals(f.name, "Sec-WebSocket-Version")) continue;
    for (auto token : ref::split_list(f.value))
      if (token == "13") return true;
  }
  return false;
}

void judge_handshake(const case_def& c, const transcript& t, case_result& r, bool& go_on) {
  const auto& hx = *c.expect.handshake;
  const bool accepted = t.http_status == 101;
  go_on = false;
  const verdict miss = unmet(c.lvl);
  r.behavior = verdict::ok;
  r.close = close_verdict::ok;
  // A rejection is judged alike whether the case demands it or only allows it: its status, and
  // the Sec-WebSocket-Version field when the version was refused.
  if (hx.expect == handshake_expectation::outcome::reject ||
      (hx.expect == handshake_expectation::outcome::either && !accepted)) {
    if (hx.refusal_informs && !accepted && t.http_status >= 400 && t.http_status <= 599) {
      r.behavior = verdict::informational;
      r.close = close_verdict::informational;
      r.reasons.push_back(
          {"refused_handshake", verdict::informational,
           "the target refused the whole handshake (HTTP " + std::to_string(t.http_status) + ")"});
      return;
    }
    if (accepted) {
      r.behavior = miss;
      r.reasons.push_back(
          {"handshake_not_rejected", miss, "the target accepted a handshake it must reject"});
      go_on = false;
      return;
    }
    // RFC 6455 §4.2.1: the server "MUST stop processing the client's handshake and return an
    // HTTP response with an appropriate error code". Silence, a closed connection or a
    // success/redirect status is no such response; only the choice among error codes is soft.
    if (t.http_status == 0) {
      worsen(r.behavior, miss);
      r.reasons.push_back(
          {"no_rejection_response", miss,
           "the target sent no HTTP response with an error status (RFC 6455 §4.2.1: it MUST "
           "return one, such as 400 Bad Request)"});
      return;
    }
    if (t.http_status < 400 || t.http_status > 599) {
      worsen(r.behavior, miss);
      r.reasons.push_back({"rejection_not_an_error", miss,
                           "the target answered HTTP " + std::to_string(t.http_status) +
                               ", which is not an error status (RFC 6455 §4.2.1)"});
      return;
    }
    const bool listed = hx.statuses.empty() || std::find(hx.statuses.begin(), hx.statuses.end(),
                                                         t.http_status) != hx.statuses.end();
    if (!listed) {
      worsen(r.behavior, should_unmet(c.lvl));
      r.reasons.push_back({"rejection_status", should_unmet(c.lvl),
                           "rejected with HTTP " + std::to_string(t.http_status) +
                               ", not the status the RFC names"});
    }
    if (hx.require_version_header) {
      if (!t.peer_head || !names_version_13(*t.peer_head)) {
        worsen(r.behavior, miss);
        r.reasons.push_back(
            {"version_header_missing", miss,
             "the rejection does not carry Sec-WebSocket-Version: 13 (RFC 6455 §4.4)"});
      }
    }
    return;
  }
  if (!accepted || !t.handshake_complete) {
    // A refusal misses what the case asks for, at the case's level; a 101 response that is itself
    // invalid breaks a MUST of RFC 6455 §4.2.2 whatever the level.
    r.behavior = accepted ? verdict::failed : miss;
    r.close = r.behavior == verdict::failed ? close_verdict::failed : close_verdict::ok;
    std::string why = "the target did not complete a valid opening handshake";
    if (t.http_status) why += " (HTTP " + std::to_string(t.http_status) + ")";
    if (t.handshake_problem) why += ": " + std::string(ref::describe(*t.handshake_problem));
    r.reasons.push_back({"handshake_failed", r.behavior, why});
    return;
  }
  if (hx.subprotocol) {
    const std::string* got = t.peer_head ? t.peer_head->find("Sec-WebSocket-Protocol") : nullptr;
    if (hx.subprotocol->empty() && got) {
      worsen(r.behavior, miss);
      r.reasons.push_back(
          {"unexpected_subprotocol", miss,
           "the target selected subprotocol '" + *got + "' although none should be"});
    } else if (!hx.subprotocol->empty() && (!got || *got != *hx.subprotocol)) {
      worsen(r.behavior, miss);
      r.reasons.push_back({"subprotocol_not_selected", miss,
                           "the target did not select subprotocol '" + *hx.subprotocol + "'"});
    }
  }
  using deflate_outcome = handshake_expectation::deflate_outcome;
  if (hx.deflate == deflate_outcome::decline && t.deflate_agreed) {
    // RFC 7692 §7: "A server MUST decline an extension negotiation offer for this extension if
    // any of the following conditions are met".
    worsen(r.behavior, miss);
    r.reasons.push_back({"deflate_not_declined", miss,
                         "the target accepted a permessage-deflate offer it must decline"});
  }
  if (hx.deflate == deflate_outcome::accept && !t.deflate_agreed) {
    worsen(r.behavior, miss);
    r.reasons.push_back(
        {"deflate_not_accepted", miss, "the target declined the permessage-deflate offer"});
  }
  if (hx.no_extensions && t.peer_head && t.peer_head->find("Sec-WebSocket-Extensions")) {
    worsen(r.behavior, miss);
    r.reasons.push_back({"extension_not_declined", miss,
                         "the target accepted an extension it should have declined"});
  }
  go_on = true;
}

// Testing a client: the case's response is one the client must refuse (RFC 6455 §4.1: "the
// client MUST _Fail the WebSocket Connection_"), or one it must go on with. A connection that was
// never established is failed by closing TCP, without a Close frame (§7.1.7 asks for one only
// once the connection is established), and the client sends no data on it.
void judge_client_handshake(const case_def& c, const transcript& t, case_result& r, bool& go_on) {
  const auto& hx = *c.expect.handshake;
  const verdict miss = unmet(c.lvl);
  const bool went_on = !t.messages.empty() || !t.pongs.empty();
  const bool ended = t.close || t.peer_eof_at || t.reset_at;
  r.behavior = verdict::ok;
  r.close = close_verdict::ok;
  go_on = hx.expect == handshake_expectation::outcome::accept ||
          (hx.expect == handshake_expectation::outcome::either && (went_on || !ended));
  if (go_on) return;
  if (went_on) {
    r.behavior = miss;
    r.reasons.push_back(
        {"accepted_bad_response", miss,
         "the client went on with the connection (it echoed " + std::to_string(t.messages.size()) +
             " message(s) and sent " + std::to_string(t.pongs.size()) +
             " Pong(s)) after a response it must refuse (RFC 6455 §4.1: it MUST fail the "
             "WebSocket connection)"});
    return;
  }
  if (!ended) {
    r.behavior = miss;
    r.reasons.push_back({"did_not_fail", miss,
                         "the client kept the connection open after a response it must refuse "
                         "(RFC 6455 §4.1: it MUST fail the WebSocket connection)"});
  }
}

// Testing a client, on every case: it waits for the response before it sends (RFC 6455 §4.1),
// its request is fresh (§4.1: the Sec-WebSocket-Key
// nonce "MUST be selected randomly for each connection") and its masking keys unpredictable
// (§5.3: "a fresh masking key", §10.3: "unpredictable").
void judge_client_keys(const transcript& t, verdict& behavior, std::vector<finding>& reasons) {
  if (t.bytes_before_response > 0) {
    worsen(behavior, verdict::failed);
    reasons.push_back({"data_before_response", verdict::failed,
                       "the client sent " + std::to_string(t.bytes_before_response) +
                           " bytes after its request, before the server's response (RFC 6455 "
                           "§4.1: it MUST wait for a response before sending any further data)"});
  }
  if (t.key_reused_from) {
    worsen(behavior, verdict::failed);
    reasons.push_back({"key_reused", verdict::failed,
                       "the client's Sec-WebSocket-Key repeats the one it sent for " +
                           *t.key_reused_from +
                           " (RFC 6455 §4.1: a nonce randomly selected for each connection)"});
  }
  for (auto& f : judge_mask_keys(t.rx_mask_keys)) {
    worsen(behavior, verdict::failed);
    reasons.push_back({f.code, verdict::failed, f.text});
  }
}

// RFC 6455 §11.3.2 and §11.3.4: Sec-WebSocket-Extensions and Sec-WebSocket-Protocol "MUST NOT
// appear more than once in an HTTP response".
void judge_response_fields(const transcript& t, verdict& behavior, std::vector<finding>& reasons) {
  if (t.target != ref::role::server || !t.peer_head || t.http_status != 101) return;
  for (const char* name : {"Sec-WebSocket-Extensions", "Sec-WebSocket-Protocol"}) {
    const std::size_t lines = t.peer_head->count(name);
    if (lines > 1) {
      worsen(behavior, verdict::failed);
      reasons.push_back({"duplicate_response_field", verdict::failed,
                         std::string("the response carries ") + name + " in " +
                             std::to_string(lines) +
                             " field lines (RFC 6455 §11.3: it MUST NOT appear more than once)"});
    }
  }
}

// The target ended the connection itself: its Close frame, or a bare TCP close, came before
// wsspec's Close.
bool target_closed_first(const transcript& t) {
  return (t.close && !t.harness_closed_first) ||
         (!t.close && (t.peer_eof_at || t.reset_at) &&
          (!t.close_sent_at || *t.target_ended_at() < *t.close_sent_at));
}

// The target ended the connection before wsspec gave up on it: before wsspec's own closing
// Close, or at any time when wsspec's only Close was the case's stimulus.
bool target_ended_in_time(const transcript& t) {
  const auto ended = t.target_ended_at();
  if (!ended) return false;
  if (!t.close_sent_at || t.close_sent_by_step) return true;
  if (t.close && !t.harness_closed_first) return true;  // the order as recorded, not the clock
  return *ended < *t.close_sent_at;
}

// A Close from the target that merely completes a closing handshake wsspec's Close (the
// stimulus) started: the same code echoed, 1000, or no code. The target treated the invalid
// Close as a valid one.
bool answers_stimulus_as_valid(const transcript& t) {
  if (!t.close || !t.close_sent_by_step || !t.harness_closed_first) return false;
  if (!t.close->code) return true;
  return *t.close->code == ref::close_code::normal || t.close->code == t.close_sent_code;
}

// A case whose target must Fail the WebSocket Connection (RFC 6455 §7.1.7): it must close it
// (the case's level), and SHOULD do so with a Close frame carrying an appropriate code.
void judge_failure(const case_def& c, const transcript& t, verdict& behavior,
                   std::vector<finding>& reasons) {
  const auto& ce = c.expect.close;
  if (!target_ended_in_time(t)) {
    // RFC 6455 §5.5.1: a Close frame (the stimulus) MUST be answered, whatever the case's level.
    const bool close_unanswered = t.close_sent_by_step && !t.close;
    const verdict v = close_unanswered ? verdict::failed : unmet(c.lvl);
    worsen(behavior, v);
    reasons.push_back(close_unanswered
                          ? finding{"close_not_answered", v,
                                    "the target neither failed the connection nor "
                                    "answered wsspec's Close frame"}
                          : finding{"did_not_fail", v, "the target did not fail the connection"});
    return;
  }
  if (answers_stimulus_as_valid(t)) {
    worsen(behavior, unmet(c.lvl));
    reasons.push_back(
        {"answered_invalid_close_as_valid", unmet(c.lvl),
         "the target answered wsspec's invalid Close frame as a valid one (Close " +
             (t.close->code ? std::to_string(*t.close->code) : std::string("without code")) +
             ") instead of failing the connection"});
    return;
  }
  if (!t.close) {
    worsen(behavior, should_unmet(c.lvl));
    reasons.push_back(
        {"no_close_frame", should_unmet(c.lvl),
         std::string("the target failed the connection by ") +
             (t.reset_at && !t.peer_eof_at ? "a reset" : "closing TCP") +
             " without a Close frame (RFC 6455 §7.1.7: it SHOULD send a Close frame with an "
             "appropriate status code)"});
    return;
  }
  if (!t.close->code || t.close->problem) return;  // judged as the close verdict / a violation
  if (!ce.codes.empty() &&
      std::find(ce.codes.begin(), ce.codes.end(), *t.close->code) == ce.codes.end()) {
    worsen(behavior, should_unmet(c.lvl));
    reasons.push_back(
        {"wrong_close_code", should_unmet(c.lvl),
         "the target failed the connection with " + std::to_string(*t.close->code) + " (" +
             std::string(ref::close_code::describe(*t.close->code)) +
             "), not an appropriate code (RFC 6455 §7.1.7, §7.4.1: it SHOULD send one)"});
  }
}

// The target echoed every message of the case's streams, exactly and in order (Autobahn 12.x and
// 13.x compare each echo's type, length and SHA-1; wsspec its type, length and digest).
void judge_streams(const case_def& c, const transcript& t, verdict& behavior,
                   std::vector<finding>& reasons) {
  std::size_t k = 0;
  for (const auto& s : c.steps) {
    const auto* ms = std::get_if<message_stream>(&s);
    if (!ms) continue;
    for (std::size_t i = 0; i < ms->count; ++i, ++k) {
      if (k >= t.messages.size()) {
        worsen(behavior, unmet(c.lvl));
        reasons.push_back({"stream_incomplete", unmet(c.lvl),
                           "the target echoed " + std::to_string(t.messages.size()) + " of " +
                               std::to_string(plan_ending(c).messages) + " messages"});
        return;
      }
      const auto& got = t.messages[k];
      const auto want = ms->message(i);
      if (got.opcode != ms->opcode || got.length != want.size() ||
          got.digest != payload_digest(want.data(), want.size())) {
        worsen(behavior, unmet(c.lvl));
        reasons.push_back({"stream_mismatch", unmet(c.lvl),
                           "echo " + std::to_string(k + 1) + " differs from the message sent: " +
                               describe_payload(got.opcode, got.length) + " for " +
                               describe_payload(ms->opcode, want.size())});
        return;
      }
    }
  }
  if (t.messages.size() > k) {
    worsen(behavior, unmet(c.lvl));
    reasons.push_back({"stream_extra", unmet(c.lvl),
                       "the target sent " + std::to_string(t.messages.size() - k) +
                           " message(s) more than it was sent"});
  }
}

// `gives` is the behavior verdict a close that is not OK gives the case; each finding carries it.
close_verdict judge_close(const close_expectation& ce, const transcript& t, verdict gives,
                          case_result& r) {
  const bool closed_first = ce.closes == close_expectation::who::target ? target_ended_in_time(t)
                                                                        : target_closed_first(t);
  if (ce.closes == close_expectation::who::harness && closed_first) {
    r.reasons.push_back({"unexpected_close", gives,
                         "the target ended the connection although it had no reason to"});
    return close_verdict::failed;
  }
  if (ce.closes == close_expectation::who::target && !closed_first) {
    r.reasons.push_back(
        {"target_did_not_close", gives, "the target did not close the connection; wsspec had to"});
    return close_verdict::failed;
  }
  if (!t.close) {
    // When wsspec's own Close is what the target must reject, a bare TCP close is its answer
    // (RFC 6455 §7.1.7: an endpoint that fails the connection MAY omit the Close frame).
    if (ce.allow_drop && (closed_first || (ce.closes == close_expectation::who::harness &&
                                           (t.peer_eof_at || t.reset_at))))
      return close_verdict::ok;
    r.reasons.push_back(
        t.close_sent_at
            ? finding{"close_not_answered", gives, "the target did not answer wsspec's Close frame"}
            : finding{"no_close_frame", gives, "the target closed TCP without a Close frame"});
    return close_verdict::unclean;
  }
  if (t.close->problem) {
    r.reasons.push_back(
        {"invalid_close_frame", gives,
         "the target's Close frame is invalid: " + std::string(ref::describe(*t.close->problem))});
    return close_verdict::wrong_code;
  }
  if (t.close->code && !ce.codes.empty() &&
      std::find(ce.codes.begin(), ce.codes.end(), *t.close->code) == ce.codes.end()) {
    r.reasons.push_back({"wrong_close_code", gives,
                         "the target closed with " + std::to_string(*t.close->code) + " (" +
                             std::string(ref::close_code::describe(*t.close->code)) +
                             "), not an expected code"});
    return close_verdict::wrong_code;
  }
  if (ce.require_clean) {
    if (!t.close_sent_at) {
      r.reasons.push_back({"close_never_sent", gives, "wsspec never sent its Close frame"});
      return close_verdict::unclean;
    }
    if (t.target == ref::role::server && !t.peer_eof_at && t.reset_at) {
      r.reasons.push_back(
          {"connection_reset", gives, "the connection was reset instead of closed"});
      return close_verdict::unclean;
    }
    if (t.target == ref::role::server && !t.peer_eof_at && !t.reset_at) {
      r.reasons.push_back(
          {"server_kept_tcp_open", gives,
           "after the closing handshake the server did not close the TCP connection (RFC 6455 "
           "§7.1.1: the server SHOULD close it first)"});
      return close_verdict::unclean;
    }
  }
  return close_verdict::ok;
}

}  // namespace

verdict unmet(level l) noexcept {
  switch (l) {
    case level::must:
      return verdict::failed;
    case level::should:
      return verdict::non_strict;
    case level::may:
      return verdict::informational;
  }
  return verdict::failed;
}

int severity(verdict v) noexcept {
  switch (v) {
    case verdict::ok:
      return 0;
    case verdict::informational:
      return 1;
    case verdict::non_strict:
      return 2;
    case verdict::unimplemented:
      return 3;
    case verdict::failed:
      return 4;
    case verdict::error:
      return 5;
  }
  return 5;
}

bool breaks_gate(const case_result& r, bool strict) noexcept {
  if (r.behavior == verdict::failed) return true;
  // A close verdict of FAILED breaks the gate at the case's level: a SHOULD-level case whose
  // target did not close is NON-STRICT, gated only under --strict.
  if (r.close == close_verdict::failed) return r.lvl == level::must || strict;
  return strict && r.behavior == verdict::non_strict;
}

std::uint64_t spec_digest(const payload_spec& p) noexcept {
  std::uint64_t state = payload_digest(nullptr, 0);
  if (p.pattern.empty()) return state;
  std::uint64_t left = p.length;
  while (left > 0) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left, p.pattern.size()));
    state = payload_digest(p.pattern.data(), n, state);
    left -= n;
  }
  return state;
}

case_result evaluate(const case_def& c, const transcript& t) {
  case_result r;
  r.id = c.id;
  r.rfc = c.rfc;
  r.section = c.section;
  r.requirement = c.requirement;
  r.lvl = c.lvl;
  r.autobahn = c.autobahn;
  r.description = c.description;
  r.note = c.note;
  r.duration = t.duration;
  r.actual = describe_actual(t);
  if (t.close) {
    r.remote_close_code = t.close->code;
    r.remote_close_reason = t.close->reason;
  }
  {
    std::string e;
    for (const auto& o : c.expect.outcomes)
      e += (e.empty() ? "" : "; ") + std::string(to_string(o.result)) + ": " +
           describe_events(o.events) + (o.target_closed ? " and the target closes" : "");
    if (c.expect.echo_streams) {
      for (const auto& s : c.steps) {
        const auto* ms = std::get_if<message_stream>(&s);
        if (!ms) continue;
        e += std::string(e.empty() ? "" : "; ") + "the echo of " + std::to_string(ms->count) +
             (ms->opcode == 1 ? " text" : " binary") + " messages of " + std::to_string(ms->units) +
             (ms->by_characters() ? " characters" : " bytes") + " of the " +
             std::string(to_string(ms->source)) + " corpus, exactly";
      }
    }
    if (c.expect.requires_deflate)
      e += std::string(e.empty() ? "" : "; ") + "permessage-deflate agreed (else UNIMPLEMENTED)";
    if (c.expect.handshake) {
      const auto& hx = *c.expect.handshake;
      std::string h = hx.expect == handshake_expectation::outcome::reject ? "handshake rejected"
                      : hx.expect == handshake_expectation::outcome::accept
                          ? "handshake accepted"
                          : "handshake accepted or rejected";
      if (!hx.statuses.empty()) {
        h += " with HTTP";
        for (int s : hx.statuses) h += " " + std::to_string(s);
      }
      e = e.empty() ? h : h + "; " + e;
    }
    const bool rejection =
        c.expect.handshake && c.expect.handshake->expect == handshake_expectation::outcome::reject;
    if (rejection && t.target == ref::role::client)
      e = "the client fails the connection: it closes TCP and sends no data";
    r.expected =
        rejection ? e : e + (e.empty() ? "" : "; ") + describe_close_expectation(c.expect.close);
  }

  if (!t.harness_error.empty()) {
    r.behavior = verdict::error;
    r.close = close_verdict::error;
    r.reasons.push_back({"harness_fault", verdict::error, "wsspec fault: " + t.harness_error});
    return r;
  }
  if (!t.connected && t.target == ref::role::client) {
    // Testing a client: it connects for each case; one that never came for this case crashed,
    // hung, stopped early or skipped it.
    r.behavior = verdict::failed;
    r.close = close_verdict::failed;
    r.reasons.push_back({"case_not_run", verdict::failed,
                         "the client never connected for this case" +
                             (t.connect_error.empty() ? "" : " (" + t.connect_error + ")")});
    return r;
  }
  if (!t.connected) {
    // The run starts only once the target accepted a connection, so a target that cannot be
    // reached later stopped serving during the run (it crashed, or hangs): its failure.
    r.behavior = verdict::failed;
    r.close = close_verdict::failed;
    r.reasons.push_back({"unreachable", verdict::failed,
                         "the target could not be reached (it accepted connections when the run "
                         "started): " +
                             t.connect_error});
    return r;
  }

  bool go_on = true;
  if (t.target == ref::role::client && !t.handshake_complete) {
    r.behavior = verdict::failed;
    r.close = close_verdict::failed;
    std::string why = t.peer_head ? "the client's opening request breaks a rule"
                                  : "the client sent no complete opening request";
    if (t.handshake_problem) why += ": " + std::string(ref::describe(*t.handshake_problem));
    r.reasons.push_back({"bad_request", verdict::failed, why});
    judge_client_keys(t, r.behavior, r.reasons);
    return r;
  }
  if (t.target == ref::role::client && deflate_unavailable(c, t)) {
    // Judged below as UNIMPLEMENTED: the client's answer to a response about an extension it
    // did not offer says nothing of how it handles that extension.
    r.behavior = verdict::ok;
  } else if (c.expect.handshake && t.target == ref::role::client) {
    judge_client_handshake(c, t, r, go_on);
    if (!go_on) {
      judge_client_keys(t, r.behavior, r.reasons);
      if (c.expect.informational && r.behavior == verdict::ok) {
        r.behavior = verdict::informational;
        r.close = close_verdict::informational;
      }
      return r;
    }
  } else if (c.expect.handshake) {
    judge_handshake(c, t, r, go_on);
    if (!go_on) {
      if (c.expect.informational && r.behavior == verdict::ok) {
        r.behavior = verdict::informational;
        if (r.close == close_verdict::ok) r.close = close_verdict::informational;
      }
      return r;
    }
  } else if (!t.handshake_complete) {
    r.behavior = verdict::failed;
    r.close = close_verdict::failed;
    std::string why = "the opening handshake failed";
    if (t.http_status) why += " (HTTP " + std::to_string(t.http_status) + ")";
    if (t.handshake_problem) why += ": " + std::string(ref::describe(*t.handshake_problem));
    r.reasons.push_back({"handshake_failed", verdict::failed, why});
    return r;
  } else {
    r.behavior = verdict::ok;
  }

  verdict behavior = r.behavior;
  judge_response_fields(t, behavior, r.reasons);
  const auto& ex = c.expect;
  // RFC 7692 leaves permessage-deflate optional: a case about it informs that the target does
  // not implement it (Autobahn's UNIMPLEMENTED), judging only what happened meanwhile.
  const bool unimplemented = deflate_unavailable(c, t);
  if (unimplemented) {
    worsen(behavior, verdict::unimplemented);
    r.reasons.push_back(
        {"deflate_not_agreed", verdict::unimplemented,
         t.deflate_agreed || t.deflate_offered
             ? "permessage-deflate was not agreed, so the case did not run"
             : "the client offered no permessage-deflate, so the case did not run"});
  } else if (ex.echo_streams) {
    judge_streams(c, t, behavior, r.reasons);
  } else if (!ex.outcomes.empty()) {
    const outcome* matched = nullptr;
    for (const auto& o : ex.outcomes) {
      if (o.target_closed && !target_closed_first(t)) continue;
      if (o.target_closed && !o.refusal_codes.empty() &&
          (!t.close || !t.close->code ||
           std::find(o.refusal_codes.begin(), o.refusal_codes.end(), *t.close->code) ==
               o.refusal_codes.end()))
        continue;
      if (messages_match(o.events, t, ex.compare)) {
        matched = &o;
        break;
      }
    }
    if (matched) {
      worsen(behavior, matched->result);
    } else {
      worsen(behavior, unmet(c.lvl));
      r.reasons.push_back(
          {"unexpected_messages", unmet(c.lvl), "the target's messages are not as expected"});
    }
  }
  if (ex.close.closes == close_expectation::who::target && !unimplemented)
    judge_failure(c, t, behavior, r.reasons);
  if (ex.fail_before_mark && target_ended_in_time(t)) {
    const auto mark = t.marks.find(*ex.fail_before_mark);
    const auto ended = t.target_ended_at();
    if (mark != t.marks.end() && ended && *ended > mark->second) {
      worsen(behavior, verdict::non_strict);
      r.reasons.push_back({"not_fail_fast", verdict::non_strict,
                           "the target failed the connection only after more data arrived (not "
                           "fast: RFC 6455 §8.1 fails at the first invalid byte)"});
    }
  }
  for (const auto& forbidden : ex.forbidden_pongs) {
    const auto body = forbidden.materialize();
    if (std::find(t.pongs.begin(), t.pongs.end(), body) != t.pongs.end()) {
      worsen(behavior, unmet(c.lvl));
      r.reasons.push_back(
          {"forbidden_pong", unmet(c.lvl),
           "the target answered a Ping sent after the frame it must fail on (RFC 6455 §7.1.7: no "
           "more data is processed after that)"});
    }
  }
  for (const auto& due : ex.pongs_before) {
    const auto body = due.payload.materialize();
    const auto mark = t.marks.find(due.mark);
    std::optional<micros> at;
    for (std::size_t i = 0; i < t.pongs.size() && !at; ++i)
      if (t.pongs[i] == body) at = i < t.pong_at.size() ? t.pong_at[i] : micros::max();
    if (at && mark != t.marks.end() && *at > mark->second) {
      worsen(behavior, unmet(c.lvl));
      r.reasons.push_back(
          {"late_pong", unmet(c.lvl),
           "the Pong came only after the fragmented message went on (RFC 6455 §5.4: control "
           "frames MAY be injected in the middle of a fragmented message; §5.5.2: a Pong is sent "
           "as soon as is practical)"});
    }
  }
  if (t.control_after_close > 0) {
    worsen(behavior, verdict::informational);
    r.reasons.push_back({"control_after_close", verdict::informational,
                         std::to_string(t.control_after_close) +
                             " control frame(s) after the target's own Close (RFC 6455 §1.4: "
                             "after a Close \"a peer does not send any further data\")"});
  }
  if (t.peer_eof_at && t.tls_session_closed == false) {
    worsen(behavior, verdict::non_strict);
    r.reasons.push_back({"tls_session_not_closed", verdict::non_strict,
                         "the target closed TCP without closing the TLS session first (RFC 6455 "
                         "§7.1.1: \"An endpoint SHOULD use a method that cleanly closes the TCP "
                         "connection, as well as the TLS session, if applicable\")"});
  }
  if (t.target == ref::role::client) judge_client_keys(t, behavior, r.reasons);
  for (const auto& [err, detail] : t.violations) {
    worsen(behavior, verdict::failed);
    r.reasons.push_back({"target_violation", verdict::failed,
                         "the target broke a rule: " + std::string(ref::describe(err)) +
                             (detail.empty() ? "" : " (" + detail + ")")});
  }
  r.behavior = behavior;
  // A close that is not OK gives the behavior a verdict only when the case's close decides it.
  // RFC 6455 §5.5.1: "If an endpoint receives a Close frame and did not previously send a Close
  // frame, the endpoint MUST send a Close frame in response", whatever the case's level.
  const bool unanswered = !t.close && t.close_sent_at;
  const verdict close_gives = !ex.close.decides_behavior ? verdict::ok
                              : unanswered               ? verdict::failed
                                                         : unmet(c.lvl);
  r.close = judge_close(unimplemented ? close_expectation{} : ex.close, t, close_gives, r);
  if (r.close != close_verdict::ok) worsen(r.behavior, close_gives);
  // RFC 6455 §7.1.1: "the client SHOULD wait for the server to close the connection but MAY
  // close the connection at any time after sending and receiving a Close message, e.g., if it
  // has not received a TCP Close from the server in a reasonable time period".
  if (t.target == ref::role::client && ex.close.server_close_delay.count() > 0 && t.close &&
      t.close_sent_at) {
    const auto ended = t.peer_eof_at ? t.peer_eof_at : t.reset_at;
    if (ended && (!t.we_shut_down_at || *ended < *t.we_shut_down_at)) {
      worsen(r.behavior, should_unmet(c.lvl));
      r.reasons.push_back(
          {"client_closed_tcp_first", should_unmet(c.lvl),
           "the client closed TCP " +
               std::to_string((*ended - std::max(t.close->at, *t.close_sent_at)).count() / 1000) +
               " ms after the closing handshake, before the server did"});
    }
  }
  // An informational case informs about a choice the RFC leaves open; it never softens a
  // violation or an unmet requirement.
  if (ex.informational && r.behavior == verdict::ok) r.behavior = verdict::informational;
  if (ex.informational && r.close == close_verdict::ok) r.close = close_verdict::informational;
  return r;
}

}  // namespace wsspec::harness
