#include "train/trainer.hpp"

#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <random>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include <fmt/format.h>

#include "data/registry.hpp"
#include "data/split.hpp"
#include "train/checkpoint.hpp"
#include "train/distributed.hpp"
#include "train/epoch.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"

namespace dorefa::train {
namespace fs = std::filesystem;
namespace {

std::uint64_t mix(std::uint64_t seed, std::uint64_t epoch, std::uint64_t stream) {
  // splitmix64 over (seed, epoch, stream): independent-looking seeds per epoch and purpose.
  std::uint64_t z = seed * 0x9E3779B97F4A7C15ULL + (epoch + 1) * 0xBF58476D1CE4E5B9ULL + stream * 0x94D049BB133111EBULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

void set_threads(int threads) {
  // 0: OMP_NUM_THREADS when set (so that runs sharing a machine can be given a core
  // each: libtorch's OpenMP threads spin-wait, and oversubscribed they crawl), else all.
  int n = threads;
  if (n <= 0)
    if (const char* env = std::getenv("OMP_NUM_THREADS"); env && std::atoi(env) > 0) n = std::atoi(env);
  if (n <= 0) n = int(std::max(1u, std::thread::hardware_concurrency()));
  torch::set_num_threads(n);
}

// libtorch's BLAS_INFO plus the library the dynamic loader actually mapped (Debian's
// "generic" BLAS is libblas.so.3, an alternative that should resolve to OpenBLAS).
std::string blas_info() {
  std::string cfg = at::show_config();
  std::string info = "unknown";
  if (auto pos = cfg.find("BLAS_INFO="); pos != std::string::npos) {
    auto end = cfg.find_first_of(",\n", pos);
    info = cfg.substr(pos + 10, end - pos - 10);
  }
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    auto slash = line.find('/');
    if (slash == std::string::npos || line.find("libblas.so") == std::string::npos) continue;
    std::error_code ec;
    fs::path real = fs::canonical(line.substr(slash), ec);
    return info + " -> " + (ec ? line.substr(slash) : real.string());
  }
  return info;
}

nlohmann::json history_json(const std::vector<EpochRecord>& h) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& r : h)
    arr.push_back({{"epoch", r.epoch}, {"lr", r.lr}, {"train_loss", r.train_loss}, {"train_acc", r.train_acc},
                   {"val_acc", r.val_acc}, {"seconds", r.seconds},
                   {"cpu_seconds", r.cpu_seconds}});
  return arr;
}

std::vector<EpochRecord> history_from_json(const nlohmann::json& arr) {
  std::vector<EpochRecord> h;
  for (const auto& r : arr)
    h.push_back({r.at("epoch").get<int>(), r.at("lr").get<double>(), r.at("train_loss").get<double>(),
                 r.at("train_acc").get<double>(), r.at("val_acc").get<double>(), r.at("seconds").get<double>(),
                 r.value("cpu_seconds", 0.0)});
  return h;
}

nlohmann::json bits_json(const ModelConfig& cfg) {
  nlohmann::json layers = nlohmann::json::array();
  for (const auto* l : cfg.weight_layers())
    layers.push_back({{"name", l->name}, {"w", l->w_bits}, {"a", l->last ? 0 : l->a_bits}, {"g", l->g_bits}});
  return {{"tag", bits_tag(cfg)}, {"layers", layers}};
}

double lr_at(const TrainConfig& t, std::int64_t step, std::int64_t steps_per_epoch) {
  std::int64_t total = steps_per_epoch * t.epochs;
  if (t.schedule == "cosine") return t.lr * 0.5 * (1.0 + std::cos(M_PI * double(step) / double(total)));
  int epoch = int(step / steps_per_epoch);
  return t.lr * std::pow(t.step_gamma, double(epoch / t.step_epochs));
}

void copy_state(Network& dst, Network& src) {
  torch::NoGradGuard no_grad;
  auto sp = src->named_parameters(true);
  for (auto& p : dst->named_parameters(true)) p.value().copy_(sp[p.key()]);
  auto sb = src->named_buffers(true);
  for (auto& b : dst->named_buffers(true)) b.value().copy_(sb[b.key()]);
}

}  // namespace

TrainResult train_model(const ModelConfig& config_in, const TrainOptions& opt) {
  ModelConfig cfg = config_in;
  validate(cfg);
  const TrainConfig& tc = cfg.train;
  if (opt.out_dir.empty()) throw Error("train", "no output folder given");
  set_threads(opt.threads);
  // Data-parallel when the environment says so (dorefa train --nproc, torchrun-style vars).
  const DistOptions dist_opt = dist_from_env();
  std::unique_ptr<DistGroup> group;
  if (dist_opt.world > 1) group = std::make_unique<DistGroup>(dist_opt);
  const bool lead = !group || group->rank() == 0;  // rank 0 reports and writes
  const bool verbose = opt.verbose && lead;
  fs::create_directories(opt.out_dir);
  fs::path last_path = opt.out_dir / "last.pt";
  fs::path best_path = opt.out_dir / "best.pt";

  const data::ImageShape input_shape{cfg.input.height, cfg.input.width, cfg.input.channels};
  data::Dataset full = data::load_dataset(tc.dataset, "train", input_shape);
  if (opt.max_train) full = full.head(opt.max_train);
  if (full.rows != cfg.input.height || full.cols != cfg.input.width || full.channels != cfg.input.channels)
    throw Error(cfg.source + ": field 'model.input'",
                fmt::format("shape mismatch: dataset {} is {}x{}x{} (CxHxW), the model expects {}x{}x{}", tc.dataset,
                            full.channels, full.rows, full.cols, cfg.input.channels, cfg.input.height, cfg.input.width));
  if (full.num_classes != cfg.num_classes)
    throw Error(cfg.source + ": field 'model.classes'",
                fmt::format("class count mismatch: dataset {} has {} classes, the model has {}", tc.dataset,
                            full.num_classes, cfg.num_classes));
  data::TrainValSplit split = data::split_validation(full, std::size_t(tc.val_size), tc.seed);
  data::Dataset test = data::load_dataset(tc.dataset, "test", input_shape);
  if (opt.max_test) test = test.head(opt.max_test);
  std::string full_checksum = full.checksum();

  torch::manual_seed(tc.seed);
  Network net(cfg);
  std::unique_ptr<torch::optim::Optimizer> optimizer = make_optimizer(net, tc, tc.lr);

  TrainResult result;
  result.lead = lead;
  result.best_checkpoint = best_path;
  result.last_checkpoint = last_path;
  std::string config_toml = to_toml(cfg);
  if (fs::exists(last_path)) {
    if (!opt.resume)
      throw Error(opt.out_dir.string(), "already holds a run (last.pt); pass --resume to continue it or choose "
                                        "another --out folder");
    Checkpoint ck = load_checkpoint(last_path);
    if (to_toml(ck.config) != config_toml)
      throw Error(last_path.string(), "was trained with a different config (expected the same config to resume)");
    if (ck.metadata.at("dataset").at("train_checksum").get<std::string>() != full_checksum)
      throw Error(last_path.string(), "was trained on different data (dataset checksum differs)");
    copy_state(net, ck.network);
    load_optimizer_state(last_path, *optimizer);
    result.history = history_from_json(ck.metadata.at("history"));
    result.best_epoch = ck.metadata.at("best").at("epoch").get<int>();
    result.best_val_acc = ck.metadata.at("best").at("val_acc").get<double>();
    if (verbose) fmt::print(stderr, "resuming {} after epoch {}\n", last_path.string(), result.history.size());
  }
  if (group) {
    // Every rank starts from rank 0's weights and statistics (the seed makes them equal
    // already; this makes it so whatever a rank's libtorch does differently).
    std::vector<torch::Tensor> state;
    for (auto& p : net->parameters()) state.push_back(p.data());
    for (auto& b : net->buffers()) state.push_back(b);
    group->broadcast(state, 0);
  }

  auto metadata = [&](int epochs_done) {
    return nlohmann::json{
        {"format", kCheckpointFormat},
        {"model", cfg.name},
        {"config_toml", config_toml},
        {"bits", bits_json(cfg)},
        {"epoch", epochs_done},
        {"epochs", tc.epochs},
        {"history", history_json(result.history)},
        {"best", {{"epoch", result.best_epoch}, {"val_acc", result.best_val_acc}}},
        {"dataset",
         {{"name", tc.dataset},
          {"train_checksum", full_checksum},
          {"train_images", split.train.size()},
          {"val_images", split.val.size()},
          {"test_checksum", test.checksum()},
          {"test_images", test.size()}}},
        {"rng",
         {{"seed", tc.seed},
          {"scheme", "init: torch::manual_seed(seed); epoch e: order data::epoch_order(n, seed, e), "
                     "augmentation mt19937_64(mix(seed, e, 1)), torch::manual_seed(mix(seed, e, 2))"},
          {"next_epoch", epochs_done}}},
        {"macs", cfg.macs()},
        {"test_acc", nullptr},
    };
  };

  std::size_t n = split.train.size();
  std::size_t batch = std::min<std::size_t>(std::size_t(tc.batch_size), n);
  std::int64_t steps = std::int64_t(n / batch);  // the remainder is dropped (BN needs full batches)
  // Each rank takes batch / world examples of every global batch: the same global batch and
  // step count as one process, so the learning-rate schedule is unchanged.
  const std::size_t world = group ? std::size_t(group->world()) : 1;
  if (batch % world != 0)
    throw Error(cfg.source + ": field 'train.batch_size'",
                fmt::format("{} does not split over {} ranks (expected a multiple of the rank count)", batch, world));
  const std::size_t local_batch = batch / world;
  std::int64_t die_before_step = -1;  // DOREFA_FAULT_DIE=RANK:STEP (global step), the dying-rank tests
  if (const char* f = std::getenv("DOREFA_FAULT_DIE"); f && group) {
    int r = -1;
    long long st = -1;
    if (std::sscanf(f, "%d:%lld", &r, &st) == 2 && r == group->rank()) die_before_step = st;
  }
  if (verbose && group)
    fmt::print(stderr, "data-parallel: {} ranks (Gloo), {} images of each batch of {} per rank\n", world,
               local_batch, batch);
  if (verbose)
    fmt::print(stderr, "train {} ({}, {} MACs/image) on {}: {} train / {} val / {} test, {} steps/epoch, "
                       "{} threads, BLAS {}\n",
               cfg.name, bits_tag(cfg), cfg.macs(), tc.dataset, split.train.size(), split.val.size(), test.size(),
               steps, torch::get_num_threads(), blas_info());

  int ran = 0;
  std::ofstream log;  // rank 0's alone
  if (lead) log.open(opt.out_dir / "train.log.jsonl", std::ios::app);
  for (int epoch = int(result.history.size()); epoch < tc.epochs; ++epoch) {
    if (opt.stop_after_epochs > 0 && ran >= opt.stop_after_epochs) break;
    torch::manual_seed(mix(tc.seed, std::uint64_t(epoch), 2));
    std::mt19937_64 aug_rng(mix(tc.seed, std::uint64_t(epoch), 1));
    EpochPlan plan;
    plan.train_set = &split.train;
    plan.val_set = &split.val;
    plan.order = data::epoch_order(n, tc.seed, std::uint64_t(epoch));
    if (group) {
      // This rank's shard of every global batch, in step order.
      std::vector<std::size_t> mine;
      mine.reserve(std::size_t(steps) * local_batch);
      for (std::int64_t st = 0; st < steps; ++st)
        for (std::size_t k = 0; k < local_batch; ++k)
          mine.push_back(plan.order[std::size_t(st) * batch + std::size_t(group->rank()) * local_batch + k]);
      plan.order = std::move(mine);
      plan.after_backward = [&] {
        std::vector<torch::Tensor> grads;
        for (auto& p : net->parameters())
          if (p.grad().defined()) grads.push_back(p.grad());
        group->allreduce_mean(grads);
      };
      // Batch statistics stay per rank (no synchronized BN); the running statistics the
      // validation and the checkpoint use are averaged, so every rank holds the same model.
      plan.before_validation = [&] {
        std::vector<torch::Tensor> stats;
        for (auto& b : net->buffers())
          if (b.is_floating_point()) stats.push_back(b);
        group->allreduce_mean(stats);
      };
      if (die_before_step >= std::int64_t(epoch) * steps && die_before_step < std::int64_t(epoch + 1) * steps)
        plan.die_before_step = die_before_step - std::int64_t(epoch) * steps;
    }
    plan.batch = local_batch;
    plan.steps = steps;
    plan.augment_pad = tc.augment_pad;
    plan.augment_rng = &aug_rng;
    plan.lr = [&](std::int64_t s) { return lr_at(tc, std::int64_t(epoch) * steps + s, steps); };
    plan.label = fmt::format("epoch {}/{}", epoch + 1, tc.epochs);
    plan.verbose = verbose;
    EpochRecord rec = run_epoch(net, *optimizer, plan);
    rec.epoch = epoch + 1;
    if (group) {  // equal shards: the mean of the ranks' means is the global mean
      rec.train_loss = group->sum(rec.train_loss) / double(world);
      rec.train_acc = group->sum(rec.train_acc) / double(world);
    }
    result.history.push_back(rec);
    bool best = rec.val_acc >= result.best_val_acc || result.best_epoch == 0;
    if (best) {
      result.best_epoch = rec.epoch;
      result.best_val_acc = rec.val_acc;
      if (lead) save_checkpoint(best_path, net, nullptr, metadata(rec.epoch));
    }
    if (lead) {
      save_checkpoint(last_path, net, optimizer.get(), metadata(rec.epoch));
      log << history_json({rec})[0].dump() << "\n" << std::flush;
    }
    // The others wait for rank 0's checkpoint, so that a resume finds the same epoch everywhere.
    if (group) group->barrier();
    ++ran;
  }

  result.epochs_done = int(result.history.size());
  result.finished = result.epochs_done >= tc.epochs;
  double secs = 0;
  for (const auto& r : result.history) secs += r.seconds;
  result.mean_epoch_seconds = result.history.empty() ? 0 : secs / double(result.history.size());

  if (result.finished && opt.evaluate_test && lead && fs::exists(best_path)) {
    Checkpoint ck = load_checkpoint(best_path);
    result.test_acc = accuracy(ck.network, test);
    ck.metadata["test_acc"] = result.test_acc;
    ck.metadata["mean_epoch_seconds"] = result.mean_epoch_seconds;
    save_checkpoint(best_path, ck.network, nullptr, ck.metadata);
    if (verbose)
      fmt::print(stderr, "best epoch {}: val {:.2f}%, test {:.2f}% ({} images); {:.1f} s/epoch; checkpoint {}\n",
                 result.best_epoch, result.best_val_acc, result.test_acc, test.size(), result.mean_epoch_seconds,
                 best_path.string());
  }
  return result;
}

void apply_overrides(ModelConfig& cfg, const TrainOverrides& o) {
  if (o.epochs) cfg.train.epochs = *o.epochs;
  if (o.batch_size) cfg.train.batch_size = *o.batch_size;
  if (o.lr) cfg.train.lr = *o.lr;
  if (o.dataset) cfg.train.dataset = *o.dataset;
  if (o.seed) cfg.train.seed = *o.seed;
  if (o.augment_pad) cfg.train.augment_pad = *o.augment_pad;
  if (o.val_size) cfg.train.val_size = *o.val_size;
  if (o.bits) set_hidden_bits(cfg, (*o.bits)[0], (*o.bits)[1], (*o.bits)[2]);
  validate(cfg);
}

fs::path train_from_config(const fs::path& config_path, const TrainOverrides& overrides, const TrainOptions& options) {
  ModelConfig cfg = load_config(config_path);
  apply_overrides(cfg, overrides);
  return train_model(cfg, options).best_checkpoint;
}

EvalResult evaluate_checkpoint(const fs::path& checkpoint, const std::string& dataset, std::size_t max_images) {
  set_threads(0);
  Checkpoint ck = load_checkpoint(checkpoint);
  EvalResult r;
  r.dataset = dataset.empty() ? ck.config.train.dataset : dataset;
  data::Dataset test = data::load_dataset(r.dataset, "test");
  if (max_images) test = test.head(max_images);
  auto t0 = std::chrono::steady_clock::now();
  auto [c, n] = count_correct(ck.network, test);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.correct = c;
  r.total = n;
  r.accuracy = n ? 100.0 * double(c) / double(n) : 0;
  return r;
}

std::vector<SweepRow> run_sweep(const ModelConfig& config, const std::vector<std::array<int, 3>>& grid,
                                const TrainOptions& options) {
  std::vector<SweepRow> rows;
  auto write_tables = [&] {
    std::string csv = "W,A,G,macs,epochs,val_acc,test_acc,test_error,seconds_per_epoch,run_dir\n";
    std::string md = fmt::format("# {} on {}: DoReFa bit-width sweep (hidden layers; first/last layer 8-bit)\n\n",
                                 config.name, config.train.dataset);
    md += "| W | A | G | val acc (%) | test acc (%) | test error (%) | epochs | s/epoch |\n";
    md += "|---|---|---|---|---|---|---|---|\n";
    for (const auto& r : rows) {
      csv += fmt::format("{},{},{},{},{},{:.2f},{:.2f},{:.2f},{:.1f},{}\n", r.bits[0], r.bits[1], r.bits[2],
                         config.macs(), r.epochs, r.val_acc, r.test_acc, 100 - r.test_acc, r.seconds_per_epoch,
                         r.run_dir);
      md += fmt::format("| {} | {} | {} | {:.2f} | {:.2f} | {:.2f} | {} | {:.1f} |\n", r.bits[0], r.bits[1], r.bits[2],
                        r.val_acc, r.test_acc, 100 - r.test_acc, r.epochs, r.seconds_per_epoch);
    }
    util::write_file_atomic(options.out_dir / "sweep.csv", csv);
    util::write_file_atomic(options.out_dir / "sweep.md", md);
  };
  for (const auto& bits : grid) {
    ModelConfig cfg = config;
    set_hidden_bits(cfg, bits[0], bits[1], bits[2]);
    TrainOptions o = options;
    o.out_dir = options.out_dir / bits_tag(cfg);
    TrainResult tr = train_model(cfg, o);
    rows.push_back({bits, o.out_dir.string(), tr.best_val_acc, tr.test_acc, tr.mean_epoch_seconds, tr.epochs_done});
    write_tables();
  }
  return rows;
}

}  // namespace dorefa::train
