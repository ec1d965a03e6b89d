#include "prune/criteria.hpp"

#include <gtest/gtest.h>

#include "data/registry.hpp"
#include "prune/finetune.hpp"
#include "test_models.hpp"
#include "util/error.hpp"

namespace dorefa::prune {
namespace {

class CriteriaTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { test_ = new data::Dataset(data::load_dataset("mnist", "test").head(300)); }
  static void TearDownTestSuite() { delete test_; }
  static data::Dataset* test_;

  train::Network network(std::uint64_t seed) {
    torch::manual_seed(seed);
    train::Network net(testing::chain_config());
    torch::NoGradGuard no_grad;
    for (const auto& h : net->layers())
      if (h.has_weights() && h.bn.gamma.defined()) {
        h.bn.gamma.uniform_(0.2, 1.5);
        h.bn.beta.uniform_(0.0, 0.5);
      }
    net->eval();
    return net;
  }
};
data::Dataset* CriteriaTest::test_ = nullptr;

TEST_F(CriteriaTest, TracedForwardEqualsTheNetworkForward) {
  train::Network net = network(1);
  torch::NoGradGuard no_grad;
  torch::Tensor x = dataset_images(*test_, 0, 100);
  std::vector<torch::Tensor> acts;
  torch::Tensor traced = traced_forward(net, x, &acts);
  EXPECT_TRUE(traced.equal(net->forward(x)));
  ASSERT_EQ(acts.size(), 4u);
  EXPECT_EQ(acts[0].sizes(), (std::vector<int64_t>{100, 12, 26, 26}));
  EXPECT_EQ(acts[3].sizes(), (std::vector<int64_t>{100, 32}));
  // 2-bit activations: levels k/3 only.
  EXPECT_TRUE((acts[1] * 3).equal((acts[1] * 3).round()));
}

TEST_F(CriteriaTest, L1AndBnScoresAreFilterNormsAndGammaMagnitudes) {
  train::Network net = network(2);
  ChannelGraph g = build_channel_graph(net->config());
  auto l1 = channel_scores(net, g, Criterion::kL1);
  auto bn = channel_scores(net, g, Criterion::kBnGamma);
  ASSERT_EQ(l1.size(), 4u);
  const auto& conv2 = net->layers()[1];
  EXPECT_NEAR(l1[1][5], conv2.weight[5].abs().sum().item<double>(), 1e-5);
  EXPECT_EQ(l1[3].size(), 32u);
  {
    torch::NoGradGuard no_grad;
    conv2.bn.gamma[3] = -2.5f;
  }
  bn = channel_scores(net, g, Criterion::kBnGamma);
  EXPECT_NEAR(bn[1][3], 2.5, 1e-6);
}

TEST_F(CriteriaTest, TaylorScoresADeadChannelZeroAndLiveOnesPositive) {
  train::Network net = network(3);
  {
    torch::NoGradGuard no_grad;
    const auto& conv3 = net->layers()[3];
    conv3.bn.gamma[4] = 0.0f;  // channel 4 of conv3 outputs level 0 for every image
    conv3.bn.beta[4] = 0.0f;
  }
  ChannelGraph g = build_channel_graph(net->config());
  CalibrationOptions opt;
  opt.batches = 2;
  opt.batch_size = 100;
  auto s = channel_scores(net, g, Criterion::kTaylor, test_, opt);
  ASSERT_EQ(s[2].size(), 16u);
  EXPECT_EQ(s[2][4], 0.0);
  int positive = 0;
  for (double v : s[2]) positive += v > 0;
  EXPECT_GE(positive, 8);
  for (const auto& layer : s)
    for (double v : layer) EXPECT_GE(v, 0.0);
  EXPECT_FALSE(net->layers()[1].weight.grad().defined() && net->layers()[1].weight.grad().abs().sum().item<double>() > 0)
      << "calibration must leave no gradients behind";
  EXPECT_THROW(channel_scores(net, g, Criterion::kTaylor, nullptr, opt), Error);
}

TEST(Criterion, ParsesNamesAndRejectsOthers) {
  EXPECT_EQ(parse_criterion("l1"), Criterion::kL1);
  EXPECT_EQ(parse_criterion("bn"), Criterion::kBnGamma);
  EXPECT_EQ(parse_criterion("taylor"), Criterion::kTaylor);
  EXPECT_THROW(parse_criterion("l2"), Error);
  EXPECT_EQ(criterion_name(Criterion::kTaylor), "taylor");
}

}  // namespace
}  // namespace dorefa::prune
