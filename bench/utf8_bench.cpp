// UTF-8 validation throughput (RFC 6455 §8.1 requires validating every text message), at a
// small and a large message size, on ASCII and on text in 2-, 3- and 4-byte scripts.
#include <benchmark/benchmark.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "wsspec/reference/utf8_validator.hpp"

namespace {

// Repeats `sample` up to `size` bytes, cut back to a code point boundary so the text is valid.
std::string text_of(std::string_view sample, std::size_t size) {
  std::string out;
  out.reserve(size + sample.size());
  while (out.size() < size) out += sample;
  out.resize(size);
  while (!out.empty() && !wsspec::ref::is_valid_utf8(out)) out.pop_back();
  return out;
}

constexpr std::string_view ascii_sample =
    "The quick brown fox jumps over the lazy dog; {\"id\": 42, \"ok\": true}\n";
// Greek and Cyrillic: 2-byte code points with ASCII spaces.
constexpr std::string_view two_byte_sample =
    "\xCE\x9A\xCE\xB1\xCE\xBB\xCE\xB7\xCE\xBC\xCE\xAD\xCF\x81\xCE\xB1 "
    "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82 \xD0\xBC\xD0\xB8\xD1\x80 ";
// Chinese and Japanese: 3-byte code points only.
constexpr std::string_view three_byte_sample =
    "\xE4\xBD\xA0\xE5\xA5\xBD\xE4\xB8\x96\xE7\x95\x8C\xE3\x81\x93\xE3\x82\x93\xE3\x81\xAB\xE3"
    "\x81\xA1\xE3\x81\xAF";
// Emoji and historic scripts: 4-byte code points only.
constexpr std::string_view four_byte_sample =
    "\xF0\x9F\x98\x80\xF0\x9F\x8C\x8D\xF0\x9F\x9A\x80\xF0\x90\x8C\xB0\xF0\x9D\x84\x9E\xF4\x8F"
    "\xBF\xBD";
// A multilingual chat message: every length of code point mixed with ASCII.
constexpr std::string_view mixed_sample =
    "Hello \xCE\xBA\xE1\xBD\xB9\xCF\x83\xCE\xBC\xCE\xB5, \xE4\xBD\xA0\xE5\xA5\xBD "
    "\xF0\x9F\x91\x8B \xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82 caf\xC3\xA9 "
    "\xE2\x82\xAC"
    "5 \xED\x95\x9C\xEA\xB5\xAD\xEC\x96\xB4 \xF0\x9F\x98\x80!\n";

void run(benchmark::State& state, std::string_view sample) {
  const std::string text = text_of(sample, static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    wsspec::ref::utf8_validator v;
    benchmark::DoNotOptimize(v.feed(text));
    benchmark::DoNotOptimize(v.complete());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(text.size()));
}

void BM_Utf8Ascii(benchmark::State& state) {
  run(state, ascii_sample);
}
void BM_Utf8TwoByte(benchmark::State& state) {
  run(state, two_byte_sample);
}
void BM_Utf8ThreeByte(benchmark::State& state) {
  run(state, three_byte_sample);
}
void BM_Utf8FourByte(benchmark::State& state) {
  run(state, four_byte_sample);
}
void BM_Utf8Mixed(benchmark::State& state) {
  run(state, mixed_sample);
}

void BM_Utf8MixedInSmallFrames(benchmark::State& state) {
  // The same text arriving in 125-byte pieces, code points cut across pieces.
  const std::string text = text_of(mixed_sample, static_cast<std::size_t>(state.range(0)));
  const std::string_view all(text);
  for (auto _ : state) {
    wsspec::ref::utf8_validator v;
    for (std::size_t at = 0; at < all.size(); at += 125) v.feed(all.substr(at, 125));
    benchmark::DoNotOptimize(v.complete());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(text.size()));
}

constexpr std::int64_t kib = 1024;
constexpr std::int64_t mib = 1024 * 1024;

BENCHMARK(BM_Utf8Ascii)->Arg(kib)->Arg(mib);
BENCHMARK(BM_Utf8TwoByte)->Arg(kib)->Arg(mib);
BENCHMARK(BM_Utf8ThreeByte)->Arg(kib)->Arg(mib);
BENCHMARK(BM_Utf8FourByte)->Arg(kib)->Arg(mib);
BENCHMARK(BM_Utf8Mixed)->Arg(kib)->Arg(mib);
BENCHMARK(BM_Utf8MixedInSmallFrames)->Arg(kib)->Arg(mib);

}  // namespace
