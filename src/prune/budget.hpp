#pragma once
// Deciding how many channels each layer keeps, and which: a ratio, MAC or parameter target,
// per-layer minimum, and channel counts rounded to a multiple so the hardware folding
// (PE/SIMD factors) divides them evenly. No libtorch: channel scores come in as numbers.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "prune/graph.hpp"
#include "train/config.hpp"

namespace dorefa::prune {

enum class TargetKind {
  kRatio,   // value: fraction of the prunable channels to remove, 0 < value < 1
  kMacs,    // value: MACs per image to reach (absolute)
  kParams,  // value: parameters to reach (absolute)
};

struct Target {
  TargetKind kind = TargetKind::kRatio;
  double value = 0.5;
};

struct PruneRequest {
  Target target;
  // Global: one greedy ranking over all layers. Scores are normalized per layer (divided by
  // the layer's sum); a step that lowers a layer to its next allowed count loses
  // -log(kept / remaining importance of that layer), divided by the cost it saves (channels
  // for a ratio, MACs or parameters for a budget); the cheapest loss per unit saved goes first.
  // Per-layer: every layer loses the same fraction (found by search for MAC/param targets).
  bool global = true;
  int multiple = 4;      // kept channel counts are multiples of this (or the layer's original count)
  int min_channels = 4;  // no layer drops below this (rounded up to the multiple)
  // Per-layer override: the named layer loses exactly this fraction (0 = keep it whole).
  std::map<std::string, double> layer_ratio;
};

// Checks a request against a config before any work; throws dorefa::Error naming the
// option and layer (ratio outside (0, 1), a multiple larger than a layer, an unknown layer,
// a layer pruned to zero, a budget that is not below the current cost, ...).
void check_request(const train::ModelConfig& config, const PruneRequest& request);

// Parses "--macs"/"--params" values: a count ("120000", "120k", "1.5M") or a percentage of
// `reference` ("50%" = half of it). Throws dorefa::Error on anything else.
double parse_budget(const std::string& text, double reference, const std::string& option);

struct PrunePlan {
  std::vector<std::vector<int>> keep;  // per graph group: kept channel indices, ascending
  train::ModelConfig config;           // the config with the new channel counts
};

// Picks the channels to keep. `scores[g]` has one importance per channel of group g
// (higher = more important). Throws dorefa::Error if the target cannot be met.
PrunePlan plan_pruning(const train::ModelConfig& config, const ChannelGraph& graph,
                       const std::vector<std::vector<double>>& scores, const PruneRequest& request);

// The kept count for `channels` after removing `ratio` of them: nearest multiple of
// `multiple`, at least the minimum (itself rounded up to the multiple), never more than
// `channels`; a count that cannot be lowered stays `channels`.
int rounded_count(int channels, double ratio, int multiple, int min_channels);

// The request for step `step` (1-based) of `steps` of an iterative schedule, relative to
// the current model: ratios become 1 - (1 - r)^(1/steps) of the current channels,
// budgets are interpolated geometrically from `original_cost` to the final one.
PruneRequest step_request(const PruneRequest& final_request, int step, int steps, double original_cost);

// The quantity the target constrains, for `config` (prunable channels, MACs or params).
double target_cost(const train::ModelConfig& config, TargetKind kind);

}  // namespace dorefa::prune
