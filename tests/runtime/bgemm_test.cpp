#include "runtime/bgemm/bgemm.hpp"

#include <random>

#include <gtest/gtest.h>

#include "runtime/cpu_features.hpp"

namespace dorefa::runtime::bgemm {
namespace {

// Every compiled kernel against plain integer dot products on random data, for weight
// widths 1..2, 1..4 activation planes, and fan-ins that end mid-word.
TEST(Bgemm, EveryKernelEqualsPlainDotProducts) {
  std::mt19937 rng(5);
  std::vector<std::pair<GemmFn, const char*>> kernels = {{gemm_generic, "generic"}};
#if defined(__x86_64__) || defined(__i386__)
  if (cpu_features().popcnt) kernels.push_back({gemm_popcnt, "popcnt"});
  if (cpu_features().avx512_vpopcntdq) kernels.push_back({gemm_avx512, "avx512"});
#endif
#if defined(__ARM_NEON)
  if (cpu_features().neon) kernels.push_back({gemm_neon, "neon"});
#endif
  for (int wbits : {1, 2})
    for (int planes : {1, 2, 3, 4})
      for (int fan : {1, 63, 64, 65, 200, 400}) {
        const int outs = 13, pixels = 3;
        const int top_w = (1 << wbits) - 1;
        std::vector<std::int8_t> w(std::size_t(outs * fan));
        for (auto& v : w) v = std::int8_t(2 * int(rng() % std::uint32_t(top_w + 1)) - top_w);
        std::vector<std::uint8_t> a(std::size_t(pixels * fan));
        for (auto& v : a) v = std::uint8_t(rng() % (1u << planes));
        PackedWeights pw = pack(w, outs, fan, wbits);
        std::vector<std::uint64_t> patches(std::size_t(pixels * planes * pw.words), 0);
        std::vector<std::int32_t> sums(pixels, 0);
        for (int p = 0; p < pixels; ++p)
          for (int i = 0; i < fan; ++i) {
            const std::uint8_t v = a[std::size_t(p * fan + i)];
            sums[std::size_t(p)] += v;
            for (int b = 0; b < planes; ++b)
              append_bits(patches.data() + std::size_t((p * planes + b) * pw.words), std::size_t(i), (v >> b) & 1u, 1);
          }
        for (auto [fn, name] : kernels) {
          std::vector<std::int32_t> acc(std::size_t(pixels * 16), -1);
          fn(pw, patches.data(), planes, sums.data(), pixels, acc.data(), 16);
          for (int p = 0; p < pixels; ++p)
            for (int o = 0; o < outs; ++o) {
              std::int32_t expect = 0;
              for (int i = 0; i < fan; ++i) expect += w[std::size_t(o * fan + i)] * a[std::size_t(p * fan + i)];
              ASSERT_EQ(acc[std::size_t(p * 16 + o)], expect)
                  << name << " W" << wbits << "A" << planes << " fan " << fan << " pixel " << p << " out " << o;
            }
        }
      }
}

// All bits set at a fan-in of 8200 words: the worst case for narrow partial counts (the NEON
// kernel's uint16 lanes gain 16 per 128-bit step and must widen before 4096 steps).
TEST(Bgemm, AllOnesAtAHalfMillionFanInDoesNotOverflowPartialCounts) {
  std::vector<std::pair<GemmFn, const char*>> kernels = {{gemm_generic, "generic"}};
#if defined(__x86_64__) || defined(__i386__)
  if (cpu_features().popcnt) kernels.push_back({gemm_popcnt, "popcnt"});
  if (cpu_features().avx512_vpopcntdq) kernels.push_back({gemm_avx512, "avx512"});
#endif
#if defined(__ARM_NEON)
  if (cpu_features().neon) kernels.push_back({gemm_neon, "neon"});
#endif
  const int fan = 64 * 8200, planes = 4;
  const PackedWeights pw = pack(std::vector<std::int8_t>(std::size_t(fan), 3), 1, fan, 2);  // w = 3: u = 0b11
  const std::vector<std::uint64_t> patches(std::size_t(planes * pw.words), ~0ull);       // a = 15 everywhere
  const std::int32_t sums[1] = {15 * fan};
  for (auto [fn, name] : kernels) {
    std::int32_t acc[8] = {};
    fn(pw, patches.data(), planes, sums, 1, acc, 8);
    EXPECT_EQ(acc[0], 3 * 15 * fan) << name;
  }
}

TEST(Bgemm, AppendBitsCrossesWordBoundaries) {
  std::vector<std::uint64_t> d(2, 0);
  append_bits(d.data(), 60, 0xFF, 8);
  EXPECT_EQ(d[0], 0xFull << 60);
  EXPECT_EQ(d[1], 0xFull);
  append_bits(d.data(), 0, ~0ull, 64);
  EXPECT_EQ(d[0], ~0ull);
}

}  // namespace
}  // namespace dorefa::runtime::bgemm
