// The recorder bounds what a target can make wsspec keep.
#include "wsspec/harness/recorder.hpp"

#include <gtest/gtest.h>

namespace wsspec::harness {
namespace {

TEST(Recorder, BulkyEntriesStopAtTheCapWithOneNote) {
  transcript t;
  recorder_limits l;
  l.max_entries = 10;
  recorder rec(t, l);
  for (int i = 0; i < 100; ++i) rec.log(entry_kind::rx_frame, "frame", micros(i));
  EXPECT_EQ(t.entries.size(), 10u);
  EXPECT_EQ(t.entries.back().text, l.full_note);
  // Other kinds are still recorded, up to a tenth more.
  for (int i = 0; i < 100; ++i) rec.log(entry_kind::rx_close, "close", micros(i));
  EXPECT_EQ(t.entries.size(), 11u);
  EXPECT_EQ(t.entries.back().kind, entry_kind::rx_close);
  // Past the caps, log() hands out a scratch entry that is not kept.
  EXPECT_FALSE(rec.kept(rec.log(entry_kind::rx_frame, "more", micros(0))));
}

TEST(Recorder, BytesAreCappedPerEntryAndPerCase) {
  transcript t;
  recorder_limits l;
  l.entry_bytes = 4;
  l.total_bytes = 6;
  recorder rec(t, l);
  const std::vector<std::uint8_t> ten(10, 0xab);
  auto& a = rec.log(entry_kind::rx_bytes, "a", micros(0));
  rec.keep_bytes(a, ten);
  EXPECT_EQ(a.bytes.size(), 4u);
  EXPECT_EQ(a.size, 10u);
  auto& b = rec.log(entry_kind::rx_bytes, "b", micros(0));
  rec.keep_bytes(b, ten);
  EXPECT_EQ(b.bytes.size(), 2u);
}

TEST(Recorder, ViolationsAreCapped) {
  transcript t;
  recorder_limits l;
  l.max_violations = 3;
  recorder rec(t, l);
  for (int i = 0; i < 10; ++i) rec.violation(ref::error::reserved_bits, "", micros(i));
  for (int i = 0; i < 10; ++i) rec.listed_violation(ref::error::reserved_opcode, "");
  EXPECT_EQ(t.violations.size(), 3u);
}

TEST(Recorder, PerformanceCasesKeepOnlyTheStart) {
  const auto l = performance_limits();
  EXPECT_LT(l.max_entries, recorder_limits{}.max_entries);
  EXPECT_LT(l.total_bytes, recorder_limits{}.total_bytes);
}

}  // namespace
}  // namespace wsspec::harness
