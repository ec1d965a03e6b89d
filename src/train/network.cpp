#include "train/network.hpp"

#include <cmath>

#include "util/error.hpp"

namespace dorefa::train {
namespace {

WeightEncoding encoding_of(const LayerConfig& l) {
  if (l.w_bits == kFullPrecision) return WeightEncoding::kFloat;
  // 8-bit weights anywhere are symmetric per output channel (W8A8 QAT): DoReFa's eq. 9 at
  // k = 8 gives odd levels up to +-255, which int8 weights cannot hold (docs/integer-model.md).
  // The first layer's default 8 bits (raw pixels) and the logits layer are symmetric too;
  // a first layer set below 8 bits is DoReFa like the hidden ones.
  if (l.last || l.w_bits == 8) return WeightEncoding::kSymmetric;
  return l.w_bits == 1 ? WeightEncoding::kBinary : WeightEncoding::kDorefa;
}

WeightLevels weight_levels(const LayerHandle& layer) {
  switch (layer.encoding) {
    case WeightEncoding::kSymmetric: return quantize_weights_symmetric8(layer.weight);
    case WeightEncoding::kBinary:
    case WeightEncoding::kDorefa: return quantize_weights_dorefa(layer.weight, layer.config.w_bits);
    case WeightEncoding::kFloat: break;
  }
  throw Error("layer '" + layer.config.name + "'", "full-precision (32-bit) weights have no integer form");
}

}  // namespace

QuantizedWeights quantized_weights(const LayerHandle& layer) {
  if (!layer.has_weights()) throw Error("layer '" + layer.config.name + "'", "layer has no weights");
  torch::NoGradGuard no_grad;
  WeightLevels q = weight_levels(layer);
  return {q.levels.to(torch::kInt8), q.scale.clone(), layer.encoding, layer.config.w_bits};
}

torch::Tensor effective_weights(const LayerHandle& layer) {
  if (layer.encoding == WeightEncoding::kFloat) return layer.weight;
  return weight_levels(layer).dequantized();
}

torch::Tensor images_to_input(const torch::Tensor& images) {
  if (images.dim() != 4 || images.scalar_type() != torch::kUInt8)
    throw Error("network input", "expected uint8 images [N, H, W, C]");
  return images.permute({0, 3, 1, 2}).to(torch::kFloat).div(255.0f).contiguous();
}

NetworkImpl::NetworkImpl(ModelConfig config) : config_(std::move(config)) {
  validate(config_);
  torch::NoGradGuard no_grad;
  bool flat = false;
  for (const LayerConfig& lc : config_.layers) {
    if (lc.type == LayerType::kMaxPool) {
      LayerHandle h;
      h.kind = LayerKind::kMaxPool;
      h.config = lc;
      layers_.push_back(h);
      continue;
    }
    if (lc.type == LayerType::kDense && !flat) {
      flat = true;
      {
        LayerHandle f;
        f.kind = LayerKind::kFlatten;
        f.config.name = "flatten_" + lc.name;
        f.config.type = LayerType::kDense;
        f.config.input = lc.input;
        f.config.output = {int(lc.input.elements()), 1, 1};
        f.config.input_bits = lc.input_bits;
        layers_.push_back(f);
      }
    }
    LayerHandle h;
    h.kind = lc.type == LayerType::kConv ? LayerKind::kConv : LayerKind::kDense;
    h.config = lc;
    h.encoding = encoding_of(lc);
    auto sub = std::make_shared<torch::nn::Module>();
    int64_t out = lc.channels;
    int64_t fan_in = lc.type == LayerType::kConv ? int64_t(lc.input.channels) * lc.kernel * lc.kernel
                                                 : lc.input.elements();
    torch::Tensor w = lc.type == LayerType::kConv
                          ? torch::empty({out, lc.input.channels, lc.kernel, lc.kernel})
                          : torch::empty({out, lc.input.elements()});
    // Kaiming-uniform like torch's default Conv/Linear init.
    double bound = 1.0 / std::sqrt(double(fan_in));
    w.uniform_(-bound, bound);
    h.weight = sub->register_parameter("weight", w);
    if (lc.last) {
      h.bias = sub->register_parameter("bias", torch::empty({out}).uniform_(-bound, bound));
    } else {
      h.bn.gamma = sub->register_parameter("bn_gamma", torch::ones({out}));
      h.bn.beta = sub->register_parameter("bn_beta", torch::zeros({out}));
      h.bn.running_mean = sub->register_buffer("bn_running_mean", torch::zeros({out}));
      h.bn.running_var = sub->register_buffer("bn_running_var", torch::ones({out}));
      h.bn.eps = 1e-5;
    }
    register_module(lc.name, sub);
    layers_.push_back(h);
  }
}

torch::Tensor NetworkImpl::forward(const torch::Tensor& images) { return forward_observed(images, nullptr); }

torch::Tensor NetworkImpl::forward_observed(const torch::Tensor& images, const LayerObserver& observe) {
  torch::Tensor x = images_to_input(images);
  for (std::size_t index = 0; index < layers_.size(); ++index) {
    const LayerHandle& h = layers_[index];
    const LayerConfig& c = h.config;
    switch (h.kind) {
      case LayerKind::kMaxPool: x = torch::max_pool2d(x, {c.kernel, c.kernel}, {c.stride, c.stride}); break;
      case LayerKind::kFlatten: x = x.flatten(1); break;
      case LayerKind::kConv:
      case LayerKind::kDense: {
        torch::Tensor w = effective_weights(h);
        if (h.kind == LayerKind::kConv) {
          x = torch::conv2d(x, w, {}, {c.stride, c.stride}, {c.padding, c.padding});
        } else {
          x = torch::linear(x, w, c.last ? h.bias : torch::Tensor());
        }
        if (c.last) break;
        x = quantize_gradient(x, c.g_bits);
        x = torch::batch_norm(x, h.bn.gamma, h.bn.beta, h.bn.running_mean, h.bn.running_var, is_training(),
                              /*momentum=*/0.1, h.bn.eps, /*cudnn_enabled=*/false);
        x = quantize_activation(x, c.a_bits);
        break;
      }
    }
    if (observe) observe(index, x);
  }
  return x;
}

std::vector<torch::Tensor> NetworkImpl::latent_weights() const {
  std::vector<torch::Tensor> out;
  for (const auto& h : layers_)
    if (h.has_weights()) out.push_back(h.weight);
  return out;
}

std::vector<torch::Tensor> NetworkImpl::other_parameters() const {
  std::vector<torch::Tensor> out;
  for (const auto& h : layers_) {
    if (!h.has_weights()) continue;
    if (h.bias.defined()) out.push_back(h.bias);
    if (h.bn.gamma.defined()) {
      out.push_back(h.bn.gamma);
      out.push_back(h.bn.beta);
    }
  }
  return out;
}

}  // namespace dorefa::train
