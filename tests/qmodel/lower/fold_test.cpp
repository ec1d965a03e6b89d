#include "qmodel/lower/fold.hpp"

#include <random>

#include <gtest/gtest.h>

namespace dorefa::qmodel::lower {
namespace {

int level_from_thresholds(const FoldedThresholds& f, std::int64_t acc) {
  if (f.negate) acc = -acc;
  int n = 0;
  for (auto t : f.thresholds) n += acc >= t;
  return n;
}

TEST(FoldThresholds, ReproducesQuantizerOnEveryAccumulator) {
  std::mt19937_64 rng(1);
  std::uniform_real_distribution<double> gain_dist(-0.05, 0.05), offset_dist(-1.5, 1.5);
  for (int bits : {1, 2, 3, 4}) {
    for (int trial = 0; trial < 200; ++trial) {
      ChannelAffine a{gain_dist(rng), offset_dist(rng)};
      auto f = fold_thresholds(a, bits);
      ASSERT_EQ(f.thresholds.size(), std::size_t((1 << bits) - 1));
      EXPECT_TRUE(std::is_sorted(f.thresholds.begin(), f.thresholds.end()));
      for (std::int64_t acc = -300; acc <= 300; ++acc) {
        ASSERT_EQ(level_from_thresholds(f, acc), quantize_level(a.gain * double(acc) + a.offset, bits))
            << "bits " << bits << " gain " << a.gain << " offset " << a.offset << " acc " << acc;
      }
    }
  }
}

TEST(FoldThresholds, NegativeGammaFlipsComparisonByNegatingWeights) {
  auto f = fold_thresholds({-0.25, 0.5}, 2);  // y = 0.5 - acc/4
  EXPECT_TRUE(f.negate);
  EXPECT_EQ(level_from_thresholds(f, -2), 3);  // y = 1.0
  EXPECT_EQ(level_from_thresholds(f, 0), 2);   // y = 0.5 -> round half up of 1.5 = 2
  EXPECT_EQ(level_from_thresholds(f, 2), 0);   // y = 0
}

TEST(FoldThresholds, TieRoundsHalfUp) {
  // y = acc / 6 with T = 3: acc = 1 gives y*T = 0.5 exactly -> level 1 (half up), not 0 (half even).
  auto f = fold_thresholds({1.0 / 6.0, 0.0}, 2);
  EXPECT_EQ(level_from_thresholds(f, 1), 1);
  EXPECT_EQ(level_from_thresholds(f, 3), 2);  // y*T = 1.5 -> 2
  EXPECT_EQ(level_from_thresholds(f, 0), 0);
}

TEST(FoldThresholds, ZeroGainIsConstantLevel) {
  auto f = fold_thresholds({0.0, 0.7}, 2);  // 0.7*3 = 2.1 -> level 2
  for (std::int64_t acc : {-100000, 0, 100000}) EXPECT_EQ(level_from_thresholds(f, acc), 2);
}

TEST(FoldRequant, MatchesRoundedDivisionWithinOneLevel) {
  std::mt19937_64 rng(2);
  std::uniform_real_distribution<double> gain_dist(-1e-3, 1e-3), offset_dist(-0.5, 1.0);
  int exact = 0, total = 0;
  for (int trial = 0; trial < 100; ++trial) {
    ChannelAffine a{gain_dist(rng), offset_dist(rng)};
    const double scale = 1.0 / 255.0;
    auto r = fold_requant(a, scale);
    EXPECT_GE(r.shift, 1);
    EXPECT_LE(r.shift, 62);
    for (std::int64_t acc = -5000; acc <= 5000; acc += 7) {
      std::int64_t x = (r.negate ? -acc : acc) + r.bias;
      std::int64_t v = (x * r.mult + (std::int64_t(1) << (r.shift - 1))) >> r.shift;
      v = std::clamp<std::int64_t>(v, 0, 255);
      double y = a.gain * double(acc) + a.offset;
      auto want = std::int64_t(std::clamp(std::floor(y / scale + 0.5), 0.0, 255.0));
      ASSERT_LE(std::abs(v - want), 1) << "acc " << acc;
      exact += v == want;
      ++total;
    }
  }
  EXPECT_GT(double(exact) / total, 0.95);  // off by one only from rounding the bias to an integer
}

TEST(FoldLogits, PreservesRankingAndScale) {
  std::vector<double> gain = {0.001, -0.002, 0.0005}, bias = {0.1, -0.3, 0.0};
  auto f = fold_logits(gain, bias);
  EXPECT_LE(std::abs(double(f.mul[1])), double(1 << 30));
  EXPECT_GT(std::abs(double(f.mul[1])), double(1 << 29));  // uses the available precision
  for (std::int64_t acc = -1000; acc <= 1000; acc += 13) {
    for (std::size_t o = 0; o < gain.size(); ++o) {
      double want = (gain[o] * double(acc) + bias[o]) * f.factor;
      double got = double(acc * f.mul[o] + f.add[o]);
      EXPECT_NEAR(got, want, 1.0 + std::abs(double(acc)));
    }
  }
}

}  // namespace
}  // namespace dorefa::qmodel::lower
