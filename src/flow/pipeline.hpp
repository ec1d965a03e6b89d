#pragma once
// The one-command flow (`dorefa run`): train -> lower + verify -> compile -> simulate ->
// synthesize -> report, on the built-in default (configs/lenet.toml, MNIST) or any config.
// Every stage writes into one run folder and records what it consumed in stages.json, so
// a rerun (or a run after an interruption) resumes: training continues from last.pt and
// a stage whose input is unchanged is not redone.
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>

namespace dorefa::flow {

struct PipelineOptions {
  std::filesystem::path config;   // model + training config (TOML)
  std::filesystem::path out_dir;  // the run folder
  std::optional<int> epochs;      // override of the config's [train] epochs
  std::string dataset;            // override of the config's dataset ("" = keep)
  std::size_t verify_images = 0;  // lowering check on the test set (0 = all)
  std::size_t sim_images = 1000;  // Verilator run on the first N test images (0 = all)
  bool simulate = true;
  bool synthesize = true;
  std::size_t max_train = 0;      // tests: train on the first N images only
};

struct PipelineResult {
  std::filesystem::path summary_json;
  std::filesystem::path report_html;
  std::filesystem::path report_md;
};

PipelineResult run_pipeline(const PipelineOptions& options);

}  // namespace dorefa::flow
