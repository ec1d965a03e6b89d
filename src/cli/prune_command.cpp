// `dorefa prune CHECKPOINT --ratio R | --macs M | --params P --out DIR`: structured channel
// pruning with fine-tuning; writes DIR/best.pt (+ .json), DIR/prune.md, DIR/prune.csv.
#include <fmt/format.h>

#include "cli/command.hpp"
#include "prune/prune.hpp"

namespace dorefa::cli {
namespace {

const CommandRegistration kRegistration(30, [](CLI::App& root) {
  auto a = std::make_shared<prune::PruneJob>();
  auto ckpt = std::make_shared<std::string>(), out = std::make_shared<std::string>();
  auto* cmd = root.add_subcommand("prune", "Structured channel pruning of a checkpoint, with fine-tuning");
  cmd->add_option("checkpoint", *ckpt, "Trained checkpoint (e.g. runs/lenet-w1a2/best.pt)")->required();
  cmd->add_option("--out", *out, "Output folder: best.pt/.json, prune.md, prune.csv, config.toml")->required();
  cmd->add_option("--ratio", a->ratio, "Fraction of the prunable channels to remove, 0 < R < 1");
  cmd->add_option("--macs", a->macs, "MAC budget per image: a count (120k, 1.5M) or a percentage of the model (50%)");
  cmd->add_option("--params", a->params, "Parameter budget: a count or a percentage of the model");
  cmd->add_option("--criterion", a->criterion, "Channel importance: l1 | bn | taylor")->capture_default_str();
  cmd->add_flag("--per-layer", a->per_layer, "Same fraction in every layer (default: one global ranking)");
  cmd->add_option("--multiple", a->multiple, "Kept channel counts are multiples of this")->capture_default_str();
  cmd->add_option("--min-channels", a->min_channels, "No layer drops below this")->capture_default_str();
  cmd->add_option("--layer", a->layer_overrides, "Per-layer override NAME=RATIO (0 keeps the layer whole)");
  cmd->add_option("--steps", a->steps, "Iterative schedule: prune steps, each followed by fine-tuning")
      ->capture_default_str();
  cmd->add_option("--finetune-epochs", a->finetune_epochs, "Fine-tune epochs after each step (0 = none)")
      ->capture_default_str();
  cmd->add_option("--lr", a->lr, "Fine-tune learning rate (default: the config's)");
  cmd->add_option("--slimming", a->slimming, "Network slimming: L1 penalty lambda on BN gamma while fine-tuning");
  cmd->add_option("--slimming-epochs", a->slimming_epochs, "Epochs of slimming before the first prune step")
      ->capture_default_str();
  cmd->add_option("--calib-batches", a->calib_batches, "Taylor: calibration batches")->capture_default_str();
  cmd->add_option("--limit-train", a->limit_train, "Use only the first N training images");
  cmd->add_option("--limit-test", a->limit_test, "Evaluate only the first N test images");
  cmd->add_option("--threads", a->threads, "Torch threads (0 = all cores)");
  cmd->add_flag("--force", a->force, "Replace an existing checkpoint in --out");
  cmd->callback([a, ckpt, out] {
    a->checkpoint = *ckpt;
    a->out_dir = *out;
    prune::PruneSummary s = prune::run_prune_job(*a);
    fmt::print("{} -> {}: MACs {} -> {} (-{:.1f}%), params {} -> {}, test accuracy {:.2f}% -> {:.2f}% ({:+.2f} pt)\n",
               *ckpt, s.checkpoint.string(), s.macs_before, s.macs_after,
               100.0 * double(s.macs_before - s.macs_after) / double(s.macs_before), s.params_before, s.params_after,
               s.test_before, s.test_after, s.test_after - s.test_before);
    fmt::print("tables: {} {}\n", s.table_md.string(), s.table_csv.string());
  });
});

}  // namespace
}  // namespace dorefa::cli
