#include "runtime/reference.hpp"

#include <limits>

#include <gtest/gtest.h>

#include "qmodel/validate.hpp"
#include "util/error.hpp"

namespace dorefa::runtime {
namespace {
using namespace dorefa::qmodel;

Layer dense(std::string name, Shape in, int in_bits, int outputs, WeightKind wk, int wbits, std::vector<std::int8_t> w) {
  Layer l;
  l.name = std::move(name);
  l.kind = LayerKind::kDense;
  l.input = in;
  l.input_bits = in_bits;
  l.output = {1, 1, outputs};
  l.weight_kind = wk;
  l.weight_bits = wbits;
  l.weights = std::move(w);
  return l;
}

Layer logits_layer(Shape in, int in_bits, std::vector<std::int8_t> w, std::vector<std::int32_t> mul,
                   std::vector<std::int64_t> add) {
  Layer l = dense("out", in, in_bits, int(mul.size()), WeightKind::kBinary, 1, std::move(w));
  l.output_kind = OutputKind::kLogits;
  l.logit_mul = std::move(mul);
  l.logit_add = std::move(add);
  return l;
}

// 3 inputs of 2 bits -> dense 2 (dorefa 2-bit weights, thresholds) -> dense 3 logits.
Model tiny_threshold_model() {
  Model m;
  m.name = "tiny";
  m.input = {1, 1, 3};
  m.input_bits = 2;
  m.num_classes = 3;
  Layer fc1 = dense("fc1", m.input, 2, 2, WeightKind::kDorefa, 2, {3, -1, 1, -3, -3, 1});
  fc1.output_kind = OutputKind::kThresholds;
  fc1.output_bits = 2;
  fc1.thresholds = {-5, 10, 11, -10, -10, 0};
  m.layers.push_back(fc1);
  m.layers.push_back(logits_layer({1, 1, 2}, 2, {1, 1, 1, -1, -1, 1}, {1, 1, 1}, {-10, 3, 3}));
  validate(m, "tiny");
  return m;
}

TEST(Reference, ThresholdsCountPassedThresholdsEqualityIncluded) {
  const std::vector<std::uint8_t> image = {3, 1, 2};
  Trace t = run_reference_trace(tiny_threshold_model(), image);
  // acc0 = 9 - 1 + 2 = 10 passes -5 and 10 (acc >= t), not 11; acc1 = -9 - 3 + 2 = -10
  // passes -10 twice, not 0.
  ASSERT_EQ(t.layers.size(), 2u);
  EXPECT_EQ(t.layers[0], (std::vector<std::int32_t>{2, 2}));
  // acc = {4, 0, 0}; scores = {4 - 10, 0 + 3, 0 + 3} = {-6, 3, 3}: tie, lowest index wins.
  EXPECT_EQ(t.layers[1], (std::vector<std::int32_t>{4, 0, 0}));
  EXPECT_EQ(t.inference.scores, (std::vector<std::int64_t>{-6, 3, 3}));
  EXPECT_EQ(t.inference.top1, 1);
  EXPECT_EQ(run_reference(tiny_threshold_model(), image), t.inference);
}

TEST(Reference, ConstantChannelsFromExtremeThresholds) {
  Model m = tiny_threshold_model();
  const std::int32_t lo = std::numeric_limits<std::int32_t>::min(), hi = std::numeric_limits<std::int32_t>::max();
  m.layers[0].thresholds = {lo, lo, lo, hi, hi, hi};
  for (std::vector<std::uint8_t> image : {std::vector<std::uint8_t>{0, 0, 0}, {3, 3, 3}, {0, 3, 1}}) {
    Trace t = run_reference_trace(m, image);
    EXPECT_EQ(t.layers[0], (std::vector<std::int32_t>{3, 0}));
  }
}

TEST(Reference, RequantRoundsHalfUpAndClamps) {
  Model m;
  m.name = "requant";
  m.input = {1, 1, 2};
  m.num_classes = 2;
  // Five channels reading pixel 0 (= 10) or pixel 1 (= 3) with weight +-1.
  Layer fc1 = dense("fc1", m.input, 8, 5, WeightKind::kSymmetric, 8, {1, 0, 1, 0, -1, 0, 1, 0, 0, 1});
  fc1.output_kind = OutputKind::kRequant;
  fc1.output_bits = 3;
  fc1.requant_bias = {-3, -7, 4, 40, -4};
  fc1.requant_mult = {3, 3, 3, 2, 1};
  fc1.requant_shift = {2, 2, 2, 1, 1};
  m.layers.push_back(fc1);
  m.layers.push_back(logits_layer({1, 1, 5}, 3, std::vector<std::int8_t>(10, 1), {1, 1}, {0, 1}));
  validate(m, "requant");
  Trace t = run_reference_trace(m, std::vector<std::uint8_t>{10, 3});
  // ch0: (10-3)*3 = 21 -> (21+2)>>2 = 5 (5.25 rounds down)
  // ch1: (10-7)*3 = 9 -> (9+2)>>2 = 2 (2.25); ch2: (-10+4)*3 = -18 -> (-16)>>2 = -4 -> clamp 0
  // ch3: (10+40)*2 = 100 -> 50 -> clamp 7; ch4: (3-4)*1 = -1 -> (-1+1)>>1 = 0 (-0.5 rounds up to 0)
  EXPECT_EQ(t.layers[0], (std::vector<std::int32_t>{5, 2, 0, 7, 0}));
  // Half up exactly: (acc + bias) * mult = 6, shift 2: 1.5 -> 2; = 10, shift 2: 2.5 -> 3.
  m.layers[0].requant_bias = {-8, -7, 0, 0, 0};
  m.layers[0].requant_mult = {3, 5, 1, 1, 1};
  t = run_reference_trace(m, std::vector<std::uint8_t>{10, 3});
  EXPECT_EQ(t.layers[0][0], 2);
  EXPECT_EQ(t.layers[0][1], 4);  // (3 * 5 + 2) >> 2 = 4 (3.75)
  EXPECT_EQ(t.inference.scores[1], t.inference.scores[0] + 1);
  EXPECT_EQ(t.inference.top1, 1);
}

TEST(Reference, ConvPadsWithZerosStridesAndWritesHwc) {
  Layer l;
  l.name = "c";
  l.kind = LayerKind::kConv;
  l.input = {3, 3, 1};
  l.output = {2, 2, 2};
  l.kernel = 3;
  l.stride = 2;
  l.padding = 1;
  l.weight_kind = WeightKind::kBinary;
  l.weights.assign(9, 1);
  l.weights.resize(18, -1);
  const std::vector<std::int32_t> in = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  // Windows centred on (0,0), (0,2), (2,0), (2,2): only the in-range taps count.
  EXPECT_EQ(reference::accumulate(l, in), (std::vector<std::int32_t>{12, -12, 16, -16, 24, -24, 28, -28}));
}

TEST(Reference, ConvWeightLayoutIsOutKyKxIn) {
  Layer l;
  l.name = "c";
  l.kind = LayerKind::kConv;
  l.input = {2, 2, 2};
  l.output = {1, 1, 1};
  l.kernel = 2;
  l.weight_kind = WeightKind::kSymmetric;
  l.weight_bits = 8;
  l.weights = {1, 10, 100, 0, 0, 0, 0, -1};  // [ky][kx][i]
  const std::vector<std::int32_t> in = {1, 2, 3, 4, 5, 6, 7, 8};  // HWC
  EXPECT_EQ(reference::accumulate(l, in), (std::vector<std::int32_t>{1 + 20 + 300 - 8}));
}

TEST(Reference, DenseReadsInputFlattenedHwc) {
  Layer l = dense("d", {1, 2, 2}, 8, 1, WeightKind::kSymmetric, 8, {0, 0, 1, 0});  // (y0, x1, c0)
  EXPECT_EQ(reference::accumulate(l, std::vector<std::int32_t>{5, 6, 7, 8}), (std::vector<std::int32_t>{7}));
}

TEST(Reference, MaxPoolOnLevels) {
  Layer l;
  l.kind = LayerKind::kMaxPool;
  l.input = {2, 4, 1};
  l.output = {1, 2, 1};
  l.kernel = l.stride = 2;
  EXPECT_EQ(reference::maxpool(l, std::vector<std::int32_t>{1, 5, 2, 0, 3, 4, 7, 6}), (std::vector<std::int32_t>{5, 7}));
}

TEST(Reference, ArgmaxLowestIndexOnTies) {
  EXPECT_EQ(reference::argmax(std::vector<std::int64_t>{-5, 7, 7, 2}), 1);
  EXPECT_EQ(reference::argmax(std::vector<std::int64_t>{-5, -5}), 0);
  EXPECT_EQ(reference::argmax(std::vector<std::int64_t>{1, 2, 3, 9}), 3);
}

TEST(Reference, RejectsImagesOfWrongSizeOrLevels) {
  const Model m = tiny_threshold_model();
  EXPECT_THROW(run_reference(m, std::vector<std::uint8_t>{1, 2}), Error);
  try {
    run_reference(m, std::vector<std::uint8_t>{1, 4, 0});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("expected levels 0 .. 3 (2-bit input), found 4 at byte 1"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace dorefa::runtime
