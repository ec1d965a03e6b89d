#include "train/epoch.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <numeric>

#include "data/registry.hpp"
#include "util/error.hpp"

namespace dorefa::train {
namespace {

ModelConfig lenet() { return load_config(std::filesystem::path(DOREFA_SOURCE_ROOT) / "configs" / "lenet.toml"); }

struct EpochRun {
  EpochRecord rec;
  std::vector<double> lrs;            // as asked of plan.lr, in order
  std::vector<torch::Tensor> params;  // after the epoch
};

// `steps` steps of 16 real images from the same initial state and seed.
EpochRun run_steps(const data::Dataset& ds, std::int64_t steps, std::function<torch::Tensor(Network&)> extra) {
  ModelConfig cfg = lenet();
  cfg.train.optimizer = "sgd";
  torch::manual_seed(3);
  Network net(cfg);
  auto optimizer = make_optimizer(net, cfg.train, 0.01);
  EpochRun run;
  EpochPlan plan;
  plan.train_set = &ds;
  plan.val_set = &ds;
  plan.order.resize(ds.size());
  std::iota(plan.order.rbegin(), plan.order.rend(), std::size_t(0));  // reversed
  plan.batch = 16;
  plan.steps = steps;
  plan.lr = [&](std::int64_t s) {
    run.lrs.push_back(0.01 / double(s + 1));
    return run.lrs.back();
  };
  if (extra) plan.extra_loss = [&] { return extra(net); };
  plan.verbose = false;
  torch::manual_seed(4);
  run.rec = run_epoch(net, *optimizer, plan);
  EXPECT_TRUE(net->is_training());
  for (const auto& p : net->parameters()) run.params.push_back(p.detach().clone());
  return run;
}

TEST(Epoch, ExtraLossMovesTheWeightsButNotTheReportedLoss) {
  const data::Dataset ds = data::load_dataset("mnist", "test").head(40);
  const EpochRun plain = run_steps(ds, 2, nullptr), again = run_steps(ds, 2, nullptr);
  // Same plan, same seed: the same epoch to the bit.
  EXPECT_EQ(plain.rec.train_loss, again.rec.train_loss);
  for (std::size_t i = 0; i < plain.params.size(); ++i) EXPECT_TRUE(torch::equal(plain.params[i], again.params[i]));
  // The schedule is asked once per step, and the record keeps the last step's rate.
  EXPECT_EQ(plain.lrs, (std::vector<double>{0.01, 0.005}));
  EXPECT_DOUBLE_EQ(plain.rec.lr, 0.005);
  EXPECT_GT(plain.rec.train_loss, 0.0);
  EXPECT_GE(plain.rec.val_acc, 0.0);
  // One step: the extra term enters the gradient (the weights move differently), but
  // train_loss is the cross-entropy alone, computed before the step: exactly the same.
  const auto penalty = [](Network& net) { return 10.0 * net->parameters()[0].abs().sum(); };
  const EpochRun one = run_steps(ds, 1, nullptr), one_extra = run_steps(ds, 1, penalty);
  EXPECT_EQ(one.rec.train_loss, one_extra.rec.train_loss);
  EXPECT_FALSE(torch::equal(one.params[0], one_extra.params[0]));
  for (std::size_t i = 1; i < one.params.size(); ++i)
    EXPECT_TRUE(torch::equal(one.params[i], one_extra.params[i])) << "parameter " << i << " has no penalty";
}

TEST(Epoch, BatchesFollowTheOrder) {
  const data::Dataset ds = data::load_dataset("mnist", "test").head(10);
  const std::vector<std::size_t> order{7, 2, 9};
  torch::Tensor images = batch_images(ds, order, 1, 2), labels = batch_labels(ds, order, 1, 2);
  ASSERT_EQ(images.size(0), 2);
  const auto bytes = std::int64_t(ds.image_bytes());
  for (int i = 0; i < 2; ++i) {
    const std::size_t idx = order[std::size_t(1 + i)];
    torch::Tensor expected = torch::from_blob(const_cast<std::uint8_t*>(ds.image(idx).data()), {bytes}, torch::kUInt8);
    EXPECT_TRUE(torch::equal(images[i].reshape({bytes}), expected)) << i;
    EXPECT_EQ(labels[i].item<int64_t>(), ds.labels[idx]);
  }
  // No order: consecutive examples.
  EXPECT_TRUE(torch::equal(batch_images(ds, {}, 3, 2)[1].reshape({bytes}),
                           torch::from_blob(const_cast<std::uint8_t*>(ds.image(4).data()), {bytes}, torch::kUInt8)));
}

TEST(Epoch, UnknownOptimizerIsAnError) {
  ModelConfig cfg = lenet();
  Network net(cfg);
  cfg.train.optimizer = "rmsprop";
  EXPECT_THROW(make_optimizer(net, cfg.train, 0.1), Error);
}

}  // namespace
}  // namespace dorefa::train
