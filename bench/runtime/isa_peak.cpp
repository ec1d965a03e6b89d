// The machine's peak for the runtime's two inner-loop instructions, measured rather than
// looked up: the core clock (a chain of dependent 64-bit adds retires one per cycle), and
// the throughput of AVX-512 VPOPCNTQ and VPDPWSSD on zmm (16 independent accumulator
// chains, enough to hide their latency), in instructions per cycle at that clock.
//   isa_peak   -> one JSON line: clock_ghz, vpopcntq_per_cycle, vpdpwssd_per_cycle, vpdpbusd_per_cycle
// x86-64 with AVX-512 VPOPCNTDQ and VNNI only (bench/runtime/roofline.py reads it).
#include <immintrin.h>
// GCC 12's _mm512_reduce_* start from _mm512_undefined_*(): a known false positive.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>

#include "runtime/cpu_features.hpp"

namespace {
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// 8 dependent adds per iteration: 8 cycles, the loop counter runs alongside.
double clock_hz(std::uint64_t iters) {
  std::uint64_t x = 1;
  const auto t0 = Clock::now();
  for (std::uint64_t i = 0; i < iters; ++i)
    asm volatile("add %0, %0\n\tadd %0, %0\n\tadd %0, %0\n\tadd %0, %0\n\t"
                 "add %0, %0\n\tadd %0, %0\n\tadd %0, %0\n\tadd %0, %0"
                 : "+r"(x));
  return double(iters) * 8 / seconds_since(t0);
}

constexpr int kChains = 16;

__attribute__((target("avx512f,avx512vpopcntdq"))) double popcnt_per_s(std::uint64_t iters) {
  __m512i v[kChains];
  for (int c = 0; c < kChains; ++c) v[c] = _mm512_set1_epi64(0x0123456789abcdefLL + c);
  const auto t0 = Clock::now();
  for (std::uint64_t i = 0; i < iters; ++i) {
    for (int c = 0; c < kChains; ++c) v[c] = _mm512_popcnt_epi64(v[c]);
    asm volatile("" : "+v"(v[0]), "+v"(v[1]), "+v"(v[2]), "+v"(v[3]), "+v"(v[4]), "+v"(v[5]), "+v"(v[6]), "+v"(v[7]));
  }
  const double s = seconds_since(t0);
  long long sink = 0;
  for (int c = 0; c < kChains; ++c) sink += _mm512_reduce_add_epi64(v[c]);
  asm volatile("" : : "r"(sink));
  return double(iters) * kChains / s;
}

// VNNI dot-product throughput: VPDPWSSD (2 int16 products per int32 lane, 32 MACs per zmm
// instruction) or, with kBytes, VPDPBUSD (4 u8 x s8 products per lane, 64 MACs).
template <bool kBytes>
__attribute__((target("avx512f,avx512vnni"))) double vnni_per_s(std::uint64_t iters) {
  __m512i v[kChains];
  const __m512i a = _mm512_set1_epi32(kBytes ? 0x01030201 : 0x00030001);
  const __m512i b = _mm512_set1_epi32(kBytes ? 0x02010503 : 0x00020005);
  for (int c = 0; c < kChains; ++c) v[c] = _mm512_set1_epi32(c);
  const auto t0 = Clock::now();
  for (std::uint64_t i = 0; i < iters; ++i) {
    for (int c = 0; c < kChains; ++c) {
      if constexpr (kBytes) v[c] = _mm512_dpbusd_epi32(v[c], a, b);
      else v[c] = _mm512_dpwssd_epi32(v[c], a, b);
    }
    asm volatile("" : "+v"(v[0]), "+v"(v[1]), "+v"(v[2]), "+v"(v[3]), "+v"(v[4]), "+v"(v[5]), "+v"(v[6]), "+v"(v[7]));
  }
  const double s = seconds_since(t0);
  long long sink = 0;
  for (int c = 0; c < kChains; ++c) sink += _mm512_reduce_add_epi32(v[c]);
  asm volatile("" : : "r"(sink));
  return double(iters) * kChains / s;
}

}  // namespace

int main() {
  const auto& f = dorefa::runtime::cpu_features();
  if (!f.avx512_vpopcntdq || !f.avx512_vnni) {
    std::fprintf(stderr, "error: this CPU lacks AVX-512 VPOPCNTDQ or VNNI\n");
    return 2;
  }
  // Best of 5 short runs each: on a shared machine the fastest run is the one least
  // disturbed by other work, and the clock is measured next to each instruction's run.
  double hz = 0, pop = 0, dp = 0, dpb = 0;
  for (int r = 0; r < 5; ++r) {
    hz = std::max(hz, clock_hz(50'000'000));
    pop = std::max(pop, popcnt_per_s(20'000'000));
    dp = std::max(dp, vnni_per_s<false>(20'000'000));
    dpb = std::max(dpb, vnni_per_s<true>(20'000'000));
  }
  std::printf("{\"clock_ghz\": %.3f, \"vpopcntq_per_cycle\": %.2f, \"vpdpwssd_per_cycle\": %.2f, "
              "\"vpdpbusd_per_cycle\": %.2f}\n",
              hz / 1e9, pop / hz, dp / hz, dpb / hz);
  return 0;
}
