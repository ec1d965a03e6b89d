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

#include "flow/lower_stage.hpp"
#include "hw/activity.hpp"
#include "hw/simulate.hpp"

namespace dorefa::flow {

struct PipelineOptions {
  std::filesystem::path config;   // model + training config (TOML)
  std::filesystem::path out_dir;  // the run folder
  std::optional<int> epochs;      // override of the config's [train] epochs
  std::string dataset;            // override of the config's dataset ("" = keep)
  // Start from this trained checkpoint (e.g. `dorefa prune`'s best.pt) instead of training;
  // its config comes from its metadata, `config` and `epochs` are not used.
  std::filesystem::path checkpoint;
  bool ptq = false;               // lower with W8A8 post-training quantization (a float model)
  std::size_t verify_images = 0;  // lowering check on the test set (0 = all)
  std::size_t sim_images = 1000;  // Verilator run on the first N test images (0 = all)
  bool simulate = true;
  bool synthesize = true;
  std::size_t max_train = 0;      // tests: train on the first N images only
  std::size_t activity_images = 8;  // toggle-coverage run for the power estimate (0 = skip; needs synthesis)
  LowerFault lower_fault = LowerFault::kNone;  // tests: break the lowering on purpose
};

struct PipelineResult {
  std::filesystem::path summary_json;
  std::filesystem::path report_html;
  std::filesystem::path report_md;
};

// Runs the stages; a failed verification gate (lowering agreement, any RTL mismatch or
// missing output) writes the report with the failure and throws dorefa::Error (internal).
PipelineResult run_pipeline(const PipelineOptions& options);

// The stage cache keys: everything each stage consumes, the versions of the code and
// tools that run it included (the pipeline passes executable_identity(), the harness
// source and `verilator --version` / `yosys -V`; tests/flow/stage_key_test.cpp varies each).
std::string lower_stage_key(const std::filesystem::path& checkpoint, const LowerOptions& options,
                            const std::string& lowering_version);
std::string compile_stage_key(const std::filesystem::path& model_file, const std::filesystem::path& rtl_dir,
                              const std::string& generator_version);
std::string simulate_stage_key(const std::filesystem::path& design_dir, const hw::SimOptions& options,
                               const std::string& harness_source, const std::string& verilator_version);
std::string activity_stage_key(const std::filesystem::path& design_dir, const hw::ActivityOptions& options,
                               const std::string& verilator_version);
std::string synth_stage_key(const std::filesystem::path& design_dir, const std::string& yosys_script,
                            const std::string& yosys_version);

}  // namespace dorefa::flow
