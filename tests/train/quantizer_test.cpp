#include "train/quantizer.hpp"

#include <gtest/gtest.h>

#include <set>

#include "train/config.hpp"

namespace dorefa::train {
namespace {

std::set<double> distinct(const torch::Tensor& t) {
  torch::Tensor c = t.to(torch::kDouble).contiguous().flatten();
  std::set<double> s(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
  return s;
}

TEST(QuantizeK, ActivationHasExactlyTwoPowKLevelsForK1To8) {
  torch::Tensor x = torch::linspace(-0.5, 1.5, 20001);
  for (int k = 1; k <= 8; ++k) {
    torch::Tensor q = quantize_activation(x, k);
    auto levels = distinct(q * double((1 << k) - 1));
    ASSERT_EQ(levels.size(), std::size_t(1) << k) << "k=" << k;
    EXPECT_EQ(*levels.begin(), 0.0);
    for (double l : levels) EXPECT_NEAR(l, std::round(l), 1e-4) << "k=" << k;
    EXPECT_NEAR(*levels.rbegin(), double((1 << k) - 1), 1e-4);
  }
}

TEST(QuantizeK, RoundsHalfUpNotHalfToEven) {
  torch::Tensor v = torch::tensor({0.5f, 1.5f, 2.5f, -0.5f, -1.5f});
  torch::Tensor r = round_half_up_ste(v);
  EXPECT_TRUE(torch::equal(r, torch::tensor({1.0f, 2.0f, 3.0f, 0.0f, -1.0f})));
  // k = 1: 0.5 is the tie between levels 0 and 1; torch::round would give 0.
  EXPECT_EQ(quantize_k(torch::tensor({0.5f}), 1).item<float>(), 1.0f);
  // k = 2 (n = 3): x = 0.5 gives 1.5 -> 2 (half up); x = 1/6 gives 0.5 -> 1.
  EXPECT_FLOAT_EQ(quantize_k(torch::tensor({0.5f}), 2).item<float>(), 2.0f / 3.0f);
}

TEST(QuantizeK, Bits32IsIdentity) {
  torch::Tensor x = torch::randn({100});
  EXPECT_TRUE(torch::equal(quantize_k(x, kFullPrecision), x));
  torch::Tensor w = torch::randn({4, 3});
  EXPECT_TRUE(torch::equal(quantize_gradient(w, kFullPrecision), w));
  EXPECT_TRUE(torch::equal(quantize_gradient_values(w, kFullPrecision), w));
  // Activation at 32 bits is the clip only.
  EXPECT_TRUE(torch::equal(quantize_activation(x, kFullPrecision), torch::clamp(x, 0, 1)));
}

TEST(QuantizeK, StraightThroughPassesGradientInsideClipRange) {
  torch::Tensor x = torch::tensor({-0.3f, 0.1f, 0.42f, 0.9f, 1.7f}).requires_grad_(true);
  quantize_activation(x, 2).sum().backward();
  EXPECT_TRUE(torch::equal(x.grad(), torch::tensor({0.0f, 1.0f, 1.0f, 1.0f, 0.0f})));
  torch::Tensor y = torch::tensor({0.1f, 0.7f}).requires_grad_(true);
  (quantize_k(y, 3) * torch::tensor({2.0f, 3.0f})).sum().backward();
  EXPECT_TRUE(torch::equal(y.grad(), torch::tensor({2.0f, 3.0f})));
}

TEST(WeightQuantizer, DorefaLevelsAreOddIntegersWithinRangeForK2To8) {
  torch::manual_seed(3);
  torch::Tensor w = torch::randn({16, 8, 3, 3});
  for (int k = 2; k <= 8; ++k) {
    WeightLevels q = quantize_weights_dorefa(w, k);
    int n = (1 << k) - 1;
    auto levels = distinct(q.levels);
    EXPECT_LE(levels.size(), std::size_t(1) << k);
    EXPECT_GE(levels.size(), std::size_t(std::min(1 << k, 8)));  // a Gaussian spreads over many levels
    for (double l : levels) {
      EXPECT_EQ(l, std::round(l));
      EXPECT_EQ(std::abs(std::fmod(l, 2.0)), 1.0) << "k=" << k << " level " << l;
      EXPECT_LE(std::abs(l), n);
    }
    // The largest |tanh(w)| maps to the extreme level.
    EXPECT_EQ(q.levels.abs().max().item<float>(), float(n));
    EXPECT_TRUE(torch::allclose(q.scale, torch::full({16}, 1.0 / n)));
    // Matches the paper's formula directly: 2 quantize_k(tanh(w)/(2 max|tanh w|) + 1/2) - 1.
    torch::Tensor t = torch::tanh(w);
    torch::Tensor ref = 2 * quantize_k(t / (2 * t.abs().max()) + 0.5, k) - 1;
    EXPECT_TRUE(torch::allclose(q.dequantized(), ref, 1e-6, 1e-6)) << "k=" << k;
  }
}

TEST(WeightQuantizer, BinaryIsSignTimesMeanAbsWithSignOfZeroPositive) {
  torch::Tensor w = torch::tensor({{0.5f, -0.25f}, {0.0f, -1.0f}});
  WeightLevels q = quantize_weights_dorefa(w, 1);
  EXPECT_TRUE(torch::equal(q.levels, torch::tensor({{1.0f, -1.0f}, {1.0f, -1.0f}})));
  EXPECT_FLOAT_EQ(q.scale[0].item<float>(), 0.4375f);
  EXPECT_FLOAT_EQ(q.scale[1].item<float>(), 0.4375f);
  // STE as the authors' code: d w_q / d w = 1.
  torch::Tensor lw = w.clone().requires_grad_(true);
  (quantize_weights_dorefa(lw, 1).dequantized() * torch::tensor({{1.0f, 2.0f}, {3.0f, 4.0f}})).sum().backward();
  EXPECT_TRUE(torch::allclose(lw.grad(), torch::tensor({{1.0f, 2.0f}, {3.0f, 4.0f}})));
}

TEST(WeightQuantizer, DorefaGradientFlowsThroughTanh) {
  torch::Tensor w = torch::tensor({0.3f, -0.8f, 0.05f}).requires_grad_(true);
  quantize_weights_dorefa(w.view({3, 1}), 2).dequantized().sum().backward();
  ASSERT_TRUE(w.grad().defined());
  EXPECT_GT(w.grad().abs().sum().item<float>(), 0.0f);
  // Same gradient as the unquantized 2 r - 1 (the rounding is straight-through).
  torch::Tensor w2 = w.detach().clone().requires_grad_(true);
  torch::Tensor t = torch::tanh(w2);
  (2 * (t / (2 * t.abs().max()) + 0.5) - 1).sum().backward();
  EXPECT_TRUE(torch::allclose(w.grad(), w2.grad()));
}

TEST(WeightQuantizer, Symmetric8PerChannelMaxMapsTo127) {
  torch::manual_seed(5);
  torch::Tensor w = torch::randn({6, 10}) * torch::arange(1, 7).view({6, 1});
  WeightLevels q = quantize_weights_symmetric8(w);
  EXPECT_TRUE(torch::equal(q.levels.abs().amax(1), torch::full({6}, 127.0f)));
  EXPECT_TRUE(torch::allclose(q.scale, w.abs().amax(1) / 127.0));
  EXPECT_TRUE(torch::allclose(q.dequantized(), w, 0, 0.5 * q.scale.max().item<float>() + 1e-6));
  // Ties round away from zero: 0.5 and -0.5 units go to +1 and -1 (symmetric under negation).
  torch::Tensor tie = torch::tensor({{127.0f, 0.5f, -0.5f, 1.5f, -1.5f}});
  EXPECT_TRUE(torch::equal(quantize_weights_symmetric8(tie).levels, torch::tensor({{127.0f, 1.0f, -1.0f, 2.0f, -2.0f}})));
}

TEST(GradientQuantizer, IsUnbiasedOverManyDraws) {
  torch::manual_seed(11);
  torch::Tensor g = torch::randn({2, 50});
  for (int k : {2, 4, 6}) {
    torch::Tensor sum = torch::zeros_like(g);
    const int kDraws = 4000;
    for (int i = 0; i < kDraws; ++i) sum += quantize_gradient_values(g, k);
    torch::Tensor mean = sum / kDraws;
    torch::Tensor step = 2 * g.abs().amax(1, true) / double((1 << k) - 1);
    // Std of one draw <= step / 2, so the mean's error is below ~4 sigma = 2 step / sqrt(draws).
    torch::Tensor err = (mean - g).abs() / step;
    EXPECT_LT(err.max().item<float>(), 2.0 / std::sqrt(double(kDraws)) * 1.5) << "k=" << k;
    // A single draw sits on the k-bit grid of each sample's own max.
    torch::Tensor one = quantize_gradient_values(g, k);
    torch::Tensor grid = (one / (2 * g.abs().amax(1, true)) + 0.5) * double((1 << k) - 1);
    EXPECT_TRUE(torch::allclose(grid, torch::round(grid), 0, 1e-3)) << "k=" << k;
  }
}

TEST(GradientQuantizer, ForwardIsIdentityBackwardIsQuantized) {
  torch::manual_seed(2);
  torch::Tensor x = torch::randn({3, 7}).requires_grad_(true);
  torch::Tensor y = quantize_gradient(x, 2);
  EXPECT_TRUE(torch::equal(y, x));
  torch::Tensor upstream = torch::randn({3, 7});
  y.backward(upstream);
  // 2 bits: every gradient is one of -m, -m/3, m/3, m (m = the sample's max |g|).
  torch::Tensor m = upstream.abs().amax(1, true);
  torch::Tensor units = x.grad() / m * 3.0;
  for (double v : distinct(torch::round(units * 1000) / 1000)) EXPECT_TRUE(v == -3 || v == -1 || v == 1 || v == 3) << v;
}

}  // namespace
}  // namespace dorefa::train
