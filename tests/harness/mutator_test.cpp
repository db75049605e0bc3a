// The mutator stays deterministic and within its limits whatever it piles up, produces every kind
// of fault it names, and reads frame streams back exactly as they were written.
#include "wsspec/harness/mutator.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "wsspec/harness/case_json.hpp"
#include "wsspec/harness/catalogue.hpp"
#include "wsspec/reference/permessage_deflate.hpp"
#include "wsspec/reference/utf8_validator.hpp"

namespace wsspec::harness::fuzzing {
namespace {

using bytes = std::vector<std::uint8_t>;

std::vector<const case_def*> server_cases() {
  std::vector<const case_def*> out;
  for (const auto& c : builtin_catalogue().cases())
    if (applies_to(c.roles, ref::role::server)) out.push_back(&c);
  return out;
}

std::string dump(const case_def& c) {
  return to_json(c).dump();
}

// The bytes frames take on the wire, sent by a client (the role a fuzzed server receives from).
std::uint64_t wire_size(const std::vector<wire_frame>& frames) {
  return encode_frames(frames, ref::role::client).size();
}

std::uint64_t writes(std::uint64_t size, std::size_t chop) {
  return chop == 0 ? 1 : (size + chop - 1) / chop;
}

TEST(Generator, SameSeedSameSequence) {
  generator a(42);
  generator b(42);
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(a.next(), b.next());
  }
}

TEST(Generator, SplitMix64KnownValues) {
  // splitmix64 seeded with 0: its first outputs are fixed by the algorithm.
  generator g(0);
  EXPECT_EQ(g.next(), 0xE220A8397B1DCDAFull);
  EXPECT_EQ(g.next(), 0x6E789E6AA1B965F4ull);
}

TEST(Generator, BelowStaysInRange) {
  generator g(7);
  EXPECT_EQ(g.below(0), 0u);
  EXPECT_EQ(g.below(1), 0u);
  std::set<std::uint64_t> seen;
  for (int i = 0; i < 1000; ++i) {
    const auto v = g.below(10);
    EXPECT_LT(v, 10u);
    seen.insert(v);
  }
  EXPECT_EQ(seen.size(), 10u);
}

TEST(Generator, RunSeedsAreIndependent) {
  std::set<std::uint64_t> seeds;
  for (std::uint64_t i = 0; i < 1000; ++i) seeds.insert(run_seed(1, i));
  for (std::uint64_t s = 0; s < 1000; ++s) seeds.insert(run_seed(s, 0));
  // Run 0 of seed 1 is in both lists.
  EXPECT_EQ(seeds.size(), 1999u);
  EXPECT_EQ(run_seed(5, 9), run_seed(5, 9));
  EXPECT_NE(run_seed(5, 9), run_seed(9, 5));
}

TEST(MutateCase, SameSeedSameCase) {
  const mutation_limits limits;
  for (const case_def* c : server_cases()) {
    if (c != server_cases().front() && c->id.find("5.4") == std::string::npos) continue;
    for (std::uint64_t i = 0; i < 5; ++i) {
      generator a(run_seed(3, i));
      generator b(run_seed(3, i));
      EXPECT_EQ(dump(mutate_case(*c, a, limits, 6)), dump(mutate_case(*c, b, limits, 6))) << c->id;
    }
  }
}

TEST(MutateCase, DifferentSeedsDiffer) {
  const mutation_limits limits;
  const case_def& base = *server_cases().front();
  std::set<std::string> distinct;
  for (std::uint64_t i = 0; i < 300; ++i) {
    generator g(run_seed(11, i));
    distinct.insert(dump(mutate_case(base, g, limits, 4)));
  }
  EXPECT_GT(distinct.size(), 250u);
}

void expect_frames_within(const std::vector<wire_frame>& frames, const mutation_limits& limits,
                          const std::string& where) {
  EXPECT_LE(frames.size(), limits.max_frames) << where;
  for (const auto& f : frames) {
    EXPECT_LE(f.payload.length, limits.max_payload) << where;
    EXPECT_FALSE(f.compress) << where;
    // Never longer than the payload, but for a length with its top bit set, which a receiver
    // rejects from the header alone (RFC 6455 §5.2).
    if (f.declared_length && *f.declared_length < (std::uint64_t{1} << 63)) {
      EXPECT_LE(*f.declared_length, f.payload.length) << where;
    }
    if (f.declared_length && *f.declared_length >= (std::uint64_t{1} << 63)) {
      EXPECT_TRUE(!f.length_bytes || *f.length_bytes == 8) << where;
    }
    if (f.length_bytes) {
      const std::uint64_t declared = f.declared_length.value_or(f.payload.length);
      EXPECT_TRUE(*f.length_bytes == 0 || *f.length_bytes == 2 || *f.length_bytes == 8) << where;
      if (*f.length_bytes == 0) {
        EXPECT_LE(declared, 125u) << where;
      }
      if (*f.length_bytes == 2) {
        EXPECT_LE(declared, 0xFFFFu) << where;
      }
    }
  }
}

void expect_within(const case_def& m, const case_def& base, const mutation_limits& limits) {
  const std::string& where = base.id;
  EXPECT_EQ(m.id, base.id);
  EXPECT_EQ(m.section, base.section);
  EXPECT_EQ(m.requirement, base.requirement);
  EXPECT_EQ(m.budget, base.budget);
  EXPECT_TRUE(m.expect.outcomes.empty()) << where;
  EXPECT_FALSE(m.expect.handshake) << where;
  EXPECT_TRUE(m.handshake.deflate_offers.empty()) << where;
  for (const auto& e : m.handshake.extensions)
    EXPECT_FALSE(ref::iequals(e.name, ref::permessage_deflate_name)) << where;
  // A mutated request still ends with the blank line (a catalogue request is sent as it is).
  if (m.handshake.raw_request && m.handshake.raw_request != base.handshake.raw_request) {
    EXPECT_TRUE(m.handshake.raw_request->ends_with("\r\n\r\n")) << where;
  }
  // It can be written as a case file.
  EXPECT_NO_THROW(static_cast<void>(to_json(m).dump())) << where;
  EXPECT_LE(m.handshake.pause, limits.max_pause);
  expect_frames_within(m.handshake.frames_with_request, limits, where);
  EXPECT_LE(m.steps.size(), limits.max_steps) << where;
  for (const step& s : m.steps) {
    if (const auto* f = std::get_if<send_frames>(&s)) {
      expect_frames_within(f->frames, limits, where);
      EXPECT_LE(writes(wire_size(f->frames), f->chop), limits.max_writes) << where;
      EXPECT_LE(f->pause, limits.max_pause) << where;
    } else if (const auto* r = std::get_if<send_raw>(&s)) {
      EXPECT_LE(writes(r->bytes.length, r->chop), limits.max_writes) << where;
      EXPECT_LE(r->pause, limits.max_pause) << where;
      EXPECT_LE(r->bytes.length, limits.max_frames * (limits.max_payload + 14)) << where;
    } else if (const auto* c = std::get_if<close_step>(&s)) {
      expect_frames_within(c->then, limits, where);
      EXPECT_LE(c->reason.size() + 2, limits.max_payload) << where;
      if (c->raw_payload) {
        EXPECT_LE(c->raw_payload->length, limits.max_payload) << where;
      }
    } else if (const auto* p = std::get_if<pause_step>(&s)) {
      EXPECT_LE(p->duration, limits.max_pause) << where;
    } else {
      ADD_FAILURE() << where << ": a step a mutated session does not run, index " << s.index();
    }
  }
}

TEST(MutateCase, LimitsHoldOverTheCatalogue) {
  const mutation_limits limits;
  std::uint64_t run = 0;
  for (const case_def* c : server_cases()) {
    for (unsigned k = 0; k < 6; ++k) {
      generator g(run_seed(2024, run++));
      const case_def m = mutate_case(*c, g, limits, 1 + k * 3);
      expect_within(m, *c, limits);
      if (HasFailure()) return;
    }
  }
}

TEST(MutateCase, TightLimitsHold) {
  mutation_limits limits;
  limits.max_frames = 3;
  limits.max_payload = 130;
  limits.max_writes = 4;
  limits.max_pause = std::chrono::milliseconds{2};
  limits.max_steps = 5;
  std::uint64_t run = 0;
  for (const case_def* c : server_cases()) {
    generator g(run_seed(99, run++));
    expect_within(mutate_case(*c, g, limits, 12), *c, limits);
    if (HasFailure()) return;
  }
}

TEST(MutateCase, MessagesBecomeTheirFramesAndWaitsAreDropped) {
  case_def base;
  base.id = "rfc6455/5.4/example";
  base.budget = std::chrono::milliseconds{1234};
  base.handshake.deflate_offers.push_back({});
  base.handshake.extensions.push_back({"permessage-deflate", {}});
  base.handshake.extensions.push_back({"x-other", {}});
  base.steps.push_back(send_message{1, payload_spec::text("abcdefgh"), 3, true});
  base.steps.push_back(await_step{1, 0, std::chrono::milliseconds{100}});
  base.steps.push_back(mark_step{"m"});
  base.steps.push_back(send_message{2, payload_spec::bytes({}), 0, false});
  base.steps.push_back(shutdown_step{});
  base.steps.push_back(pause_step{std::chrono::milliseconds{5000}});
  base.expect.outcomes.push_back({});

  generator g(1);
  const case_def m = mutate_case(base, g, mutation_limits{}, 0);
  EXPECT_EQ(m.id, base.id);
  EXPECT_EQ(m.budget, base.budget);
  EXPECT_TRUE(m.expect.outcomes.empty());
  EXPECT_TRUE(m.handshake.deflate_offers.empty());
  ASSERT_EQ(m.handshake.extensions.size(), 1u);
  EXPECT_EQ(m.handshake.extensions[0].name, "x-other");
  ASSERT_EQ(m.steps.size(), 3u);

  const auto& first = std::get<send_frames>(m.steps[0]).frames;
  ASSERT_EQ(first.size(), 3u);
  EXPECT_EQ(first[0].opcode, 1);
  EXPECT_FALSE(first[0].fin);
  EXPECT_EQ(first[0].payload.materialize(), bytes({'a', 'b', 'c'}));
  EXPECT_EQ(first[1].opcode, 0);
  EXPECT_FALSE(first[1].fin);
  EXPECT_EQ(first[1].payload.materialize(), bytes({'d', 'e', 'f'}));
  EXPECT_EQ(first[2].opcode, 0);
  EXPECT_TRUE(first[2].fin);
  EXPECT_EQ(first[2].payload.materialize(), bytes({'g', 'h'}));
  for (const auto& f : first) {
    EXPECT_FALSE(f.compress);
  }

  const auto& second = std::get<send_frames>(m.steps[1]).frames;
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].opcode, 2);
  EXPECT_TRUE(second[0].fin);
  EXPECT_EQ(second[0].payload.length, 0u);

  EXPECT_EQ(std::get<pause_step>(m.steps[2]).duration, mutation_limits{}.max_pause);
}

TEST(MutateCase, LargeMessagesAndRawBytesAreBounded) {
  case_def base;
  base.id = "rfc6455/10.4/large";
  base.steps.push_back(send_message{2, payload_spec::repeat("*", 16u << 20), 0, false});
  base.steps.push_back(send_message{1, payload_spec::repeat("a", 100000), 1, false});
  base.steps.push_back(send_raw{payload_spec::repeat("xy", 1u << 30), 1, std::chrono::seconds{1}});
  base.steps.push_back(send_raw{payload_spec::repeat("xy", 100), 0, {}});
  const mutation_limits limits;
  generator g(1);
  const case_def m = mutate_case(base, g, limits, 0);
  expect_within(m, base, limits);
  ASSERT_EQ(m.steps.size(), 4u);
  EXPECT_EQ(std::get<send_frames>(m.steps[0]).frames.at(0).payload.length, limits.max_payload);
  const auto& fragments = std::get<send_frames>(m.steps[1]).frames;
  EXPECT_EQ(fragments.size(), limits.max_frames);
  EXPECT_TRUE(fragments.back().fin);
  // Small raw bytes are materialised so that byte edits apply to them.
  EXPECT_TRUE(std::get<send_raw>(m.steps[3]).bytes.literal());
}

// Counts of what the mutations produced over many runs of the whole catalogue.
struct kinds_seen {
  int inverted_mask = 0;
  int reserved_opcode = 0;
  int rsv = 0;
  int non_minimal_length = 0;
  int short_declared_length = 0;
  int top_bit_length = 0;
  int invalid_text = 0;
  int control_between_fragments = 0;
  int long_control = 0;
  int fragmented_control = 0;
  int orphan_continuation = 0;
  int data_inside_message = 0;
  int bad_close_code = 0;
  int long_close_reason = 0;
  int invalid_close_reason = 0;
  int chopped = 0;
  int paused = 0;
  int bare_lf_request = 0;
  int bare_cr_request = 0;
  int omitted_header = 0;
  int extra_header = 0;
  int edge_length = 0;
};

bool valid_close_code(std::uint16_t c) {
  return (c >= 1000 && c <= 1003) || (c >= 1007 && c <= 1014) || (c >= 3000 && c <= 4999);
}

void count_frames(const std::vector<wire_frame>& frames, kinds_seen& k) {
  bool open = false;
  for (const auto& f : frames) {
    const bool control = f.opcode >= 8;
    k.inverted_mask += f.mask == masking::inverted;
    k.reserved_opcode += (f.opcode >= 3 && f.opcode <= 7) || f.opcode >= 0xB;
    k.rsv += f.rsv1 || f.rsv2 || f.rsv3;
    k.non_minimal_length +=
        f.length_bytes.has_value() &&
        *f.length_bytes != ref::minimal_length_bytes(f.declared_length.value_or(f.payload.length));
    k.short_declared_length += f.declared_length && *f.declared_length < f.payload.length;
    k.top_bit_length += f.declared_length && *f.declared_length >= (std::uint64_t{1} << 63);
    k.long_control += control && f.payload.length > 125;
    k.fragmented_control += control && !f.fin;
    k.edge_length += f.payload.length == 126 || f.payload.length == 65535;
    if (f.opcode == 1 && !ref::is_valid_utf8(f.payload.materialize())) ++k.invalid_text;
    if (f.opcode == 8 && f.payload.length >= 2) {
      const auto body = f.payload.materialize();
      const auto code = static_cast<std::uint16_t>(body[0] << 8 | body[1]);
      k.bad_close_code += !valid_close_code(code);
      k.long_close_reason += body.size() > 125;
    }
    if (control && open) ++k.control_between_fragments;
    if (f.opcode == 0 && !open) ++k.orphan_continuation;
    if ((f.opcode == 1 || f.opcode == 2) && open) ++k.data_inside_message;
    if (!control && f.opcode <= 2) open = !f.fin;
  }
}

TEST(MutateCase, EveryKindOfMutationIsProduced) {
  const mutation_limits limits;
  kinds_seen k;
  std::uint64_t run = 0;
  for (const case_def* c : server_cases()) {
    for (unsigned i = 0; i < 3; ++i) {
      generator g(run_seed(5, run++));
      const case_def m = mutate_case(*c, g, limits, 8);
      for (const step& s : m.steps) {
        if (const auto* f = std::get_if<send_frames>(&s)) {
          count_frames(f->frames, k);
          k.chopped += f->chop != 0;
          k.paused += f->pause.count() != 0;
        } else if (const auto* cs = std::get_if<close_step>(&s)) {
          if (cs->code && !valid_close_code(*cs->code)) ++k.bad_close_code;
          k.long_close_reason += cs->reason.size() > 123;
          if (cs->raw_payload && cs->raw_payload->length > 2) {
            const auto body = cs->raw_payload->materialize();
            k.invalid_close_reason += !ref::is_valid_utf8(std::span(body).subspan(2));
          }
        }
      }
      const auto& h = m.handshake;
      if (h.raw_request && *h.raw_request != c->handshake.raw_request.value_or("")) {
        const std::string& r = *h.raw_request;
        for (std::size_t at = 0; at < r.size(); ++at) {
          const bool lf = r[at] == '\n' && (at == 0 || r[at - 1] != '\r');
          const bool cr = r[at] == '\r' && (at + 1 == r.size() || r[at + 1] != '\n');
          k.bare_lf_request += lf;
          k.bare_cr_request += cr;
        }
      }
      k.omitted_header += h.omit_headers.size() > c->handshake.omit_headers.size();
      k.extra_header += h.extra_headers.size() > c->handshake.extra_headers.size();
    }
  }
  // The counts, in the test report (--gtest_output=xml).
  RecordProperty("inverted_mask", k.inverted_mask);
  RecordProperty("invalid_text", k.invalid_text);
  RecordProperty("control_between_fragments", k.control_between_fragments);
  RecordProperty("bare_lf_request", k.bare_lf_request);
  RecordProperty("invalid_close_reason", k.invalid_close_reason);
  EXPECT_GT(k.inverted_mask, 20);
  EXPECT_GT(k.reserved_opcode, 20);
  EXPECT_GT(k.rsv, 20);
  EXPECT_GT(k.non_minimal_length, 20);
  EXPECT_GT(k.short_declared_length, 20);
  EXPECT_GT(k.top_bit_length, 5);
  EXPECT_GT(k.invalid_text, 20);
  EXPECT_GT(k.control_between_fragments, 20);
  EXPECT_GT(k.long_control, 20);
  EXPECT_GT(k.fragmented_control, 20);
  EXPECT_GT(k.orphan_continuation, 20);
  EXPECT_GT(k.data_inside_message, 20);
  EXPECT_GT(k.bad_close_code, 20);
  EXPECT_GT(k.long_close_reason, 20);
  EXPECT_GT(k.invalid_close_reason, 20);
  EXPECT_GT(k.chopped, 20);
  EXPECT_GT(k.paused, 20);
  EXPECT_GT(k.bare_lf_request, 5);
  EXPECT_GT(k.bare_cr_request, 5);
  EXPECT_GT(k.omitted_header, 5);
  EXPECT_GT(k.extra_header, 5);
  EXPECT_GT(k.edge_length, 5);
}

TEST(MutatePayload, RepeatedPatternsAreMaterialisedOrShortened) {
  const mutation_limits limits;
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    generator g(seed);
    payload_spec small = payload_spec::repeat("ab", 100);
    mutate_payload(small, false, g, limits);
    EXPECT_TRUE(small.literal());
    EXPECT_LE(small.length, limits.max_payload);

    payload_spec big = payload_spec::repeat("ab", 1u << 24);
    mutate_payload(big, false, g, limits);
    EXPECT_LE(big.length, limits.max_payload);
    EXPECT_LE(big.pattern.size(), limits.max_payload);
  }
}

TEST(MutatePayload, TextEditsBreakUtf8AndBinaryEditsChangeBytes) {
  const mutation_limits limits;
  int invalid = 0;
  int changed = 0;
  for (std::uint64_t seed = 0; seed < 500; ++seed) {
    generator g(seed);
    payload_spec text = payload_spec::text("hello κόσμε");
    mutate_payload(text, true, g, limits);
    invalid += !ref::is_valid_utf8(text.materialize());
    payload_spec binary = payload_spec::bytes({1, 2, 3, 4, 5, 6, 7, 8});
    mutate_payload(binary, false, g, limits);
    changed += binary != payload_spec::bytes({1, 2, 3, 4, 5, 6, 7, 8});
    EXPECT_LE(text.length, limits.max_payload);
  }
  EXPECT_GT(invalid, 150);
  EXPECT_GT(changed, 450);
}

TEST(MutateHandshake, RawRequestsKeepTheirPlaceholdersAndEnd) {
  int raw = 0;
  int with_key = 0;
  for (std::uint64_t seed = 0; seed < 500; ++seed) {
    generator g(seed);
    handshake_spec h;
    h.deflate_offers.push_back({});
    for (int i = 0; i < 3; ++i) mutate_handshake(h, g);
    EXPECT_TRUE(h.deflate_offers.empty());
    if (!h.raw_request) continue;
    ++raw;
    EXPECT_TRUE(h.raw_request->ends_with("\r\n\r\n")) << *h.raw_request;
    EXPECT_NE(h.raw_request->find("{target}"), std::string::npos) << *h.raw_request;
    with_key += h.raw_request->find("Sec-WebSocket-Key: {key}") != std::string::npos;
  }
  EXPECT_GT(raw, 100);
  EXPECT_GT(with_key, 50);
}

TEST(ParseFrames, HandBuiltFramesRoundTrip) {
  std::vector<wire_frame> frames;
  const std::uint64_t lengths[] = {0, 1, 125, 126, 127, 65535, 65536};
  const std::uint8_t encodings[] = {0, 2, 8};
  std::uint8_t n = 0;
  for (const ref::role sender : {ref::role::client, ref::role::server}) {
    frames.clear();
    for (std::uint8_t opcode = 0; opcode < 16; ++opcode) {
      for (const std::uint64_t length : lengths) {
        for (const std::uint8_t enc : encodings) {
          if ((enc == 0 && length > 125) || (enc == 2 && length > 0xFFFF)) continue;
          wire_frame f;
          f.opcode = opcode;
          f.fin = (n & 1) != 0;
          f.rsv1 = (n & 2) != 0;
          f.rsv2 = (n & 4) != 0;
          f.rsv3 = (n & 8) != 0;
          f.mask = (n & 16) != 0 ? masking::inverted : masking::as_role;
          if (masks(f.mask, sender))
            f.key = ref::mask_key{n, 0x5A, 0xA5, static_cast<std::uint8_t>(~n)};
          bytes payload(static_cast<std::size_t>(length));
          for (std::size_t i = 0; i < payload.size(); ++i)
            payload[i] = static_cast<std::uint8_t>(i * 7 + n);
          f.payload = payload_spec::bytes(std::move(payload));
          if (enc != ref::minimal_length_bytes(length)) f.length_bytes = enc;
          frames.push_back(std::move(f));
          ++n;
        }
      }
    }
    const bytes wire = encode_frames(frames, sender);
    const auto parsed = parse_frames(wire, sender, frames.size());
    EXPECT_EQ(parsed, frames);
    EXPECT_EQ(encode_frames(parsed, sender), wire);
    // The frame limit drops the rest.
    EXPECT_EQ(parse_frames(wire, sender, 3).size(), 3u);
  }
}

TEST(ParseFrames, CatalogueFramesRoundTrip) {
  std::size_t streams = 0;
  for (const case_def* c : server_cases()) {
    for (const step& s : c->steps) {
      const auto* f = std::get_if<send_frames>(&s);
      if (!f) continue;
      std::uint64_t total = 0;
      for (const auto& fr : f->frames) total += fr.payload.length;
      if (total > (1u << 20)) continue;
      const bytes wire = encode_frames(f->frames, ref::role::client);
      EXPECT_EQ(encode_frames(parse_frames(wire, ref::role::client, 1u << 20), ref::role::client),
                wire)
          << c->id;
      ++streams;
    }
  }
  EXPECT_GT(streams, 100u);
}

TEST(ParseFrames, ATruncatedPayloadKeepsItsDeclaredLength) {
  // A masked binary frame declaring 2^63 bytes, with three of them present.
  const bytes wire = {0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 0x10, 0x20, 0x30};
  const auto frames = parse_frames(wire, ref::role::client, 8);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].declared_length, std::uint64_t{1} << 63);
  EXPECT_EQ(frames[0].payload.materialize(), bytes({0x11, 0x22, 0x33}));
  EXPECT_EQ(frames[0].mask, masking::as_role);
  EXPECT_EQ(encode_frames(frames, ref::role::client), wire);
  // The same bytes from a server: masked against its role.
  EXPECT_EQ(parse_frames(wire, ref::role::server, 8).at(0).mask, masking::inverted);
}

TEST(ParseFrames, AnyBytesEncodeBackToAPrefix) {
  generator g(77);
  for (int i = 0; i < 2000; ++i) {
    bytes in(g.below(64));
    for (auto& b : in) b = static_cast<std::uint8_t>(g.next());
    const auto sender = g.chance(1, 2) ? ref::role::client : ref::role::server;
    const bytes out = encode_frames(parse_frames(in, sender, 1000), sender);
    ASSERT_LE(out.size(), in.size());
    // What is left over is less than one header: 2 bytes, the extended length, the key.
    EXPECT_LT(in.size() - out.size(), 14u);
    EXPECT_TRUE(std::equal(out.begin(), out.end(), in.begin()));
  }
}

TEST(FrameEnds, WholeFramesOnly) {
  std::vector<wire_frame> frames(3);
  frames[0].payload = payload_spec::text("a");
  frames[1].payload = payload_spec::repeat("b", 300);
  frames[1].length_bytes = 8;
  frames[2].payload = payload_spec::text("");
  const bytes wire = encode_frames(frames, ref::role::client);
  // 2 + 4 + 1, then 2 + 8 + 4 + 300, then 2 + 4.
  EXPECT_EQ(frame_ends(wire, 10), (std::vector<std::size_t>{7, 321, 327}));
  EXPECT_EQ(frame_ends(wire, 2), (std::vector<std::size_t>{7, 321}));
  // A frame cut short, or a header cut short, does not end.
  EXPECT_EQ(frame_ends(std::span(wire).first(320), 10), (std::vector<std::size_t>{7}));
  EXPECT_EQ(frame_ends(std::span(wire).first(8), 10), (std::vector<std::size_t>{7}));
  EXPECT_TRUE(frame_ends({}, 10).empty());
  // 2^63 declared: no end, and nothing read past the input.
  const bytes huge = {0x82, 0x7F, 0x80, 0, 0, 0, 0, 0, 0, 0, 1};
  EXPECT_TRUE(frame_ends(huge, 10).empty());
}

TEST(MutateFrameBytes, NeverWritesPastMaxSize) {
  generator g(123);
  const std::size_t max_sizes[] = {0, 1, 2, 5, 14, 64, 300, 4096};
  for (int i = 0; i < 3000; ++i) {
    const std::size_t max_size = max_sizes[g.below(std::size(max_sizes))];
    const std::size_t size = static_cast<std::size_t>(g.below(max_size + 1));
    // Guard bytes after max_size catch a write past it.
    bytes buf(max_size + 16, 0xEE);
    for (std::size_t j = 0; j < size; ++j) buf[j] = static_cast<std::uint8_t>(g.next());
    const auto sender = g.chance(1, 2) ? ref::role::client : ref::role::server;
    const std::size_t n = mutate_frame_bytes(buf.data(), size, max_size, g.next(), sender);
    EXPECT_LE(n, max_size);
    if (max_size > 0) {
      EXPECT_GT(n, 0u);
    }
    for (std::size_t j = max_size; j < buf.size(); ++j) {
      ASSERT_EQ(buf[j], 0xEE);
    }
  }
}

TEST(MutateFrameBytes, HugeAndTruncatedHeaders) {
  const bytes inputs[] = {
      {},
      {0x81},
      {0x81, 0xFE, 0x01},
      {0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 0},
      {0x82, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3, 4, 5},
      {0x81, 0x85, 1, 2},
  };
  for (const bytes& in : inputs) {
    for (std::uint64_t seed = 0; seed < 200; ++seed) {
      bytes buf = in;
      buf.resize(256);
      const std::size_t n = mutate_frame_bytes(buf.data(), in.size(), 256, seed, ref::role::client);
      EXPECT_GT(n, 0u);
      EXPECT_LE(n, 256u);
    }
  }
}

TEST(MutateFrameBytes, DeterministicBySeedAndVaried) {
  // A masked "Hello" (RFC 6455 §5.7).
  const bytes hello = {0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58};
  std::set<bytes> outputs;
  for (std::uint64_t seed = 0; seed < 300; ++seed) {
    bytes a = hello;
    bytes b = hello;
    a.resize(512);
    b.resize(512);
    a.resize(mutate_frame_bytes(a.data(), hello.size(), 512, seed, ref::role::client));
    b.resize(mutate_frame_bytes(b.data(), hello.size(), 512, seed, ref::role::client));
    EXPECT_EQ(a, b);
    outputs.insert(a);
  }
  EXPECT_GT(outputs.size(), 150u);
}

TEST(MutateFrames, EmptyListGetsAFrameAndLimitsHold) {
  mutation_limits limits;
  limits.max_frames = 4;
  limits.max_payload = 200;
  for (std::uint64_t seed = 0; seed < 500; ++seed) {
    generator g(seed);
    std::vector<wire_frame> frames;
    mutate_frames(frames, g, limits);
    EXPECT_EQ(frames.size(), 1u);
    for (int i = 0; i < 20; ++i) mutate_frames(frames, g, limits);
    expect_frames_within(frames, limits, "seed " + std::to_string(seed));
  }
}

}  // namespace
}  // namespace wsspec::harness::fuzzing
