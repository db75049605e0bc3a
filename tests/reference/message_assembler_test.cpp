#include "wsspec/reference/message_assembler.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "wsspec/reference/permessage_deflate.hpp"

namespace wsspec::ref {
namespace {

using bytes = std::vector<std::uint8_t>;

bytes to_bytes(std::string_view s) {
  return bytes(s.begin(), s.end());
}

frame_header header(opcode op, bool fin, std::uint64_t length, bool rsv1 = false) {
  frame_header h;
  h.fin = fin;
  h.rsv1 = rsv1;
  h.opcode = static_cast<std::uint8_t>(op);
  h.length = length;
  h.length_bytes = minimal_length_bytes(length);
  return h;
}

// Feeds one whole frame: its header, then its payload in pieces of `piece` bytes (0: one piece).
// A frame with no payload still gets one empty, complete piece, as the frame decoder delivers it.
// Returns the first error.
std::optional<error> feed(message_assembler& a, opcode op, bool fin, const bytes& payload,
                          bool rsv1 = false, std::size_t piece = 0) {
  if (auto e = a.on_header(header(op, fin, payload.size(), rsv1))) return e;
  if (payload.empty()) return a.on_payload({}, true);
  const std::size_t step = piece == 0 ? payload.size() : piece;
  for (std::size_t at = 0; at < payload.size(); at += step) {
    const std::size_t n = std::min(step, payload.size() - at);
    const bool last = at + n == payload.size();
    if (auto e = a.on_payload(std::span<const std::uint8_t>(payload).subspan(at, n), last))
      return e;
  }
  return std::nullopt;
}

bytes compress(deflater& d, const bytes& message) {
  bytes out;
  d.compress(message, out);
  return out;
}

// RFC 7692 §7.2.3.1: "Hello" compressed in one DEFLATE block, tail removed.
const bytes hello_compressed{0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00};

// ---------------------------------------------------------------------------------------------
// Whole and fragmented messages (RFC 6455 §5.4, §5.6)

TEST(MessageAssembler, SingleFrameTextMessage) {
  message_assembler a;
  ASSERT_EQ(a.on_header(header(opcode::text, true, 5)), std::nullopt);
  EXPECT_EQ(a.ready(), assembled::nothing);
  EXPECT_TRUE(a.in_message());
  ASSERT_EQ(a.on_payload(to_bytes("hel"), false), std::nullopt);
  EXPECT_EQ(a.ready(), assembled::nothing);
  ASSERT_EQ(a.on_payload(to_bytes("lo"), true), std::nullopt);
  EXPECT_EQ(a.ready(), assembled::message);
  EXPECT_EQ(a.message_opcode(), opcode::text);
  EXPECT_EQ(a.message(), to_bytes("hello"));
  EXPECT_FALSE(a.in_message());
}

TEST(MessageAssembler, BinaryIsNotValidatedAsUtf8) {
  message_assembler a;
  const bytes payload{0xff, 0xfe, 0xc0, 0x80, 0xed, 0xa0, 0x80};
  ASSERT_EQ(feed(a, opcode::binary, true, payload), std::nullopt);
  EXPECT_EQ(a.ready(), assembled::message);
  EXPECT_EQ(a.message_opcode(), opcode::binary);
  EXPECT_EQ(a.message(), payload);
}

// RFC 6455 §5.4: a fragmented message is a first frame with FIN clear and the message's opcode,
// then continuation frames, the last with FIN set; the message is their payloads concatenated.
TEST(MessageAssembler, FragmentsAreConcatenatedInOrder) {
  for (const opcode op : {opcode::text, opcode::binary}) {
    message_assembler a;
    ASSERT_EQ(feed(a, op, false, to_bytes("ab")), std::nullopt);
    EXPECT_EQ(a.ready(), assembled::nothing);
    EXPECT_TRUE(a.in_message());
    ASSERT_EQ(feed(a, opcode::continuation, false, to_bytes("cd")), std::nullopt);
    EXPECT_EQ(a.ready(), assembled::nothing);
    ASSERT_EQ(feed(a, opcode::continuation, false, {}), std::nullopt);
    EXPECT_EQ(a.ready(), assembled::nothing);
    ASSERT_EQ(feed(a, opcode::continuation, true, to_bytes("ef")), std::nullopt);
    EXPECT_EQ(a.ready(), assembled::message);
    EXPECT_EQ(a.message_opcode(), op);
    EXPECT_EQ(a.message(), to_bytes("abcdef"));
    EXPECT_FALSE(a.in_message());
  }
}

TEST(MessageAssembler, ConsecutiveMessagesDoNotShareBytes) {
  message_assembler a;
  ASSERT_EQ(feed(a, opcode::text, true, to_bytes("first")), std::nullopt);
  const bytes taken = std::move(a.message());
  EXPECT_EQ(taken, to_bytes("first"));
  ASSERT_EQ(feed(a, opcode::binary, false, to_bytes("se")), std::nullopt);
  ASSERT_EQ(feed(a, opcode::continuation, true, to_bytes("cond")), std::nullopt);
  EXPECT_EQ(a.message_opcode(), opcode::binary);
  EXPECT_EQ(a.message(), to_bytes("second"));
}

TEST(MessageAssembler, EmptyMessages) {
  for (const opcode op : {opcode::text, opcode::binary}) {
    message_assembler a;
    ASSERT_EQ(feed(a, op, true, {}), std::nullopt);
    EXPECT_EQ(a.ready(), assembled::message);
    EXPECT_EQ(a.message_opcode(), op);
    EXPECT_TRUE(a.message().empty());
    // A fragmented message whose every frame is empty is an empty message too.
    ASSERT_EQ(feed(a, op, false, {}), std::nullopt);
    EXPECT_EQ(a.ready(), assembled::nothing);
    ASSERT_EQ(feed(a, opcode::continuation, false, {}), std::nullopt);
    ASSERT_EQ(feed(a, opcode::continuation, true, {}), std::nullopt);
    EXPECT_EQ(a.ready(), assembled::message);
    EXPECT_TRUE(a.message().empty());
  }
}

// A message arriving in many pieces ends in a buffer of exactly the size its frame declares: the
// buffer never grows one step past it, a step that would hold the message twice while copying.
TEST(MessageAssembler, OneFrameMessageEndsInABufferOfItsSize) {
  for (const std::size_t size :
       {std::size_t{3} << 20, (std::size_t{5} << 20) + 12345, std::size_t{16} << 20}) {
    SCOPED_TRACE(size);
    bytes payload(size);
    for (std::size_t i = 0; i < size; ++i) payload[i] = static_cast<std::uint8_t>(i * 7 + i / 977);
    message_assembler a;
    // Pieces as a 64 KiB read leaves them after a frame header.
    ASSERT_EQ(feed(a, opcode::binary, true, payload, false, 65536 - 14), std::nullopt);
    ASSERT_EQ(a.ready(), assembled::message);
    EXPECT_EQ(a.message(), payload);
    EXPECT_EQ(a.message().capacity(), size);
  }
}

// A declared length is only a claim: room grows with the bytes that arrived, not with the claim.
TEST(MessageAssembler, RoomFollowsWhatArrivedNotTheDeclaredLength) {
  message_assembler a;
  ASSERT_EQ(a.on_header(header(opcode::binary, true, std::uint64_t{1} << 30)), std::nullopt);
  const bytes piece(10000, 0x5a);
  std::size_t arrived = 0;
  while (arrived < (std::size_t{3} << 20)) {
    ASSERT_EQ(a.on_payload(piece, false), std::nullopt);
    arrived += piece.size();
    EXPECT_LE(a.message().capacity(), std::max(2 * arrived, std::size_t{1} << 20)) << arrived;
  }
  EXPECT_EQ(a.message().size(), arrived);
}

// RFC 6455 §5.4: a continuation frame continues a message that was started.
TEST(MessageAssembler, ContinuationWithoutAMessageIsUnexpected) {
  for (const bool fin : {true, false}) {
    message_assembler a;
    EXPECT_EQ(a.on_header(header(opcode::continuation, fin, 1)), error::unexpected_continuation);
  }
}

TEST(MessageAssembler, ContinuationAfterTheLastFragmentIsUnexpected) {
  message_assembler a;
  ASSERT_EQ(feed(a, opcode::text, false, to_bytes("a")), std::nullopt);
  ASSERT_EQ(feed(a, opcode::continuation, true, to_bytes("b")), std::nullopt);
  EXPECT_EQ(a.on_header(header(opcode::continuation, true, 1)), error::unexpected_continuation);
}

TEST(MessageAssembler, ContinuationAfterAWholeMessageIsUnexpected) {
  message_assembler a;
  ASSERT_EQ(feed(a, opcode::binary, true, to_bytes("whole")), std::nullopt);
  EXPECT_EQ(a.on_header(header(opcode::continuation, false, 0)), error::unexpected_continuation);
}

// RFC 6455 §5.4: the fragments of one message are not interleaved with those of another; a new
// text or binary frame while a message is open is an error, whatever its FIN bit.
TEST(MessageAssembler, NewDataFrameInsideAFragmentedMessageIsAnError) {
  for (const opcode first : {opcode::text, opcode::binary}) {
    for (const opcode second : {opcode::text, opcode::binary}) {
      for (const bool fin : {true, false}) {
        SCOPED_TRACE(testing::Message() << "first " << static_cast<int>(first) << " second "
                                        << static_cast<int>(second) << " fin " << fin);
        message_assembler a;
        ASSERT_EQ(feed(a, first, false, to_bytes("x")), std::nullopt);
        EXPECT_EQ(a.on_header(header(second, fin, 1)), error::expected_continuation);
      }
    }
  }
}

TEST(MessageAssembler, NewDataFrameAfterAContinuationIsAnError) {
  message_assembler a;
  ASSERT_EQ(feed(a, opcode::text, false, to_bytes("x")), std::nullopt);
  ASSERT_EQ(feed(a, opcode::continuation, false, to_bytes("y")), std::nullopt);
  EXPECT_EQ(a.on_header(header(opcode::binary, true, 0)), error::expected_continuation);
}

// RFC 6455 §5.4: control frames MAY be injected in the middle of a fragmented message; they do
// not end it nor change its bytes.
TEST(MessageAssembler, ControlFramesBetweenFragments) {
  for (const opcode control : {opcode::ping, opcode::pong, opcode::close}) {
    SCOPED_TRACE(static_cast<int>(control));
    message_assembler a;
    ASSERT_EQ(feed(a, opcode::text, false, to_bytes("ab")), std::nullopt);
    ASSERT_EQ(feed(a, control, true, to_bytes("ctl")), std::nullopt);
    EXPECT_EQ(a.ready(), assembled::control);
    EXPECT_EQ(a.control_opcode(), control);
    EXPECT_EQ(a.control_payload(), to_bytes("ctl"));
    EXPECT_TRUE(a.in_message());
    ASSERT_EQ(feed(a, opcode::continuation, false, to_bytes("cd")), std::nullopt);
    EXPECT_EQ(a.ready(), assembled::nothing);
    ASSERT_EQ(feed(a, control, true, {}), std::nullopt);
    EXPECT_EQ(a.ready(), assembled::control);
    EXPECT_TRUE(a.control_payload().empty());
    ASSERT_EQ(feed(a, opcode::continuation, true, to_bytes("ef")), std::nullopt);
    EXPECT_EQ(a.ready(), assembled::message);
    EXPECT_EQ(a.message_opcode(), opcode::text);
    EXPECT_EQ(a.message(), to_bytes("abcdef"));
  }
}

TEST(MessageAssembler, ControlFrameOutsideAMessage) {
  message_assembler a;
  ASSERT_EQ(a.on_header(header(opcode::ping, true, 4)), std::nullopt);
  ASSERT_EQ(a.on_payload(to_bytes("pi"), false), std::nullopt);
  EXPECT_EQ(a.ready(), assembled::nothing);
  ASSERT_EQ(a.on_payload(to_bytes("ng"), true), std::nullopt);
  EXPECT_EQ(a.ready(), assembled::control);
  EXPECT_EQ(a.control_opcode(), opcode::ping);
  EXPECT_EQ(a.control_payload(), to_bytes("ping"));
  EXPECT_FALSE(a.in_message());
  // The next header clears what the last frame finished.
  ASSERT_EQ(a.on_header(header(opcode::text, false, 1)), std::nullopt);
  EXPECT_EQ(a.ready(), assembled::nothing);
}

// A control frame does not count towards the size of the message it interrupts.
TEST(MessageAssembler, ControlFrameDoesNotCountTowardsTheMessageLimit) {
  assembler_config c;
  c.max_message_size = 4;
  message_assembler a(c);
  ASSERT_EQ(feed(a, opcode::binary, false, to_bytes("ab")), std::nullopt);
  ASSERT_EQ(feed(a, opcode::ping, true, bytes(100, 'p')), std::nullopt);
  ASSERT_EQ(feed(a, opcode::continuation, true, to_bytes("cd")), std::nullopt);
  EXPECT_EQ(a.message(), to_bytes("abcd"));
}

// ---------------------------------------------------------------------------------------------
// UTF-8 as it arrives (RFC 6455 §8.1, design principle 2)

struct utf8_row {
  std::string label;
  bytes payload;
  std::size_t first_bad;  // index of the first byte that cannot continue valid UTF-8
};

void PrintTo(const utf8_row& row, std::ostream* os) {
  *os << row.label;
}

std::vector<utf8_row> utf8_rows() {
  return {
      {"ByteFF", {'a', 'b', 0xff, 'c', 'd'}, 2},
      {"LoneContinuation", {'a', 0x80, 'b'}, 1},
      {"OverlongC0", {'a', 'b', 'c', 0xc0, 0x80, 'd'}, 3},
      {"OverlongThreeBytes", {'a', 0xe0, 0x80, 0x80, 'b'}, 2},
      {"Surrogate", {'a', 'b', 0xed, 0xa0, 0x80, 'c'}, 3},
      {"AboveU10FFFF", {'x', 0xf4, 0x90, 0x80, 0x80}, 2},
      {"LeadF5", {'x', 'y', 0xf5, 0x80, 0x80, 0x80}, 2},
      {"TruncatedThenAscii", {0xe2, 0x82, 'a', 'b'}, 2},
      {"AfterValidMultibyte", {0xe2, 0x82, 0xac, 0xce, 0xba, 0xff, 'z'}, 5},
  };
}

class Utf8FailFast : public testing::TestWithParam<utf8_row> {};

// RFC 6455 §8.1 and design principle 2: the error comes with the chunk holding the first byte
// that cannot lead to valid UTF-8, never earlier and not at the end of the message.
TEST_P(Utf8FailFast, ByteAtATimeInOneFrame) {
  const utf8_row& row = GetParam();
  message_assembler a;
  ASSERT_EQ(a.on_header(header(opcode::text, true, row.payload.size())), std::nullopt);
  for (std::size_t i = 0; i < row.payload.size(); ++i) {
    const auto e = a.on_payload(std::span<const std::uint8_t>(row.payload).subspan(i, 1),
                                i + 1 == row.payload.size());
    if (i < row.first_bad) {
      ASSERT_EQ(e, std::nullopt) << "byte " << i;
    } else {
      EXPECT_EQ(e, error::invalid_utf8) << "byte " << i;
      return;
    }
  }
  FAIL() << "the invalid byte was not reported";
}

// The same, with every byte in a frame of its own: a message that is still open (FIN clear on
// the frame with the bad byte) already fails.
TEST_P(Utf8FailFast, ByteAtATimeOneFramePerByte) {
  const utf8_row& row = GetParam();
  message_assembler a;
  for (std::size_t i = 0; i < row.payload.size(); ++i) {
    const opcode op = i == 0 ? opcode::text : opcode::continuation;
    const auto e = feed(a, op, i + 1 == row.payload.size(), bytes{row.payload[i]});
    if (i < row.first_bad) {
      ASSERT_EQ(e, std::nullopt) << "byte " << i;
    } else {
      EXPECT_EQ(e, error::invalid_utf8) << "byte " << i;
      return;
    }
  }
  FAIL() << "the invalid byte was not reported";
}

// Split in two chunks at every position: the first chunk fails exactly when it holds the bad byte.
TEST_P(Utf8FailFast, EveryTwoChunkSplit) {
  const utf8_row& row = GetParam();
  for (std::size_t cut = 1; cut < row.payload.size(); ++cut) {
    SCOPED_TRACE(cut);
    message_assembler a;
    ASSERT_EQ(a.on_header(header(opcode::text, true, row.payload.size())), std::nullopt);
    const std::span<const std::uint8_t> all(row.payload);
    const auto first = a.on_payload(all.first(cut), false);
    if (cut > row.first_bad) {
      EXPECT_EQ(first, error::invalid_utf8);
    } else {
      ASSERT_EQ(first, std::nullopt);
      EXPECT_EQ(a.on_payload(all.subspan(cut), true), error::invalid_utf8);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Table, Utf8FailFast, testing::ValuesIn(utf8_rows()),
                         [](const auto& p) { return p.param.label; });

// RFC 6455 §8.1: a text message is valid UTF-8 as a whole; a frame boundary may fall inside a
// code point (§5.4 fragments are arbitrary), the message's end may not.
TEST(MessageAssembler, FrameMayEndInsideACodePoint) {
  const bytes euro{0xe2, 0x82, 0xac};
  for (std::size_t cut = 1; cut < euro.size(); ++cut) {
    message_assembler a;
    ASSERT_EQ(feed(a, opcode::text, false, bytes(euro.begin(), euro.begin() + cut)), std::nullopt);
    ASSERT_EQ(feed(a, opcode::continuation, true, bytes(euro.begin() + cut, euro.end())),
              std::nullopt);
    EXPECT_EQ(a.message(), euro);
  }
}

TEST(MessageAssembler, FourByteCodePointAcrossFourFrames) {
  const bytes clef{0xf0, 0x9d, 0x84, 0x9e};  // U+1D11E
  message_assembler a;
  for (std::size_t i = 0; i < clef.size(); ++i) {
    ASSERT_EQ(
        feed(a, i == 0 ? opcode::text : opcode::continuation, i + 1 == clef.size(), bytes{clef[i]}),
        std::nullopt);
  }
  EXPECT_EQ(a.ready(), assembled::message);
  EXPECT_EQ(a.message(), clef);
}

TEST(MessageAssembler, TextMessageEndingInsideACodePointIsInvalid) {
  const std::vector<bytes> endings{{0xc3}, {0xe2}, {0xe2, 0x82}, {0xf0, 0x9d, 0x84}};
  for (const bytes& end : endings) {
    // One frame: no error before its last piece, then invalid_utf8.
    message_assembler a;
    bytes payload = to_bytes("ok");
    payload.insert(payload.end(), end.begin(), end.end());
    ASSERT_EQ(a.on_header(header(opcode::text, true, payload.size())), std::nullopt);
    const std::span<const std::uint8_t> all(payload);
    ASSERT_EQ(a.on_payload(all.first(payload.size() - 1), false), std::nullopt);
    EXPECT_EQ(a.on_payload(all.last(1), true), error::invalid_utf8);

    // Fragmented: the unfinished code point is fine until the frame with FIN arrives.
    message_assembler b;
    ASSERT_EQ(feed(b, opcode::text, false, payload), std::nullopt);
    ASSERT_EQ(feed(b, opcode::continuation, false, {}), std::nullopt);
    EXPECT_EQ(feed(b, opcode::continuation, true, {}), error::invalid_utf8);
  }
}

TEST(MessageAssembler, EachTextMessageIsValidatedOnItsOwn) {
  message_assembler a;
  // A binary message ending in a lead byte leaves nothing behind for the next text message.
  ASSERT_EQ(feed(a, opcode::binary, true, bytes{0xe2}), std::nullopt);
  ASSERT_EQ(feed(a, opcode::text, true, to_bytes("plain")), std::nullopt);
  EXPECT_EQ(a.message(), to_bytes("plain"));
}

TEST(MessageAssembler, Utf8ValidationCanBeTurnedOff) {
  assembler_config c;
  c.validate_utf8 = false;
  message_assembler a(c);
  const bytes bad{0xff, 0xe2};
  ASSERT_EQ(feed(a, opcode::text, true, bad), std::nullopt);
  EXPECT_EQ(a.message(), bad);
}

// ---------------------------------------------------------------------------------------------
// Size limit (RFC 6455 §10.4)

struct size_row {
  std::string label;
  std::uint64_t limit;
  std::vector<std::uint64_t> fragments;  // declared frame lengths, in order
  std::optional<std::size_t> fails_at;   // index of the header that is refused
};

void PrintTo(const size_row& row, std::ostream* os) {
  *os << row.label;
}

constexpr std::uint64_t u64_max = std::numeric_limits<std::uint64_t>::max();

std::vector<size_row> size_rows() {
  return {
      {"SingleFrameAtTheLimit", 100, {100}, std::nullopt},
      {"SingleFrameOverTheLimit", 100, {101}, 0},
      {"FragmentsSumToTheLimit", 100, {40, 0, 60}, std::nullopt},
      {"FragmentsSumOverTheLimit", 100, {60, 30, 11}, 2},
      {"SecondFragmentCrossesTheLimit", 100, {99, 2, 1}, 1},
      {"ZeroLimitAllowsEmpty", 0, {0, 0}, std::nullopt},
      {"ZeroLimitRefusesOneByte", 0, {0, 1}, 1},
      {"HugeDeclaredLength", 1 << 20, {std::uint64_t{1} << 62}, 0},
      // With no limit, a sum that wraps around 2^64 must not pass as a small message.
      {"SumWrapsAroundWithNoLimit", u64_max, {u64_max, 1}, 1},
      {"ThreeFragmentsWrapAround", u64_max, {(u64_max >> 1), (u64_max >> 1), 3}, 2},
      {"SumReachesTheMaximumExactly", u64_max, {u64_max - 5, 5}, std::nullopt},
  };
}

class MessageSizeLimit : public testing::TestWithParam<size_row> {};

// The limit is checked on each header, before any payload byte is held: a declared length is
// enough to refuse the message (design principle 9).
TEST_P(MessageSizeLimit, CheckedOnEachHeader) {
  const size_row& row = GetParam();
  assembler_config c;
  c.max_message_size = row.limit;
  message_assembler a(c);
  for (std::size_t i = 0; i < row.fragments.size(); ++i) {
    const opcode op = i == 0 ? opcode::binary : opcode::continuation;
    const bool fin = i + 1 == row.fragments.size();
    const auto e = a.on_header(header(op, fin, row.fragments[i]));
    if (row.fails_at && *row.fails_at == i) {
      EXPECT_EQ(e, error::message_too_big);
      return;
    }
    ASSERT_EQ(e, std::nullopt) << "fragment " << i;
    // Deliver small payloads so the message can complete; huge ones are only declared.
    if (row.fragments[i] <= 4096) {
      const bytes payload(row.fragments[i], 'x');
      ASSERT_EQ(a.on_payload(payload, true), std::nullopt);
    }
  }
  EXPECT_FALSE(row.fails_at.has_value()) << "the message was not refused";
}

INSTANTIATE_TEST_SUITE_P(Table, MessageSizeLimit, testing::ValuesIn(size_rows()),
                         [](const auto& p) { return p.param.label; });

TEST(MessageAssembler, LimitAppliesToEachMessageSeparately) {
  assembler_config c;
  c.max_message_size = 10;
  message_assembler a(c);
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(feed(a, opcode::binary, false, bytes(6, 'a')), std::nullopt);
    ASSERT_EQ(feed(a, opcode::continuation, true, bytes(4, 'b')), std::nullopt);
    EXPECT_EQ(a.message().size(), 10u);
  }
}

// ---------------------------------------------------------------------------------------------
// Compressed messages (RFC 7692 §6, §7.2)

TEST(CompressedMessage, Rfc7692HelloInOneFrame) {
  inflater inf(15, false);
  message_assembler a;
  a.set_inflater(&inf);
  ASSERT_EQ(feed(a, opcode::text, true, hello_compressed, true), std::nullopt);
  EXPECT_EQ(a.ready(), assembled::message);
  EXPECT_EQ(a.message_opcode(), opcode::text);
  EXPECT_EQ(a.message(), to_bytes("Hello"));
}

// RFC 7692 §7.2.3.1: the compressed data of one message split over two frames, RSV1 only on
// the first (§6.1).
TEST(CompressedMessage, Rfc7692HelloInTwoFrames) {
  inflater inf(15, false);
  message_assembler a;
  a.set_inflater(&inf);
  ASSERT_EQ(feed(a, opcode::text, false, bytes{0xf2, 0x48, 0xcd}, true), std::nullopt);
  EXPECT_EQ(a.ready(), assembled::nothing);
  ASSERT_EQ(feed(a, opcode::continuation, true, bytes{0xc9, 0xc9, 0x07, 0x00}), std::nullopt);
  EXPECT_EQ(a.ready(), assembled::message);
  EXPECT_EQ(a.message(), to_bytes("Hello"));
}

TEST(CompressedMessage, SplitAtEveryPositionAndByteAtATime) {
  deflater d(15, false);
  std::string text;
  for (int i = 0; i < 200; ++i) text += "caf\xc3\xa9 \xe2\x82\xac " + std::to_string(i) + "; ";
  const bytes original = to_bytes(text);
  const bytes wire = compress(d, original);
  ASSERT_LT(wire.size(), original.size());
  for (std::size_t cut = 0; cut <= wire.size(); cut += (cut < 40 ? 1 : 37)) {
    SCOPED_TRACE(cut);
    inflater inf(15, false);
    message_assembler a;
    a.set_inflater(&inf);
    ASSERT_EQ(feed(a, opcode::text, false, bytes(wire.begin(), wire.begin() + cut), true),
              std::nullopt);
    ASSERT_EQ(feed(a, opcode::continuation, true, bytes(wire.begin() + cut, wire.end())),
              std::nullopt);
    ASSERT_EQ(a.ready(), assembled::message);
    EXPECT_EQ(a.message(), original);
  }
  inflater inf(15, false);
  message_assembler a;
  a.set_inflater(&inf);
  ASSERT_EQ(feed(a, opcode::text, true, wire, true, 1), std::nullopt);
  EXPECT_EQ(a.message(), original);
}

// A decompressed message larger than the first 256 KiB block is kept in blocks and joined when
// it ends: the same bytes, whatever the frames and pieces; text is checked as UTF-8 as it is
// decompressed, also inside a later block; a message after a large one starts afresh.
TEST(CompressedMessage, LargeMessageKeptInBlocksIsTheSame) {
  std::string text;
  for (int i = 0; text.size() < 1'200'000; ++i)
    text += "caf\xc3\xa9 \xe2\x82\xac " + std::to_string(i * 7919 % 100003) + "; ";
  const bytes original = to_bytes(text);
  bytes scrambled(700'000);
  std::uint32_t seed = 5;
  for (auto& b : scrambled) {
    seed = seed * 1103515245u + 12345u;
    b = static_cast<std::uint8_t>(seed >> 16);
  }
  for (const std::size_t piece : {std::size_t{0}, std::size_t{1000}, std::size_t{65536}}) {
    SCOPED_TRACE(piece);
    deflater d(15, false);
    inflater inf(15, false);
    message_assembler a;
    a.set_inflater(&inf);
    for (const bytes* m : std::initializer_list<const bytes*>{&original, &scrambled, &original}) {
      const opcode op = m == &original ? opcode::text : opcode::binary;
      const bytes wire = compress(d, *m);
      const std::size_t half = wire.size() / 2;
      ASSERT_EQ(feed(a, op, false, bytes(wire.begin(), wire.begin() + half), true, piece),
                std::nullopt);
      ASSERT_EQ(
          feed(a, opcode::continuation, true, bytes(wire.begin() + half, wire.end()), false, piece),
          std::nullopt);
      ASSERT_EQ(a.ready(), assembled::message);
      EXPECT_EQ(a.message_opcode(), op);
      EXPECT_EQ(a.message(), *m);
      EXPECT_EQ(inf.message_size(), m->size());
    }
  }
  // RFC 6455 §8.1: a byte that is not UTF-8 a megabyte into a compressed text message fails it.
  bytes bad = original;
  bad[1'100'000] = 0xff;
  deflater d(15, false);
  inflater inf(15, false);
  message_assembler a;
  a.set_inflater(&inf);
  EXPECT_EQ(feed(a, opcode::text, true, compress(d, bad), true, 4096), error::invalid_utf8);
}

// A buffer handed back holds the next message when it is larger than the assembler's own and
// no message is being assembled; a smaller one, or one handed back mid-message, is dropped.
TEST(MessageAssembler, RecycledBufferHoldsTheNextMessage) {
  message_assembler a;
  bytes big;
  big.reserve(100000);
  const std::uint8_t* const where = big.data();
  a.recycle(std::move(big));
  ASSERT_EQ(feed(a, opcode::binary, true, bytes(50000, 7)), std::nullopt);
  EXPECT_EQ(a.message().data(), where);
  EXPECT_EQ(a.message(), bytes(50000, 7));
  bytes taken = std::move(a.message());
  bytes small;
  small.reserve(10);
  a.recycle(std::move(small));
  ASSERT_EQ(a.on_header(header(opcode::text, false, 3)), std::nullopt);
  a.recycle(std::move(taken));
  ASSERT_EQ(a.on_payload(to_bytes("abc"), true), std::nullopt);
  ASSERT_EQ(feed(a, opcode::continuation, true, to_bytes("def")), std::nullopt);
  EXPECT_EQ(a.message(), to_bytes("abcdef"));
  EXPECT_NE(a.message().data(), where);
}

// RFC 7692 §6: a message whose first frame has RSV1 clear is not compressed, even with the
// extension agreed.
TEST(CompressedMessage, MessageWithoutRsv1IsNotDecompressed) {
  inflater inf(15, false);
  message_assembler a;
  a.set_inflater(&inf);
  ASSERT_EQ(feed(a, opcode::binary, true, hello_compressed, false), std::nullopt);
  EXPECT_EQ(a.message(), hello_compressed);
  // And the next compressed message still decodes: the uncompressed one did not touch the window.
  ASSERT_EQ(feed(a, opcode::text, true, hello_compressed, true), std::nullopt);
  EXPECT_EQ(a.message(), to_bytes("Hello"));
}

// RFC 7692 §7.2.3.2: with context takeover the second message may refer to the first.
TEST(CompressedMessage, SeveralMessagesShareTheWindow) {
  deflater d(15, false);
  inflater inf(15, false);
  message_assembler a;
  a.set_inflater(&inf);
  const bytes m = to_bytes("a message that repeats, a message that repeats");
  for (int i = 0; i < 3; ++i) {
    const bytes wire = compress(d, m);
    ASSERT_EQ(feed(a, opcode::text, true, wire, true), std::nullopt);
    EXPECT_EQ(a.message(), m) << "message " << i;
  }
}

TEST(CompressedMessage, ControlFrameBetweenCompressedFragments) {
  inflater inf(15, false);
  message_assembler a;
  a.set_inflater(&inf);
  ASSERT_EQ(feed(a, opcode::text, false, bytes{0xf2, 0x48, 0xcd}, true), std::nullopt);
  ASSERT_EQ(feed(a, opcode::ping, true, to_bytes("not deflate data")), std::nullopt);
  EXPECT_EQ(a.ready(), assembled::control);
  EXPECT_EQ(a.control_payload(), to_bytes("not deflate data"));
  ASSERT_EQ(feed(a, opcode::continuation, true, bytes{0xc9, 0xc9, 0x07, 0x00}), std::nullopt);
  EXPECT_EQ(a.message(), to_bytes("Hello"));
}

TEST(CompressedMessage, EmptyMessage) {
  deflater d(15, false);
  inflater inf(15, false);
  message_assembler a;
  a.set_inflater(&inf);
  const bytes wire = compress(d, {});
  ASSERT_EQ(feed(a, opcode::text, true, wire, true), std::nullopt);
  EXPECT_EQ(a.ready(), assembled::message);
  EXPECT_TRUE(a.message().empty());
  // RFC 7692 §7.2.3.6: an empty stored block, 0x00, carries no data.
  ASSERT_EQ(feed(a, opcode::binary, true, bytes{0x00}, true), std::nullopt);
  EXPECT_EQ(a.ready(), assembled::message);
  EXPECT_TRUE(a.message().empty());
  // Fragmented: an empty first frame with RSV1, the data in the continuation.
  ASSERT_EQ(feed(a, opcode::text, false, {}, true), std::nullopt);
  ASSERT_EQ(feed(a, opcode::continuation, true, hello_compressed), std::nullopt);
  EXPECT_EQ(a.message(), to_bytes("Hello"));
}

// RFC 6455 §8.1 applies to the decompressed text (RFC 7692 §6.2 decompresses before the text is
// interpreted).
TEST(CompressedMessage, DecompressedTextIsValidatedAsUtf8) {
  deflater d(15, false);
  inflater inf(15, false);
  message_assembler a;
  a.set_inflater(&inf);
  const bytes wire = compress(d, bytes{'o', 'k', 0xed, 0xa0, 0x80});
  EXPECT_EQ(feed(a, opcode::text, true, wire, true), error::invalid_utf8);
}

TEST(CompressedMessage, DecompressedTextEndingInsideACodePointIsInvalid) {
  deflater d(15, false);
  inflater inf(15, false);
  message_assembler a;
  a.set_inflater(&inf);
  const bytes wire = compress(d, bytes{'o', 'k', 0xe2, 0x82});
  EXPECT_EQ(feed(a, opcode::text, true, wire, true), error::invalid_utf8);
}

TEST(CompressedMessage, InvalidDecompressedTextFailsBeforeTheLastFrame) {
  deflater d(15, false);
  bytes original{0xff};
  for (int i = 0; i < 20000; ++i) original.push_back(static_cast<std::uint8_t>('a' + (i * 7) % 26));
  const bytes wire = compress(d, original);
  inflater inf(15, false);
  message_assembler a;
  a.set_inflater(&inf);
  const std::size_t half = wire.size() / 2;
  EXPECT_EQ(feed(a, opcode::text, false, bytes(wire.begin(), wire.begin() + half), true),
            error::invalid_utf8);
}

TEST(CompressedMessage, BinaryIsNotValidatedAfterDecompression) {
  deflater d(15, false);
  inflater inf(15, false);
  message_assembler a;
  a.set_inflater(&inf);
  const bytes original{0xff, 0xed, 0xa0, 0x80, 0xe2};
  ASSERT_EQ(feed(a, opcode::binary, true, compress(d, original), true), std::nullopt);
  EXPECT_EQ(a.message(), original);
}

// RFC 7692 §8.1: a small compressed payload may expand enormously; the decompressed size is
// bounded and the message refused once it is exceeded.
TEST(CompressedMessage, DecompressedSizeIsBounded) {
  deflater d(15, false);
  const bytes zeros(64 * 1024, 0);
  const bytes wire = compress(d, zeros);
  ASSERT_LT(wire.size(), 1000u);
  inflater inf(15, false, 1000);
  assembler_config c;
  c.max_message_size = 1000;
  message_assembler a(c);
  a.set_inflater(&inf);
  // The wire size is under the limit, so the header passes; the decompressed bytes do not.
  ASSERT_EQ(a.on_header(header(opcode::binary, true, wire.size(), true)), std::nullopt);
  EXPECT_EQ(a.on_payload(wire, true), error::decompressed_too_big);
  EXPECT_LE(a.message().size(), 1000u);
}

TEST(CompressedMessage, DecompressedSizeAtTheLimitIsAccepted) {
  deflater d(15, false);
  const bytes payload(1000, 'z');
  inflater inf(15, false, 1000);
  message_assembler a;
  a.set_inflater(&inf);
  ASSERT_EQ(feed(a, opcode::binary, true, compress(d, payload), true), std::nullopt);
  EXPECT_EQ(a.message(), payload);
}

// RFC 7692 §6.2: data that is not a valid DEFLATE stream fails the message.
TEST(CompressedMessage, CorruptDeflateData) {
  inflater inf(15, false);
  message_assembler a;
  a.set_inflater(&inf);
  // 0x07: BFINAL set, BTYPE 11, the reserved block type (RFC 1951 §3.2.3).
  EXPECT_EQ(feed(a, opcode::binary, true, bytes{0x07, 0x00, 0x00}, true), error::inflate_failed);
}

}  // namespace
}  // namespace wsspec::ref
