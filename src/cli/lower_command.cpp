// `dorefa lower CHECKPOINT --out MODEL.dqm [--ptq]`: the integer model of a trained
// checkpoint, verified image by image against the checkpoint's own forward pass.
#include <fmt/format.h>

#include "cli/command.hpp"
#include "flow/lower_stage.hpp"

namespace dorefa::cli {
namespace {

const CommandRegistration kRegistration(40, [](CLI::App& root) {
  auto o = std::make_shared<flow::LowerOptions>();
  auto report_path = std::make_shared<std::string>();
  auto* cmd = root.add_subcommand("lower", "Lower a trained checkpoint to an integer model file (.dqm) and verify it");
  cmd->add_option("checkpoint", o->checkpoint, "Checkpoint file (e.g. runs/lenet-w1a2/best.pt)")->required();
  cmd->add_option("--out", o->out, "Integer model file to write (.dqm)")->required();
  cmd->add_flag("--ptq", o->ptq, "W8A8 post-training quantization of a float-trained model");
  cmd->add_option("--calibration", o->calibration, "PTQ activation ranges: minmax | percentile")
      ->capture_default_str();
  cmd->add_option("--percentile", o->percentile, "PTQ percentile")->capture_default_str();
  cmd->add_option("--calibration-images", o->calibration_images, "PTQ calibration images (from train)")
      ->capture_default_str();
  cmd->add_option("--data", o->dataset, "Verification dataset (default: the checkpoint's)");
  cmd->add_option("--images", o->max_images, "Verify on the first N test images only (0 = all)");
  cmd->add_option("--threads", o->threads, "Integer engine threads for the verification (0: all cores)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--report", *report_path, "Also write the verification as JSON here");
  cmd->add_option("--min-agreement", o->min_agreement,
                  fmt::format("Gate: least % of test images with the trained model's top-1 (default {} QAT, {} PTQ)",
                              flow::kMinAgreementQatPct, flow::kMinAgreementPtqPct))
      ->check(CLI::Range(0.0, 100.0));
  auto fault = std::make_shared<std::string>();
  // Hidden: breaks the lowered model on purpose, so tests can see the gate stop the line.
  cmd->add_option("--inject-fault", *fault, "")->group("");
  cmd->callback([o, report_path, fault] {
    o->fault = flow::parse_lower_fault(*fault);
    o->report_json = *report_path;
    flow::LowerReport r = flow::lower_and_verify(*o);
    fmt::print("{} test, {} images: trained model {:.2f}%, integer model {:.2f}%, same top-1 on {} ({:.3f}%, gate {:.3f}%)\n",
               r.dataset, r.images, r.trained_accuracy, r.integer_accuracy, r.same_top1, r.agreement, r.min_agreement);
    fmt::print("integer runtime: {:.0f} images/s\n", r.runtime_images_per_second);
    flow::enforce_lower_gate(r);  // nothing written when the gate fails
    fmt::print("wrote {}\n", r.model_file.string());
  });
});

}  // namespace
}  // namespace dorefa::cli
