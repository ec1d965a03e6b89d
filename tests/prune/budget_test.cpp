#include "prune/budget.hpp"

#include <gtest/gtest.h>

#include <numeric>

#include "test_models.hpp"
#include "util/error.hpp"
#include "error_of.hpp"

namespace dorefa::prune {
namespace {

// Channel c of every group scores c (later channels matter more), except a few reversed.
std::vector<std::vector<double>> ramp_scores(const ChannelGraph& g) {
  std::vector<std::vector<double>> s;
  for (const auto& grp : g.groups) {
    std::vector<double> v(std::size_t(grp.channels));
    std::iota(v.begin(), v.end(), 1.0);
    s.push_back(v);
  }
  return s;
}

using test_support::error_of;

TEST(RoundedCount, RoundsToTheMultipleWithinMinimumAndOriginal) {
  EXPECT_EQ(rounded_count(16, 0.5, 4, 4), 8);
  EXPECT_EQ(rounded_count(16, 0.6, 4, 4), 8);    // 6.4 -> nearest multiple 8
  EXPECT_EQ(rounded_count(16, 0.7, 4, 4), 4);    // 4.8 -> 4
  EXPECT_EQ(rounded_count(16, 0.95, 4, 4), 4);   // never below the minimum
  EXPECT_EQ(rounded_count(16, 0.95, 4, 6), 8);   // minimum rounded up to the multiple
  EXPECT_EQ(rounded_count(6, 0.3, 4, 4), 4);     // 4.2 -> 4 (6 is not a multiple of 4)
  EXPECT_EQ(rounded_count(6, 0.1, 4, 4), 6);     // 5.4 -> 6, the nearest allowed count
  EXPECT_EQ(rounded_count(6, 0.01, 4, 4), 6);    // rounds back to the original: unpruned
  EXPECT_EQ(rounded_count(3, 0.5, 4, 1), 3);     // cannot go below one multiple: unchanged
  EXPECT_EQ(rounded_count(64, 0.5, 8, 4), 32);
}

TEST(PlanPruning, GlobalRatioKeepsMultiplesAndTheMostImportantChannels) {
  auto cfg = testing::chain_config();
  auto g = build_channel_graph(cfg);
  PruneRequest r;
  r.target = {TargetKind::kRatio, 0.5};
  PrunePlan p = plan_pruning(cfg, g, ramp_scores(g), r);
  int kept = 0, total = 0;
  for (std::size_t i = 0; i < g.groups.size(); ++i) {
    int n = int(p.keep[i].size());
    EXPECT_EQ(n % 4, 0) << g.groups[i].name;
    EXPECT_GE(n, 4);
    // Ramp scores: the kept channels are the top ones, ascending.
    for (int k = 0; k < n; ++k) EXPECT_EQ(p.keep[i][std::size_t(k)], g.groups[i].channels - n + k);
    EXPECT_EQ(p.config.layers[std::size_t(g.groups[i].producer)].channels, n);
    kept += n;
    total += g.groups[i].channels;
  }
  EXPECT_LE(kept, total / 2);
  EXPECT_EQ(p.config.layers.back().channels, 10);
}

TEST(PlanPruning, MacAndParamBudgetsAreMet) {
  auto cfg = testing::chain_config();
  auto g = build_channel_graph(cfg);
  for (bool global : {true, false}) {
    PruneRequest r;
    r.global = global;
    r.target = {TargetKind::kMacs, 0.4 * double(cfg.macs())};
    PrunePlan p = plan_pruning(cfg, g, ramp_scores(g), r);
    EXPECT_LE(double(p.config.macs()), 0.4 * double(cfg.macs())) << global;
    EXPECT_GT(double(p.config.macs()), 0.1 * double(cfg.macs())) << "overshoot, global " << global;
    r.target = {TargetKind::kParams, 0.3 * double(total_params(cfg))};
    p = plan_pruning(cfg, g, ramp_scores(g), r);
    EXPECT_LE(double(total_params(p.config)), 0.3 * double(total_params(cfg))) << global;
    for (const auto& keep : p.keep) EXPECT_EQ(keep.size() % 4, 0u);
  }
}

TEST(PlanPruning, GlobalRankingPrunesTheLayerWithUnimportantChannelsFirst) {
  auto cfg = testing::chain_config();
  auto g = build_channel_graph(cfg);
  auto s = ramp_scores(g);
  // conv3: half its channels score ~0 relative to the layer mean.
  for (int c = 0; c < 8; ++c) s[2][std::size_t(c)] = 1e-6;
  PruneRequest r;
  r.target = {TargetKind::kRatio, 0.1};
  PrunePlan p = plan_pruning(cfg, g, s, r);
  EXPECT_EQ(p.keep[2].size(), 8u);
  EXPECT_EQ(p.keep[2].front(), 8);
}

TEST(PlanPruning, PerLayerOverrideFixesThatLayer) {
  auto cfg = testing::chain_config();
  auto g = build_channel_graph(cfg);
  PruneRequest r;
  r.target = {TargetKind::kRatio, 0.5};
  r.global = false;
  r.layer_ratio["conv1"] = 0.0;
  r.layer_ratio["fc1"] = 0.75;
  PrunePlan p = plan_pruning(cfg, g, ramp_scores(g), r);
  EXPECT_EQ(p.keep[0].size(), 12u);
  EXPECT_EQ(p.keep[1].size(), 8u);
  EXPECT_EQ(p.keep[3].size(), 8u);
}

TEST(PlanPruning, BadRequestsGiveClearErrors) {
  auto cfg = testing::chain_config();
  auto g = build_channel_graph(cfg);
  auto s = ramp_scores(g);
  auto run = [&](PruneRequest r) { return error_of([&] { plan_pruning(cfg, g, s, r); }); };
  PruneRequest r;
  r.target = {TargetKind::kRatio, 1.0};
  EXPECT_NE(run(r).find("0 < ratio < 1"), std::string::npos) << run(r);
  r.target = {TargetKind::kRatio, 0.0};
  EXPECT_NE(run(r).find("0 < ratio < 1"), std::string::npos);
  r.target = {TargetKind::kRatio, 0.5};
  r.multiple = 13;
  EXPECT_NE(run(r).find("larger than layer 'conv1' (12 channels)"), std::string::npos) << run(r);
  r.multiple = 4;
  r.min_channels = 0;
  EXPECT_NE(run(r).find("zero"), std::string::npos) << run(r);
  r.min_channels = 4;
  r.layer_ratio["conv9"] = 0.5;
  EXPECT_NE(run(r).find("layer 'conv9'"), std::string::npos);
  EXPECT_NE(run(r).find("conv1, conv2, conv3, fc1"), std::string::npos) << run(r);
  r.layer_ratio.clear();
  r.layer_ratio["fc2"] = 0.5;
  EXPECT_NE(run(r).find("not prunable"), std::string::npos) << run(r);
  r.layer_ratio.clear();
  r.layer_ratio["conv2"] = 1.0;
  EXPECT_NE(run(r).find("zero"), std::string::npos) << run(r);
  r.layer_ratio.clear();
  r.target = {TargetKind::kMacs, double(cfg.macs()) + 1};
  EXPECT_NE(run(r).find("not below"), std::string::npos) << run(r);
  r.target = {TargetKind::kMacs, 1000};
  EXPECT_NE(run(r).find("unreachable"), std::string::npos) << run(r);
  r.global = false;
  EXPECT_NE(run(r).find("unreachable"), std::string::npos) << run(r);
}

TEST(ParseBudget, CountsSuffixesAndPercentages) {
  EXPECT_DOUBLE_EQ(parse_budget("120000", 1e6, "--macs"), 120000);
  EXPECT_DOUBLE_EQ(parse_budget("120k", 1e6, "--macs"), 120000);
  EXPECT_DOUBLE_EQ(parse_budget("1.5M", 1e7, "--macs"), 1.5e6);
  EXPECT_DOUBLE_EQ(parse_budget("25%", 2e6, "--macs"), 5e5);
  EXPECT_THROW(parse_budget("abc", 1, "--macs"), Error);
  EXPECT_THROW(parse_budget("12x", 1, "--macs"), Error);
  EXPECT_THROW(parse_budget("100%", 1, "--macs"), Error);
  EXPECT_THROW(parse_budget("", 1, "--params"), Error);
}

TEST(StepRequest, IterativeStepsCompoundToTheFinalTarget) {
  PruneRequest r;
  r.target = {TargetKind::kRatio, 0.75};
  PruneRequest s = step_request(r, 1, 2, 100);
  EXPECT_NEAR(s.target.value, 0.5, 1e-12);  // keep 1/2 twice = keep 1/4
  r.target = {TargetKind::kMacs, 25};
  EXPECT_NEAR(step_request(r, 1, 2, 100).target.value, 50, 1e-9);
  EXPECT_DOUBLE_EQ(step_request(r, 2, 2, 100).target.value, 25);
  EXPECT_THROW(step_request(r, 3, 2, 100), Error);
}

}  // namespace
}  // namespace dorefa::prune
