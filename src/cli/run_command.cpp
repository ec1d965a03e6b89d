// `dorefa run`: the one-command flow on the built-in default (configs/lenet.toml, MNIST):
// train -> lower + verify -> compile -> simulate -> synthesize -> report. Rerunning resumes.
#include <fmt/format.h>

#include "cli/command.hpp"
#include "flow/pipeline.hpp"

namespace dorefa::cli {
namespace {

struct RunArgs {
  flow::PipelineOptions pipeline;
  int epochs = 0;
};

const CommandRegistration kRegistration(0, [](CLI::App& root) {
  auto a = std::make_shared<RunArgs>();
  a->pipeline.config = std::filesystem::path(DOREFA_SOURCE_ROOT) / "configs" / "lenet.toml";
  a->pipeline.out_dir = "runs/default";
  auto* cmd = root.add_subcommand("run", "Whole flow on the default (MNIST LeNet W1A2): train, lower, FPGA, report");
  cmd->add_option("--config", a->pipeline.config, "Model and training config")->capture_default_str();
  cmd->add_option("--out", a->pipeline.out_dir, "Run folder (rerun to resume)")->capture_default_str();
  cmd->add_option("--epochs", a->epochs, "Override the config's training epochs");
  cmd->add_option("--data", a->pipeline.dataset, "Override the config's dataset");
  cmd->add_option("--verify-images", a->pipeline.verify_images, "Test images for the lowering check (0 = all)")
      ->capture_default_str();
  cmd->add_option("--sim-images", a->pipeline.sim_images, "Test images through the Verilator simulation (0 = all)")
      ->capture_default_str();
  cmd->add_flag("!--no-sim", a->pipeline.simulate, "Skip the Verilator simulation");
  cmd->add_flag("!--no-synth", a->pipeline.synthesize, "Skip Yosys synthesis");
  cmd->add_option("--activity-images", a->pipeline.activity_images,
                  "Test images for the measured switching activity behind the power estimate (0 = skip)")
      ->capture_default_str();
  cmd->add_option("--checkpoint", a->pipeline.checkpoint,
                  "Start from this trained checkpoint (e.g. a pruned best.pt) instead of training");
  cmd->add_flag("--ptq", a->pipeline.ptq, "Lower with W8A8 post-training quantization (a float model)");
  cmd->add_option("--max-train", a->pipeline.max_train, "Train on the first N training images only (quick runs)");
  cmd->callback([a] {
    if (a->epochs > 0) a->pipeline.epochs = a->epochs;
    flow::run_pipeline(a->pipeline);
  });
});

}  // namespace
}  // namespace dorefa::cli
