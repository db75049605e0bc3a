#include "wsspec/reference/frame_decoder.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <optional>
#include <ostream>
#include <string_view>
#include <utility>
#include <vector>

// Every allocation in this program is counted, so that the tests can check that decode() never
// allocates (design principle 9: a declared 2^63 length allocates nothing).
namespace {
std::atomic<std::size_t> allocations{0};

void* counted_alloc(std::size_t n) noexcept {
  allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(n == 0 ? 1 : n);
}
}  // namespace

void* operator new(std::size_t n) {
  if (void* p = counted_alloc(n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
  if (void* p = counted_alloc(n)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  return counted_alloc(n);
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  return counted_alloc(n);
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete[](void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
  std::free(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
  std::free(p);
}

namespace wsspec::ref {
namespace {

using bytes = std::vector<std::uint8_t>;

constexpr mask_key rfc_key{0x37, 0xfa, 0x21, 0x3d};
constexpr std::uint8_t fin = 0x80;
constexpr std::uint8_t rsv1 = 0x40;
constexpr std::uint8_t rsv2 = 0x20;
constexpr std::uint8_t rsv3 = 0x10;

bytes text(std::string_view s) {
  return bytes(s.begin(), s.end());
}

bytes binary(std::size_t n) {
  bytes v(n);
  std::uint32_t x = 0xC0FFEE;
  for (auto& b : v) {
    x = x * 1103515245u + 12345u;
    b = static_cast<std::uint8_t>(x >> 16);
  }
  return v;
}

bytes concat(std::initializer_list<bytes> parts) {
  bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// Builds a frame from raw fields, independently of the library's encoder, so that any bit pattern
// (reserved bits, non-minimal lengths, a declared length unlike the payload) can be written.
// length_bytes is 0, 2 or 8, or -1 for the minimal encoding.
bytes raw(std::uint8_t first, const bytes& payload, std::optional<mask_key> key = std::nullopt,
          int length_bytes = -1, std::optional<std::uint64_t> declared = std::nullopt) {
  const std::uint64_t len = declared.value_or(payload.size());
  if (length_bytes < 0) length_bytes = len <= 125 ? 0 : len <= 0xFFFF ? 2 : 8;
  bytes out{first};
  const std::uint8_t mask_bit = key ? 0x80 : 0;
  if (length_bytes == 0) {
    out.push_back(static_cast<std::uint8_t>(mask_bit | len));
  } else {
    out.push_back(static_cast<std::uint8_t>(mask_bit | (length_bytes == 2 ? 126 : 127)));
    for (int i = length_bytes - 1; i >= 0; --i)
      out.push_back(static_cast<std::uint8_t>(len >> (8 * i)));
  }
  if (key) out.insert(out.end(), key->begin(), key->end());
  for (std::size_t i = 0; i < payload.size(); ++i)
    out.push_back(static_cast<std::uint8_t>(payload[i] ^ (key ? (*key)[i % 4] : 0)));
  return out;
}

frame_header make_header(std::uint8_t first, std::uint64_t length,
                         std::optional<mask_key> key = std::nullopt, int length_bytes = -1) {
  frame_header h;
  h.fin = (first & fin) != 0;
  h.rsv1 = (first & rsv1) != 0;
  h.rsv2 = (first & rsv2) != 0;
  h.rsv3 = (first & rsv3) != 0;
  h.opcode = first & 0x0F;
  h.masked = key.has_value();
  if (key) h.key = *key;
  h.length = length;
  h.length_bytes =
      length_bytes < 0 ? minimal_length_bytes(length) : static_cast<std::uint8_t>(length_bytes);
  return h;
}

error_set set_of(std::initializer_list<error> errors) {
  error_set s;
  for (error e : errors) s.add(e);
  return s;
}

decoder_config config(role receiver, bool observer = false) {
  decoder_config c;
  c.receiver = receiver;
  c.observer = observer;
  return c;
}

// What came out of a decoder fed some input: a header event per header, one payload event per
// frame (its chunks joined), an error event, and, unless an error ended it, a final need_more
// event with the partial payload of an unfinished frame and remaining().
struct event {
  decode_status status = decode_status::need_more;
  frame_header header;
  error_set violations;
  bytes payload;
  error err{};
  std::uint64_t remaining = 0;
  bool operator==(const event&) const = default;
};

std::ostream& operator<<(std::ostream& os, const event& e) {
  static constexpr const char* names[] = {"need_more", "header", "payload", "error"};
  os << names[static_cast<int>(e.status)] << "{op=" << int{e.header.opcode}
     << " fin=" << e.header.fin << " rsv=" << int{e.header.rsv_bits()}
     << " masked=" << e.header.masked << " len=" << e.header.length
     << " len_bytes=" << int{e.header.length_bytes} << " violations=[";
  e.violations.for_each([&](error v) { os << name(v) << ' '; });
  os << "] payload=" << e.payload.size() << "B remaining=" << e.remaining;
  if (e.status == decode_status::error) os << " err=" << name(e.err);
  return os << '}';
}

// Feeds `chunks` one after the other (each in its own exact-size allocation, so the sanitizers
// see any read past a chunk) and checks the contract of every step on the way.
std::vector<event> run(const decoder_config& cfg,
                       const std::vector<std::span<const std::uint8_t>>& chunks) {
  frame_decoder dec(cfg);
  std::vector<event> events;
  bytes partial;
  for (const auto& original : chunks) {
    bytes chunk(original.begin(), original.end());
    std::span<std::uint8_t> in(chunk);
    for (int guard = 0;; ++guard) {
      if (guard > 10) {
        ADD_FAILURE() << "decoder makes no progress";
        return events;
      }
      const std::size_t before = allocations.load();
      const decode_result r = dec.decode(in);
      EXPECT_EQ(allocations.load(), before) << "decode() allocated";
      EXPECT_LE(r.consumed, in.size());
      if (r.consumed > 0 || r.status == decode_status::header) guard = 0;
      switch (r.status) {
        case decode_status::need_more:
          // Need more means everything offered was taken (buffered header bytes).
          EXPECT_EQ(r.consumed, in.size());
          in = {};
          break;
        case decode_status::header:
          EXPECT_GT(r.consumed, 0u);
          EXPECT_TRUE(dec.in_frame());
          EXPECT_EQ(dec.remaining(), dec.header().length);
          events.push_back({decode_status::header, dec.header(), dec.violations(), {}, {}, 0});
          break;
        case decode_status::payload:
          // The payload is unmasked in place: it is the consumed prefix of the input.
          EXPECT_EQ(r.payload.size(), r.consumed);
          if (r.payload.empty()) {
            EXPECT_TRUE(r.frame_complete) << "empty chunk of an open frame";
          } else {
            EXPECT_EQ(r.payload.data(), in.data());
          }
          partial.insert(partial.end(), r.payload.begin(), r.payload.end());
          if (r.frame_complete) {
            EXPECT_FALSE(dec.in_frame());
            EXPECT_EQ(dec.remaining(), 0u);
            EXPECT_EQ(partial.size(), dec.header().length);
            events.push_back({decode_status::payload,
                              dec.header(),
                              dec.violations(),
                              std::move(partial),
                              {},
                              0});
            partial = {};
          } else {
            EXPECT_TRUE(dec.in_frame());
          }
          break;
        case decode_status::error: {
          EXPECT_FALSE(dec.in_frame());
          events.push_back({decode_status::error, dec.header(), dec.violations(), {}, r.err, 0});
          // The decoder stays failed, with the same error, until reset().
          bytes more{0x81, 0x00};
          for (std::span<std::uint8_t> again : {std::span<std::uint8_t>(more), in.subspan(0, 0)}) {
            const decode_result r2 = dec.decode(again);
            EXPECT_EQ(r2.status, decode_status::error);
            EXPECT_EQ(r2.err, r.err);
            EXPECT_EQ(r2.consumed, 0u);
          }
          return events;
        }
      }
      if (r.status == decode_status::need_more) break;
      in = in.subspan(r.consumed);
    }
  }
  events.push_back(
      {decode_status::need_more, dec.header(), dec.violations(), partial, {}, dec.remaining()});
  return events;
}

// Decodes `wire` in one piece, then split in two at every position, then byte by byte; all must
// give the same events, which are returned.
std::vector<event> decode_everywhere(const decoder_config& cfg, const bytes& wire) {
  const std::span<const std::uint8_t> all(wire);
  const std::vector<event> whole = run(cfg, {all});
  for (std::size_t split = 0; split <= wire.size(); ++split) {
    const std::vector<event> got = run(cfg, {all.first(split), all.subspan(split)});
    if (got != whole) {
      ADD_FAILURE() << "split at " << split << " of " << wire.size() << " differs: got "
                    << ::testing::PrintToString(got) << " whole "
                    << ::testing::PrintToString(whole);
      return whole;
    }
  }
  std::vector<std::span<const std::uint8_t>> single;
  for (std::size_t i = 0; i < wire.size(); ++i) single.push_back(all.subspan(i, 1));
  EXPECT_EQ(run(cfg, single), whole) << "byte by byte";
  return whole;
}

struct expected_frame {
  frame_header header;
  bytes payload;
  error_set violations{};
};

// The events of whole frames decoded without error.
std::vector<event> frames(const std::vector<expected_frame>& fs) {
  std::vector<event> out;
  for (const auto& f : fs) {
    out.push_back({decode_status::header, f.header, f.violations, {}, {}, 0});
    out.push_back({decode_status::payload, f.header, f.violations, f.payload, {}, 0});
  }
  event end;
  if (!fs.empty()) {
    end.header = fs.back().header;
    end.violations = fs.back().violations;
  }
  out.push_back(end);
  return out;
}

// RFC 6455 §5.7 examples. Unmasked frames are what a client receives, masked ones a server.

TEST(FrameDecoder, Rfc5_7SingleFrameUnmaskedText) {
  const bytes wire{0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f};
  EXPECT_EQ(decode_everywhere(config(role::client), wire),
            frames({{make_header(0x81, 5), text("Hello")}}));
}

TEST(FrameDecoder, Rfc5_7SingleFrameMaskedText) {
  const bytes wire{0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58};
  EXPECT_EQ(decode_everywhere(config(role::server), wire),
            frames({{make_header(0x81, 5, rfc_key), text("Hello")}}));
}

TEST(FrameDecoder, Rfc5_7FragmentedUnmaskedText) {
  const bytes wire{0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f};
  EXPECT_EQ(decode_everywhere(config(role::client), wire),
            frames({{make_header(0x01, 3), text("Hel")}, {make_header(0x80, 2), text("lo")}}));
}

TEST(FrameDecoder, Rfc5_7UnmaskedPing) {
  const bytes wire{0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f};
  EXPECT_EQ(decode_everywhere(config(role::client), wire),
            frames({{make_header(0x89, 5), text("Hello")}}));
}

TEST(FrameDecoder, Rfc5_7MaskedPong) {
  const bytes wire{0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58};
  EXPECT_EQ(decode_everywhere(config(role::server), wire),
            frames({{make_header(0x8A, 5, rfc_key), text("Hello")}}));
}

TEST(FrameDecoder, Rfc5_7Binary256With16BitLength) {
  const bytes payload = binary(256);
  const bytes wire = concat({{0x82, 0x7E, 0x01, 0x00}, payload});
  const auto events = decode_everywhere(config(role::client), wire);
  EXPECT_EQ(events, frames({{make_header(0x82, 256), payload}}));
  EXPECT_EQ(events.front().header.length_bytes, 2);
}

TEST(FrameDecoder, Rfc5_7Binary64KiBWith64BitLength) {
  const bytes payload = binary(65536);
  const bytes wire = concat({{0x82, 0x7F, 0, 0, 0, 0, 0, 0x01, 0x00, 0x00}, payload});
  const auto events = decode_everywhere(config(role::client), wire);
  EXPECT_EQ(events, frames({{make_header(0x82, 65536), payload}}));
  EXPECT_EQ(events.front().header.length_bytes, 8);
}

TEST(FrameDecoder, Rfc5_7ExamplesBackToBackInOneStream) {
  const bytes wire = concat({{0x01, 0x03, 0x48, 0x65, 0x6c},
                             {0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f},
                             {0x80, 0x02, 0x6c, 0x6f},
                             {0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}});
  EXPECT_EQ(decode_everywhere(config(role::client), wire),
            frames({{make_header(0x01, 3), text("Hel")},
                    {make_header(0x89, 5), text("Hello")},
                    {make_header(0x80, 2), text("lo")},
                    {make_header(0x81, 5), text("Hello")}}));
}

// Masked payloads in several frames, with keys at every phase, come out unmasked whatever the
// split.
TEST(FrameDecoder, MaskedPayloadsUnmaskAcrossSplits) {
  const bytes a = binary(37);
  const bytes b = binary(130);
  const mask_key k1{0x01, 0x02, 0x03, 0x04};
  const mask_key k2{0xF0, 0x0F, 0xAA, 0x55};
  const bytes wire = concat({raw(0x02, a, k1), raw(0x80, b, k2), raw(0x82, {}, k1)});
  EXPECT_EQ(decode_everywhere(config(role::server), wire),
            frames({{make_header(0x02, 37, k1), a},
                    {make_header(0x80, 130, k2), b},
                    {make_header(0x82, 0, k1), {}}}));
}

// A payload delivered in chunks of irregular size is unmasked chunk by chunk, each chunk in
// place at the start of the input it came in.
TEST(FrameDecoder, PayloadChunksAreUnmaskedInPlace) {
  const bytes payload = binary(5000);
  bytes wire = raw(0x82, payload, rfc_key);
  frame_decoder dec(config(role::server));
  bytes joined;
  std::size_t pos = 0;
  std::size_t step = 1;
  bool complete = false;
  while (pos < wire.size()) {
    const std::size_t n = std::min(step, wire.size() - pos);
    std::span<std::uint8_t> in = std::span(wire).subspan(pos, n);
    pos += n;
    step = step * 3 % 1021 + 1;
    while (true) {
      const decode_result r = dec.decode(in);
      ASSERT_NE(r.status, decode_status::error);
      if (r.status == decode_status::need_more) break;
      if (r.status == decode_status::payload) {
        ASSERT_EQ(r.payload.data(), in.data());
        joined.insert(joined.end(), r.payload.begin(), r.payload.end());
        // The unmasked bytes are those of the caller's buffer.
        const std::size_t at = static_cast<std::size_t>(r.payload.data() - wire.data()) - 8;
        ASSERT_TRUE(std::equal(r.payload.begin(), r.payload.end(), payload.begin() + at));
        complete = r.frame_complete;
      }
      in = in.subspan(r.consumed);
      if (in.empty() && r.status != decode_status::header) break;
    }
  }
  EXPECT_TRUE(complete);
  EXPECT_EQ(joined, payload);
}

TEST(FrameDecoder, OneStepPerCall) {
  bytes wire = concat({raw(0x81, text("Hi"), rfc_key), raw(0x89, {}, rfc_key)});
  frame_decoder dec(config(role::server));
  std::span<std::uint8_t> in(wire);

  decode_result r = dec.decode(in);
  EXPECT_EQ(r.status, decode_status::header);
  EXPECT_EQ(r.consumed, 6u);
  EXPECT_EQ(dec.remaining(), 2u);
  in = in.subspan(r.consumed);

  r = dec.decode(in);
  EXPECT_EQ(r.status, decode_status::payload);
  EXPECT_EQ(r.consumed, 2u);
  EXPECT_TRUE(r.frame_complete);
  EXPECT_EQ(bytes(r.payload.begin(), r.payload.end()), text("Hi"));
  in = in.subspan(r.consumed);

  r = dec.decode(in);
  EXPECT_EQ(r.status, decode_status::header);
  EXPECT_EQ(r.consumed, 6u);
  EXPECT_EQ(dec.header().opcode, 0x9);
  in = in.subspan(r.consumed);
  ASSERT_TRUE(in.empty());

  // RFC 6455 §5.5.2: a Ping may have an empty payload; it still completes with one payload step.
  r = dec.decode(in);
  EXPECT_EQ(r.status, decode_status::payload);
  EXPECT_EQ(r.consumed, 0u);
  EXPECT_TRUE(r.payload.empty());
  EXPECT_TRUE(r.frame_complete);

  r = dec.decode(in);
  EXPECT_EQ(r.status, decode_status::need_more);
  EXPECT_EQ(r.consumed, 0u);
}

TEST(FrameDecoder, PartialHeaderIsBufferedAndConsumed) {
  bytes wire = raw(0x82, binary(300), rfc_key);  // 2 + 2 + 4 header bytes
  frame_decoder dec(config(role::server));
  for (std::size_t i = 0; i < 7; ++i) {
    const decode_result r = dec.decode(std::span(wire).subspan(i, 1));
    EXPECT_EQ(r.status, decode_status::need_more) << i;
    EXPECT_EQ(r.consumed, 1u) << i;
    EXPECT_FALSE(dec.in_frame());
  }
  const decode_result r = dec.decode(std::span(wire).subspan(7));
  EXPECT_EQ(r.status, decode_status::header);
  EXPECT_EQ(r.consumed, 1u);
  EXPECT_EQ(dec.header(), make_header(0x82, 300, rfc_key));
}

TEST(FrameDecoder, EmptyInputNeedsMore) {
  frame_decoder dec;
  const decode_result r = dec.decode({});
  EXPECT_EQ(r.status, decode_status::need_more);
  EXPECT_EQ(r.consumed, 0u);
}

// Design principle 9: a declared length of 2^63-1 with a few bytes costs nothing.
TEST(FrameDecoder, HugeDeclaredLengthAllocatesNothingAndNeedsMore) {
  const std::uint64_t huge = 0x7FFFFFFFFFFFFFFFull;
  const bytes some = text("abc");
  const bytes wire = raw(0x82, some, rfc_key, 8, huge);
  frame_decoder dec(config(role::server));
  bytes copy = wire;
  std::span<std::uint8_t> in(copy);
  std::size_t allocated = 0;
  const auto step = [&](std::span<std::uint8_t> s) {
    const std::size_t before = allocations.load();
    const decode_result r = dec.decode(s);
    allocated += allocations.load() - before;
    return r;
  };
  decode_result r = step(in);
  ASSERT_EQ(r.status, decode_status::header);
  EXPECT_EQ(dec.header().length, huge);
  in = in.subspan(r.consumed);
  r = step(in);
  ASSERT_EQ(r.status, decode_status::payload);
  EXPECT_FALSE(r.frame_complete);
  EXPECT_EQ(bytes(r.payload.begin(), r.payload.end()), some);
  r = step(in.subspan(r.consumed));
  EXPECT_EQ(r.status, decode_status::need_more);
  EXPECT_EQ(r.consumed, 0u);
  EXPECT_EQ(allocated, 0u);
  EXPECT_TRUE(dec.in_frame());
  EXPECT_EQ(dec.remaining(), huge - 3);

  event end{decode_status::need_more, make_header(0x82, huge, rfc_key), {}, some, {}, huge - 3};
  EXPECT_EQ(decode_everywhere(config(role::server), wire),
            (std::vector<event>{{decode_status::header, end.header, {}, {}, {}, 0}, end}));
}

TEST(FrameDecoder, ErrorIsStickyUntilReset) {
  bytes bad = raw(0x83, text("x"), rfc_key);
  frame_decoder dec(config(role::server));
  decode_result r = dec.decode(bad);
  ASSERT_EQ(r.status, decode_status::error);
  EXPECT_EQ(r.err, error::reserved_opcode);
  EXPECT_EQ(r.consumed, 6u);

  bytes good = raw(0x81, text("ok"), rfc_key);
  r = dec.decode(good);
  EXPECT_EQ(r.status, decode_status::error);
  EXPECT_EQ(r.err, error::reserved_opcode);
  EXPECT_EQ(r.consumed, 0u);

  dec.reset();
  EXPECT_TRUE(dec.violations().empty());
  r = dec.decode(good);
  ASSERT_EQ(r.status, decode_status::header);
  EXPECT_EQ(dec.header(), make_header(0x81, 2, rfc_key));
  r = dec.decode(std::span(good).subspan(r.consumed));
  ASSERT_EQ(r.status, decode_status::payload);
  EXPECT_EQ(bytes(r.payload.begin(), r.payload.end()), text("ok"));
}

TEST(FrameDecoder, ResetDropsAPartialFrame) {
  bytes wire = raw(0x82, binary(10), rfc_key);
  frame_decoder dec(config(role::server));
  decode_result r = dec.decode(std::span(wire).first(9));
  ASSERT_EQ(r.status, decode_status::header);
  r = dec.decode(std::span(wire).subspan(6, 3));
  ASSERT_EQ(r.status, decode_status::payload);
  EXPECT_EQ(dec.remaining(), 7u);
  dec.reset();
  EXPECT_FALSE(dec.in_frame());
  EXPECT_EQ(dec.remaining(), 0u);
  bytes next = raw(0x89, text("p"), rfc_key);
  r = dec.decode(next);
  ASSERT_EQ(r.status, decode_status::header);
  EXPECT_EQ(dec.header().opcode, 0x9);
}

// Boundaries that are allowed.

TEST(FrameDecoder, ControlFrameOf125BytesIsAllowed) {
  const bytes payload = binary(125);
  EXPECT_EQ(decode_everywhere(config(role::server), raw(0x89, payload, rfc_key)),
            frames({{make_header(0x89, 125, rfc_key), payload}}));
}

TEST(FrameDecoder, FrameOfExactlyMaxFrameSizeIsAllowed) {
  decoder_config cfg = config(role::server);
  cfg.max_frame_size = 5;
  EXPECT_EQ(decode_everywhere(cfg, raw(0x82, text("Hello"), rfc_key)),
            frames({{make_header(0x82, 5, rfc_key), text("Hello")}}));
}

// RFC 7692 §6.1: with permessage-deflate, RSV1 marks the first frame of a compressed message.
TEST(FrameDecoder, NegotiatedRsv1IsAllowedOnDataFrames) {
  decoder_config cfg = config(role::server);
  cfg.allowed_rsv = 0x4;
  const bytes wire = concat({raw(rsv1 | 0x01, text("a"), rfc_key), raw(rsv1 | 0x82, {}, rfc_key)});
  EXPECT_EQ(decode_everywhere(cfg, wire), frames({{make_header(rsv1 | 0x01, 1, rfc_key), text("a")},
                                                  {make_header(rsv1 | 0x82, 0, rfc_key), {}}}));
}

TEST(FrameDecoder, SetAllowedRsvAppliesToTheNextHeader) {
  bytes wire = raw(fin | rsv1 | 0x01, text("a"), rfc_key);
  frame_decoder dec(config(role::server));
  dec.set_allowed_rsv(0x4);
  EXPECT_EQ(dec.config().allowed_rsv, 0x4);
  EXPECT_EQ(dec.decode(wire).status, decode_status::header);
  EXPECT_TRUE(dec.violations().empty());
}

// A receiver that tolerates non-minimal lengths still names the violation.
TEST(FrameDecoder, NonMinimalLengthToleratedWhenConfigured) {
  for (bool observer : {false, true}) {
    decoder_config cfg = config(role::server, observer);
    cfg.reject_non_minimal_length = false;
    const bytes payload = text("Hello");
    EXPECT_EQ(
        decode_everywhere(cfg, raw(0x81, payload, rfc_key, 2)),
        frames({{make_header(0x81, 5, rfc_key, 2), payload, set_of({error::non_minimal_length})}}))
        << "observer=" << observer;
  }
}

// One row per rule the decoder enforces.
struct error_row {
  const char* name;
  decoder_config cfg;  // observer is set by each test
  bytes wire;
  error strict_error;                   // what a strict decoder returns
  error_set observed;                   // what an observer records
  std::optional<error> observer_stops;  // the error that stops an observer too
  bytes payload;                        // what an observer that goes on delivers
};

std::ostream& operator<<(std::ostream& os, const error_row& row) {
  return os << row.name;
}

decoder_config with(role receiver, std::uint8_t allowed_rsv = 0,
                    std::uint64_t max_frame_size = ~std::uint64_t{0}) {
  decoder_config c = config(receiver);
  c.allowed_rsv = allowed_rsv;
  c.max_frame_size = max_frame_size;
  return c;
}

const mask_key k{0x11, 0x22, 0x33, 0x44};
const std::uint64_t top_bit = std::uint64_t{1} << 63;

std::vector<error_row> error_rows() {
  using enum error;
  return {
      {"reserved_bits_rsv1_not_negotiated",
       with(role::server),
       raw(fin | rsv1 | 0x1, text("a"), k),
       reserved_bits,
       set_of({reserved_bits}),
       {},
       text("a")},
      {"reserved_bits_rsv2",
       with(role::server),
       raw(fin | rsv2 | 0x2, text("abc"), k),
       reserved_bits,
       set_of({reserved_bits}),
       {},
       text("abc")},
      {"reserved_bits_rsv3",
       with(role::client),
       raw(fin | rsv3 | 0x2, text("abc")),
       reserved_bits,
       set_of({reserved_bits}),
       {},
       text("abc")},
      {"reserved_bits_rsv2_with_rsv1_negotiated",
       with(role::server, 0x4),
       raw(fin | rsv2 | 0x2, text("abc"), k),
       reserved_bits,
       set_of({reserved_bits}),
       {},
       text("abc")},
      {"reserved_opcode_data_0x3",
       with(role::server),
       raw(fin | 0x3, text("abc"), k),
       reserved_opcode,
       set_of({reserved_opcode}),
       {},
       text("abc")},
      {"reserved_opcode_data_0x7",
       with(role::client),
       raw(fin | 0x7, {}),
       reserved_opcode,
       set_of({reserved_opcode}),
       {},
       {}},
      {"reserved_opcode_control_0xB",
       with(role::server),
       raw(fin | 0xB, text("abc"), k),
       reserved_opcode,
       set_of({reserved_opcode}),
       {},
       text("abc")},
      {"reserved_opcode_control_0xF",
       with(role::client),
       raw(fin | 0xF, text("z")),
       reserved_opcode,
       set_of({reserved_opcode}),
       {},
       text("z")},
      {"control_frame_too_long_ping_126",
       with(role::server),
       raw(fin | 0x9, binary(126), k),
       control_frame_too_long,
       set_of({control_frame_too_long}),
       {},
       binary(126)},
      {"control_frame_too_long_close_300",
       with(role::client),
       raw(fin | 0x8, binary(300)),
       control_frame_too_long,
       set_of({control_frame_too_long}),
       {},
       binary(300)},
      {"control_frame_fragmented_ping",
       with(role::server),
       raw(0x9, text("Hi"), k),
       control_frame_fragmented,
       set_of({control_frame_fragmented}),
       {},
       text("Hi")},
      {"control_frame_fragmented_close",
       with(role::client),
       raw(0x8, {}),
       control_frame_fragmented,
       set_of({control_frame_fragmented}),
       {},
       {}},
      {"unmasked_client_frame",
       with(role::server),
       raw(fin | 0x1, text("Hello")),
       unmasked_client_frame,
       set_of({unmasked_client_frame}),
       {},
       text("Hello")},
      {"masked_server_frame",
       with(role::client),
       raw(fin | 0x1, text("Hello"), k),
       masked_server_frame,
       set_of({masked_server_frame}),
       {},
       text("Hello")},
      {"length_top_bit",
       with(role::server),
       raw(fin | 0x2, text("abc"), k, 8, top_bit),
       length_top_bit,
       set_of({length_top_bit}),
       length_top_bit,
       {}},
      {"length_top_bit_all_ones",
       with(role::client),
       raw(fin | 0x2, {}, {}, 8, ~std::uint64_t{0}),
       length_top_bit,
       set_of({length_top_bit}),
       length_top_bit,
       {}},
      {"non_minimal_length_5_in_16_bits",
       with(role::server),
       raw(fin | 0x2, text("Hello"), k, 2),
       non_minimal_length,
       set_of({non_minimal_length}),
       {},
       text("Hello")},
      {"non_minimal_length_0_in_64_bits",
       with(role::client),
       raw(fin | 0x2, {}, {}, 8),
       non_minimal_length,
       set_of({non_minimal_length}),
       {},
       {}},
      {"non_minimal_length_300_in_64_bits",
       with(role::server),
       raw(fin | 0x2, binary(300), k, 8),
       non_minimal_length,
       set_of({non_minimal_length}),
       {},
       binary(300)},
      {"frame_too_big",
       with(role::server, 0, 4),
       raw(fin | 0x2, text("Hello"), k),
       frame_too_big,
       set_of({frame_too_big}),
       frame_too_big,
       {}},
      {"frame_too_big_declared_only",
       with(role::client, 0, 1 << 20),
       raw(fin | 0x2, text("ab"), {}, 8, std::uint64_t{1} << 40),
       frame_too_big,
       set_of({frame_too_big}),
       frame_too_big,
       {}},
      {"rsv1_on_continuation",
       with(role::server, 0x4),
       raw(fin | rsv1 | 0x0, text("lo"), k),
       rsv1_on_continuation,
       set_of({rsv1_on_continuation}),
       {},
       text("lo")},
      {"rsv1_on_control_ping",
       with(role::server, 0x4),
       raw(fin | rsv1 | 0x9, text("p"), k),
       rsv1_on_control,
       set_of({rsv1_on_control}),
       {},
       text("p")},
      {"rsv1_on_control_close",
       with(role::client, 0x4),
       raw(fin | rsv1 | 0x8, {}),
       rsv1_on_control,
       set_of({rsv1_on_control}),
       {},
       {}},
      // Several rules at once: strict reports the first in check order (opcode, RSV, control
      // rules, masking, length); an observer records them all.
      {"several_opcode_rsv_mask",
       with(role::server),
       raw(fin | rsv2 | 0x3, text("ab")),
       reserved_opcode,
       set_of({reserved_opcode, reserved_bits, unmasked_client_frame}),
       {},
       text("ab")},
      {"several_rsv_control_mask",
       with(role::client),
       raw(rsv3 | 0xA, binary(200), k, 8),
       reserved_bits,
       set_of({reserved_bits, control_frame_too_long, control_frame_fragmented, masked_server_frame,
               non_minimal_length}),
       {},
       binary(200)},
      {"several_rsv1_control_both",
       with(role::server, 0x4),
       raw(rsv1 | 0x9, text("x")),
       rsv1_on_control,
       set_of({rsv1_on_control, control_frame_fragmented, unmasked_client_frame}),
       {},
       text("x")},
      {"several_then_top_bit_and_too_big",
       with(role::server, 0, 1000),
       raw(fin | 0xC, {}, {}, 8, top_bit | 5),
       reserved_opcode,
       set_of({reserved_opcode, control_frame_too_long, unmasked_client_frame, length_top_bit,
               frame_too_big}),
       length_top_bit,
       {}},
      {"several_then_too_big",
       with(role::client, 0, 10),
       raw(fin | 0x2, binary(11), k),
       masked_server_frame,
       set_of({masked_server_frame, frame_too_big}),
       frame_too_big,
       {}},
  };
}

class DecoderErrors : public ::testing::TestWithParam<error_row> {};

TEST_P(DecoderErrors, StrictReturnsTheFirstRuleBroken) {
  const error_row& row = GetParam();
  decoder_config cfg = row.cfg;
  cfg.observer = false;
  const std::vector<event> events = decode_everywhere(cfg, row.wire);
  ASSERT_EQ(events.size(), 1u) << ::testing::PrintToString(events);
  EXPECT_EQ(events[0].status, decode_status::error);
  EXPECT_EQ(events[0].err, row.strict_error) << name(events[0].err);
  EXPECT_TRUE(events[0].violations.contains(row.strict_error));
  EXPECT_EQ(events[0].header.opcode, row.wire[0] & 0x0F);
}

TEST_P(DecoderErrors, ObserverRecordsEveryRuleBroken) {
  const error_row& row = GetParam();
  decoder_config cfg = row.cfg;
  cfg.observer = true;
  const std::vector<event> events = decode_everywhere(cfg, row.wire);
  if (row.observer_stops) {
    ASSERT_EQ(events.size(), 1u) << ::testing::PrintToString(events);
    EXPECT_EQ(events[0].status, decode_status::error);
    EXPECT_EQ(events[0].err, *row.observer_stops) << name(events[0].err);
    EXPECT_EQ(events[0].violations, row.observed) << ::testing::PrintToString(events);
    return;
  }
  ASSERT_EQ(events.size(), 3u) << ::testing::PrintToString(events);
  EXPECT_EQ(events[0].status, decode_status::header);
  EXPECT_EQ(events[0].violations, row.observed) << ::testing::PrintToString(events);
  EXPECT_EQ(events[0].header.opcode, row.wire[0] & 0x0F);
  EXPECT_EQ(events[0].header.rsv_bits(), (row.wire[0] >> 4) & 0x7);
  EXPECT_EQ(events[0].header.fin, (row.wire[0] & fin) != 0);
  EXPECT_EQ(events[0].header.length, row.payload.size());
  EXPECT_EQ(events[1].status, decode_status::payload);
  EXPECT_EQ(events[1].payload, row.payload);
  EXPECT_EQ(events[2],
            (event{decode_status::need_more, events[0].header, row.observed, {}, {}, 0}));
}

INSTANTIATE_TEST_SUITE_P(FrameDecoder, DecoderErrors, ::testing::ValuesIn(error_rows()),
                         [](const auto& p) { return std::string(p.param.name); });

// Every error of error.hpp that belongs to frame syntax has a row above.
TEST(FrameDecoder, EveryFrameRuleHasARow) {
  error_set covered;
  for (const auto& row : error_rows()) covered.add(row.strict_error);
  for (error e : {error::reserved_bits, error::reserved_opcode, error::control_frame_too_long,
                  error::control_frame_fragmented, error::unmasked_client_frame,
                  error::masked_server_frame, error::length_top_bit, error::non_minimal_length,
                  error::frame_too_big, error::rsv1_on_continuation, error::rsv1_on_control})
    EXPECT_TRUE(covered.contains(e)) << name(e);
}

}  // namespace
}  // namespace wsspec::ref
