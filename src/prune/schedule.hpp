#pragma once
// The iterative schedule: score -> plan -> surgery -> fine-tune, `steps` times, from a
// trained checkpoint to a smaller one, and the files `dorefa prune` writes: a regular
// checkpoint (best.pt + best.json, loadable by train::load_checkpoint / `dorefa eval` /
// the lowering) and the per-layer table (prune.md, prune.csv).
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "prune/budget.hpp"
#include "prune/criteria.hpp"
#include "prune/finetune.hpp"
#include "train/checkpoint.hpp"

namespace dorefa::prune {

struct ScheduleOptions {
  PruneRequest request;
  Criterion criterion = Criterion::kL1;
  int steps = 1;                 // prune steps; the target is reached at the last one
  FinetuneOptions finetune;      // epochs per step (0 = prune only); slimming lambda
  int slimming_epochs = 0;       // epochs of slimming (L1 on gamma) before the first step
  CalibrationOptions calibration;
  int recalibrate_batches = 50;  // BN statistics re-estimated after each surgery (0 = off)
  std::size_t max_train = 0;     // use only the first N training images (0 = all); for tests
  std::size_t max_test = 0;      // evaluate only the first N test images (0 = all)
  bool verbose = true;
};

struct LayerRow {
  std::string name, type;
  int channels_before = 0, channels_after = 0;
  std::int64_t params_before = 0, params_after = 0, macs_before = 0, macs_after = 0;
};

struct StepRecord {
  int step = 0;
  std::int64_t macs = 0, params = 0;
  double test_pruned = 0;     // right after surgery (and BN re-estimation), before fine-tuning
  double test_finetuned = 0;  // after this step's fine-tuning
  double val_finetuned = 0;
};

struct PruneResult {
  train::ModelConfig config;
  train::Network network{nullptr};  // eval mode
  std::vector<LayerRow> layers;
  std::vector<StepRecord> steps;
  std::vector<FinetuneEpoch> history;  // every fine-tune epoch, in order
  double test_original = 0, test_final = 0, val_final = 0;
  std::size_t test_images = 0;
};

// Runs the schedule on a loaded checkpoint (left unchanged). Throws dorefa::Error for a bad
// request before any work.
PruneResult run_pruning(train::Checkpoint& original, const ScheduleOptions& options);

// Writes best.pt/.json, prune.md and prune.csv into `dir` (each atomically).
// `source` names the original checkpoint in the metadata and the table.
void write_prune_outputs(const std::filesystem::path& dir, const PruneResult& result,
                         const train::Checkpoint& original, const std::filesystem::path& source,
                         const ScheduleOptions& options);

// The per-layer table as Markdown and as CSV.
std::string layer_table_markdown(const PruneResult& result, const std::string& title);
std::string layer_table_csv(const PruneResult& result);

// One-line description of a request ("--macs 50% global, multiple 4, min 4").
std::string describe_request(const PruneRequest& request);

}  // namespace dorefa::prune
