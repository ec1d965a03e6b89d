#include "prune/schedule.hpp"

#include <fmt/format.h>

#include "data/registry.hpp"
#include "data/split.hpp"
#include "prune/surgery.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"

namespace dorefa::prune {
namespace fs = std::filesystem;

std::string describe_request(const PruneRequest& r) {
  std::string s;
  switch (r.target.kind) {
    case TargetKind::kRatio: s = fmt::format("ratio {:g}", r.target.value); break;
    case TargetKind::kMacs: s = fmt::format("MACs <= {:.0f}", r.target.value); break;
    case TargetKind::kParams: s = fmt::format("params <= {:.0f}", r.target.value); break;
  }
  s += fmt::format(", {}, multiple {}, min channels {}", r.global ? "global" : "per-layer", r.multiple,
                   r.min_channels);
  for (const auto& [name, ratio] : r.layer_ratio) s += fmt::format(", {}={:g}", name, ratio);
  return s;
}

PruneResult run_pruning(train::Checkpoint& original, const ScheduleOptions& opt) {
  const train::ModelConfig& cfg0 = original.config;
  check_request(cfg0, opt.request);
  if (opt.steps < 1) throw Error("--steps", fmt::format("expected >= 1, found {}", opt.steps));
  if (opt.finetune.epochs < 0) throw Error("--finetune-epochs", "expected >= 0");
  if (opt.slimming_epochs > 0 && !(opt.finetune.slimming > 0))
    throw Error("--slimming-epochs", "needs --slimming lambda > 0");

  const train::TrainConfig& tc = cfg0.train;
  data::Dataset full = data::load_dataset(tc.dataset, "train");
  if (opt.max_train) full = full.head(opt.max_train);
  std::size_t val_count = std::min<std::size_t>(std::size_t(tc.val_size), full.size() / 5);
  data::TrainValSplit split = data::split_validation(full, std::max<std::size_t>(val_count, 1), tc.seed);
  data::Dataset test = data::load_dataset(tc.dataset, "test");
  if (opt.max_test) test = test.head(opt.max_test);

  PruneResult res;
  res.test_images = test.size();
  train::Network net(cfg0);
  copy_network_state(net, original.network);
  net->eval();
  res.test_original = accuracy(net, test);
  if (opt.verbose) fmt::print(stderr, "original {}: {} MACs, test {:.2f}%\n", cfg0.name, cfg0.macs(), res.test_original);

  FinetuneOptions ft = opt.finetune;
  ft.verbose = opt.verbose;
  auto run_finetune = [&](int epochs, double slimming, std::uint64_t seed) {
    FinetuneOptions o = ft;
    o.epochs = epochs;
    o.slimming = slimming;
    o.seed = seed;
    auto h = finetune(net, split.train, split.val, o);
    res.history.insert(res.history.end(), h.begin(), h.end());
  };
  if (opt.slimming_epochs > 0) {
    if (opt.verbose) fmt::print(stderr, "slimming: {} epochs with lambda {:g}\n", opt.slimming_epochs, ft.slimming);
    run_finetune(opt.slimming_epochs, ft.slimming, tc.seed + 100);
  }

  const double cost0 = target_cost(cfg0, opt.request.target.kind);
  for (int step = 1; step <= opt.steps; ++step) {
    PruneRequest req = step_request(opt.request, step, opt.steps, cost0);
    StepRecord rec;
    rec.step = step;
    const bool binding = req.target.kind == TargetKind::kRatio ||
                         target_cost(net->config(), req.target.kind) > req.target.value;
    if (binding) {
      ChannelGraph graph = build_channel_graph(net->config());
      auto scores = channel_scores(net, graph, opt.criterion, &split.train, opt.calibration);
      PrunePlan plan = plan_pruning(net->config(), graph, scores, req);
      net = apply_plan(net, graph, plan);
      net->eval();
      if (opt.recalibrate_batches > 0)
        recalibrate_batch_norm(net, split.train, opt.recalibrate_batches, tc.batch_size);
    }
    rec.macs = net->config().macs();
    rec.params = total_params(net->config());
    rec.test_pruned = accuracy(net, test);
    if (opt.verbose)
      fmt::print(stderr, "step {}/{} ({}): {} MACs, {} params, test {:.2f}% before fine-tuning\n", step, opt.steps,
                 criterion_name(opt.criterion), rec.macs, rec.params, rec.test_pruned);
    bool last = step == opt.steps;
    run_finetune(ft.epochs, last ? 0.0 : ft.slimming, tc.seed + 200 + std::uint64_t(step));
    rec.test_finetuned = accuracy(net, test);
    rec.val_finetuned = accuracy(net, split.val);
    if (opt.verbose)
      fmt::print(stderr, "step {}/{}: test {:.2f}% after {} fine-tune epochs\n", step, opt.steps, rec.test_finetuned,
                 ft.epochs);
    res.steps.push_back(rec);
  }
  res.test_final = res.steps.back().test_finetuned;
  res.val_final = res.steps.back().val_finetuned;
  res.config = net->config();
  res.network = net;

  auto before = layer_costs(cfg0), after = layer_costs(res.config);
  for (std::size_t i = 0; i < before.size(); ++i) {
    LayerRow row;
    row.name = before[i].name;
    for (const auto& l : cfg0.layers)
      if (l.name == row.name) row.type = train::layer_type_name(l.type);
    row.channels_before = before[i].channels;
    row.channels_after = after[i].channels;
    row.params_before = before[i].params;
    row.params_after = after[i].params;
    row.macs_before = before[i].macs;
    row.macs_after = after[i].macs;
    res.layers.push_back(row);
  }
  return res;
}

namespace {

LayerRow totals(const PruneResult& r) {
  LayerRow t;
  t.name = "total";
  for (const auto& l : r.layers) {
    t.channels_before += l.channels_before;
    t.channels_after += l.channels_after;
    t.params_before += l.params_before;
    t.params_after += l.params_after;
    t.macs_before += l.macs_before;
    t.macs_after += l.macs_after;
  }
  return t;
}

double pct_less(std::int64_t before, std::int64_t after) {
  return before ? 100.0 * double(before - after) / double(before) : 0.0;
}

}  // namespace

std::string layer_table_markdown(const PruneResult& r, const std::string& title) {
  std::string md = "# " + title + "\n\n";
  md += "| layer | type | channels before | channels after | params before | params after | MACs before | MACs "
        "after |\n|---|---|---:|---:|---:|---:|---:|---:|\n";
  auto line = [](const LayerRow& l) {
    return fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} |\n", l.name, l.type, l.channels_before,
                       l.channels_after, l.params_before, l.params_after, l.macs_before, l.macs_after);
  };
  for (const auto& l : r.layers) md += line(l);
  LayerRow t = totals(r);
  md += fmt::format("| **total** | | {} | {} | {} | {} | {} | {} |\n\n", t.channels_before, t.channels_after,
                    t.params_before, t.params_after, t.macs_before, t.macs_after);
  md += fmt::format("MACs −{:.1f} %, params −{:.1f} %. Test accuracy ({} images): original {:.2f} %, pruned and "
                    "fine-tuned {:.2f} % (Δ {:+.2f} pt).\n\n",
                    pct_less(t.macs_before, t.macs_after), pct_less(t.params_before, t.params_after), r.test_images,
                    r.test_original, r.test_final, r.test_final - r.test_original);
  md += "| step | MACs | params | test acc before fine-tune (%) | test acc after fine-tune (%) |\n|---:|---:|---:|---:|---:|\n";
  for (const auto& s : r.steps)
    md += fmt::format("| {} | {} | {} | {:.2f} | {:.2f} |\n", s.step, s.macs, s.params, s.test_pruned,
                      s.test_finetuned);
  return md;
}

std::string layer_table_csv(const PruneResult& r) {
  std::string csv =
      "layer,type,channels_before,channels_after,params_before,params_after,macs_before,macs_after,test_acc_before,"
      "test_acc_after\n";
  for (const auto& l : r.layers)
    csv += fmt::format("{},{},{},{},{},{},{},{},,\n", l.name, l.type, l.channels_before, l.channels_after,
                       l.params_before, l.params_after, l.macs_before, l.macs_after);
  LayerRow t = totals(r);
  csv += fmt::format("total,,{},{},{},{},{},{},{:.2f},{:.2f}\n", t.channels_before, t.channels_after, t.params_before,
                     t.params_after, t.macs_before, t.macs_after, r.test_original, r.test_final);
  return csv;
}

void write_prune_outputs(const fs::path& dir, const PruneResult& r, const train::Checkpoint& original,
                         const fs::path& source, const ScheduleOptions& opt) {
  nlohmann::json meta = original.metadata;
  const train::ModelConfig& cfg = r.config;
  meta["format"] = train::kCheckpointFormat;
  meta["model"] = cfg.name;
  meta["config_toml"] = train::to_toml(cfg);
  meta["macs"] = cfg.macs();
  nlohmann::json layers = nlohmann::json::array();
  for (const auto* l : cfg.weight_layers())
    layers.push_back({{"name", l->name}, {"w", l->w_bits}, {"a", l->last ? 0 : l->a_bits}, {"g", l->g_bits}});
  meta["bits"] = {{"tag", train::bits_tag(cfg)}, {"layers", layers}};
  nlohmann::json history = nlohmann::json::array();
  for (std::size_t i = 0; i < r.history.size(); ++i) {
    const auto& h = r.history[i];
    history.push_back({{"epoch", int(i) + 1}, {"lr", h.lr}, {"train_loss", h.train_loss}, {"train_acc", h.train_acc},
                       {"val_acc", h.val_acc}, {"seconds", h.seconds}});
  }
  meta["history"] = history;
  meta["epoch"] = int(r.history.size());
  meta["epochs"] = int(r.history.size());
  meta["best"] = {{"epoch", int(r.history.size())}, {"val_acc", r.val_final}};
  meta["test_acc"] = r.test_final;
  nlohmann::json steps = nlohmann::json::array();
  for (const auto& s : r.steps)
    steps.push_back({{"step", s.step}, {"macs", s.macs}, {"params", s.params}, {"test_acc_pruned", s.test_pruned},
                     {"test_acc_finetuned", s.test_finetuned}});
  nlohmann::json table = nlohmann::json::array();
  for (const auto& l : r.layers)
    table.push_back({{"layer", l.name}, {"channels_before", l.channels_before}, {"channels_after", l.channels_after},
                     {"params_before", l.params_before}, {"params_after", l.params_after},
                     {"macs_before", l.macs_before}, {"macs_after", l.macs_after}});
  meta["pruning"] = {{"source", source.string()},
                     {"source_model", original.config.name},
                     {"source_macs", original.config.macs()},
                     {"source_test_acc", r.test_original},
                     {"criterion", criterion_name(opt.criterion)},
                     {"request", describe_request(opt.request)},
                     {"steps", steps},
                     {"finetune_epochs_per_step", opt.finetune.epochs},
                     {"slimming", opt.finetune.slimming},
                     {"slimming_epochs", opt.slimming_epochs},
                     {"test_images", r.test_images},
                     {"layers", table}};

  fs::create_directories(dir);
  train::Network net = r.network;
  train::save_checkpoint(dir / "best.pt", net, nullptr, meta);
  std::string title = fmt::format("{} pruned from {} ({}, {})", cfg.name, source.string(),
                                  criterion_name(opt.criterion), describe_request(opt.request));
  util::write_file_atomic(dir / "prune.md", layer_table_markdown(r, title));
  util::write_file_atomic(dir / "prune.csv", layer_table_csv(r));
  util::write_file_atomic(dir / "config.toml", train::to_toml(cfg));
}

}  // namespace dorefa::prune
