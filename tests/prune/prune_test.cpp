#include "prune/prune.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "train/checkpoint.hpp"
#include "test_models.hpp"
#include "util/error.hpp"

namespace dorefa::prune {
namespace {
namespace fs = std::filesystem;

class PruneJobTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("prune_job_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    torch::manual_seed(1);
    train::ModelConfig cfg = testing::chain_config();
    train::Network net(cfg);
    nlohmann::json meta = {{"format", train::kCheckpointFormat}, {"model", cfg.name},
                           {"config_toml", train::to_toml(cfg)}};
    train::save_checkpoint(dir_ / "source.pt", net, nullptr, meta);
  }
  void TearDown() override { fs::remove_all(dir_); }

  PruneJob job() const {
    PruneJob j;
    j.checkpoint = dir_ / "source.pt";
    j.out_dir = dir_ / "out";
    j.ratio = 0.5;
    j.finetune_epochs = 0;
    j.limit_train = 1000;
    j.limit_test = 200;
    j.verbose = false;
    j.threads = 1;
    return j;
  }
  // Runs a bad job: expects an Error mentioning `needle`, and no output folder.
  void expect_rejected(const PruneJob& j, const std::string& needle) {
    try {
      run_prune_job(j);
      ADD_FAILURE() << "accepted a bad request (" << needle << ")";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
      EXPECT_EQ(e.kind(), ErrorKind::kBadInput);
    }
    EXPECT_FALSE(fs::exists(dir_ / "out")) << needle;
  }
  fs::path dir_;
};

TEST_F(PruneJobTest, BadRequestsWriteNothing) {
  PruneJob j = job();
  j.ratio = 1.0;
  expect_rejected(j, "0 < ratio < 1");
  j.ratio = -0.2;
  expect_rejected(j, "0 < ratio < 1");
  j = job();
  j.macs = "50%";
  expect_rejected(j, "exactly one of");
  j = job();
  j.multiple = 16;
  expect_rejected(j, "larger than layer 'conv1'");
  j = job();
  j.layer_overrides = {"conv7=0.5"};
  expect_rejected(j, "layer 'conv7'");
  j = job();
  j.layer_overrides = {"conv2=1"};
  expect_rejected(j, "zero");
  j = job();
  j.layer_overrides = {"conv2"};
  expect_rejected(j, "NAME=RATIO");
  j = job();
  j.min_channels = 0;
  expect_rejected(j, "zero");
  j = job();
  j.ratio = 0;
  j.params = "12 thousand";
  expect_rejected(j, "--params");
  j = job();
  j.criterion = "l2";
  expect_rejected(j, "--criterion");
  j = job();
  j.checkpoint = dir_ / "missing.pt";
  expect_rejected(j, "not found");
}

TEST_F(PruneJobTest, WritesTheCheckpointAndTablesAndRefusesToOverwrite) {
  PruneSummary s = run_prune_job(job());
  EXPECT_TRUE(fs::exists(s.checkpoint));
  EXPECT_TRUE(fs::exists(s.table_md));
  EXPECT_TRUE(fs::exists(s.table_csv));
  EXPECT_LT(s.macs_after, s.macs_before);
  EXPECT_LT(s.params_after, s.params_before);
  train::Checkpoint back = train::load_checkpoint(s.checkpoint);
  EXPECT_EQ(back.config.macs(), s.macs_after);
  EXPECT_THROW(run_prune_job(job()), Error);  // best.pt exists, no --force
}

}  // namespace
}  // namespace dorefa::prune
