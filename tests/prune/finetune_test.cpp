#include "prune/finetune.hpp"

#include <gtest/gtest.h>

#include "data/registry.hpp"
#include "test_models.hpp"
#include "util/error.hpp"

namespace dorefa::prune {
namespace {

class FinetuneTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto full = data::load_dataset("mnist", "train");
    train_ = new data::Dataset(full.head(3000));
    val_ = new data::Dataset(data::load_dataset("mnist", "test").head(500));
  }
  static void TearDownTestSuite() {
    delete train_;
    delete val_;
  }
  static data::Dataset *train_, *val_;
};
data::Dataset* FinetuneTest::train_ = nullptr;
data::Dataset* FinetuneTest::val_ = nullptr;

TEST_F(FinetuneTest, LearnsFromRealImagesAndEndsInEvalMode) {
  torch::manual_seed(1);
  train::Network net(testing::chain_config());
  double before = accuracy(net, *val_);
  FinetuneOptions opt;
  opt.epochs = 1;
  opt.verbose = false;
  auto h = finetune(net, *train_, *val_, opt);
  ASSERT_EQ(h.size(), 1u);
  EXPECT_FALSE(net->is_training());
  EXPECT_GT(h[0].val_acc, before + 20);  // 30 steps from scratch: far above chance
  EXPECT_DOUBLE_EQ(h[0].val_acc, accuracy(net, *val_));
}

TEST_F(FinetuneTest, SlimmingPenaltyAddsLambdaSignGammaToTheGradient) {
  // One plain SGD step from the same state on the same batch: the penalty lambda * |gamma|
  // must move every gamma by exactly lr * lambda * sign(gamma) more than without it.
  auto gammas_after_one_step = [&](double lambda) {
    train::ModelConfig cfg = testing::chain_config();
    cfg.train.optimizer = "sgd";
    cfg.train.momentum = 0;
    torch::manual_seed(2);
    train::Network net(cfg);
    FinetuneOptions opt;
    opt.epochs = 1;
    opt.max_steps = 1;
    opt.lr = 0.01;
    opt.slimming = lambda;
    opt.verbose = false;
    finetune(net, *train_, *val_, opt);
    std::vector<torch::Tensor> g;
    for (const auto& h : net->layers())
      if (h.has_weights() && h.bn.gamma.defined()) g.push_back(h.bn.gamma.detach().clone());
    return g;
  };
  auto plain = gammas_after_one_step(0.0), slim = gammas_after_one_step(0.5);
  ASSERT_EQ(plain.size(), 4u);
  for (std::size_t i = 0; i < plain.size(); ++i) {
    torch::Tensor diff = plain[i] - slim[i];  // gammas start at 1 > 0: slimming lowers them
    EXPECT_NEAR(diff.min().item<double>(), 0.01 * 0.5, 1e-5);
    EXPECT_NEAR(diff.max().item<double>(), 0.01 * 0.5, 1e-5);
  }
  FinetuneOptions bad;
  bad.slimming = -1;
  train::Network net(testing::chain_config());
  EXPECT_THROW(finetune(net, *train_, *val_, bad), Error);
}

}  // namespace
}  // namespace dorefa::prune
