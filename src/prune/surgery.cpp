#include "prune/surgery.hpp"

#include <fmt/format.h>

#include "util/error.hpp"

namespace dorefa::prune {
namespace {

torch::Tensor index_tensor(const std::vector<std::int64_t>& idx) {
  return torch::tensor(std::vector<int64_t>(idx.begin(), idx.end()), torch::kInt64);
}

torch::Tensor index_tensor(const std::vector<int>& idx) {
  return index_tensor(std::vector<std::int64_t>(idx.begin(), idx.end()));
}

const train::LayerHandle& handle_named(train::Network& net, const std::string& name) {
  for (const auto& h : net->layers())
    if (h.has_weights() && h.config.name == name) return h;
  throw Error("layer '" + name + "'", "not found in the network", ErrorKind::kInternal);
}

std::string shape_text(const torch::Tensor& t) {
  std::string s;
  for (auto d : t.sizes()) s += (s.empty() ? "[" : ", ") + std::to_string(d);
  return s + "]";
}

}  // namespace

void copy_network_state(train::Network& dst, train::Network& src) {
  torch::NoGradGuard no_grad;
  auto sp = src->named_parameters(true);
  for (auto& p : dst->named_parameters(true)) p.value().copy_(sp[p.key()]);
  auto sb = src->named_buffers(true);
  for (auto& b : dst->named_buffers(true)) b.value().copy_(sb[b.key()]);
}

train::Network apply_plan(train::Network& network, const ChannelGraph& graph, const PrunePlan& plan) {
  if (plan.keep.size() != graph.groups.size())
    throw Error("apply_plan", "plan does not match the graph", ErrorKind::kInternal);
  torch::NoGradGuard no_grad;
  train::Network out(plan.config);
  const auto& old_layers = network->config().layers;

  // For every weight layer: which output rows and which input columns survive.
  std::map<std::string, torch::Tensor> rows, cols;
  for (std::size_t g = 0; g < graph.groups.size(); ++g) {
    const ChannelGroup& grp = graph.groups[g];
    rows[grp.name] = index_tensor(plan.keep[g]);
    cols[old_layers[std::size_t(grp.consumer)].name] = index_tensor(consumer_inputs(grp, plan.keep[g]));
  }

  for (const auto& nh : out->layers()) {
    if (!nh.has_weights()) continue;
    const std::string& name = nh.config.name;
    const train::LayerHandle& oh = handle_named(network, name);
    torch::Tensor w = oh.weight.detach();
    auto r = rows.find(name);
    auto c = cols.find(name);
    if (r != rows.end()) w = w.index_select(0, r->second);
    if (c != cols.end()) w = w.index_select(1, c->second);
    if (w.sizes() != nh.weight.sizes())
      throw Error("layer '" + name + "'",
                  fmt::format("surgery produced weights {} but the pruned config expects {}", shape_text(w),
                              shape_text(nh.weight)),
                  ErrorKind::kInternal);
    if (oh.encoding == train::WeightEncoding::kBinary && w.numel() != oh.weight.numel()) {
      // Keep w_q = sign(w) * E|w| exact: the layer mean must not move with the removed weights.
      double all = oh.weight.abs().mean().item<double>();
      double kept = w.abs().mean().item<double>();
      if (kept > 0) w = w * (all / kept);
    }
    nh.weight.copy_(w);
    auto pick = [&](const torch::Tensor& t) { return r != rows.end() ? t.index_select(0, r->second) : t; };
    if (nh.bn.gamma.defined()) {
      nh.bn.gamma.copy_(pick(oh.bn.gamma));
      nh.bn.beta.copy_(pick(oh.bn.beta));
      nh.bn.running_mean.copy_(pick(oh.bn.running_mean));
      nh.bn.running_var.copy_(pick(oh.bn.running_var));
    }
    if (nh.bias.defined()) nh.bias.copy_(pick(oh.bias));
  }
  if (network->is_training())
    out->train();
  else
    out->eval();
  return out;
}

}  // namespace dorefa::prune
