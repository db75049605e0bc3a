#include "wsspec/harness/minimise.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "wsspec/harness/catalogue.hpp"

namespace wsspec::harness::fuzzing {
namespace {

case_def stimulus() {
  case_def c;
  c.id = "rfc6455/5.2/stimulus";
  auto long_text = text("0123456789abcdef");
  long_text.declared_length = 12;
  c.steps.push_back(send_frames{{long_text, ping("p")}, 3, std::chrono::milliseconds(2)});
  c.steps.push_back(pause_step{std::chrono::milliseconds(5)});
  c.steps.push_back(send_raw{payload_spec::bytes({1, 2, 3, 4}), 1, {}});
  close_step cl;
  cl.code = 1000;
  cl.reason = "reason";
  cl.then = {text("after")};
  c.steps.push_back(cl);
  c.handshake.raw_request = "GET {target} HTTP/1.1\nHost: {host}\n\n";
  c.handshake.extra_headers = {{"X-A", "1"}};
  c.handshake.omit_headers = {"Origin"};
  return c;
}

TEST(Minimise, EveryReductionIsSmaller) {
  const auto c = stimulus();
  const auto all = reductions(c);
  ASSERT_FALSE(all.empty());
  for (const auto& r : all) EXPECT_LT(stimulus_size(r), stimulus_size(c));
}

TEST(Minimise, RepeatedReductionEndsWithNothingLeft) {
  case_def c = stimulus();
  std::size_t rounds = 0;
  for (auto next = reductions(c); !next.empty(); next = reductions(c)) {
    c = next.front();
    ASSERT_LT(++rounds, 10000u);
  }
  EXPECT_TRUE(c.steps.empty());
  EXPECT_FALSE(c.handshake.raw_request);
  EXPECT_TRUE(c.handshake.extra_headers.empty());
  EXPECT_TRUE(c.handshake.omit_headers.empty());
  EXPECT_EQ(stimulus_size(c), 0u);
}

TEST(Minimise, EachKindOfReductionIsOffered) {
  const auto c = stimulus();
  const auto all = reductions(c);
  const auto any = [&](auto&& pred) { return std::any_of(all.begin(), all.end(), pred); };
  EXPECT_TRUE(any([](const case_def& r) { return r.steps.size() == 3; }));  // a step left out
  EXPECT_TRUE(any([](const case_def& r) {
    const auto* f = std::get_if<send_frames>(&r.steps[0]);
    return f && f->frames.size() == 1;  // a frame left out
  }));
  EXPECT_TRUE(any([](const case_def& r) {
    const auto* f = std::get_if<send_frames>(&r.steps[0]);
    return f && f->chop == 0 && f->pause.count() == 0;  // one write
  }));
  EXPECT_TRUE(any([](const case_def& r) {
    const auto* f = std::get_if<send_frames>(&r.steps[0]);
    // Halved to 8 bytes, the declared length of 12 is no longer shorter: it goes.
    return f && f->frames[0].payload.length == 8 && !f->frames[0].declared_length;
  }));
  EXPECT_TRUE(any([](const case_def& r) {
    const auto* p = std::get_if<pause_step>(&r.steps[1]);
    return p && p->duration.count() == 0;
  }));
  EXPECT_TRUE(any([](const case_def& r) {
    const auto* raw = std::get_if<send_raw>(&r.steps[2]);
    return raw && raw->bytes.length == 2;
  }));
  EXPECT_TRUE(any([](const case_def& r) {
    const auto* cl = std::get_if<close_step>(&r.steps[3]);
    return cl && cl->reason == "rea";
  }));
  EXPECT_TRUE(any([](const case_def& r) {
    const auto* cl = std::get_if<close_step>(&r.steps[3]);
    return cl && cl->then.empty();
  }));
  EXPECT_TRUE(any([](const case_def& r) { return !r.handshake.raw_request; }));
  EXPECT_TRUE(any([](const case_def& r) { return r.handshake.extra_headers.empty(); }));
  EXPECT_TRUE(any([](const case_def& r) { return r.handshake.omit_headers.empty(); }));
}

TEST(Minimise, ARepeatedPatternIsCutWithoutMaterialising) {
  case_def c;
  c.steps.push_back(send_frames{{frame(2, payload_spec::repeat("ab", 1000))}});
  const auto all = reductions(c);
  const auto it = std::find_if(all.begin(), all.end(), [](const case_def& r) {
    const auto* f = r.steps.empty() ? nullptr : std::get_if<send_frames>(&r.steps[0]);
    return f && !f->frames.empty() && f->frames[0].payload.length == 500;
  });
  ASSERT_NE(it, all.end());
  EXPECT_EQ(std::get<send_frames>(it->steps[0]).frames[0].payload.pattern.size(), 2u);
}

}  // namespace
}  // namespace wsspec::harness::fuzzing
