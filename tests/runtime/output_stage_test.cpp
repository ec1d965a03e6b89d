#include "runtime/output_stage.hpp"

#include <algorithm>
#include <random>

#include <gtest/gtest.h>

#include "runtime/cpu_features.hpp"

namespace dorefa::runtime {
namespace {

// A layer with C channels whose output stage is `kind` at `bits`, random parameters.
qmodel::Layer stage_layer(qmodel::OutputKind kind, int bits, int C, std::mt19937& rng) {
  qmodel::Layer l;
  l.kind = qmodel::LayerKind::kDense;
  l.output = {1, 1, C};
  l.output_kind = kind;
  l.output_bits = bits;
  const int T = l.threshold_count();
  for (int c = 0; c < C; ++c) {
    std::vector<std::int32_t> t(static_cast<std::size_t>(T));
    for (auto& v : t) v = std::int32_t(rng() % 2001) - 1000;
    if (c % 5 == 0) std::fill(t.begin(), t.begin() + T / 2, t[0]);  // repeated thresholds
    std::sort(t.begin(), t.end());
    l.thresholds.insert(l.thresholds.end(), t.begin(), t.end());
    l.requant_bias.push_back(std::int32_t(rng() % 20001) - 10000);
    l.requant_mult.push_back(std::int32_t(1 + rng() % 40000));
    l.requant_shift.push_back(std::int32_t(8 + rng() % 12));
  }
  return l;
}

// Every SIMD variant this CPU has against the plain loops (apply_thresholds / apply_requant,
// the spec), on channel counts around the 8- and 16-lane blocks and accumulators at, just
// below and just above the thresholds.
TEST(OutputStage, SimdVariantsEqualThePlainLoops) {
  std::mt19937 rng(5);
  for (auto kind : {qmodel::OutputKind::kThresholds, qmodel::OutputKind::kRequant})
    for (int bits : {1, 2, 4, 8})
      for (int C : {1, 5, 8, 16, 24, 33, 64}) {
        const qmodel::Layer l = stage_layer(kind, bits, C, rng);
        const int stride = (C + 7) / 8 * 8, pixels = 9;
        std::vector<std::int32_t> acc(std::size_t(pixels * stride), 0);
        for (int p = 0; p < pixels; ++p)
          for (int c = 0; c < C; ++c) {
            const std::int32_t t = l.thresholds[std::size_t(c * l.threshold_count() + int(rng() % unsigned(l.threshold_count())))];
            acc[std::size_t(p * stride + c)] = rng() % 2 ? t + std::int32_t(rng() % 3) - 1 : std::int32_t(rng() % 4001) - 2000;
          }
        std::vector<std::uint8_t> expect(std::size_t(pixels * C));
        if (kind == qmodel::OutputKind::kThresholds) apply_thresholds(l, acc.data(), pixels, stride, expect.data());
        else apply_requant(l, acc.data(), pixels, stride, expect.data());
        PreparedStage base = prepare_stage(l, true);
        struct Variant { const char* name; bool avx2, avx512; };
        std::vector<Variant> variants = {{"portable", false, false}};
        if (base.avx2) variants.push_back({"avx2", true, false});
        if (base.avx512) variants.push_back({"avx512", true, true});
        for (const Variant& v : variants) {
          PreparedStage s = base;
          s.avx2 = v.avx2;
          s.avx512 = v.avx512;
          std::vector<std::uint8_t> got(std::size_t(pixels * C) + 16, 0xEE);
          apply_stage(s, acc.data(), pixels, stride, got.data());
          EXPECT_TRUE(std::equal(expect.begin(), expect.end(), got.begin()))
              << v.name << (kind == qmodel::OutputKind::kThresholds ? " thresholds" : " requant") << " bits " << bits
              << " C " << C;
          EXPECT_EQ(got[std::size_t(pixels * C)], 0xEE) << v.name << ": wrote past the output, C " << C;
        }
      }
}

}  // namespace
}  // namespace dorefa::runtime
