// Throughput of the frame decoder on masked frames (what a server reads) and of masking alone.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <span>
#include <vector>

#include "wsspec/reference/frame_decoder.hpp"
#include "wsspec/reference/frame_encoder.hpp"
#include "wsspec/reference/mask.hpp"

namespace {

using namespace wsspec::ref;

constexpr mask_key key{0x37, 0xfa, 0x21, 0x3d};

std::vector<std::uint8_t> payload_of(std::size_t n) {
  std::vector<std::uint8_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::uint8_t>(i * 31 + 7);
  return v;
}

// Back-to-back masked binary frames of `payload` bytes each, about 1 MiB in all (at least one).
std::vector<std::uint8_t> masked_stream(std::size_t payload, std::size_t& frames) {
  const std::vector<std::uint8_t> body = payload_of(payload);
  std::vector<std::uint8_t> out;
  frames = 0;
  do {
    append_frame(out, opcode::binary, body, true, false, key);
    ++frames;
  } while (out.size() < (std::size_t{1} << 20));
  return out;
}

// Decodes and unmasks every frame of the stream in one call sequence; bytes/s counts wire bytes.
void BM_DecodeMaskedBinary(benchmark::State& state) {
  std::size_t frames = 0;
  std::vector<std::uint8_t> wire = masked_stream(static_cast<std::size_t>(state.range(0)), frames);
  decoder_config cfg;
  cfg.receiver = role::server;
  frame_decoder dec(cfg);
  for (auto _ : state) {
    std::span<std::uint8_t> in(wire);
    while (!in.empty()) {
      const decode_result r = dec.decode(in);
      if (r.status == decode_status::error || r.status == decode_status::need_more) {
        state.SkipWithError("the stream did not decode");
        return;
      }
      benchmark::DoNotOptimize(r.payload.data());
      in = in.subspan(r.consumed);
    }
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * wire.size()));
  state.counters["frames/s"] = benchmark::Counter(static_cast<double>(state.iterations() * frames),
                                                  benchmark::Counter::kIsRate);
}
BENCHMARK(BM_DecodeMaskedBinary)->Arg(16)->Arg(1 << 10)->Arg(64 << 10)->Arg(1 << 20);

// apply_mask alone; Arg(1) starts one byte past an aligned address, with a key phase of 1.
void BM_ApplyMask(benchmark::State& state) {
  const std::size_t n = static_cast<std::size_t>(state.range(0));
  const std::size_t skew = static_cast<std::size_t>(state.range(1));
  std::vector<std::uint8_t> data = payload_of(n + skew);
  const std::span<std::uint8_t> span = std::span(data).subspan(skew);
  for (auto _ : state) {
    apply_mask(span, key, skew);
    benchmark::DoNotOptimize(data.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * n));
}
BENCHMARK(BM_ApplyMask)->ArgsProduct({{16, 1 << 10, 64 << 10, 1 << 20}, {0, 1}});

}  // namespace
