#include "train/trainer.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "train/checkpoint.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"

namespace dorefa::train {
namespace {
namespace fs = std::filesystem;

// A small W1A2 CNN: ~60k MACs, trains on a few thousand MNIST images in seconds.
const std::string kTinyCnn = R"(
[model]
name = "tiny"
input = [1, 28, 28]
classes = 10
w_bits = 1
a_bits = 2
g_bits = 32

[[layers]]
name = "conv1"
type = "conv"
channels = 8
kernel = 5
stride = 2

[[layers]]
name = "conv2"
type = "conv"
channels = 16
kernel = 3

[[layers]]
name = "pool2"
type = "maxpool"

[[layers]]
name = "fc1"
type = "dense"
channels = 64

[[layers]]
name = "fc2"
type = "dense"
channels = 10

[train]
optimizer = "adam"
lr = 0.003
batch_size = 32
epochs = 4
seed = 5
augment_pad = 0
val_size = 500
)";

fs::path temp_dir(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("dorefa_trainer_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(d);
  return d;
}

TEST(Trainer, TinyNetLossFallsAndAccuracyBeatsChanceByAWideMargin) {
  ModelConfig cfg = parse_config(kTinyCnn, "tiny");
  TrainOptions opt;
  opt.out_dir = temp_dir("tiny");
  opt.max_train = 3000;  // 2500 train + 500 val: 78 steps/epoch, 312 steps
  opt.max_test = 1000;
  opt.verbose = false;
  opt.threads = 1;  // tiny tensors: threads only add synchronisation
  TrainResult r = train_model(cfg, opt);
  ASSERT_TRUE(r.finished);
  ASSERT_EQ(r.history.size(), 4u);
  EXPECT_LT(r.history.back().train_loss, 0.6 * r.history.front().train_loss);
  EXPECT_GT(r.best_val_acc, 85.0);
  EXPECT_GT(r.test_acc, 85.0);  // chance is 10%
  EXPECT_TRUE(fs::exists(r.best_checkpoint));
  Checkpoint ck = load_checkpoint(r.best_checkpoint);
  EXPECT_DOUBLE_EQ(ck.metadata.at("test_acc").get<double>(), r.test_acc);
  EXPECT_EQ(ck.metadata.at("best").at("epoch").get<int>(), r.best_epoch);
  EXPECT_EQ(ck.metadata.at("dataset").at("name").get<std::string>(), "mnist");
  EXPECT_EQ(ck.metadata.at("dataset").at("train_checksum").get<std::string>().size(), 64u);
  // Evaluating the checkpoint again gives the recorded test accuracy.
  EvalResult ev = evaluate_checkpoint(r.best_checkpoint, "", 1000);
  EXPECT_DOUBLE_EQ(ev.accuracy, r.test_acc);
  fs::remove_all(opt.out_dir);
}

TEST(Trainer, ResumedRunEndsWithTheSameWeightsAsAnUninterruptedOne) {
  ModelConfig cfg = parse_config(kTinyCnn, "tiny");
  // Exercise every random source: augmentation, gradient-quantizer noise, shuffling.
  set_hidden_bits(cfg, 2, 2, 6);
  cfg.train.epochs = 3;
  cfg.train.augment_pad = 2;
  cfg.train.optimizer = "sgd";
  cfg.train.lr = 0.05;
  cfg.train.schedule = "step";
  cfg.train.step_epochs = 1;
  cfg.train.step_gamma = 0.5;
  TrainOptions opt;
  opt.max_train = 900;
  opt.max_test = 200;
  opt.verbose = false;
  opt.threads = 1;  // tiny tensors: threads only add synchronisation
  opt.evaluate_test = false;

  opt.out_dir = temp_dir("straight");
  TrainResult straight = train_model(cfg, opt);
  ASSERT_TRUE(straight.finished);

  TrainOptions part = opt;
  part.out_dir = temp_dir("resumed");
  part.stop_after_epochs = 1;
  TrainResult first = train_model(cfg, part);
  EXPECT_FALSE(first.finished);
  EXPECT_EQ(first.epochs_done, 1);
  // Without --resume an existing run is not overwritten.
  EXPECT_THROW(train_model(cfg, part), Error);
  // Resuming with a different config is refused.
  ModelConfig other = cfg;
  other.train.lr = 0.01;
  part.resume = true;
  EXPECT_THROW(train_model(other, part), Error);
  part.stop_after_epochs = 0;
  TrainResult resumed = train_model(cfg, part);
  ASSERT_TRUE(resumed.finished);

  Checkpoint a = load_checkpoint(straight.last_checkpoint);
  Checkpoint b = load_checkpoint(resumed.last_checkpoint);
  auto pa = a.network->named_parameters(true);
  auto pb = b.network->named_parameters(true);
  ASSERT_EQ(pa.size(), pb.size());
  for (const auto& p : pa) EXPECT_TRUE(torch::equal(p.value(), pb[p.key()])) << p.key();
  auto ba = a.network->named_buffers(true);
  auto bb = b.network->named_buffers(true);
  for (const auto& p : ba) EXPECT_TRUE(torch::equal(p.value(), bb[p.key()])) << p.key();
  for (std::size_t i = 0; i < straight.history.size(); ++i)
    EXPECT_DOUBLE_EQ(straight.history[i].train_loss, resumed.history[i].train_loss) << "epoch " << i + 1;
  fs::remove_all(opt.out_dir);
  fs::remove_all(part.out_dir);
}

TEST(Trainer, OverridesApplyAndSweepWritesTables) {
  ModelConfig cfg = parse_config(kTinyCnn, "tiny");
  TrainOverrides o;
  o.epochs = 1;
  o.bits = std::array<int, 3>{2, 3, 32};
  o.seed = 9;
  apply_overrides(cfg, o);
  EXPECT_EQ(cfg.train.epochs, 1);
  EXPECT_EQ(cfg.train.seed, 9u);
  EXPECT_EQ(bits_tag(cfg), "w2a3g32");
  TrainOptions opt;
  opt.out_dir = temp_dir("sweep");
  opt.max_train = 700;
  opt.max_test = 100;
  opt.verbose = false;
  opt.threads = 1;  // tiny tensors: threads only add synchronisation
  auto rows = run_sweep(cfg, {{1, 2, 32}, {2, 2, 8}}, opt);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_TRUE(fs::exists(opt.out_dir / "w1a2g32" / "best.pt"));
  EXPECT_TRUE(fs::exists(opt.out_dir / "w2a2g8" / "best.pt"));
  std::string md = util::read_file_text(opt.out_dir / "sweep.md");
  EXPECT_NE(md.find("| 2 | 2 | 8 |"), std::string::npos) << md;
  std::string csv = util::read_file_text(opt.out_dir / "sweep.csv");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 3);
  fs::remove_all(opt.out_dir);
}

}  // namespace
}  // namespace dorefa::train
