#include "runtime/igemm/igemm.hpp"

#include <cstdlib>
#include <random>

#include <gtest/gtest.h>

#include "runtime/cpu_features.hpp"
#include "runtime/im2col.hpp"

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

#if defined(__x86_64__) || defined(__i386__)
// The direct (no im2col) vpdpbusd kernel against a plain convolution: window runs that are
// and are not multiples of 4 (K*C of 5, 15, 48, 80), strides 1 and 2, padding 0..2, channel
// counts that leave a part-empty 16-channel block or an odd block count, extreme operands
// (level 255 x weight +-127, where 16-bit pair sums would saturate).
TEST(Igemm, DirectConvEqualsPlainConvolution) {
  if (!cpu_features().avx512_vnni) GTEST_SKIP() << "no AVX-512 VNNI on this CPU";
  std::mt19937 rng(11);
  struct Geometry { int h, w, c, k, stride, pad, outs; };
  for (const Geometry g : {Geometry{28, 28, 1, 5, 1, 0, 16}, Geometry{9, 7, 5, 3, 1, 1, 11},
                           Geometry{12, 12, 16, 5, 1, 0, 64}, Geometry{10, 11, 16, 3, 2, 2, 24},
                           Geometry{6, 6, 16, 3, 1, 1, 40}, Geometry{7, 7, 3, 3, 1, 1, 48}}) {
    qmodel::Layer l;
    l.kind = qmodel::LayerKind::kConv;
    l.input = {g.h, g.w, g.c};
    l.kernel = g.k;
    l.stride = g.stride;
    l.padding = g.pad;
    l.output = {(g.h + 2 * g.pad - g.k) / g.stride + 1, (g.w + 2 * g.pad - g.k) / g.stride + 1, g.outs};
    const Window win = Window::of(l);
    const int fan = g.k * g.k * g.c;
    std::vector<std::int8_t> w(std::size_t(g.outs * fan));
    for (auto& v : w) v = (rng() % 4 == 0) ? std::int8_t(rng() % 2 ? 127 : -127) : std::int8_t(int(rng() % 255) - 127);
    std::vector<std::uint8_t> in(std::size_t(g.h * g.w * g.c));
    for (auto& v : in) v = std::uint8_t(rng() % 3 == 0 ? 255 : rng() % 256);
    std::vector<std::uint8_t> padded(padded_size(win), 0xAB);
    pad_input(win, in.data(), padded.data());
    const std::size_t row_stride = std::size_t(g.w + 2 * g.pad) * std::size_t(g.c);
    std::vector<const std::uint8_t*> rows;
    for (int y = 0; y < l.output.height; ++y)
      for (int x = 0; x < l.output.width; ++x)
        rows.push_back(padded.data() + std::size_t(y * g.stride) * row_stride + std::size_t(x * g.stride * g.c));
    const PackedQuads pw = pack_quads(w, g.outs, g.k, g.c);
    std::vector<std::int32_t> acc(rows.size() * std::size_t(pw.acc_stride()), -1);
    gemm_avx512vnni_u8_direct(pw, rows.data(), int(rows.size()), int(row_stride), acc.data());
    for (int y = 0; y < l.output.height; ++y)
      for (int x = 0; x < l.output.width; ++x)
        for (int o = 0; o < g.outs; ++o) {
          std::int32_t expect = 0;
          for (int ky = 0; ky < g.k; ++ky)
            for (int kx = 0; kx < g.k; ++kx)
              for (int c = 0; c < g.c; ++c) {
                const int iy = y * g.stride + ky - g.pad, ix = x * g.stride + kx - g.pad;
                if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) continue;
                expect += w[std::size_t(o * fan + (ky * g.k + kx) * g.c + c)] * in[std::size_t((iy * g.w + ix) * g.c + c)];
              }
          ASSERT_EQ(acc[std::size_t((y * l.output.width + x) * pw.acc_stride() + o)], expect)
              << "input " << g.h << "x" << g.w << "x" << g.c << " k " << g.k << " stride " << g.stride << " pad " << g.pad
              << " pixel " << y << "," << x << " channel " << o;
        }
  }
}
#endif

}  // namespace
}  // namespace dorefa::runtime::igemm
