#include "wsspec/harness/oracle.hpp"

#include <algorithm>
#include <span>

#include "wsspec/reference/close_code.hpp"
#include "wsspec/reference/frame.hpp"
#include "wsspec/reference/opcode.hpp"
#include "wsspec/reference/utf8_validator.hpp"

namespace wsspec::harness::fuzzing {

namespace {

constexpr std::string_view receiving_data =
    "Incoming data MUST be parsed as WebSocket frames as defined in Section 5.2.  If a control "
    "frame (Section 5.5) is received, the frame MUST be handled as defined by Section 5.5.  Upon "
    "receiving a data frame (Section 5.6), the endpoint MUST note the /type/ of the data as "
    "defined by the opcode (frame-opcode) from Section 5.2.";

constexpr std::string_view refusing_handshake =
    "If the server, while reading the handshake, finds that the client did not send a handshake "
    "that matches the description below (note that as per [RFC2616], the order of the header "
    "fields is not important), including but not limited to any violations of the ABNF grammar "
    "specified for the components of the handshake, the server MUST stop processing the "
    "client's handshake and return an HTTP response with an appropriate error code (such as 400 "
    "Bad Request).";

bool names_rule(const case_def& c, ref::error rule) {
  return std::find(c.rules.begin(), c.rules.end(), rule) != c.rules.end();
}

// The catalogue's case for a rule: the base case when it names the rule, else the first server
// case that must catch it, else the first that names it at all.
const case_def* rule_case(ref::error rule, const case_def* base, const catalogue& cat) {
  if (base && names_rule(*base, rule)) return base;
  const case_def* first = nullptr;
  for (const auto& c : cat.cases()) {
    if (!names_rule(c, rule) || !applies_to(c.roles, ref::role::server)) continue;
    if (!first) first = &c;
    if (c.lvl == level::must && !c.expect.informational) return &c;
  }
  return first;
}

// A Close of the stimulus carries `code`: a close step, or a Close frame written as a frame.
bool closes_with(const case_def& c, std::uint16_t code) {
  const auto body_has = [&](const payload_spec& p) {
    if (p.length < 2 || p.pattern.empty() || p.length > 4096) return false;
    const auto body = p.materialize();
    return static_cast<std::uint16_t>(body[0] << 8 | body[1]) == code;
  };
  for (const auto& s : c.steps) {
    if (const auto* cl = std::get_if<close_step>(&s)) {
      if (cl->raw_payload ? body_has(*cl->raw_payload) : cl->code == code) return true;
      for (const auto& fr : cl->then)
        if (fr.opcode == 0x8 && body_has(fr.payload)) return true;
    }
    if (const auto* f = std::get_if<send_frames>(&s))
      for (const auto& fr : f->frames)
        if (fr.opcode == 0x8 && body_has(fr.payload)) return true;
  }
  return false;
}

// The reference acted only once wsspec's own closing Close arrived (not a Close of the
// stimulus): its bytes completed a frame the stimulus left unfinished. A live target is given
// that Close only after waiting for what the stimulus should bring about, so the two runs are
// not comparable.
bool completed_by_closing(const transcript& r, bool failed) {
  if (!r.close_sent_at || r.close_sent_by_step) return false;
  if (failed && r.harness_closed_first) return true;
  return std::any_of(r.messages.begin(), r.messages.end(),
                     [&](const observed_message& m) { return m.at > *r.close_sent_at; });
}

// The stimulus sends a Close frame: a close step, or one written as a frame.
bool sends_close(const case_def& c) {
  for (const auto& s : c.steps) {
    if (std::holds_alternative<close_step>(s)) return true;
    if (const auto* f = std::get_if<send_frames>(&s))
      for (const auto& fr : f->frames)
        if (fr.opcode == 0x8) return true;
  }
  return false;
}

// Whether every frame and every data message of the stimulus ends within it. A frame whose
// declared length is shorter than its payload leaves bytes that are read as further headers,
// and raw bytes are whatever they are: both count as unfinished.
bool stimulus_complete(const case_def& c) {
  bool open_message = false;
  bool complete = true;
  const auto track = [&](const std::vector<wire_frame>& frames) {
    for (const auto& f : frames) {
      // A length with its top bit set is invalid in the header itself (RFC 6455 §5.2): there
      // is no end of the frame to wait for.
      if (f.declared_length && *f.declared_length < (std::uint64_t{1} << 63)) complete = false;
      if (f.opcode == 0x1 || f.opcode == 0x2) open_message = !f.fin;
      if (f.opcode == 0x0 && f.fin) open_message = false;
    }
  };
  for (const auto& s : c.steps) {
    if (std::holds_alternative<send_raw>(s)) complete = false;
    if (const auto* f = std::get_if<send_frames>(&s)) track(f->frames);
    if (const auto* cl = std::get_if<close_step>(&s)) track(cl->then);
  }
  return complete && !open_message;
}

// The stimulus sends text that is not UTF-8: in a text or continuation frame, or as a Close
// reason. Each frame is read on its own, so a character split between fragments counts too.
bool carries_invalid_utf8(const case_def& c) {
  const auto bad = [](const wire_frame& f) {
    if (f.payload.length > 4096 || (f.opcode != 0x0 && f.opcode != 0x1 && f.opcode != 0x8))
      return false;
    const auto body = f.payload.materialize();
    const std::size_t from = f.opcode == 0x8 ? std::min<std::size_t>(2, body.size()) : 0;
    return !ref::is_valid_utf8(std::span<const std::uint8_t>(body).subspan(from));
  };
  for (const auto& s : c.steps) {
    if (const auto* f = std::get_if<send_frames>(&s))
      if (std::any_of(f->frames.begin(), f->frames.end(), bad)) return true;
    if (const auto* cl = std::get_if<close_step>(&s)) {
      if (!ref::is_valid_utf8(std::string_view(cl->reason))) return true;
      if (std::any_of(cl->then.begin(), cl->then.end(), bad)) return true;
      if (cl->raw_payload && cl->raw_payload->length > 2 && cl->raw_payload->length <= 4096) {
        const auto body = cl->raw_payload->materialize();
        if (!ref::is_valid_utf8(std::span<const std::uint8_t>(body).subspan(2))) return true;
      }
    }
  }
  return false;
}

// The stimulus sends a text message that is not UTF-8 (RFC 6455 §8.1), read as a receiver reads
// it: its fragments joined, a message left unfinished judged on what it sent. Unlike
// carries_invalid_utf8, a character split between fragments is no fault here.
bool sends_invalid_text(const case_def& c) {
  ref::utf8_validator text;
  bool in_text = false;
  bool invalid = false;
  const auto read = [&](const wire_frame& f) {
    if (f.payload.length > 4096 || ref::is_control(f.opcode)) return;
    if (f.opcode == 0x1 || f.opcode == 0x2) {
      in_text = f.opcode == 0x1;
      text.reset();
    }
    if (!in_text || (f.opcode != 0x0 && f.opcode != 0x1)) return;
    const auto body = f.payload.materialize();
    if (!text.feed(std::span<const std::uint8_t>(body)) || (f.fin && !text.complete()))
      invalid = true;
    if (f.fin) in_text = false;
  };
  for (const auto& s : c.steps) {
    if (const auto* f = std::get_if<send_frames>(&s))
      for (const auto& fr : f->frames) read(fr);
    if (const auto* cl = std::get_if<close_step>(&s))
      for (const auto& fr : cl->then) read(fr);
  }
  return invalid;
}

// The stimulus breaks a rule of RFC 6455 §5 in a frame header or in the order of frames (or
// sends bytes whose framing is anyone's guess: raw bytes, a frame cut short).
bool breaks_framing(const case_def& c) {
  bool open_message = false;
  bool broken = false;
  const auto check = [&](const wire_frame& f) {
    const bool control = ref::is_control(f.opcode);
    const std::uint64_t n = f.declared_length.value_or(f.payload.length);
    if (f.rsv1 || f.rsv2 || f.rsv3 || ref::is_reserved_opcode(f.opcode) ||
        f.mask == masking::inverted || (control && (!f.fin || n > 125)) || f.declared_length ||
        (f.length_bytes && *f.length_bytes != ref::minimal_length_bytes(n)))
      broken = true;
    if (f.opcode == 0x0 && !open_message) broken = true;
    if ((f.opcode == 0x1 || f.opcode == 0x2) && open_message) broken = true;
    if (f.opcode <= 0x2) open_message = !f.fin;
  };
  for (const auto& s : c.steps) {
    if (std::holds_alternative<send_raw>(s)) broken = true;
    if (const auto* f = std::get_if<send_frames>(&s))
      for (const auto& fr : f->frames) check(fr);
    if (const auto* cl = std::get_if<close_step>(&s))
      for (const auto& fr : cl->then) check(fr);
  }
  return broken;
}

bool default_request(const handshake_spec& h) {
  return !h.raw_request && h.extra_headers.empty() && h.omit_headers.empty() && h.chop == 0 &&
         h.frames_with_request.empty();
}

// Outcomes accepting the first k echoed messages, for every k from all of them down to none. A
// target that fails the connection (or receives a Close) should still have processed the valid
// messages before the frame it acted on, as the catalogue judges them (RFC 6455 §6.2); fewer
// echoes, in order and unchanged, are NON-STRICT, anything else is a violation.
std::vector<outcome> prefixes(const std::vector<expected_event>& messages) {
  std::vector<outcome> out;
  for (std::size_t k = messages.size() + 1; k-- > 0;)
    out.push_back(outcome{k == messages.size() ? verdict::ok : verdict::non_strict,
                          {messages.begin(), messages.begin() + static_cast<std::ptrdiff_t>(k)}});
  return out;
}

void take_requirement(case_def& c, const case_def& from) {
  c.rfc = from.rfc;
  c.section = from.section;
  c.requirement = from.requirement;
  c.lvl = from.lvl;
  c.expect.informational = from.expect.informational;
}

}  // namespace

bool fuzzable(const case_def& c) {
  return !c.performance && !c.expect.requires_deflate;
}

std::optional<case_def> expect_as_reference(const case_def& mutated, const reference_run& reference,
                                            const case_def* base, const catalogue& cat) {
  const transcript& r = reference.log;
  case_def c = mutated;
  c.expect = expectation{};
  c.rules.clear();
  c.autobahn.clear();
  c.rfc = "RFC 6455";
  c.lvl = level::must;
  const bool failed = !reference.failures.empty();
  const ref::error rule = failed ? reference.failures.front() : ref::error{};
  const case_def* from = failed ? rule_case(rule, base, cat) : nullptr;
  if (failed) c.rules = {rule};
  c.note = "Found by wsspec fuzz from " + (base ? base->id : std::string("a generated case")) +
           ". The expectation is what the reference implementation did with the same bytes" +
           (failed ? ": it failed on " + std::string(ref::name(rule)) + " (" +
                         std::string(ref::describe(rule)) + ")."
                   : ": it processed them as valid.");

  if (!r.handshake_complete) {
    // The reference refused the request: so must the target.
    if (r.http_status == 0) return std::nullopt;
    handshake_expectation hx;
    hx.expect = handshake_expectation::outcome::reject;
    hx.require_version_header = r.http_status == 426;
    c.section = "4.2.1";
    c.requirement = std::string(refusing_handshake);
    if (from && from->expect.handshake) {
      take_requirement(c, *from);
      hx = *from->expect.handshake;
    }
    c.description = "the target must refuse this opening handshake, as the reference did (HTTP " +
                    std::to_string(r.http_status) + ")";
    // The reference never read the frames: nothing says what a target that accepts (where the
    // RFC lets it) must do with them, so they are not sent.
    c.steps.clear();
    c.expect.handshake = hx;
    return c;
  }
  if (!default_request(mutated.handshake)) {
    // A server may refuse a connection for reasons of its own (RFC 6455 §4.2.2): a refusal of a
    // request the reference accepted only informs.
    handshake_expectation hx;
    hx.expect = handshake_expectation::outcome::either;
    hx.refusal_informs = true;
    c.expect.handshake = hx;
  }

  std::vector<expected_event> messages;
  for (std::size_t i = 0; i < r.messages.size(); ++i) {
    const auto& got = r.messages[i];
    if (i >= reference.echoed.size()) return std::nullopt;
    const auto& [op, data] = reference.echoed[i];
    if (op != got.opcode || payload_digest(data.data(), data.size()) != got.digest)
      return std::nullopt;
    messages.push_back(message_of(op, payload_spec::bytes(data)));
  }

  if (completed_by_closing(r, failed)) return std::nullopt;
  if (failed && r.close && r.close->code && closes_with(mutated, *r.close->code)) {
    // The reference failed with the very code a Close of the stimulus carries: a target's Close
    // with that code cannot be told from an answer to that Close.
    return std::nullopt;
  }
  if (failed) {
    // The reference failed the connection (RFC 6455 §7.1.7): so must the target, with the same
    // status code (or the one the catalogue's case accepts), or by closing TCP.
    close_expectation ce;
    ce.closes = close_expectation::who::target;
    ce.allow_drop = true;
    ce.require_clean = false;
    ce.codes.clear();
    if (r.close && r.close->code) ce.codes.push_back(*r.close->code);
    // A stimulus that breaks a framing rule and sends text that is not UTF-8 breaks two rules:
    // the reference names the one it met first, a target may name the other (RFC 6455 §7.4.1:
    // 1002 for a protocol error, 1007 for data inconsistent with its type).
    if (!ce.codes.empty() && ce.codes.front() == ref::close_code::protocol_error &&
        carries_invalid_utf8(mutated))
      ce.codes.push_back(ref::close_code::invalid_payload);
    if (!ce.codes.empty() && ce.codes.front() == ref::close_code::invalid_payload &&
        breaks_framing(mutated))
      ce.codes.push_back(ref::close_code::protocol_error);
    if (from && from->expect.close.closes == close_expectation::who::target)
      for (auto code : from->expect.close.codes)
        if (std::find(ce.codes.begin(), ce.codes.end(), code) == ce.codes.end())
          ce.codes.push_back(code);
    c.expect.outcomes = prefixes(messages);
    c.expect.close = ce;
    c.section = "6.2";
    c.requirement = std::string(receiving_data);
    if (from) take_requirement(c, *from);
    // A text message that is not UTF-8 breaks RFC 6455 §8.1's MUST whatever rule the reference
    // met first: that rule's softer level (a non-minimal length is a SHOULD) does not soften it.
    if (c.lvl != level::must && sends_invalid_text(mutated)) {
      const case_def* utf8 = rule_case(ref::error::invalid_utf8, nullptr, cat);
      if (utf8 && utf8->lvl == level::must && !utf8->expect.informational) {
        take_requirement(c, *utf8);
        c.rules.push_back(ref::error::invalid_utf8);
      }
    }
    if (!stimulus_complete(mutated)) {
      // The reference fails at the first byte it can tell is wrong; a target may wait for the
      // end of the frame or message before it checks it, and this stimulus never ends them
      // (RFC 6455 fails the connection on what was received, not on what could still come).
      c.lvl = level::may;
    }
    c.description = "the target must fail the connection on " + std::string(ref::describe(rule)) +
                    ", as the reference did" +
                    (r.close && r.close->code ? " (Close " + std::to_string(*r.close->code) + ")"
                                              : std::string());
    return c;
  }
  if (!r.close) return std::nullopt;  // the reference was still waiting for bytes

  // The reference processed everything as valid: the target echoes the same messages and
  // answers the same Pings, then completes the closing handshake.
  c.section = "6.2";
  c.requirement = std::string(receiving_data);
  close_expectation ce;
  ce.closes = close_expectation::who::harness;
  if (sends_close(mutated)) {
    // RFC 6455 §5.5.1: the answer "typically echos the status code it received"; any valid
    // code will do.
    ce.codes.clear();
    c.expect.outcomes = prefixes(messages);
  } else {
    std::vector<expected_event> events = messages;
    for (const auto& p : r.pongs)
      events.push_back(expected_event{expected_event::kind::pong, 0xA, payload_spec::bytes(p)});
    c.expect.outcomes = {outcome{verdict::ok, std::move(events)}};
  }
  c.expect.close = ce;
  c.description = "the target must process these frames as valid, as the reference did: " +
                  std::to_string(messages.size()) + " message(s) echoed, " +
                  std::to_string(r.pongs.size()) + " Pong(s)";
  return c;
}

verdict finding_level(const case_result& r) {
  verdict v = verdict::ok;
  if (r.behavior == verdict::failed || r.behavior == verdict::non_strict) v = r.behavior;
  const verdict unmet_here = unmet(r.lvl);
  // A SHOULD at most: the status code of a Close, and a Close frame when failing (RFC 6455
  // §7.1.7: the endpoint "SHOULD send a Close frame with an appropriate status code").
  const verdict soft =
      severity(unmet_here) < severity(verdict::non_strict) ? unmet_here : verdict::non_strict;
  const verdict from_close =
      r.close == close_verdict::failed                                              ? unmet_here
      : (r.close == close_verdict::wrong_code || r.close == close_verdict::unclean) ? soft
                                                                                    : verdict::ok;
  if (severity(from_close) > severity(v) &&
      (from_close == verdict::failed || from_close == verdict::non_strict))
    v = from_close;
  return v;
}

std::string finding_key(const case_result& r, const reference_run& reference) {
  const std::string rule =
      reference.failures.empty() ? "valid" : std::string(ref::name(reference.failures.front()));
  const verdict level = finding_level(r);
  std::string code;
  for (const auto& f : r.reasons)
    if (f.level == level) {
      code = f.code;
      break;
    }
  if (code.empty())
    for (const auto& f : r.reasons)
      if (f.level != verdict::informational) {
        code = f.code;
        break;
      }
  // An outcome the oracle accepts at a lower level matched: messages the reference echoed before
  // the connection ended are missing.
  // Echoes cut short break one rule whatever the reference failed on: the valid messages before
  // the end are processed.
  if (code.empty()) return "echo_cut_short";
  return code + "/" + rule;
}

std::optional<case_def> before_first_close(const case_def& stimulus) {
  case_def cut = stimulus;
  cut.steps.clear();
  for (const auto& s : stimulus.steps) {
    if (std::holds_alternative<close_step>(s)) return cut;
    if (const auto* f = std::get_if<send_frames>(&s)) {
      const auto close = std::find_if(f->frames.begin(), f->frames.end(),
                                      [](const wire_frame& fr) { return fr.opcode == 0x8; });
      if (close != f->frames.end()) {
        send_frames before = *f;
        before.frames.assign(f->frames.begin(), close);
        if (!before.frames.empty()) cut.steps.push_back(std::move(before));
        return cut;
      }
    }
    cut.steps.push_back(s);
  }
  return std::nullopt;
}

void pin_mask_keys(case_def& stimulus, generator& g) {
  const auto pin = [&](std::vector<wire_frame>& frames) {
    for (auto& f : frames) {
      if (f.key) continue;
      const std::uint64_t v = g.next();
      f.key = ref::mask_key{static_cast<std::uint8_t>(v), static_cast<std::uint8_t>(v >> 8),
                            static_cast<std::uint8_t>(v >> 16), static_cast<std::uint8_t>(v >> 24)};
    }
  };
  for (auto& s : stimulus.steps) {
    if (auto* f = std::get_if<send_frames>(&s)) pin(f->frames);
    if (auto* c = std::get_if<close_step>(&s)) pin(c->then);
  }
}

void count_kinds(const case_def& stimulus, std::map<std::string, std::uint64_t>& into) {
  if (!default_request(stimulus.handshake)) ++into["mutated-handshake"];
  const auto frame_kinds = [&](const wire_frame& f) {
    switch (f.opcode) {
      case 0x0:
        ++into["continuation"];
        break;
      case 0x1:
        ++into["text"];
        break;
      case 0x2:
        ++into["binary"];
        break;
      case 0x8:
        ++into["close"];
        break;
      case 0x9:
        ++into["ping"];
        break;
      case 0xA:
        ++into["pong"];
        break;
      default:
        ++into["reserved-opcode"];
    }
    if (f.rsv1 || f.rsv2 || f.rsv3) ++into["rsv-bits"];
    if (f.mask == masking::inverted) ++into["unmasked"];
    if (f.length_bytes) {
      const std::uint64_t n = f.payload.length;
      const std::uint8_t minimal = n <= 125 ? 0 : n <= 0xFFFF ? 2 : 8;
      if (*f.length_bytes != minimal) ++into["non-minimal-length"];
    }
    if (f.declared_length && *f.declared_length < f.payload.length) ++into["short-declared-length"];
    if (f.declared_length && *f.declared_length >= (std::uint64_t{1} << 63))
      ++into["top-bit-length"];
    if (f.opcode >= 8 && !f.fin) ++into["fragmented-control"];
  };
  for (const auto& s : stimulus.steps) {
    if (const auto* f = std::get_if<send_frames>(&s)) {
      for (const auto& fr : f->frames) frame_kinds(fr);
      if (f->chop > 0) ++into["chopped-writes"];
    } else if (const auto* raw = std::get_if<send_raw>(&s)) {
      ++into["raw-bytes"];
      if (raw->chop > 0) ++into["chopped-writes"];
    } else if (const auto* c = std::get_if<close_step>(&s)) {
      ++into["close"];
      for (const auto& fr : c->then) frame_kinds(fr);
    }
  }
}

}  // namespace wsspec::harness::fuzzing
