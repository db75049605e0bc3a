// The observer reads the target's bytes into transcript facts without I/O: each test feeds
// frames encoded as a target would send them and checks what was recorded and handed back.
#include "wsspec/harness/observer.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <random>
#include <string>
#include <vector>

#include "wsspec/harness/catalogue.hpp"
#include "wsspec/harness/wire_frame.hpp"
#include "wsspec/reference/permessage_deflate.hpp"

// Every allocation of this test program goes through here, so that a test can see the largest
// single allocation made while the observer reads a decompression bomb.
namespace {
std::atomic<bool> tracking_allocations{false};
std::atomic<std::size_t> largest_allocation{0};
}  // namespace

void* operator new(std::size_t n) {
  if (tracking_allocations.load(std::memory_order_relaxed)) {
    std::size_t seen = largest_allocation.load(std::memory_order_relaxed);
    while (n > seen && !largest_allocation.compare_exchange_weak(seen, n)) {
    }
  }
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

namespace wsspec::harness {
namespace {

// Bytes a server sends (unmasked unless the frame says otherwise).
std::vector<std::uint8_t> from_server(std::vector<wire_frame> frames) {
  std::vector<std::uint8_t> out;
  for (const auto& f : frames) encode_wire_frame(f, ref::role::server, {1, 2, 3, 4}, out);
  return out;
}

struct observed {
  explicit observed(std::uint64_t max_message_size = 1 << 20)
      : obs{rec, ref::role::client, max_message_size} {}
  transcript t;
  recorder rec{t};
  observer obs;
  std::vector<observed_control> controls;
  void feed(std::vector<std::uint8_t> bytes, micros at = micros(10)) {
    auto more = obs.feed(bytes, at);
    controls.insert(controls.end(), more.begin(), more.end());
  }
};

bool has_violation(const transcript& t, ref::error e) {
  for (const auto& [err, detail] : t.violations)
    if (err == e) return true;
  return false;
}

TEST(Observer, RecordsAMessageWithItsDigest) {
  observed o;
  o.feed(from_server({text("Hello, ", false), continuation("world")}));
  ASSERT_EQ(o.t.messages.size(), 1u);
  const std::string want = "Hello, world";
  EXPECT_EQ(o.t.messages[0].length, want.size());
  EXPECT_EQ(o.t.messages[0].digest,
            payload_digest(reinterpret_cast<const std::uint8_t*>(want.data()), want.size()));
  EXPECT_TRUE(o.t.violations.empty());
}

TEST(Observer, TheSameFactsWhereverTheInputIsSplit) {
  const auto bytes = from_server({text("abc", false), ping("p"), continuation("def"), pong("q")});
  observed whole;
  whole.feed(bytes);
  for (std::size_t cut = 1; cut < bytes.size(); ++cut) {
    observed split;
    split.feed({bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(cut)});
    split.feed({bytes.begin() + static_cast<std::ptrdiff_t>(cut), bytes.end()});
    ASSERT_EQ(split.t.messages.size(), 1u) << cut;
    EXPECT_EQ(split.t.messages[0].digest, whole.t.messages[0].digest) << cut;
    EXPECT_EQ(split.t.pongs, whole.t.pongs) << cut;
    EXPECT_EQ(split.controls.size(), 1u) << cut;
  }
}

TEST(Observer, AMaskedServerFrameIsAViolation) {
  // RFC 6455 §5.1: a server MUST NOT mask any frames that it sends.
  wire_frame f = text("x");
  f.mask = masking::inverted;
  observed o;
  o.feed(from_server({f}));
  EXPECT_TRUE(has_violation(o.t, ref::error::masked_server_frame));
}

TEST(Observer, InvalidUtf8IsFlaggedBeforeTheMessageEnds) {
  observed o;
  o.feed(from_server({frame(1, payload_spec::bytes(hex("48ff")), false)}));
  EXPECT_TRUE(o.t.messages.empty());
  EXPECT_TRUE(has_violation(o.t, ref::error::invalid_utf8));
}

TEST(Observer, TextEndingInsideACharacterIsFlagged) {
  observed o;
  o.feed(from_server({frame(1, payload_spec::bytes(hex("48ce")))}));
  ASSERT_EQ(o.t.messages.size(), 1u);
  EXPECT_FALSE(o.t.messages[0].valid_utf8);
  EXPECT_TRUE(has_violation(o.t, ref::error::invalid_utf8));
}

TEST(Observer, PingsAndClosesAreHandedBackToAnswer) {
  observed o;
  o.feed(from_server({ping("are you there"), close_frame(1001, "bye")}), micros(7));
  ASSERT_EQ(o.controls.size(), 2u);
  EXPECT_EQ(o.controls[0].what, observed_control::kind::ping);
  EXPECT_EQ(std::string(o.controls[0].payload.begin(), o.controls[0].payload.end()),
            "are you there");
  EXPECT_EQ(o.controls[1].what, observed_control::kind::close);
  EXPECT_EQ(o.controls[1].code, 1001);
  EXPECT_TRUE(o.controls[1].valid);
  ASSERT_TRUE(o.t.close);
  EXPECT_EQ(o.t.close->reason, "bye");
  EXPECT_EQ(o.t.close->at, micros(7));
  EXPECT_EQ(o.t.pings, 1u);
}

TEST(Observer, AnInvalidCloseIsRecordedAsSuch) {
  observed o;
  o.feed(from_server({close_frame(1005)}));
  ASSERT_EQ(o.controls.size(), 1u);
  EXPECT_FALSE(o.controls[0].valid);
  ASSERT_TRUE(o.t.close);
  EXPECT_TRUE(o.t.close->problem);
}

TEST(Observer, FramesAfterTheTargetsCloseAreFlagged) {
  observed o;
  o.feed(from_server({close_frame(1000), ping("late"), text("later")}));
  EXPECT_EQ(o.t.control_after_close, 1u);
  EXPECT_TRUE(has_violation(o.t, ref::error::frame_after_close));
}

TEST(Observer, PongsCarryTheirArrivalTime) {
  observed o;
  o.feed(from_server({pong("a")}), micros(5));
  o.feed(from_server({pong("b")}), micros(9));
  ASSERT_EQ(o.t.pong_at.size(), 2u);
  EXPECT_EQ(o.t.pong_at[0], micros(5));
  EXPECT_EQ(o.t.pong_at[1], micros(9));
}

TEST(Observer, ADecodingErrorStopsTheReader) {
  // RFC 6455 §5.2: a 64-bit length with its most significant bit set cannot be read past.
  wire_frame f = text("x");
  f.length_bytes = 8;
  f.declared_length = std::uint64_t{1} << 63;
  observed o;
  o.feed(from_server({f}));
  EXPECT_TRUE(o.obs.stopped());
  EXPECT_FALSE(o.t.violations.empty());
}

// ---------------------------------------------------------------------------------------------
// permessage-deflate (RFC 7692): after observer::agree() the target's compressed messages are
// inflated, and the rules of §6 and §7.2 are checked on what it sent.

using bytes = std::vector<std::uint8_t>;

bytes to_bytes(std::string_view s) {
  return bytes(s.begin(), s.end());
}

bytes random_bytes(std::size_t n, std::uint32_t seed) {
  std::mt19937 gen(seed);
  bytes v(n);
  for (auto& b : v) b = static_cast<std::uint8_t>(gen() >> 24);
  return v;
}

bytes deflate(ref::deflater& d, const bytes& message) {
  bytes out;
  d.compress(message, out);
  return out;
}

// A frame of a compressed message: RSV1 on the first frame only (RFC 7692 §6.1).
wire_frame compressed(std::uint8_t opcode, bytes payload, bool fin = true) {
  wire_frame f = frame(opcode, payload_spec::bytes(std::move(payload)), fin);
  f.rsv1 = opcode != 0;
  return f;
}

std::uint64_t digest_of(const bytes& b) {
  return payload_digest(b.data(), b.size());
}

// The parameters as the server's response gives them.
ref::deflate_params agreed(bool server_no_context_takeover = false,
                           int server_max_window_bits = 15) {
  ref::deflate_params p;
  p.server_no_context_takeover = server_no_context_takeover;
  p.server_max_window_bits = server_max_window_bits;
  return p;
}

TEST(ObserverDeflate, ACompressedMessageIsRecordedAsItsUncompressedBytes) {
  // RFC 7692 §6.2: the receiver decompresses the concatenation of the frames' payloads. The
  // second message refers back into the first (the window is carried over, §7.2.2).
  const bytes first = to_bytes("Hello, permessage-deflate! Hello, permessage-deflate!");
  const bytes second = to_bytes("Hello, permessage-deflate, once more.");
  ref::deflater d(15, false);
  const bytes c1 = deflate(d, first);
  const bytes c2 = deflate(d, second);
  observed o;
  o.obs.agree(agreed());
  const std::size_t cut = c1.size() / 2;
  o.feed(from_server(
      {compressed(1, bytes(c1.begin(), c1.begin() + static_cast<std::ptrdiff_t>(cut)), false),
       ping("in between"),
       compressed(0, bytes(c1.begin() + static_cast<std::ptrdiff_t>(cut), c1.end())),
       compressed(2, c2), text("plain")}));
  ASSERT_EQ(o.t.messages.size(), 3u);
  EXPECT_TRUE(o.t.messages[0].compressed);
  EXPECT_EQ(o.t.messages[0].length, first.size());
  EXPECT_EQ(o.t.messages[0].digest, digest_of(first));
  EXPECT_TRUE(o.t.messages[0].valid_utf8);
  EXPECT_TRUE(o.t.messages[1].compressed);
  EXPECT_EQ(o.t.messages[1].opcode, 2);
  EXPECT_EQ(o.t.messages[1].length, second.size());
  EXPECT_EQ(o.t.messages[1].digest, digest_of(second));
  // RFC 7692 §6: a message without RSV1 is uncompressed, and taken as it is.
  EXPECT_FALSE(o.t.messages[2].compressed);
  EXPECT_EQ(o.t.messages[2].digest, digest_of(to_bytes("plain")));
  EXPECT_TRUE(o.t.violations.empty());
  EXPECT_EQ(o.t.pings, 1u);
}

TEST(ObserverDeflate, TheSameFactsWhereverTheInputIsSplit) {
  ref::deflater d(15, false);
  const bytes message = to_bytes("Hello, Hello, Hello!");
  const bytes c = deflate(d, message);
  const auto wire = from_server({compressed(1, c), compressed(1, deflate(d, message))});
  for (std::size_t cut = 1; cut < wire.size(); ++cut) {
    observed o;
    o.obs.agree(agreed());
    o.feed({wire.begin(), wire.begin() + static_cast<std::ptrdiff_t>(cut)});
    o.feed({wire.begin() + static_cast<std::ptrdiff_t>(cut), wire.end()});
    ASSERT_EQ(o.t.messages.size(), 2u) << cut;
    EXPECT_EQ(o.t.messages[0].digest, digest_of(message)) << cut;
    EXPECT_EQ(o.t.messages[1].digest, digest_of(message)) << cut;
    EXPECT_TRUE(o.t.violations.empty()) << cut;
  }
}

TEST(ObserverDeflate, InvalidUtf8InsideAValidStreamIsFlagged) {
  // RFC 7692 §6.1: "At the receiver, the payload data portion after decompression is subject to
  // the constraints for the original data type again" (RFC 6455 §8.1: text is UTF-8).
  ref::deflater d(15, false);
  {
    observed o;
    o.obs.agree(agreed());
    o.feed(from_server({compressed(1, deflate(d, {0x48, 0xff, 0x48}))}));
    EXPECT_TRUE(has_violation(o.t, ref::error::invalid_utf8));
    EXPECT_FALSE(has_violation(o.t, ref::error::inflate_failed));
    ASSERT_EQ(o.t.messages.size(), 1u);
    EXPECT_FALSE(o.t.messages[0].valid_utf8);
  }
  {
    // Ending inside a character.
    observed o;
    o.obs.agree(agreed());
    o.feed(from_server({compressed(1, deflate(d, {0x48, 0xce}))}));
    EXPECT_TRUE(has_violation(o.t, ref::error::invalid_utf8));
  }
  {
    // The compressed bytes themselves are not UTF-8; only the inflated ones count (§6.1).
    observed o;
    o.obs.agree(agreed());
    const bytes c = deflate(d, to_bytes("caf\xc3\xa9 \xe2\x82\xac"));
    o.feed(from_server({compressed(1, c)}));
    EXPECT_TRUE(o.t.violations.empty());
    ASSERT_EQ(o.t.messages.size(), 1u);
    EXPECT_TRUE(o.t.messages[0].valid_utf8);
  }
}

TEST(ObserverDeflate, ACorruptStreamIsFlagged) {
  for (const bytes& corrupt : {bytes{0xff, 0xff, 0xff}, bytes{0xf2, 0x48}, bytes{0x07}}) {
    observed o;
    o.obs.agree(agreed());
    o.feed(from_server({compressed(2, corrupt), ping("still read")}));
    EXPECT_TRUE(has_violation(o.t, ref::error::inflate_failed));
    EXPECT_EQ(o.t.pings, 1u);
    EXPECT_FALSE(o.obs.stopped());
  }
}

TEST(ObserverDeflate, AMessageOverTheLimitOnceInflatedIsFlaggedWithoutAllocatingPastIt) {
  // RFC 6455 §10.4 / RFC 7692 §8: 64 MiB of zeros compress to about 64 KiB, well under the
  // frame limit; inflated, they pass the observer's message limit of 1 MiB.
  constexpr std::uint64_t limit = 1 << 20;
  ref::deflater d(15, false, 9);
  const bytes bomb = deflate(d, bytes(std::size_t{64} << 20, 0));
  ASSERT_LT(bomb.size(), limit);
  auto wire = from_server({compressed(2, bomb)});
  observed o(limit);
  o.obs.agree(agreed());
  largest_allocation = 0;
  tracking_allocations = true;
  o.obs.feed(wire, micros(10));
  tracking_allocations = false;
  EXPECT_TRUE(has_violation(o.t, ref::error::decompressed_too_big));
  ASSERT_EQ(o.t.messages.size(), 1u);
  EXPECT_LE(o.t.messages[0].length, limit);
  // The inflated bytes are held up to the limit, plus at most one 32 KiB round of zlib output.
  EXPECT_LE(largest_allocation.load(), limit + (32 << 10));
}

TEST(ObserverDeflate, Rsv1WithoutAgreementIsAReservedBit) {
  // RFC 6455 §5.2: "RSV1, RSV2, RSV3: ... MUST be 0 unless an extension is negotiated that
  // defines meanings for non-zero values."
  ref::deflater d(15, false);
  observed o;
  o.feed(from_server({compressed(1, deflate(d, to_bytes("Hello")))}));
  EXPECT_TRUE(has_violation(o.t, ref::error::reserved_bits));
  // Not inflated: the payload is taken as it is.
  ASSERT_EQ(o.t.messages.size(), 1u);
  EXPECT_FALSE(o.t.messages[0].compressed);
}

TEST(ObserverDeflate, Rsv1OnAContinuationOrControlFrameIsFlagged) {
  // RFC 7692 §6.1: "An endpoint MUST NOT set the "Per-Message Compressed" bit of control frames
  // and non-first fragments of a data message."
  ref::deflater d(15, false);
  const bytes c = deflate(d, to_bytes("Hello, fragments"));
  {
    observed o;
    o.obs.agree(agreed());
    wire_frame second = compressed(0, bytes(c.begin() + 3, c.end()));
    second.rsv1 = true;
    o.feed(from_server({compressed(1, bytes(c.begin(), c.begin() + 3), false), second}));
    EXPECT_TRUE(has_violation(o.t, ref::error::rsv1_on_continuation));
    EXPECT_FALSE(has_violation(o.t, ref::error::reserved_bits));
  }
  {
    observed o;
    o.obs.agree(agreed());
    wire_frame p = ping("compressed?");
    p.rsv1 = true;
    o.feed(from_server({p}));
    EXPECT_TRUE(has_violation(o.t, ref::error::rsv1_on_control));
    EXPECT_FALSE(has_violation(o.t, ref::error::reserved_bits));
  }
}

TEST(ObserverDeflate, NoContextTakeoverAgreedAndABackReferenceToThePreviousMessage) {
  // RFC 7692 §7.2.1: with server_no_context_takeover agreed the server "MUST start compressing
  // each new message with an empty LZ77 sliding window"; this target keeps its window.
  const bytes m = random_bytes(300, 1);
  ref::deflater keeps(15, false);
  const bytes c1 = deflate(keeps, m);
  const bytes c2 = deflate(keeps, m);
  {
    observed o;
    o.obs.agree(agreed(true));
    o.feed(from_server({compressed(2, c1), compressed(2, c2)}));
    EXPECT_TRUE(has_violation(o.t, ref::error::inflate_failed));
    ASSERT_FALSE(o.t.messages.empty());
    EXPECT_EQ(o.t.messages[0].digest, digest_of(m));
  }
  {
    // Control: without server_no_context_takeover the same bytes are fine.
    observed o;
    o.obs.agree(agreed(false));
    o.feed(from_server({compressed(2, c1), compressed(2, c2)}));
    EXPECT_TRUE(o.t.violations.empty());
    ASSERT_EQ(o.t.messages.size(), 2u);
    EXPECT_EQ(o.t.messages[1].digest, digest_of(m));
  }
}

TEST(ObserverDeflate, ASmallWindowAgreedAndAFarReference) {
  // RFC 7692 §7.2.1: with server_max_window_bits=9 agreed the server "MUST NOT use an LZ77
  // sliding window longer than" 512 bytes; this target compresses with 15 bits and refers 2000
  // bytes back.
  bytes m = random_bytes(2000, 2);
  m.insert(m.end(), m.begin(), m.begin() + 300);
  ref::deflater d(15, false, 9);
  const bytes c = deflate(d, m);
  ASSERT_LT(c.size(), 2100u) << "no back-reference";
  {
    observed o;
    o.obs.agree(agreed(false, 9));
    o.feed(from_server({compressed(2, c)}));
    EXPECT_TRUE(has_violation(o.t, ref::error::inflate_failed));
  }
  {
    observed o;
    o.obs.agree(agreed(false, 15));
    o.feed(from_server({compressed(2, c)}));
    EXPECT_TRUE(o.t.violations.empty());
    ASSERT_EQ(o.t.messages.size(), 1u);
    EXPECT_EQ(o.t.messages[0].digest, digest_of(m));
  }
}

}  // namespace
}  // namespace wsspec::harness
