#pragma once
// Quantization-aware training: the loop, validation, best/last checkpoints, resume, and
// the (W,A,G) sweep. No libtorch in this header, so the CLI and the one-command flow can
// call it cheaply.
//
// Determinism: epoch e's data order is data::epoch_order(n, seed, e), its augmentation
// draws come from mt19937_64(seed, e) and torch's generator (gradient noise) is reseeded
// from (seed, e) at the start of the epoch; with the saved weights, BN statistics and
// optimizer state, a run resumed from last.pt ends with the same weights as an
// uninterrupted one.
#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "train/config.hpp"

namespace dorefa::train {

struct TrainOptions {
  std::filesystem::path out_dir;  // receives last.pt/.json, best.pt/.json, train.log.jsonl
  bool resume = false;            // continue from out_dir/last.pt if it exists
  std::size_t max_train = 0;      // use only the first N training images (0 = all); for tests
  std::size_t max_test = 0;       // evaluate only the first N test images (0 = all)
  bool evaluate_test = true;      // evaluate the best checkpoint on the test set at the end
  int stop_after_epochs = 0;      // stop this invocation after N epochs (tests interrupting a run)
  int threads = 0;                // torch threads; 0 = all cores
  bool verbose = true;            // per-epoch progress and summary lines on stderr
};

struct EpochRecord {
  int epoch = 0;  // 1-based
  double lr = 0, train_loss = 0, train_acc = 0, val_acc = 0;
  double seconds = 0;      // wall time of the training part of the epoch
  double cpu_seconds = 0;  // process CPU time of the same (all threads): robust on a shared machine
};

struct TrainResult {
  std::filesystem::path best_checkpoint;
  std::filesystem::path last_checkpoint;
  int epochs_done = 0;
  bool finished = false;  // all configured epochs done
  int best_epoch = 0;
  double best_val_acc = 0;
  double test_acc = -1;   // of the best checkpoint; -1 if not evaluated
  bool lead = true;       // data-parallel: this process is rank 0 (the one that reports and writes)
  double mean_epoch_seconds = 0;
  std::vector<EpochRecord> history;
};

TrainResult train_model(const ModelConfig& config, const TrainOptions& options);

// CLI-level overrides of a config's [train] section and hidden bits.
struct TrainOverrides {
  std::optional<int> epochs;
  std::optional<int> batch_size;
  std::optional<double> lr;
  std::optional<std::string> dataset;
  std::optional<std::uint64_t> seed;
  std::optional<int> augment_pad;
  std::optional<int> val_size;
  std::optional<std::array<int, 3>> bits;  // hidden W, A, G
};
void apply_overrides(ModelConfig& config, const TrainOverrides& overrides);

// The one-command flow's entry: load the config, apply overrides, train (resuming if asked),
// and return the best checkpoint's path.
std::filesystem::path train_from_config(const std::filesystem::path& config_path, const TrainOverrides& overrides,
                                        const TrainOptions& options);

struct EvalResult {
  std::string dataset;
  std::size_t total = 0, correct = 0;
  double accuracy = 0;  // percent
  double seconds = 0;
};
// Top-1 accuracy of a checkpoint on a dataset's test split (dataset "" = the one it was trained on).
EvalResult evaluate_checkpoint(const std::filesystem::path& checkpoint, const std::string& dataset,
                               std::size_t max_images = 0);

struct SweepRow {
  std::array<int, 3> bits{};
  std::string run_dir;
  double val_acc = 0, test_acc = 0, seconds_per_epoch = 0;
  int epochs = 0;
};
// Trains one run per (W,A,G) in out_dir/<tag>/ and writes out_dir/sweep.csv and sweep.md
// (a table like the paper's Table 1).
std::vector<SweepRow> run_sweep(const ModelConfig& config, const std::vector<std::array<int, 3>>& grid,
                                const TrainOptions& options);

}  // namespace dorefa::train
