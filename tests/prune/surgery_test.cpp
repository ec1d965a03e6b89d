#include "prune/surgery.hpp"

#include <set>

#include <gtest/gtest.h>

#include "data/registry.hpp"
#include "prune/finetune.hpp"
#include "test_models.hpp"

namespace dorefa::prune {
namespace {

// A network with varied (but reproducible) weights and BN state, so that every channel
// carries a different, non-trivial activation.
train::Network random_network(const train::ModelConfig& cfg, std::uint64_t seed) {
  torch::manual_seed(seed);
  train::Network net(cfg);
  torch::NoGradGuard no_grad;
  for (const auto& h : net->layers()) {
    if (!h.has_weights() || !h.bn.gamma.defined()) continue;
    h.bn.gamma.uniform_(-1.5, 1.5);  // includes negative gammas
    h.bn.beta.uniform_(0.0, 0.6);
    h.bn.running_mean.uniform_(-0.2, 0.2);
    h.bn.running_var.uniform_(0.05, 0.5);
  }
  net->eval();
  return net;
}

// The original network with the removed channels' activations forced to level 0: gamma =
// beta = 0 makes BN output 0, which quantizes to level 0.
train::Network zeroed_reference(train::Network& net, const ChannelGraph& graph, const PrunePlan& plan) {
  train::Network ref(net->config());
  copy_network_state(ref, net);
  torch::NoGradGuard no_grad;
  for (std::size_t g = 0; g < graph.groups.size(); ++g) {
    const auto& name = graph.groups[g].name;
    for (const auto& h : ref->layers()) {
      if (h.config.name != name) continue;
      for (int c = 0; c < graph.groups[g].channels; ++c) {
        if (std::binary_search(plan.keep[g].begin(), plan.keep[g].end(), c)) continue;
        h.bn.gamma[c] = 0.0f;
        h.bn.beta[c] = 0.0f;
      }
    }
  }
  ref->eval();
  return ref;
}

PrunePlan plan_keeping(const train::ModelConfig& cfg, const ChannelGraph& graph,
                       const std::map<std::string, std::vector<int>>& keep) {
  PrunePlan plan;
  std::map<std::string, int> counts;
  for (const auto& grp : graph.groups) {
    std::vector<int> k;
    auto it = keep.find(grp.name);
    if (it != keep.end()) {
      k = it->second;
    } else {
      for (int c = 0; c < grp.channels; ++c) k.push_back(c);
    }
    counts[grp.name] = int(k.size());
    plan.keep.push_back(k);
  }
  plan.config = with_channels(cfg, counts);
  return plan;
}

class SurgeryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { test_ = new data::Dataset(data::load_dataset("mnist", "test").head(500)); }
  static void TearDownTestSuite() { delete test_; }
  static data::Dataset* test_;
  torch::Tensor images() const { return dataset_images(*test_, 0, test_->size()); }

  // Prunes per `keep`, checks the physically smaller network equals the zeroed reference.
  void expect_equivalent(const train::ModelConfig& cfg, const std::map<std::string, std::vector<int>>& keep,
                         std::uint64_t seed) {
    train::Network net = random_network(cfg, seed);
    ChannelGraph graph = build_channel_graph(cfg);
    PrunePlan plan = plan_keeping(cfg, graph, keep);
    train::Network pruned = apply_plan(net, graph, plan);
    train::Network ref = zeroed_reference(net, graph, plan);
    torch::NoGradGuard no_grad;
    torch::Tensor x = images();
    torch::Tensor full = net->forward(x), want = ref->forward(x), got = pruned->forward(x);
    // The removal must matter (else the test proves nothing) ...
    EXPECT_GT((full - want).abs().max().item<double>(), 1e-2);
    // ... and the smaller network must reproduce it.
    EXPECT_LT((got - want).abs().max().item<double>(), 1e-4);
    EXPECT_TRUE(got.argmax(1).equal(want.argmax(1)));
    EXPECT_EQ(pruned->config().macs(), plan.config.macs());
    EXPECT_LT(pruned->config().macs(), cfg.macs());
  }
};
data::Dataset* SurgeryTest::test_ = nullptr;

TEST_F(SurgeryTest, ConvToConvEdgeEqualsZeroedChannels) {
  // conv1 (8-bit first layer) -> conv2 (binary): rows of conv1, input channels of conv2.
  expect_equivalent(testing::chain_config(), {{"conv1", {0, 2, 3, 5, 8, 11}}}, 1);
}

TEST_F(SurgeryTest, ConvThroughPoolToConvEdgeEqualsZeroedChannels) {
  // conv2 (binary) -> pool1 -> conv3 (binary): the binary scale E|w| of both layers changes.
  expect_equivalent(testing::chain_config(), {{"conv2", {1, 4, 6, 7, 9, 10, 13, 15}}}, 2);
}

TEST_F(SurgeryTest, ConvToFlattenToDenseEdgeEqualsZeroedChannels) {
  // conv3 -> pool2 -> flatten -> fc1: each removed channel takes its 5x5 block of fc1 inputs.
  expect_equivalent(testing::chain_config(), {{"conv3", {0, 1, 5, 9, 12, 14}}}, 3);
}

// fc1 columns holding the largest |w| of some fc2 row (the 8-bit per-row scale depends on it).
std::vector<int> fc2_row_max_columns(train::Network& net) {
  const auto& fc2 = net->layers().back();
  torch::Tensor arg = fc2.weight.abs().argmax(1);
  std::vector<int> cols;
  for (int64_t r = 0; r < arg.size(0); ++r) cols.push_back(int(arg[r].item<int64_t>()));
  std::sort(cols.begin(), cols.end());
  cols.erase(std::unique(cols.begin(), cols.end()), cols.end());
  return cols;
}

TEST_F(SurgeryTest, EveryHiddenLayerAtOnceEqualsZeroedChannels) {
  auto cfg = testing::chain_config();
  train::Network net = random_network(cfg, 4);
  // Keep 12 fc1 features including every fc2 row's largest weight: then even the 8-bit
  // logits layer keeps its per-row scales and the equivalence is exact.
  std::vector<int> fc1 = fc2_row_max_columns(net);
  for (int c = 0; int(fc1.size()) < 12; c += 3)
    if (std::find(fc1.begin(), fc1.end(), c) == fc1.end()) fc1.push_back(c);
  std::sort(fc1.begin(), fc1.end());
  expect_equivalent(cfg,
                    {{"conv1", {1, 2, 3, 4, 6, 7, 9, 10}},
                     {"conv2", {0, 2, 4, 6, 8, 10, 12, 14}},
                     {"conv3", {3, 4, 5, 6}},
                     {"fc1", fc1}},
                    4);
}

TEST_F(SurgeryTest, LogitsRowMaxRemovedShiftsItsGridByLessThanHalfAStep) {
  // Removing the fc1 feature that holds an fc2 row's largest weight re-derives that row's
  // 8-bit scale: not exact, but close, and the same top-1 on nearly every image.
  auto cfg = testing::chain_config();
  train::Network net = random_network(cfg, 4);
  std::vector<int> drop = fc2_row_max_columns(net), keep;
  for (int c = 0; c < 32; ++c)
    if (!std::binary_search(drop.begin(), drop.end(), c)) keep.push_back(c);
  keep.resize(keep.size() / 4 * 4);
  ChannelGraph graph = build_channel_graph(cfg);
  PrunePlan plan = plan_keeping(cfg, graph, {{"fc1", keep}});
  train::Network pruned = apply_plan(net, graph, plan);
  train::Network ref = zeroed_reference(net, graph, plan);
  torch::NoGradGuard no_grad;
  torch::Tensor x = images(), want = ref->forward(x), got = pruned->forward(x);
  double diff = (got - want).abs().max().item<double>();
  EXPECT_GT(diff, 1e-6);  // really not exact
  EXPECT_LT(diff, 0.05 * want.abs().max().item<double>());
  EXPECT_GE(got.argmax(1).eq(want.argmax(1)).sum().item<int64_t>(), int64_t(test_->size() * 95 / 100));
}

TEST_F(SurgeryTest, ZooLenetShapeW2A2StaysCloseWhereTheLayerMaxSurvives) {
  // DoReFa k = 2 divides by the layer's max|tanh(w)|: exact when that weight is kept.
  auto cfg = testing::chain_config(2, 2);
  train::Network net = random_network(cfg, 5);
  ChannelGraph graph = build_channel_graph(cfg);
  // Keep conv2's filter holding its largest latent weight, and conv3's input channel that
  // holds conv3's largest latent weight, so both layers' scales survive the cut; remove 4
  // other channels of conv2 (and with them conv3's inputs).
  const auto& conv2 = net->layers()[1];
  const int top = int(conv2.weight.abs().reshape({16, -1}).amax(1).argmax().item<int64_t>());
  const auto& conv3 = net->layers()[3];
  const auto conv3_in = conv3.weight.abs().transpose(0, 1).reshape({16, -1}).amax(1);
  const int top3 = int(conv3_in.argmax().item<int64_t>());
  std::set<int> removed;
  for (int c : {1, 4, 7, 10, 13, 2, 5, 8})
    if (c != top && c != top3 && removed.size() < 4) removed.insert(c);
  std::vector<int> keep;
  for (int c = 0; c < 16; ++c)
    if (!removed.count(c)) keep.push_back(c);
  ASSERT_EQ(keep.size(), 12u);
  PrunePlan plan = plan_keeping(cfg, graph, {{"conv2", keep}});
  // The premise of exactness, checked rather than assumed: conv3's max is among the kept inputs.
  torch::Tensor kept_max = conv3.weight.index_select(1, torch::tensor(std::vector<int64_t>(keep.begin(), keep.end())))
                               .abs()
                               .max();
  ASSERT_EQ(kept_max.item<float>(), conv3.weight.abs().max().item<float>());
  train::Network pruned = apply_plan(net, graph, plan);
  train::Network ref = zeroed_reference(net, graph, plan);
  torch::NoGradGuard no_grad;
  torch::Tensor x = images();
  EXPECT_LT((pruned->forward(x) - ref->forward(x)).abs().max().item<double>(), 1e-4);
}

TEST_F(SurgeryTest, PrunedNetworkKeepsTrainModeAndTrains) {
  auto cfg = testing::chain_config();
  train::Network net = random_network(cfg, 6);
  net->train();
  ChannelGraph graph = build_channel_graph(cfg);
  train::Network pruned = apply_plan(net, graph, plan_keeping(cfg, graph, {{"fc1", {0, 1, 2, 3}}}));
  EXPECT_TRUE(pruned->is_training());
  torch::Tensor loss = pruned->forward(dataset_images(*test_, 0, 20)).logsumexp(1).mean();
  loss.backward();
  EXPECT_TRUE(pruned->layers()[6].weight.grad().defined());  // conv1 conv2 pool1 conv3 pool2 flatten fc1
}

}  // namespace
}  // namespace dorefa::prune
