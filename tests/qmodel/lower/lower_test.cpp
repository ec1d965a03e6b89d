#include "qmodel/lower/lower.hpp"

#include <cstdio>
#include <set>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "data/registry.hpp"
#include "qmodel/validate.hpp"
#include "runtime/reference.hpp"
#include "train/config.hpp"
#include "util/error.hpp"

namespace dorefa::qmodel::lower {
namespace {

// A small LeNet-like net: 8-bit first conv with padding, a binary conv, a 2-bit dorefa
// dense after flatten, 8-bit logits; both pool and flatten permutations are exercised.
std::string small_config(int hidden_w_bits, int a_bits) {
  return fmt::format(R"(
[model]
name = "lower-test"
input = [1, 28, 28]
classes = 10
w_bits = {0}
a_bits = {1}
g_bits = 32
[[layers]]
name = "conv1"
type = "conv"
channels = 8
kernel = 5
padding = 1
[[layers]]
name = "pool1"
type = "maxpool"
kernel = 2
[[layers]]
name = "conv2"
type = "conv"
channels = 12
kernel = 3
stride = 2
[[layers]]
name = "fc1"
type = "dense"
channels = 32
w_bits = 2
[[layers]]
name = "fc2"
type = "dense"
channels = 10
)", hidden_w_bits, a_bits);
}

// Gives the batch-norms realistic statistics (a few forward passes in train mode over real
// images), then flips some gammas negative to exercise the weight negation.
train::Network make_network(const std::string& text, const data::Dataset& images) {
  torch::manual_seed(7);
  train::Network net(train::parse_config(text, "lower-test.toml"));
  net->train();
  torch::NoGradGuard no_grad;
  auto batch = torch::from_blob(const_cast<std::uint8_t*>(images.images.data()),
                                {std::int64_t(images.size()), 28, 28, 1}, torch::kUInt8);
  for (int i = 0; i < 20; ++i) net->forward(batch);
  for (const auto& layer : net->layers()) {
    if (layer.bn.gamma.defined()) layer.bn.gamma.narrow(0, 0, 1).fill_(-layer.bn.gamma[0].abs().item<double>() - 0.5);
  }
  net->eval();
  return net;
}

struct Agreement {
  int same_top1 = 0;
  std::set<int> classes;  // distinct predictions: agreement on a constant answer proves nothing
  double max_logit_error = 0;
};

Agreement compare(train::Network net, const Model& model, const data::Dataset& ds, double factor) {
  torch::NoGradGuard no_grad;
  auto batch = torch::from_blob(const_cast<std::uint8_t*>(ds.images.data()), {std::int64_t(ds.size()), 28, 28, 1},
                                torch::kUInt8);
  auto logits = net->forward(batch);
  auto top1 = logits.argmax(1);
  Agreement a;
  for (std::size_t i = 0; i < ds.size(); ++i) {
    auto inf = runtime::run_reference(model, ds.image(i));
    a.same_top1 += inf.top1 == top1[std::int64_t(i)].item<int>();
    a.classes.insert(inf.top1);
    for (int c = 0; c < 10; ++c) {
      double err = std::abs(double(inf.scores[std::size_t(c)]) / factor - logits[std::int64_t(i)][c].item<double>());
      a.max_logit_error = std::max(a.max_logit_error, err);
    }
  }
  return a;
}

double logit_factor(const Model& model, const train::Network& net) {
  // score = F * logit: F from the bias folding (add = round(b * F)).
  const auto& last = model.layers.back();
  auto bias = net->layers().back().bias;
  int o = int(bias.abs().argmax().item<int64_t>());
  return double(last.logit_add[std::size_t(o)]) / bias[o].item<double>();
}

TEST(Lower, IntegerModelMatchesTrainedForwardOnRealImages) {
  data::Dataset ds = data::load_dataset("mnist", "test").head(300);
  for (int w_bits : {1, 2}) {
    auto net = make_network(small_config(w_bits, 2), ds);
    Model model = lower_network(net, "lower-test");
    validate(model, "lowered model");
    ASSERT_EQ(model.layers.size(), 5u);
    EXPECT_EQ(model.layers[0].weight_kind, WeightKind::kSymmetric);
    EXPECT_EQ(model.layers[2].weight_kind, w_bits == 1 ? WeightKind::kBinary : WeightKind::kDorefa);
    EXPECT_EQ(model.layers[3].input.elements(), 12 * 6 * 6);
    EXPECT_EQ(model.layers.back().output_kind, OutputKind::kLogits);
    Agreement a = compare(net, model, ds, logit_factor(model, net));
    EXPECT_GE(100.0 * a.same_top1 / 300.0, kMinAgreementQatPct) << "w_bits " << w_bits;  // the documented gate
    EXPECT_GE(a.classes.size(), 4u);
    std::printf("w_bits %d: top-1 agreement %d/300, %zu classes, max |logit error| %.4f\n", w_bits, a.same_top1,
                a.classes.size(), a.max_logit_error);
  }
}

TEST(Lower, LogitsEqualFloatLogitsWhenNoActivationIsNearAThreshold) {
  // 8-bit activations everywhere make thresholds dense; most images still agree exactly on
  // the class, and the integer scores divided by F track the float logits closely.
  data::Dataset ds = data::load_dataset("mnist", "test").head(100);
  auto net = make_network(small_config(2, 4), ds);
  Model model = lower_network(net, "lower-test");
  Agreement a = compare(net, model, ds, logit_factor(model, net));
  EXPECT_GE(100.0 * a.same_top1 / 100.0, kMinAgreementQatPct);  // the documented gate
  EXPECT_LT(a.max_logit_error, 0.5);
  EXPECT_GE(a.classes.size(), 4u);
}

TEST(Lower, W8A8QatGetsSymmetricWeightsAndRequantStages) {
  // k = 8 weights are symmetric per channel (int8 levels), 8-bit activations a requant
  // stage (level n = n/255), and the integer model is the trained forward pass.
  data::Dataset ds = data::load_dataset("mnist", "test").head(300);
  auto net = make_network(small_config(8, 8), ds);
  Model model = lower_network(net, "lower-test");
  validate(model, "lowered model");
  EXPECT_EQ(model.layers[2].weight_kind, WeightKind::kSymmetric);  // conv2, w_bits 8
  EXPECT_EQ(model.layers[3].weight_kind, WeightKind::kDorefa);     // fc1 keeps its own w_bits 2
  for (std::size_t i : {0u, 2u, 3u}) {
    EXPECT_EQ(model.layers[i].output_kind, OutputKind::kRequant) << model.layers[i].name;
    EXPECT_EQ(model.layers[i].output_bits, 8) << model.layers[i].name;
    EXPECT_EQ(model.layers[i].requant_mult.size(), std::size_t(model.layers[i].output.channels));
  }
  EXPECT_EQ(model.layers[1].output_bits, 8);  // the pool passes 8-bit levels on
  Agreement a = compare(net, model, ds, logit_factor(model, net));
  EXPECT_GE(100.0 * a.same_top1 / 300.0, kMinAgreementQatPct);  // the documented QAT gate
  EXPECT_LT(a.max_logit_error, 0.5);
  EXPECT_GE(a.classes.size(), 4u);
}

TEST(Lower, FullPrecisionActivationsAreRejectedByName) {
  data::Dataset ds = data::load_dataset("mnist", "test").head(10);
  auto net = make_network(small_config(1, 32), ds);
  try {
    lower_network(net, "x");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("layer 'conv1'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("a_bits = 32"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace dorefa::qmodel::lower
