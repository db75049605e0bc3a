// The observer reads the target's bytes into transcript facts without I/O: each test feeds
// frames encoded as a target would send them and checks what was recorded and handed back.
#include "wsspec/harness/observer.hpp"

#include <gtest/gtest.h>

#include "wsspec/harness/catalogue.hpp"
#include "wsspec/harness/wire_frame.hpp"

namespace wsspec::harness {
namespace {

// Bytes a server sends (unmasked unless the frame says otherwise).
std::vector<std::uint8_t> from_server(std::vector<wire_frame> frames) {
  std::vector<std::uint8_t> out;
  for (const auto& f : frames) encode_wire_frame(f, ref::role::server, {1, 2, 3, 4}, out);
  return out;
}

struct observed {
  transcript t;
  recorder rec{t};
  observer obs{rec, ref::role::client, 1 << 20};
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

}  // namespace
}  // namespace wsspec::harness
