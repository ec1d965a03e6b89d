#include "prune/prune.hpp"

#include <thread>

#include <fmt/format.h>

#include "prune/schedule.hpp"
#include "util/error.hpp"

namespace dorefa::prune {
namespace fs = std::filesystem;

std::pair<std::string, double> parse_layer_override(const std::string& text) {
  auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
    throw Error("--layer '" + text + "'", "expected NAME=RATIO, e.g. conv1=0.25");
  std::string name = text.substr(0, eq), value = text.substr(eq + 1);
  try {
    std::size_t used = 0;
    double r = std::stod(value, &used);
    if (used != value.size()) throw std::invalid_argument(value);
    return {name, r};
  } catch (const std::exception&) {
    throw Error("--layer '" + text + "'", "expected a number after '=', found '" + value + "'");
  }
}

PruneSummary run_prune_job(const PruneJob& job) {
  int targets = (job.ratio != 0) + !job.macs.empty() + !job.params.empty();
  if (targets != 1) throw Error("dorefa prune", "give exactly one of --ratio, --macs, --params");
  if (job.out_dir.empty()) throw Error("--out", "an output folder is required");
  if (fs::exists(job.out_dir / "best.pt") && !job.force)
    throw Error(job.out_dir.string(), "already holds a checkpoint (best.pt); pass --force to replace it");

  train::Checkpoint ck = train::load_checkpoint(job.checkpoint);
  ScheduleOptions opt;
  PruneRequest& r = opt.request;
  if (job.ratio != 0) {
    r.target = {TargetKind::kRatio, job.ratio};
  } else if (!job.macs.empty()) {
    r.target = {TargetKind::kMacs, parse_budget(job.macs, double(ck.config.macs()), "--macs")};
  } else {
    r.target = {TargetKind::kParams, parse_budget(job.params, double(total_params(ck.config)), "--params")};
  }
  r.global = !job.per_layer;
  r.multiple = job.multiple;
  r.min_channels = job.min_channels;
  for (const auto& o : job.layer_overrides) {
    auto [name, ratio] = parse_layer_override(o);
    if (!r.layer_ratio.emplace(name, ratio).second) throw Error("--layer '" + o + "'", "layer given twice");
  }
  opt.criterion = parse_criterion(job.criterion);
  opt.steps = job.steps;
  opt.finetune.epochs = job.finetune_epochs;
  opt.finetune.lr = job.lr;
  opt.finetune.slimming = job.slimming;
  opt.slimming_epochs = job.slimming_epochs;
  opt.calibration.batches = job.calib_batches;
  opt.calibration.batch_size = ck.config.train.batch_size;
  opt.max_train = job.limit_train;
  opt.max_test = job.limit_test;
  opt.verbose = job.verbose;
  check_request(ck.config, r);
  if (job.steps < 1) throw Error("--steps", fmt::format("expected >= 1, found {}", job.steps));
  if (job.finetune_epochs < 0) throw Error("--finetune-epochs", "expected >= 0");
  if (job.slimming < 0) throw Error("--slimming", "expected lambda >= 0");
  if (job.calib_batches < 1) throw Error("--calib-batches", "expected >= 1");

  torch::set_num_threads(job.threads > 0 ? job.threads : int(std::max(1u, std::thread::hardware_concurrency())));
  PruneResult res = run_pruning(ck, opt);
  write_prune_outputs(job.out_dir, res, ck, job.checkpoint, opt);

  PruneSummary s;
  for (const auto& l : res.layers) {
    s.macs_before += l.macs_before;
    s.macs_after += l.macs_after;
    s.params_before += l.params_before;
    s.params_after += l.params_after;
  }
  s.test_before = res.test_original;
  s.test_after = res.test_final;
  s.checkpoint = job.out_dir / "best.pt";
  s.table_md = job.out_dir / "prune.md";
  s.table_csv = job.out_dir / "prune.csv";
  return s;
}

}  // namespace dorefa::prune
