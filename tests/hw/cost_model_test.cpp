#include "hw/cost_model.hpp"

#include <tuple>

#include <gtest/gtest.h>

#include "hw/cost_calibration.hpp"
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

const qmodel::Model& mlp() {
  static const qmodel::Model m = qmodel::make_synthetic_model(qmodel::mlp_w2a2_spec(), 1);
  return m;
}

const qmodel::Model& lenet_w8a8() {
  static const qmodel::Model m = qmodel::make_synthetic_model(qmodel::lenet_w8a8_spec(), 1);
  return m;
}

const qmodel::Layer& layer(const qmodel::Model& m, const std::string& name) {
  for (const auto& l : m.layers)
    if (l.name == name) return l;
  throw std::runtime_error("no layer " + name);
}

// The calibration (bench/hw/calibrate.py rewrites cost_calibration.hpp) may move every
// coefficient, but not these properties, which the folding search relies on.

TEST(CostModel, MoreLanesCostMoreLutsForEveryArithmetic) {
  struct Case { const qmodel::Layer* l; int pe; std::vector<int> simds; };
  const qmodel::Model lenet = qmodel::make_synthetic_model(qmodel::lenet_w1a2_spec(), 1);
  const Case cases[] = {
      {&layer(mlp(), "fc1"), 1, {1, 2, 4, 8, 16, 28}},          // 3-bit DoReFa x 8-bit: LUT shift-add
      {&layer(lenet, "conv2"), 4, {5, 10, 20, 40, 80}},         // binary x 2-bit
      {&layer(lenet_w8a8(), "fc1"), 2, {1, 2, 4, 8, 16, 32}},  // 8-bit x 8-bit
  };
  for (const Case& c : cases) {
    double prev = 0;
    for (int simd : c.simds) {
      const LayerCost e = estimate_mvu(*c.l, c.pe, simd, false);
      EXPECT_GT(e.resources.lut, prev) << c.l->name << " SIMD " << simd;
      prev = e.resources.lut;
    }
  }
}

TEST(CostModel, Dsp48LanesTakeOneDspEachAndSaveLuts) {
  const qmodel::Layer& l = layer(lenet_w8a8(), "fc1");
  for (int simd : {4, 16}) {
    const LayerCost on = estimate_mvu(l, 2, simd, true), off = estimate_mvu(l, 2, simd, false);
    EXPECT_NEAR(on.resources.dsp - off.resources.dsp, 2.0 * simd, 0.5) << "SIMD " << simd;
    EXPECT_LT(on.resources.lut, off.resources.lut) << "SIMD " << simd;
  }
}

TEST(CostModel, WeightBlockRamLiesBetweenTheCapacityBoundAndTwiceIt) {
  // mlp fc1: 784 x 128 DoReFa 2-bit weights stored as 2 bits (the odd values' constant
  // LSB is dropped, as Yosys does); a RAMB36 holds 36 Kb.
  const qmodel::Layer& l = layer(mlp(), "fc1");
  const double bits = double(l.fan_in()) * l.out_channels() * 2;
  for (auto [pe, simd] : {std::pair{1, 1}, {2, 28}, {4, 16}, {8, 49}}) {
    const LayerCost c = estimate_mvu(l, pe, simd, false);
    EXPECT_EQ(c.weight_memory, "bram") << pe << "x" << simd;
    EXPECT_GE(c.resources.bram36, bits / 36864) << pe << "x" << simd;
    EXPECT_LE(c.resources.bram36, 2 * bits / 36864 + 1) << pe << "x" << simd;
  }
  // A few hundred weight bits stay in LUTs.
  const LayerCost small = estimate_mvu(layer(mlp(), "fc3"), 10, 64, false);
  EXPECT_EQ(small.weight_memory, "logic");
  EXPECT_EQ(small.resources.bram36, 0);
}

TEST(CostModel, EstimateTotalsTheLayersAndCountsEveryEngine) {
  Folding f;
  for (auto [name, index, pe, simd] : {std::tuple{"fc1", 0, 2, 28}, {"fc2", 1, 1, 8}, {"fc3", 2, 1, 1}}) {
    LayerFolding lf;
    lf.layer = name;
    lf.index = index;
    lf.pe = pe;
    lf.simd = simd;
    f.layers.push_back(lf);
  }
  const CostEstimate e = estimate_cost(mlp(), f);
  ASSERT_EQ(e.layers.size(), 4u);  // the input stream, then fc1..fc3
  Resources sum;
  for (const auto& c : e.layers) {
    sum += c.resources;
    EXPECT_GT(c.resources.lut, 0) << c.layer;  // every stage has at least its FIFO
    EXPECT_GT(c.resources.ff, 0) << c.layer;
  }
  EXPECT_DOUBLE_EQ(e.total.lut, sum.lut);
  EXPECT_DOUBLE_EQ(e.total.bram36, sum.bram36);
  // In the design, fc2's 8-element beats come through a width converter from fc1's 2:
  // more than fc2 alone with its producer's beats already SIMD wide.
  EXPECT_GT(e.layers[2].resources.lut, estimate_mvu(layer(mlp(), "fc2"), 1, 8).resources.lut);
}

TEST(CostModel, CalibrationCoefficientsAreNonNegative) {
  // Least squares with coefficients >= 0 (cost_fit.py nnls): a feature can only add.
  const calibration::MvtuFeatures ones{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
  for (const auto* k : {&calibration::kMvtuLut, &calibration::kMvtuFf, &calibration::kMvtuDsp}) {
    calibration::MvtuFeatures unit{};
    for (double* field : {&unit.base, &unit.binary_lane_bits, &unit.lut_mult_bits, &unit.dsp_lanes,
                          &unit.product_bits, &unit.acc_bits, &unit.threshold_bits, &unit.rom_luts, &unit.rom_width,
                          &unit.lutram_luts, &unit.input_bits}) {
      *field = 1;
      EXPECT_GE(calibration::apply(unit, *k), 0);
      *field = 0;
    }
    EXPECT_GE(calibration::apply(ones, *k), 0);
  }
  // The lanes carry the LUT cost of a LUT-multiplier layer: a lane bit costs something.
  EXPECT_GT(calibration::kMvtuLut.lut_mult_bits + calibration::kMvtuLut.product_bits, 0);
  EXPECT_NEAR(calibration::kMvtuDsp.dsp_lanes, 1.0, 0.1);  // one DSP48E1 per 8 x 8 lane
}

}  // namespace
}  // namespace dorefa::hw
