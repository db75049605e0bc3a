// inflate_fuzz: the permessage-deflate decompressor (RFC 7692 §7.2.2) with a small size limit
// (RFC 7692 §8.1, RFC 6455 §10.4).
//
// Input: [window bits][flags][limit: 2][message count][message lengths: 2 each][split plan]
//        [bytes].
// Window bits are 8-15; flags bit 0: no_context_takeover; bit 1: the messages are plain text,
// compressed here first. The bytes are cut into 1-3 messages (the last takes the rest), each fed
// in the plan's chunks, its last chunk marked last.
//
// Oracle: a message's output never exceeds the limit, and message_size() counts it; the only
// errors are inflate_failed and decompressed_too_big; after an error every call returns it again
// and adds nothing. Fed whole instead, each message gives the same output and the same result.
// Compressed here first, every message comes back exactly when it fits the limit, and fails with
// decompressed_too_big exactly when it does not.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "fuzz_support.hpp"
#include "wsspec/reference/permessage_deflate.hpp"

namespace {

using namespace wsspec;
using ref::error;

struct message_result {
  std::vector<std::uint8_t> out;
  std::optional<error> err;
  bool operator==(const message_result&) const = default;
};

message_result inflate_message(ref::inflater& inf, std::span<const std::uint8_t> message,
                               const fuzz::split_plan& plan, std::uint64_t limit,
                               std::optional<error> earlier) {
  message_result r;
  auto chunks = plan.cut(message);
  if (chunks.empty()) chunks.push_back({});
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    const std::size_t before = r.out.size();
    const auto e = inf.decompress(chunks[i], i + 1 == chunks.size(), r.out);
    WSSPEC_FUZZ_CHECK(r.out.size() <= limit);
    if (!earlier) WSSPEC_FUZZ_CHECK(inf.message_size() == r.out.size());
    if (earlier || r.err) {
      // A failed inflater repeats its error and produces nothing more.
      WSSPEC_FUZZ_CHECK(e == (earlier ? earlier : r.err));
      WSSPEC_FUZZ_CHECK(r.out.size() == before);
      continue;
    }
    if (e) {
      WSSPEC_FUZZ_CHECK(*e == error::inflate_failed || *e == error::decompressed_too_big);
      r.err = e;
    }
  }
  if (earlier) r.err = earlier;
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::byte_reader in(data, size);
  const int bits = 8 + in.byte() % 8;
  const std::uint8_t flags = in.byte();
  const bool reset = (flags & 1) != 0;
  const bool compress_first = (flags & 2) != 0;
  const std::uint64_t limit = in.u16() % 4097;
  const std::size_t count = 1 + in.byte() % 3;
  std::vector<std::size_t> lengths;
  for (std::size_t i = 0; i + 1 < count; ++i) lengths.push_back(in.u16());
  const auto plan = fuzz::split_plan::read(in);
  auto bytes = in.rest();

  std::vector<std::vector<std::uint8_t>> messages;
  for (const std::size_t n : lengths) {
    const auto m = bytes.first(std::min(n, bytes.size()));
    messages.emplace_back(m.begin(), m.end());
    bytes = bytes.subspan(m.size());
  }
  messages.emplace_back(bytes.begin(), bytes.end());

  std::vector<std::vector<std::uint8_t>> plain;
  if (compress_first) {
    ref::deflater d(bits, reset);
    for (auto& m : messages) {
      std::vector<std::uint8_t> z;
      d.compress(m, z);
      plain.push_back(std::move(m));
      m = std::move(z);
    }
  }

  ref::inflater split_inf(bits, reset, limit);
  ref::inflater whole_inf(bits, reset, limit);
  const fuzz::split_plan whole_plan{};
  std::optional<error> split_err;
  std::optional<error> whole_err;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const message_result split = inflate_message(split_inf, messages[i], plan, limit, split_err);
    const message_result whole =
        inflate_message(whole_inf, messages[i], whole_plan, limit, whole_err);
    WSSPEC_FUZZ_CHECK(split == whole);
    if (compress_first && !split_err) {
      if (split.err) {
        WSSPEC_FUZZ_CHECK(*split.err == error::decompressed_too_big);
        WSSPEC_FUZZ_CHECK(plain[i].size() > limit);
      } else {
        WSSPEC_FUZZ_CHECK(plain[i].size() <= limit);
        WSSPEC_FUZZ_CHECK(split.out == plain[i]);
      }
    }
    split_err = split.err;
    whole_err = whole.err;
  }
  return 0;
}
