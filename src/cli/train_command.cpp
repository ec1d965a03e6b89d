// `dorefa train --config FILE`: quantization-aware training of one config, or a (W,A,G)
// sweep over it. Argument handling only; the work is train::train_model / run_sweep.
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "cli/command.hpp"
#include "train/config.hpp"
#include "train/distributed.hpp"
#include "train/trainer.hpp"
#include "util/error.hpp"

namespace dorefa::cli {
namespace {

struct TrainArgs {
  std::string config;
  std::string out;
  int epochs = 0, batch_size = 0, augment_pad = -1, threads = 0, val_size = 0;
  double lr = 0;
  std::string dataset, bits;
  long long seed = -1;
  bool resume = false;
  std::vector<std::string> sweep;
  std::size_t max_train = 0, max_test = 0;
  int nproc = 1;
};

// The arguments of one rank of `--nproc N`: this command without --nproc, with the output
// folder spelled out and the machine's cores shared among the ranks.
std::vector<std::string> rank_argv(const TrainArgs& a, const std::string& out) {
  std::vector<std::string> v = {"dorefa", "train", "--config", a.config, "--out", out};
  auto opt = [&](const char* name, const std::string& value) {
    v.push_back(name);
    v.push_back(value);
  };
  if (a.epochs > 0) opt("--epochs", std::to_string(a.epochs));
  if (!a.dataset.empty()) opt("--data", a.dataset);
  if (!a.bits.empty()) opt("--bits", a.bits);
  if (a.batch_size > 0) opt("--batch-size", std::to_string(a.batch_size));
  if (a.lr > 0) opt("--lr", fmt::format("{:.17g}", a.lr));
  if (a.seed >= 0) opt("--seed", std::to_string(a.seed));
  if (a.augment_pad >= 0) opt("--augment-pad", std::to_string(a.augment_pad));
  if (a.val_size > 0) opt("--val-size", std::to_string(a.val_size));
  if (a.resume) v.push_back("--resume");
  const int cores = int(std::max(1u, std::thread::hardware_concurrency()));
  opt("--threads", std::to_string(a.threads > 0 ? a.threads : std::max(1, cores / a.nproc)));
  if (a.max_train) opt("--max-train", std::to_string(a.max_train));
  if (a.max_test) opt("--max-test", std::to_string(a.max_test));
  return v;
}

void run_train(const TrainArgs& a) {
  train::ModelConfig cfg = train::load_config(a.config);
  train::TrainOverrides o;
  if (a.epochs > 0) o.epochs = a.epochs;
  if (a.batch_size > 0) o.batch_size = a.batch_size;
  if (a.lr > 0) o.lr = a.lr;
  if (!a.dataset.empty()) o.dataset = a.dataset;
  if (a.seed >= 0) o.seed = std::uint64_t(a.seed);
  if (a.augment_pad >= 0) o.augment_pad = a.augment_pad;
  if (a.val_size > 0) o.val_size = a.val_size;
  if (!a.bits.empty()) o.bits = train::parse_bits_triple(a.bits);
  train::apply_overrides(cfg, o);

  train::TrainOptions opt;
  opt.resume = a.resume;
  opt.threads = a.threads;
  opt.max_train = a.max_train;
  opt.max_test = a.max_test;
  if (!a.sweep.empty()) {
    std::vector<std::array<int, 3>> grid;
    for (const auto& s : a.sweep) grid.push_back(train::parse_bits_triple(s));
    opt.out_dir = a.out.empty() ? std::filesystem::path("runs") / (cfg.name + "-sweep") : std::filesystem::path(a.out);
    auto rows = train::run_sweep(cfg, grid, opt);
    fmt::print("sweep of {} runs: {}\n", rows.size(), (opt.out_dir / "sweep.md").string());
    return;
  }
  opt.out_dir = a.out.empty() ? std::filesystem::path("runs") / (cfg.name + "-" + train::bits_tag(cfg))
                              : std::filesystem::path(a.out);
  if (a.nproc > 1) {
    if (std::getenv("WORLD_SIZE"))
      throw Error("--nproc", "WORLD_SIZE is set: this process is a rank already (use --nproc or the "
                             "environment, not both)");
    std::string failure;
    const int code = train::launch_local_ranks(a.nproc, rank_argv(a, opt.out_dir.string()), &failure);
    if (code != 0)
      throw Error(fmt::format("train --nproc {}", a.nproc), failure + "; the other ranks were stopped",
                  code == 2 ? ErrorKind::kBadInput : ErrorKind::kInternal);
    return;
  }
  train::TrainResult r = train::train_model(cfg, opt);
  if (!r.lead) return;  // rank 0 reports
  if (r.finished) {
    fmt::print("best epoch {} val {:.2f}% test {:.2f}% ({:.1f} s/epoch)\ncheckpoint {}\n", r.best_epoch,
               r.best_val_acc, r.test_acc, r.mean_epoch_seconds, r.best_checkpoint.string());
  } else {
    fmt::print("stopped after epoch {} of {}; continue with --resume\ncheckpoint {}\n", r.epochs_done,
               cfg.train.epochs, r.last_checkpoint.string());
  }
}

// Registration in the shape of every *_command.cpp (command.hpp): CLI11 option calls.
const CommandRegistration kRegistration(20, [](CLI::App& root) {
  auto a = std::make_shared<TrainArgs>();
  auto* cmd = root.add_subcommand("train", "DoReFa-Net quantization-aware training from a TOML config");
  cmd->add_option("--config", a->config, "Model/training config (e.g. configs/lenet.toml)")->required();
  cmd->add_option("--out", a->out, "Output folder (default runs/<model>-w<W>a<A>g<G>)");
  cmd->add_option("--epochs", a->epochs, "Override [train] epochs");
  cmd->add_option("--data", a->dataset, "Override [train] dataset (mnist, fashion-mnist, cifar10:DIR, folder:DIR, idx:PREFIX)");
  cmd->add_option("--bits", a->bits, "Hidden-layer bits W,A,G (e.g. 1,2,32; 32 = float)");
  cmd->add_option("--batch-size", a->batch_size, "Override [train] batch_size");
  cmd->add_option("--lr", a->lr, "Override [train] lr");
  cmd->add_option("--seed", a->seed, "Override [train] seed");
  cmd->add_option("--augment-pad", a->augment_pad, "Override [train] augment_pad (0 = off)");
  cmd->add_option("--val-size", a->val_size, "Override [train] val_size (images held out for validation)");
  cmd->add_flag("--resume", a->resume, "Continue the run in --out from its last.pt");
  cmd->add_option("--sweep", a->sweep, "Train each W,A,G triple (e.g. --sweep 1,2,32 2,2,32 1,2,6); "
                                       "writes sweep.csv and sweep.md in --out");
  cmd->add_option("--threads", a->threads, "Torch threads (default: all cores)");
  cmd->add_option("--max-train", a->max_train, "Use only the first N training images (quick runs)");
  cmd->add_option("--max-test", a->max_test, "Evaluate only the first N test images");
  cmd->add_option("--nproc", a->nproc,
                  "Data-parallel over N local processes (c10d/Gloo); one rank of a larger job is set up "
                  "from RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT instead")
      ->check(CLI::Range(1, 64))
      ->excludes("--sweep");
  cmd->callback([a] { run_train(*a); });
});

}  // namespace
}  // namespace dorefa::cli
