#include "hw/cost_model.hpp"

#include <gtest/gtest.h>

#include "qmodel/synthetic.hpp"
#include "qmodel/validate.hpp"

namespace dorefa::hw {
namespace {

// A dense layer with 3 inputs of 2 bits (levels 0..3) and 2 outputs.
qmodel::Layer small_dense(std::vector<std::int8_t> weights) {
  qmodel::Layer l;
  l.name = "fc";
  l.kind = qmodel::LayerKind::kDense;
  l.input = {1, 1, 3};
  l.output = {1, 1, 2};
  l.input_bits = 2;
  l.weight_bits = 1;
  l.weights = std::move(weights);
  return l;
}

TEST(CostModel, AccumulatorBitsHoldTheExactBoundPlusTwo) {
  // Channel 0: +1 -1 +1 reaches -3 .. 6; channel 1: -1 -1 -1 reaches -9 .. 0. Bound 9, and
  // 2^(A-1) >= 11 needs A = 5.
  qmodel::Layer l = small_dense({1, -1, 1, -1, -1, -1});
  ASSERT_EQ(l.fan_in(), 3);
  EXPECT_EQ(qmodel::accumulator_bound(l), 9);
  EXPECT_EQ(accumulator_bits(l), 5);
  // A bound of 6 (2^3 = 8 >= 6 + 2) fits in A = 4.
  EXPECT_EQ(accumulator_bits(small_dense({1, -1, 1, 1, 1, -1})), 4);
}

TEST(CostModel, EstimateUsesTheAccumulatorWidthOfEveryLayer) {
  const qmodel::Model m = qmodel::make_synthetic_model(qmodel::lenet_w1a2_spec(), 1);
  for (const auto& l : m.layers) {
    if (!l.has_weights()) continue;
    const qmodel::AccumulatorRange r = qmodel::accumulator_range(l);
    const int a = accumulator_bits(l);
    // Every reachable accumulator fits the signed width, and one bit less would not.
    EXPECT_LE(r.max + 2, std::int64_t(1) << (a - 1)) << l.name;
    EXPECT_LE(-r.min + 2, std::int64_t(1) << (a - 1)) << l.name;
    EXPECT_GT(std::max(r.max, -r.min) + 2, std::int64_t(1) << (a - 2)) << l.name;
    EXPECT_EQ(estimate_mvu(l, 1, 1).acc_bits, a) << l.name;
  }
}

}  // namespace
}  // namespace dorefa::hw
