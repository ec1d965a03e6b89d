#include "prune/budget.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include <fmt/format.h>

#include "util/error.hpp"

namespace dorefa::prune {
namespace {

using train::ModelConfig;

int min_count(int multiple, int min_channels) {
  return std::max(multiple, (min_channels + multiple - 1) / multiple * multiple);
}

// The next lower allowed count below `count` for a layer of `original` channels, or -1.
int next_lower(int count, int original, int multiple, int min_channels) {
  int lower = (count == original && count % multiple != 0) ? count / multiple * multiple : count - multiple;
  return lower >= min_count(multiple, min_channels) ? lower : -1;
}

// One switch per enum, like the other *_name functions (C++ has no enum reflection).
std::string target_name(TargetKind kind) {
  switch (kind) {
    case TargetKind::kRatio: return "--ratio";
    case TargetKind::kMacs: return "--macs";
    case TargetKind::kParams: return "--params";
  }
  return "?";
}

std::map<std::string, int> counts_of(const ChannelGraph& graph, const std::vector<int>& counts) {
  std::map<std::string, int> m;
  for (std::size_t g = 0; g < graph.groups.size(); ++g) m[graph.groups[g].name] = counts[g];
  return m;
}

double cost_of(const ModelConfig& config, const ChannelGraph& graph, const std::vector<int>& counts,
               TargetKind kind) {
  if (kind == TargetKind::kRatio) return std::accumulate(counts.begin(), counts.end(), 0.0);
  return target_cost(with_channels(config, counts_of(graph, counts)), kind);
}

// Channel indices of group g, least important first (stable: lower index first on ties).
std::vector<int> ascending_order(const std::vector<double>& s) {
  std::vector<int> order(s.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return s[std::size_t(a)] < s[std::size_t(b)]; });
  return order;
}

}  // namespace

double target_cost(const ModelConfig& config, TargetKind kind) {
  switch (kind) {
    case TargetKind::kRatio: {
      double total = 0;
      for (const auto& g : build_channel_graph(config).groups) total += g.channels;
      return total;
    }
    case TargetKind::kMacs: return double(config.macs());
    case TargetKind::kParams: return double(total_params(config));
  }
  return 0;
}

int rounded_count(int channels, double ratio, int multiple, int min_channels) {
  // Nearest allowed count to channels * (1 - ratio); allowed: the multiples from the
  // minimum up, and the original count. Ties go to the larger count.
  const double want = channels * (1.0 - ratio);
  int best = -1;
  for (int k = min_count(multiple, min_channels); k < channels; k += multiple)
    if (best < 0 || std::abs(k - want) <= std::abs(best - want)) best = k;
  if (best < 0 || std::abs(channels - want) <= std::abs(best - want)) best = channels;
  return best;
}

void check_request(const ModelConfig& config, const PruneRequest& r) {
  if (r.multiple < 1) throw Error("--multiple", fmt::format("expected >= 1, found {}", r.multiple));
  if (r.min_channels < 1)
    throw Error("--min-channels", fmt::format("expected >= 1 (a layer cannot be pruned to zero), found {}",
                                              r.min_channels));
  ChannelGraph graph = build_channel_graph(config);
  if (graph.groups.empty()) throw Error(config.source, "the model has no prunable layer (only the logits layer)");
  const double v = r.target.value;
  if (r.target.kind == TargetKind::kRatio) {
    if (!(v > 0 && v < 1)) throw Error("--ratio", fmt::format("expected 0 < ratio < 1, found {}", v));
  } else {
    double now = target_cost(config, r.target.kind);
    if (!(v > 0)) throw Error(target_name(r.target.kind), fmt::format("expected a budget > 0, found {}", v));
    if (v >= now)
      throw Error(target_name(r.target.kind),
                  fmt::format("budget {:.0f} is not below the model's current {:.0f}: nothing to prune", v, now));
  }
  for (const auto& [name, ratio] : r.layer_ratio) {
    int g = graph.index_of(name);  // throws for unknown names
    if (ratio >= 1 || ratio < 0)
      throw Error("layer '" + name + "'",
                  fmt::format("override ratio must be 0 <= ratio < 1 (1 would prune the layer to zero), found {}",
                              ratio));
    (void)g;
  }
  for (const auto& g : graph.groups) {
    auto it = r.layer_ratio.find(g.name);
    if (it != r.layer_ratio.end() && it->second == 0) continue;  // not pruned: any multiple is fine
    if (r.multiple > g.channels)
      throw Error("--multiple",
                  fmt::format("multiple {} is larger than layer '{}' ({} channels); use --multiple <= {} or keep "
                              "the layer with a 0 override",
                              r.multiple, g.name, g.channels, g.channels));
  }
}

double parse_budget(const std::string& text, double reference, const std::string& option) {
  auto bad = [&] {
    return Error(option + " '" + text + "'", "expected a count (120000, 120k, 1.5M) or a percentage of the model (50%)");
  };
  if (text.empty()) throw bad();
  double factor = 1;
  std::string num = text;
  char suffix = num.back();
  bool percent = false;
  if (suffix == '%') {
    percent = true;
    num.pop_back();
  } else if (suffix == 'k' || suffix == 'K') {
    factor = 1e3;
    num.pop_back();
  } else if (suffix == 'm' || suffix == 'M') {
    factor = 1e6;
    num.pop_back();
  }
  double v = 0;
  try {
    std::size_t used = 0;
    v = std::stod(num, &used);
    if (used != num.size()) throw bad();
  } catch (const std::invalid_argument&) {
    throw bad();
  } catch (const std::out_of_range&) {
    throw bad();
  }
  if (percent) {
    if (!(v > 0 && v < 100))
      throw Error(option + " '" + text + "'", "a percentage budget must be between 0% and 100% (exclusive)");
    return reference * v / 100.0;
  }
  return v * factor;
}

PrunePlan plan_pruning(const ModelConfig& config, const ChannelGraph& graph,
                       const std::vector<std::vector<double>>& scores, const PruneRequest& r) {
  check_request(config, r);
  const std::size_t n = graph.groups.size();
  if (scores.size() != n) throw Error("plan_pruning", "one score vector per group expected", ErrorKind::kInternal);
  for (std::size_t g = 0; g < n; ++g)
    if (int(scores[g].size()) != graph.groups[g].channels)
      throw Error("layer '" + graph.groups[g].name + "'",
                  fmt::format("expected {} channel scores, found {}", graph.groups[g].channels, scores[g].size()),
                  ErrorKind::kInternal);

  std::vector<int> original(n), counts(n);
  std::vector<bool> fixed(n, false);
  for (std::size_t g = 0; g < n; ++g) original[g] = counts[g] = graph.groups[g].channels;
  for (const auto& [name, ratio] : r.layer_ratio) {
    auto g = std::size_t(graph.index_of(name));
    fixed[g] = true;
    counts[g] = ratio == 0 ? original[g] : rounded_count(original[g], ratio, r.multiple, r.min_channels);
  }
  const TargetKind kind = r.target.kind;
  const double start_cost = cost_of(config, graph, original, kind);
  const double budget = kind == TargetKind::kRatio ? start_cost * (1.0 - r.target.value) : r.target.value;

  if (!r.global) {
    // One ratio for every free layer: the requested one, or the smallest on a 0.5 % grid
    // that meets the budget.
    auto apply = [&](double ratio) {
      std::vector<int> c = counts;
      for (std::size_t g = 0; g < n; ++g)
        if (!fixed[g]) c[g] = rounded_count(original[g], ratio, r.multiple, r.min_channels);
      return c;
    };
    if (kind == TargetKind::kRatio) {
      counts = apply(r.target.value);
    } else {
      bool met = false;
      for (int step = 1; step < 200 && !met; ++step) {
        std::vector<int> c = apply(step * 0.005);
        if (cost_of(config, graph, c, kind) <= budget) {
          counts = c;
          met = true;
        }
      }
      if (!met) {
        double best = cost_of(config, graph, apply(0.995), kind);
        throw Error(target_name(kind), fmt::format("budget {:.0f} unreachable with per-layer pruning: the smallest "
                                                   "model with --multiple {} --min-channels {} has {:.0f}",
                                                   budget, r.multiple, r.min_channels, best));
      }
    }
  } else {
    // Greedy global ranking: repeatedly drop the chunk (down to the next allowed count) of
    // least normalized importance per unit of cost saved, until the budget is met.
    std::vector<std::vector<int>> order(n);
    std::vector<std::vector<double>> norm(n);
    for (std::size_t g = 0; g < n; ++g) {
      order[g] = ascending_order(scores[g]);
      // Each layer's channels share one unit of importance: losing a channel of a narrow
      // layer (conv1's 16) costs more than one of a wide layer (fc1's 128).
      double sum = std::accumulate(scores[g].begin(), scores[g].end(), 0.0);
      norm[g] = scores[g];
      for (double& s : norm[g]) s = sum > 0 ? s / sum : 1.0 / double(scores[g].size());
    }
    double cost = cost_of(config, graph, counts, kind);
    while (cost > budget) {
      int best_g = -1, best_count = 0;
      double best_priority = std::numeric_limits<double>::infinity(), best_cost = 0;
      for (std::size_t g = 0; g < n; ++g) {
        if (fixed[g]) continue;
        int lower = next_lower(counts[g], original[g], r.multiple, r.min_channels);
        if (lower < 0) continue;
        // Loss of a step: -log of the fraction of the layer's remaining importance kept, so
        // each further cut of an already thin layer costs more (information through a chain
        // of layers multiplies: the objective is the sum over layers of -log(kept importance)).
        double remaining = 0, removed = 0;
        for (int k = original[g] - counts[g]; k < original[g]; ++k) {
          double v = norm[g][std::size_t(order[g][std::size_t(k)])];
          remaining += v;
          if (k < original[g] - lower) removed += v;
        }
        double importance = remaining > 0 ? std::log(remaining / std::max(remaining - removed, 1e-12)) : 0.0;
        std::vector<int> c = counts;
        c[g] = lower;
        double new_cost = cost_of(config, graph, c, kind);
        double saved = cost - new_cost;
        if (saved <= 0) continue;
        double priority = importance / saved;
        if (priority < best_priority) {
          best_priority = priority;
          best_g = int(g);
          best_count = lower;
          best_cost = new_cost;
        }
      }
      if (best_g < 0)
        throw Error(target_name(kind),
                    fmt::format("budget {:.0f} unreachable: every layer is at its minimum (--min-channels {}, "
                                "--multiple {}) with {:.0f} left",
                                budget, r.min_channels, r.multiple, cost));
      counts[std::size_t(best_g)] = best_count;
      cost = best_cost;
    }
  }

  PrunePlan plan;
  plan.keep.resize(n);
  for (std::size_t g = 0; g < n; ++g) {
    if (counts[g] < 1)
      throw Error("layer '" + graph.groups[g].name + "'", "would be pruned to zero channels");
    std::vector<int> ord = ascending_order(scores[g]);
    std::vector<int> keep(ord.end() - counts[g], ord.end());
    std::sort(keep.begin(), keep.end());
    plan.keep[g] = std::move(keep);
  }
  plan.config = with_channels(config, counts_of(graph, counts));
  if (kind != TargetKind::kRatio && target_cost(plan.config, kind) > budget)
    throw Error(target_name(kind),
                fmt::format("budget {:.0f} not met: the plan has {:.0f}", budget, target_cost(plan.config, kind)),
                ErrorKind::kInternal);
  return plan;
}

PruneRequest step_request(const PruneRequest& fin, int step, int steps, double original_cost) {
  if (steps < 1 || step < 1 || step > steps)
    throw Error("--steps", fmt::format("expected 1 <= step <= steps, found {} of {}", step, steps));
  PruneRequest r = fin;
  if (steps == 1) return r;
  auto per_step = [&](double ratio) { return ratio == 0 ? 0.0 : 1.0 - std::pow(1.0 - ratio, 1.0 / steps); };
  if (r.target.kind == TargetKind::kRatio) {
    r.target.value = per_step(fin.target.value);
  } else {
    r.target.value = original_cost * std::pow(fin.target.value / original_cost, double(step) / steps);
    if (step == steps) r.target.value = fin.target.value;
  }
  for (auto& [name, ratio] : r.layer_ratio) ratio = per_step(ratio);
  return r;
}

}  // namespace dorefa::prune
