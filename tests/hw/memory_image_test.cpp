#include "hw/memory_image.hpp"

#include <sstream>

#include <gtest/gtest.h>

#include "hw/cost_model.hpp"

namespace dorefa::hw {
namespace {

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

// A dense layer whose mvtu W_BITS is `hw_bits` (DoReFa k = hw_bits - 1 between 1 and 8).
qmodel::Layer dense(int in, int out, int hw_bits) {
  qmodel::Layer l;
  l.name = "fc";
  l.kind = qmodel::LayerKind::kDense;
  l.input = {1, 1, in};
  l.output = {1, 1, out};
  l.weight_kind = hw_bits == 1 ? qmodel::WeightKind::kBinary
                 : hw_bits == 8 ? qmodel::WeightKind::kSymmetric
                                : qmodel::WeightKind::kDorefa;
  l.weight_bits = hw_bits == 1 || hw_bits == 8 ? hw_bits : hw_bits - 1;
  l.weights.assign(std::size_t(in * out), 1);
  return l;
}

TEST(MemoryImage, WeightWordMatchesTheInterfaceExample) {
  // docs/rtl/interfaces.md: PE=2, SIMD=2, W_BITS=4, w[0] = 3,-1, w[1] = -7,5 -> "59f3".
  qmodel::Layer l = dense(2, 2, 4);
  l.weights = {3, -1, -7, 5};
  EXPECT_EQ(mvtu_weight_image(l, 2, 2), "59f3\n");
  // PE=1, SIMD=2: two groups, one word each, channel 0 first.
  EXPECT_EQ(mvtu_weight_image(l, 1, 2), "f3\n59\n");
}

TEST(MemoryImage, DorefaWeightsGetASignBitMore) {
  // k = 2 DoReFa weights are -3, -1, 1, 3: three bits each (two's complement).
  qmodel::Layer l = dense(2, 1, 3);
  ASSERT_EQ(l.weight_bits, 2);
  EXPECT_EQ(hw_weight_bits(l), 3);
  l.weights = {-3, 3};
  EXPECT_EQ(mvtu_weight_image(l, 1, 2), "1d\n");  // 011'101
}

TEST(MemoryImage, BinaryWeightsAreOneForPlusOne) {
  qmodel::Layer l = dense(4, 2, 1);
  l.weights = {1, -1, -1, 1, -1, -1, -1, 1};
  // PE=2 SIMD=2: SF=2 words; word s: bits (p*2+j) = w[p][s*2+j] > 0.
  auto w = lines(mvtu_weight_image(l, 2, 2));
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[0], "1");  // p0: 1,-1 -> 01 ; p1: -1,-1 -> 00  => 0b0001
  EXPECT_EQ(w[1], "a");  // p0: -1,1 -> 10 ; p1: -1,1 -> 10  => 0b1010
}

TEST(MemoryImage, ThresholdsAreClampedToTheAccumulatorRange) {
  qmodel::Layer l = dense(2, 2, 1);
  l.output_bits = 2;
  l.thresholds = {-100, 0, 100, INT32_MIN, 5, INT32_MAX};
  // ACC_BITS 8: range [-128, 127]; one word per group, PE=2 => one line of 2*3*8 bits.
  auto t = lines(mvtu_threshold_image(l, 2, 8));
  ASSERT_EQ(t.size(), 1u);
  // fields low first: -100=9c, 0=00, 100=64, -128=80, 5=05, 127=7f
  EXPECT_EQ(t[0], "7f058064009c");
}

TEST(MemoryImage, LogitParamsAreAddThenMul) {
  qmodel::Layer l = dense(2, 2, 8);
  l.logit_mul = {3, -2};
  l.logit_add = {-1, 0x123456789};
  auto p = lines(logits_param_image(l));
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0], "ffffffffffffffff00000003");
  EXPECT_EQ(p[1], "0000000123456789fffffffe");
}

}  // namespace
}  // namespace dorefa::hw
