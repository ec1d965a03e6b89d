#include "runtime/igemm/igemm.hpp"

#include <cstdlib>
#include <random>

#include <gtest/gtest.h>

#include "runtime/cpu_features.hpp"

namespace dorefa::runtime::igemm {
namespace {

// The SIMD kernel against the reference and plain dot products at the extremes of the
// operand ranges (|w| = 127, level 255: where u8 x s8 pair sums would saturate int16).
TEST(Igemm, KernelsEqualPlainDotProductsIncludingExtremes) {
  std::mt19937 rng(9);
  std::vector<std::pair<GemmFn, const char*>> kernels = {{gemm_reference, "reference"}};
#if defined(__x86_64__) || defined(__i386__)
  if (cpu_features().avx2) kernels.push_back({gemm_avx2, "avx2"});
  if (cpu_features().avx2 && cpu_features().avxvnni) kernels.push_back({gemm_avxvnni, "avxvnni"});
  if (cpu_features().avx512_vnni) kernels.push_back({gemm_avx512vnni, "avx512vnni"});
#endif
#if defined(__ARM_NEON)
  // The ARM build (run under qemu-arm as a Cortex-A9) must have its NEON kernel here.
  if (!std::getenv("DOREFA_RUNTIME_GENERIC")) {
    EXPECT_TRUE(cpu_features().neon);
  }
  if (cpu_features().neon) kernels.push_back({gemm_neon, "neon"});
#endif
  // Channel counts of 1..8 8-channel blocks (the AVX-512 kernel's 16-channel tiles with a
  // half-empty last one at 1, 13, 24, 40, 56); 7 pixels: a 4-pixel tile and a 3-pixel tail,
  // 19: also two 8-pixel tiles before the tail.
  for (int pixels : {7, 19})
  for (int outs : {1, 8, 13, 16, 24, 40, 56, 64})
    for (int fan : {1, 2, 25, 26, 400}) {
      std::vector<std::int8_t> w(std::size_t(outs * fan));
      for (auto& v : w) v = (rng() % 4 == 0) ? std::int8_t(rng() % 2 ? 127 : -127) : std::int8_t(int(rng() % 255) - 127);
      PackedWeights pw = pack(w, outs, fan);
      std::vector<std::int16_t> patches(std::size_t(pixels * pw.fan_in_padded), 0);
      for (int p = 0; p < pixels; ++p)
        for (int i = 0; i < fan; ++i)
          patches[std::size_t(p * pw.fan_in_padded + i)] = std::int16_t(rng() % 3 == 0 ? 255 : rng() % 256);
      for (auto [fn, name] : kernels) {
        std::vector<std::int32_t> acc(std::size_t(pixels * pw.acc_stride()), -1);
        fn(pw, patches.data(), pixels, acc.data());
        for (int p = 0; p < pixels; ++p)
          for (int o = 0; o < outs; ++o) {
            std::int32_t expect = 0;
            for (int i = 0; i < fan; ++i) expect += w[std::size_t(o * fan + i)] * patches[std::size_t(p * pw.fan_in_padded + i)];
            ASSERT_EQ(acc[std::size_t(p * pw.acc_stride() + o)], expect) << name << " outs " << outs << " fan " << fan;
          }
      }
    }
}

}  // namespace
}  // namespace dorefa::runtime::igemm
