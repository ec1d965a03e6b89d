#include "prune/graph.hpp"

#include <fmt/format.h>

#include "util/error.hpp"

namespace dorefa::prune {

using train::LayerConfig;
using train::LayerType;
using train::ModelConfig;

const ChannelGroup* ChannelGraph::find(const std::string& layer_name) const {
  for (const auto& g : groups)
    if (g.name == layer_name) return &g;
  return nullptr;
}

int ChannelGraph::index_of(const std::string& layer_name) const {
  for (std::size_t i = 0; i < groups.size(); ++i)
    if (groups[i].name == layer_name) return int(i);
  std::string names;
  for (const auto& g : groups) names += (names.empty() ? "" : ", ") + g.name;
  throw Error("layer '" + layer_name + "'", "unknown or not prunable (prunable layers: " + names + ")");
}

ChannelGraph build_channel_graph(const ModelConfig& config) {
  ChannelGraph graph;
  const auto& layers = config.layers;
  for (int i = 0; i < int(layers.size()); ++i) {
    const LayerConfig& p = layers[i];
    if (p.type == LayerType::kMaxPool || p.last) continue;
    ChannelGroup g;
    g.name = p.name;
    g.producer = i;
    g.channels = p.channels;
    int j = i + 1;
    for (; j < int(layers.size()) && layers[j].type == LayerType::kMaxPool; ++j) g.passes.push_back(j);
    if (j >= int(layers.size()))
      throw Error(config.source + ": layer '" + p.name + "'", "hidden layer without a consumer", ErrorKind::kInternal);
    g.consumer = j;
    const LayerConfig& q = layers[j];
    if (q.input.channels != p.channels)
      throw Error(config.source + ": layer '" + q.name + "'",
                  fmt::format("expected {} input channels from '{}', found {}", p.channels, p.name, q.input.channels),
                  ErrorKind::kInternal);
    // A dense consumer of a conv output reads it flattened CHW: each channel owns H*W inputs.
    g.consumer_block = q.type == LayerType::kDense ? q.input.height * q.input.width : 1;
    graph.groups.push_back(std::move(g));
  }
  return graph;
}

std::vector<std::int64_t> consumer_inputs(const ChannelGroup& group, const std::vector<int>& kept) {
  std::vector<std::int64_t> out;
  out.reserve(kept.size() * std::size_t(group.consumer_block));
  for (int c : kept) {
    if (c < 0 || c >= group.channels)
      throw Error("layer '" + group.name + "'",
                  fmt::format("channel {} out of range 0..{}", c, group.channels - 1), ErrorKind::kInternal);
    for (int k = 0; k < group.consumer_block; ++k) out.push_back(std::int64_t(c) * group.consumer_block + k);
  }
  return out;
}

ModelConfig with_channels(const ModelConfig& config, const std::map<std::string, int>& channels) {
  ModelConfig out = config;
  ChannelGraph graph = build_channel_graph(config);
  for (const auto& [name, count] : channels) {
    const ChannelGroup& g = graph.groups[std::size_t(graph.index_of(name))];
    if (count < 1 || count > g.channels)
      throw Error("layer '" + name + "'", fmt::format("channel count must be 1..{}, found {}", g.channels, count));
    out.layers[std::size_t(g.producer)].channels = count;
  }
  train::validate(out);
  return out;
}

std::vector<LayerCost> layer_costs(const ModelConfig& config) {
  std::vector<LayerCost> out;
  for (const LayerConfig& l : config.layers) {
    if (l.type == LayerType::kMaxPool) continue;
    LayerCost c;
    c.name = l.name;
    c.channels = l.channels;
    if (l.type == LayerType::kConv) {
      c.weights = std::int64_t(l.channels) * l.input.channels * l.kernel * l.kernel;
      c.macs = l.output.elements() * l.kernel * l.kernel * l.input.channels;
    } else {
      c.weights = std::int64_t(l.channels) * l.input.elements();
      c.macs = c.weights;
    }
    c.params = c.weights + (l.last ? l.channels : 2 * std::int64_t(l.channels));
    out.push_back(c);
  }
  return out;
}

std::int64_t total_params(const ModelConfig& config) {
  std::int64_t total = 0;
  for (const auto& c : layer_costs(config)) total += c.params;
  return total;
}

}  // namespace dorefa::prune
