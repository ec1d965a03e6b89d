#include "prune/graph.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "test_models.hpp"
#include "util/error.hpp"

namespace dorefa::prune {
namespace {

TEST(ChannelGraph, ChainHasOneGroupPerHiddenLayerAndNeverTheLogits) {
  auto cfg = testing::chain_config();
  ChannelGraph g = build_channel_graph(cfg);
  ASSERT_EQ(g.groups.size(), 4u);
  EXPECT_EQ(g.groups[0].name, "conv1");
  EXPECT_EQ(g.groups[1].name, "conv2");
  EXPECT_EQ(g.groups[2].name, "conv3");
  EXPECT_EQ(g.groups[3].name, "fc1");
  EXPECT_EQ(g.find("fc2"), nullptr);  // the classes are never pruned
  EXPECT_EQ(cfg.layers[std::size_t(g.groups[0].consumer)].name, "conv2");
  EXPECT_TRUE(g.groups[0].passes.empty());
  ASSERT_EQ(g.groups[1].passes.size(), 1u);  // conv2 -> pool1 -> conv3
  EXPECT_EQ(cfg.layers[std::size_t(g.groups[1].passes[0])].name, "pool1");
  EXPECT_EQ(cfg.layers[std::size_t(g.groups[2].consumer)].name, "fc1");
}

TEST(ChannelGraph, FlattenedConvChannelOwnsAContiguousBlockOfDenseInputs) {
  ChannelGraph g = build_channel_graph(testing::chain_config());
  const ChannelGroup& conv3 = g.groups[2];
  EXPECT_EQ(conv3.consumer_block, 25);  // 5x5 after pool2
  auto idx = consumer_inputs(conv3, {1, 3});
  ASSERT_EQ(idx.size(), 50u);
  EXPECT_EQ(idx.front(), 25);
  EXPECT_EQ(idx[24], 49);
  EXPECT_EQ(idx[25], 75);
  EXPECT_EQ(idx.back(), 99);
  EXPECT_EQ(g.groups[3].consumer_block, 1);  // dense -> dense
  EXPECT_EQ(consumer_inputs(g.groups[3], {0, 7}), (std::vector<std::int64_t>{0, 7}));
  EXPECT_THROW(consumer_inputs(conv3, {16}), Error);
}

TEST(ChannelGraph, WithChannelsRederivesShapesAndCosts) {
  auto cfg = testing::chain_config();
  auto small = with_channels(cfg, {{"conv3", 8}, {"conv1", 4}});
  EXPECT_EQ(small.layers[3].channels, 8);
  EXPECT_EQ(small.layers[5].input.elements(), 8 * 5 * 5);
  EXPECT_EQ(small.layers[1].input.channels, 4);
  std::int64_t macs = 0;
  for (const auto& c : layer_costs(small)) macs += c.macs;
  EXPECT_EQ(macs, small.macs());
  // conv2 reads 4 channels now: 24*24 outputs * 16 filters * 3*3*4 taps.
  EXPECT_EQ(layer_costs(small)[1].macs, 24 * 24 * 16 * 9 * 4);
  EXPECT_LT(total_params(small), total_params(cfg));
  EXPECT_THROW(with_channels(cfg, {{"fc2", 5}}), Error);     // logits are not prunable
  EXPECT_THROW(with_channels(cfg, {{"nope", 5}}), Error);    // unknown layer
  EXPECT_THROW(with_channels(cfg, {{"conv1", 0}}), Error);   // zero channels
  EXPECT_THROW(with_channels(cfg, {{"conv1", 13}}), Error);  // growing is not pruning
}

TEST(ChannelGraph, EveryZooConfigBuildsAConsistentGraph) {
  namespace fs = std::filesystem;
  fs::path dir = fs::path(DOREFA_SOURCE_ROOT) / "configs";
  int seen = 0;
  if (fs::exists(dir)) {
    for (const auto& e : fs::directory_iterator(dir)) {
      if (e.path().extension() != ".toml") continue;
      train::ModelConfig cfg;
      try {
        cfg = train::load_config(e.path());
      } catch (const Error&) {
        continue;  // not a model config (e.g. a pipeline config)
      }
      ++seen;
      ChannelGraph g = build_channel_graph(cfg);
      EXPECT_EQ(g.groups.size(), cfg.weight_layers().size() - 1) << e.path();
      for (const auto& grp : g.groups) {
        const auto& consumer = cfg.layers[std::size_t(grp.consumer)];
        EXPECT_EQ(std::int64_t(grp.channels) * grp.consumer_block,
                  consumer.type == train::LayerType::kDense ? consumer.input.elements()
                                                            : std::int64_t(consumer.input.channels))
            << e.path() << " " << grp.name;
      }
    }
  }
  if (seen == 0) GTEST_SKIP() << "no model configs under configs/ yet";
}

}  // namespace
}  // namespace dorefa::prune
