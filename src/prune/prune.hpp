#pragma once
// The `dorefa prune` entry point, without libtorch in the header (the CLI includes it):
// load a checkpoint, check the request, run the schedule, write the outputs.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "prune/budget.hpp"

namespace dorefa::prune {

struct PruneJob {
  std::filesystem::path checkpoint;  // trained checkpoint (.pt)
  std::filesystem::path out_dir;     // receives best.pt/.json, prune.md, prune.csv, config.toml
  bool force = false;                // replace an existing out_dir/best.pt
  // Exactly one target: ratio (0 < r < 1), or a MAC / parameter budget as text ("120k", "50%").
  double ratio = 0;
  std::string macs, params;
  bool per_layer = false;
  int multiple = 4, min_channels = 4;
  std::vector<std::string> layer_overrides;  // NAME=RATIO
  std::string criterion = "l1";              // l1 | bn | taylor
  int steps = 1, finetune_epochs = 1;
  double lr = 0, slimming = 0;
  int slimming_epochs = 0, calib_batches = 8;
  std::size_t limit_train = 0, limit_test = 0;
  int threads = 0;  // torch threads; 0 = all cores
  bool verbose = true;
};

struct PruneSummary {
  std::int64_t macs_before = 0, macs_after = 0, params_before = 0, params_after = 0;
  double test_before = 0, test_after = 0;
  std::filesystem::path checkpoint, table_md, table_csv;
};

// Checks everything it can before any work (a bad request writes nothing), then prunes,
// fine-tunes and writes. Throws dorefa::Error.
PruneSummary run_prune_job(const PruneJob& job);

// "conv1=0.25" -> {"conv1", 0.25}; throws dorefa::Error otherwise.
std::pair<std::string, double> parse_layer_override(const std::string& text);

}  // namespace dorefa::prune
