#pragma once
// The channel dependency graph of a model config: which layers lose what when an output
// channel of a conv/dense layer is removed. No libtorch here (config only).
//
// Removing output channel c of a hidden weight layer P removes
//   - row c of P's weights and entry c of its batch-norm state;
//   - input channel c of the next weight layer Q (maxpool layers in between pass channels
//     through): for a conv Q, input channel c; for a dense Q after a conv, the block of
//     inputs c*H*W .. c*H*W + H*W - 1 (torch flattens CHW); for a dense Q after a dense,
//     input c.
// The last layer's outputs (the classes) are never pruned.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "train/config.hpp"

namespace dorefa::prune {

// One prunable set of channels: the outputs of `producer` that feed `consumer`.
struct ChannelGroup {
  std::string name;         // the producer's layer name (what overrides and tables use)
  int producer = -1;        // index into ModelConfig::layers
  int consumer = -1;        // index into ModelConfig::layers: the next weight layer
  int channels = 0;         // output channels of the producer
  int consumer_block = 1;   // consumer inputs owned by one channel (H*W across a flatten, else 1)
  std::vector<int> passes;  // maxpool layers between producer and consumer (pass channels through)
};

struct ChannelGraph {
  std::vector<ChannelGroup> groups;  // in layer order, one per hidden weight layer

  // The group whose producer is `layer_name`, or nullptr.
  const ChannelGroup* find(const std::string& layer_name) const;
  // Index of the group named `layer_name`; throws dorefa::Error listing the names otherwise.
  int index_of(const std::string& layer_name) const;
};

// Builds the graph of a validated config (every zoo model is a chain of blocks).
ChannelGraph build_channel_graph(const train::ModelConfig& config);

// The consumer's input indices (its weight dim 1) that the kept channels own, in order.
std::vector<std::int64_t> consumer_inputs(const ChannelGroup& group, const std::vector<int>& kept);

// A copy of `config` with new output channel counts for the named layers, re-validated
// (shapes re-derived). Throws dorefa::Error for an unknown name or a non-prunable layer.
train::ModelConfig with_channels(const train::ModelConfig& config, const std::map<std::string, int>& channels);

// Cost of one weight layer per image.
struct LayerCost {
  std::string name;
  int channels = 0;          // output channels / features
  std::int64_t weights = 0;  // weight count
  std::int64_t params = 0;   // weights + per-channel affine (BN gamma/beta, or the last layer's bias)
  std::int64_t macs = 0;     // multiply-accumulates per image
};

std::vector<LayerCost> layer_costs(const train::ModelConfig& config);
std::int64_t total_params(const train::ModelConfig& config);

}  // namespace dorefa::prune
