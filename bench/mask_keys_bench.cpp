// Judging a client's masking keys (RFC 6455 §5.3, §10.3) runs on every client case, over up to
// 2^18 keys: its cost per key, for random keys (every check runs to the end) and for a constant
// key (the first check decides).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <vector>

#include "wsspec/harness/mask_keys.hpp"

namespace {

std::vector<std::uint32_t> random_keys(std::size_t n) {
  std::mt19937 rng(42);
  std::vector<std::uint32_t> keys(n);
  for (auto& k : keys) k = static_cast<std::uint32_t>(rng());
  return keys;
}

void BM_RandomKeys(benchmark::State& state) {
  const auto keys = random_keys(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(wsspec::harness::judge_mask_keys(keys));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_RandomKeys)->Arg(2000)->Arg(65536)->Arg(1 << 18)->Unit(benchmark::kMillisecond);

void BM_ConstantKey(benchmark::State& state) {
  const std::vector<std::uint32_t> keys(static_cast<std::size_t>(state.range(0)), 0x12345678u);
  for (auto _ : state) benchmark::DoNotOptimize(wsspec::harness::judge_mask_keys(keys));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ConstantKey)->Arg(1 << 18)->Unit(benchmark::kMillisecond);

}  // namespace
