#include "prune/schedule.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "data/registry.hpp"
#include "prune/surgery.hpp"
#include "test_models.hpp"
#include "util/error.hpp"

namespace dorefa::prune {
namespace {
namespace fs = std::filesystem;

// A checkpoint of the chain model trained briefly on real MNIST, saved like the trainer does.
class ScheduleTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() / ("prune_schedule_test_" + std::to_string(::getpid())));
    fs::create_directories(*dir_);
    torch::manual_seed(3);
    train::ModelConfig cfg = testing::chain_config();
    train::Network net(cfg);
    data::Dataset train_set = data::load_dataset("mnist", "train").head(2000);
    FinetuneOptions opt;
    opt.epochs = 1;
    opt.verbose = false;
    finetune(net, train_set, train_set.head(200), opt);
    nlohmann::json meta = {{"format", train::kCheckpointFormat}, {"model", cfg.name},
                           {"config_toml", train::to_toml(cfg)}, {"epoch", 1}, {"test_acc", nullptr}};
    train::save_checkpoint(*dir_ / "source.pt", net, nullptr, meta);
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
  }
  static fs::path* dir_;

  ScheduleOptions quick() const {
    ScheduleOptions o;
    o.request.target = {TargetKind::kMacs, 0.5 * double(testing::chain_config().macs())};
    o.finetune.epochs = 1;
    o.finetune.max_steps = 5;
    o.max_train = 1500;
    o.max_test = 300;
    o.verbose = false;
    return o;
  }
};
fs::path* ScheduleTest::dir_ = nullptr;

TEST_F(ScheduleTest, IterativeScheduleMeetsTheBudgetAndWritesALoadableCheckpoint) {
  train::Checkpoint ck = train::load_checkpoint(*dir_ / "source.pt");
  ScheduleOptions o = quick();
  o.steps = 2;
  o.criterion = Criterion::kTaylor;
  o.calibration.batches = 2;
  PruneResult r = run_pruning(ck, o);
  ASSERT_EQ(r.steps.size(), 2u);
  EXPECT_LT(r.steps[0].macs, ck.config.macs());
  EXPECT_LE(double(r.steps[1].macs), 0.5 * double(ck.config.macs()));
  EXPECT_LT(r.steps[1].macs, r.steps[0].macs);  // the budget tightens step by step
  EXPECT_EQ(r.history.size(), 2u);
  for (const auto& l : r.layers) {
    if (l.name != "fc2") EXPECT_EQ(l.channels_after % 4, 0) << l.name;
  }

  fs::path out = *dir_ / "out";
  write_prune_outputs(out, r, ck, *dir_ / "source.pt", o);
  for (const char* f : {"best.pt", "best.json", "prune.md", "prune.csv", "config.toml"})
    EXPECT_TRUE(fs::exists(out / f)) << f;
  train::Checkpoint back = train::load_checkpoint(out / "best.pt");
  EXPECT_EQ(back.config.macs(), r.config.macs());
  EXPECT_EQ(back.metadata.at("pruning").at("criterion"), "taylor");
  // Same outputs as the in-memory pruned network.
  torch::NoGradGuard no_grad;
  torch::Tensor x = torch::randint(0, 256, {8, 28, 28, 1}).to(torch::kUInt8);
  EXPECT_TRUE(back.network->forward(x).allclose(r.network->forward(x)));
  std::string csv = layer_table_csv(r);
  EXPECT_NE(csv.find("conv1,conv,12,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\ntotal,"), std::string::npos);
}

TEST_F(ScheduleTest, BnCriterionWithSlimmingAndPerLayerRatio) {
  train::Checkpoint ck = train::load_checkpoint(*dir_ / "source.pt");
  ScheduleOptions o = quick();
  o.request.target = {TargetKind::kRatio, 0.5};
  o.request.global = false;
  o.criterion = Criterion::kBnGamma;
  o.finetune.slimming = 1e-3;
  o.slimming_epochs = 1;
  PruneResult r = run_pruning(ck, o);
  EXPECT_EQ(r.history.size(), 2u);  // slimming epoch + fine-tune epoch
  // Half of every layer, to the nearest multiple of 4 (12 * 0.5 = 6: 4 and 8 tie, ties go up).
  EXPECT_EQ(r.layers[0].channels_after, 8);
  EXPECT_EQ(r.layers[1].channels_after, 8);
  EXPECT_EQ(r.layers[2].channels_after, 8);
  EXPECT_EQ(r.layers[3].channels_after, 16);
  EXPECT_EQ(r.layers[4].channels_after, 10);
}

TEST_F(ScheduleTest, BadRequestsThrowBeforeAnyWork) {
  train::Checkpoint ck = train::load_checkpoint(*dir_ / "source.pt");
  ScheduleOptions o = quick();
  o.request.target = {TargetKind::kRatio, 1.5};
  EXPECT_THROW(run_pruning(ck, o), Error);
  o = quick();
  o.steps = 0;
  EXPECT_THROW(run_pruning(ck, o), Error);
  o = quick();
  o.slimming_epochs = 1;  // without a lambda
  EXPECT_THROW(run_pruning(ck, o), Error);
}

}  // namespace
}  // namespace dorefa::prune
