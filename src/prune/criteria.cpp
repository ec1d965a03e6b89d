#include "prune/criteria.hpp"

#include <fmt/format.h>

#include "prune/finetune.hpp"
#include "train/quantizer.hpp"
#include "util/error.hpp"

namespace dorefa::prune {
namespace {

std::vector<double> to_vector(const torch::Tensor& t) {
  torch::Tensor c = t.detach().to(torch::kDouble).contiguous();
  return std::vector<double>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
}

// Handle of group g's producer in the network's layer list (which includes flatten).
const train::LayerHandle& producer_handle(train::Network& net, const ChannelGroup& g) {
  const std::string& name = net->config().layers[std::size_t(g.producer)].name;
  for (const auto& h : net->layers())
    if (h.has_weights() && h.config.name == name) return h;
  throw Error("layer '" + name + "'", "not found in the network", ErrorKind::kInternal);
}

}  // namespace

Criterion parse_criterion(const std::string& name) {
  if (name == "l1") return Criterion::kL1;
  if (name == "bn" || name == "bn-gamma") return Criterion::kBnGamma;
  if (name == "taylor") return Criterion::kTaylor;
  throw Error("--criterion '" + name + "'", "expected l1, bn or taylor");
}

// One switch per enum, like the other *_name functions (C++ has no enum reflection).
std::string criterion_name(Criterion c) {
  switch (c) {
    case Criterion::kL1: return "l1";
    case Criterion::kBnGamma: return "bn";
    case Criterion::kTaylor: return "taylor";
  }
  return "?";
}

torch::Tensor traced_forward(train::Network& network, const torch::Tensor& images,
                             std::vector<torch::Tensor>* activations) {
  torch::Tensor x = train::images_to_input(images);
  const bool training = network->is_training();
  for (const train::LayerHandle& h : network->layers()) {
    const train::LayerConfig& c = h.config;
    switch (h.kind) {
      case train::LayerKind::kMaxPool: x = torch::max_pool2d(x, {c.kernel, c.kernel}, {c.stride, c.stride}); break;
      case train::LayerKind::kFlatten: x = x.flatten(1); break;
      case train::LayerKind::kConv:
      case train::LayerKind::kDense: {
        torch::Tensor w = train::effective_weights(h);
        if (h.kind == train::LayerKind::kConv)
          x = torch::conv2d(x, w, {}, {c.stride, c.stride}, {c.padding, c.padding});
        else
          x = torch::linear(x, w, c.last ? h.bias : torch::Tensor());
        if (c.last) break;
        x = train::quantize_gradient(x, c.g_bits);
        x = torch::batch_norm(x, h.bn.gamma, h.bn.beta, h.bn.running_mean, h.bn.running_var, training, 0.1, h.bn.eps,
                              false);
        x = train::quantize_activation(x, c.a_bits);
        if (activations) activations->push_back(x);
        break;
      }
    }
  }
  return x;
}

std::vector<std::vector<double>> channel_scores(train::Network& net, const ChannelGraph& graph, Criterion criterion,
                                                const data::Dataset* calibration, const CalibrationOptions& opt) {
  std::vector<std::vector<double>> scores;
  if (criterion == Criterion::kL1 || criterion == Criterion::kBnGamma) {
    torch::NoGradGuard no_grad;
    for (const auto& g : graph.groups) {
      const train::LayerHandle& h = producer_handle(net, g);
      if (criterion == Criterion::kL1)
        scores.push_back(to_vector(h.weight.abs().reshape({h.weight.size(0), -1}).sum(1)));
      else
        scores.push_back(to_vector(h.bn.gamma.abs()));
    }
    return scores;
  }

  // Taylor: accumulate |mean_{positions}(a * dL/da)| per image and channel.
  if (!calibration || calibration->size() == 0)
    throw Error("--criterion taylor", "needs calibration images (none given)", ErrorKind::kInternal);
  if (opt.batches < 1 || opt.batch_size < 1)
    throw Error("--calib-batches", fmt::format("expected >= 1 batches of >= 1 images, found {} of {}", opt.batches,
                                               opt.batch_size));
  const bool was_training = net->is_training();
  net->eval();
  std::vector<torch::Tensor> sums;
  for (const auto& g : graph.groups) sums.push_back(torch::zeros({g.channels}, torch::kDouble));
  std::size_t images_seen = 0;
  const std::size_t bs = std::size_t(opt.batch_size);
  for (int b = 0; b < opt.batches; ++b) {
    std::size_t begin = std::size_t(b) * bs;
    if (begin >= calibration->size()) break;
    std::size_t n = std::min(bs, calibration->size() - begin);
    std::vector<torch::Tensor> acts;
    net->zero_grad();
    torch::Tensor logits = traced_forward(net, dataset_images(*calibration, begin, n), &acts);
    for (auto& a : acts) a.retain_grad();
    torch::Tensor loss = torch::nn::functional::cross_entropy(
        logits, dataset_labels(*calibration, begin, n), torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum));
    loss.backward();
    for (std::size_t g = 0; g < acts.size(); ++g) {
      torch::Tensor a = acts[g].detach(), grad = acts[g].grad();
      if (!grad.defined()) grad = torch::zeros_like(a);
      torch::Tensor prod = (a * grad).reshape({a.size(0), a.size(1), -1}).mean(2);  // [N, C]
      sums[g] += prod.abs().sum(0).to(torch::kDouble);
    }
    images_seen += n;
  }
  net->zero_grad();
  if (was_training) net->train();
  for (auto& s : sums) scores.push_back(to_vector(s / double(std::max<std::size_t>(images_seen, 1))));
  return scores;
}

}  // namespace dorefa::prune
