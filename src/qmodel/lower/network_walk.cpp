#include "qmodel/lower/network_walk.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "util/error.hpp"

namespace dorefa::qmodel::lower {

NetworkWalk::NetworkWalk(const train::Network& network) : config_(network->config()) {
  shape_ = Shape{config_.input.height, config_.input.width, config_.input.channels};
  model_.input = shape_;
  model_.input_bits = 8;
  model_.num_classes = config_.num_classes;
}

std::string NetworkWalk::where(const train::LayerHandle& handle) const {
  return fmt::format("{} layer '{}'", config_.source.empty() ? config_.name : config_.source, handle.config.name);
}

bool NetworkWalk::visit_geometry(const train::LayerHandle& handle) {
  switch (handle.kind) {
    case train::LayerKind::kFlatten:
      // The integer model's dense layers read any shape flattened HWC: only the next
      // dense layer's weights change (permuted from torch's CHW order).
      flattened_from_ = shape_;
      return false;
    case train::LayerKind::kMaxPool: {
      Layer pool;
      pool.name = handle.config.name;
      pool.kind = LayerKind::kMaxPool;
      pool.input = shape_;
      pool.input_bits = bits_;
      pool.kernel = handle.config.kernel;
      pool.stride = handle.config.stride;
      pool.padding = 0;
      pool.output = Shape{(shape_.height - pool.kernel) / pool.stride + 1,
                          (shape_.width - pool.kernel) / pool.stride + 1, shape_.channels};
      pool.output_bits = bits_;
      shape_ = pool.output;
      model_.layers.push_back(std::move(pool));
      return false;
    }
    case train::LayerKind::kConv:
    case train::LayerKind::kDense:
      return true;
  }
  return false;
}

IntegerWeights NetworkWalk::integer_weights(const train::LayerHandle& handle, bool symmetric8) const {
  IntegerWeights out;
  torch::Tensor levels, scale;
  if (symmetric8) {
    torch::NoGradGuard no_grad;
    train::WeightLevels q = train::quantize_weights_symmetric8(handle.weight.detach());
    levels = q.levels.round().to(torch::kInt8);
    scale = q.scale;
    out.kind = WeightKind::kSymmetric;
    out.bits = 8;
  } else {
    if (handle.encoding == train::WeightEncoding::kFloat) {
      throw Error(where(handle), "weights are full precision (w_bits = 32): not lowerable to integers "
                                 "(expected 1..8 bits; use `dorefa lower --ptq` for float models)");
    }
    train::QuantizedWeights q = train::quantized_weights(handle);
    levels = q.levels;
    scale = q.scale;
    out.bits = q.bits;
    out.kind = handle.encoding == train::WeightEncoding::kBinary   ? WeightKind::kBinary
               : handle.encoding == train::WeightEncoding::kDorefa ? WeightKind::kDorefa
                                                                   : WeightKind::kSymmetric;
  }
  levels = levels.to(torch::kInt8).contiguous();
  const std::int64_t outs = levels.size(0);
  if (handle.kind == train::LayerKind::kConv) {
    levels = levels.permute({0, 2, 3, 1}).contiguous();  // OIHW -> OHWI
  } else if (flattened_from_) {
    // Dense after flatten: torch's input index is c*H*W + y*W + x; ours is (y*W + x)*C + c.
    const Shape& s = *flattened_from_;
    levels = levels.view({outs, s.channels, s.height, s.width}).permute({0, 2, 3, 1}).contiguous();
  }
  const std::int8_t* p = levels.data_ptr<std::int8_t>();
  out.levels.assign(p, p + levels.numel());
  auto sc = scale.to(torch::kDouble).contiguous().view({-1});
  for (std::int64_t o = 0; o < sc.numel(); ++o) out.scale.push_back(sc[o].item<double>());
  if (out.scale.size() == 1 && outs > 1) out.scale.assign(std::size_t(outs), out.scale[0]);
  return out;
}

Layer& NetworkWalk::emit_weight_layer(const train::LayerHandle& handle, const IntegerWeights& weights) {
  Layer layer;
  layer.name = handle.config.name;
  layer.input = shape_;
  layer.input_bits = bits_;
  layer.weight_kind = weights.kind;
  layer.weight_bits = weights.bits;
  layer.weights = weights.levels;
  if (handle.kind == train::LayerKind::kConv) {
    layer.kind = LayerKind::kConv;
    layer.kernel = handle.config.kernel;
    layer.stride = handle.config.stride;
    layer.padding = handle.config.padding;
    layer.output = Shape{(shape_.height + 2 * layer.padding - layer.kernel) / layer.stride + 1,
                         (shape_.width + 2 * layer.padding - layer.kernel) / layer.stride + 1,
                         handle.config.channels};
  } else {
    layer.kind = LayerKind::kDense;
    layer.output = Shape{1, 1, handle.config.channels};
  }
  flattened_from_.reset();
  shape_ = layer.output;
  model_.layers.push_back(std::move(layer));
  return model_.layers.back();
}

ChannelAffine NetworkWalk::batch_norm_affine(const train::LayerHandle& handle, int o, double acc_scale) const {
  const auto& bn = handle.bn;
  if (!bn.gamma.defined()) throw Error(where(handle), "hidden layer has no batch-norm state");
  double gamma = bn.gamma[o].item<double>();
  double beta = bn.beta[o].item<double>();
  double mean = bn.running_mean[o].item<double>();
  double var = bn.running_var[o].item<double>();
  double inv = gamma / std::sqrt(var + bn.eps);
  return ChannelAffine{inv * acc_scale, beta - mean * inv};
}

void NetworkWalk::set_requant(Layer& layer, const train::LayerHandle& handle, const IntegerWeights& weights,
                              double s_out) {
  layer.output_kind = OutputKind::kRequant;
  const double s_in = input_scale();
  for (int o = 0; o < layer.output.channels; ++o) {
    const ChannelAffine affine = batch_norm_affine(handle, o, weights.scale[std::size_t(o)] * s_in);
    const FoldedRequant r = fold_requant(affine, s_out);
    if (r.negate) negate_channel(layer, o);
    if (r.constant) {
      const std::int64_t fan_in = layer.fan_in();
      std::fill_n(layer.weights.begin() + std::ptrdiff_t(o * fan_in), fan_in, std::int8_t{0});
    }
    layer.requant_bias.push_back(r.bias);
    layer.requant_mult.push_back(r.mult);
    layer.requant_shift.push_back(r.shift);
  }
  set_output_bits(8, s_out);
}

void NetworkWalk::set_logits(Layer& layer, const train::LayerHandle& handle, const IntegerWeights& weights) const {
  const auto outs = std::size_t(layer.output.channels);
  std::vector<double> gain(outs), bias(outs, 0.0);
  torch::Tensor b = handle.bias.defined() ? handle.bias.to(torch::kDouble).contiguous() : torch::Tensor();
  for (std::size_t o = 0; o < outs; ++o) {
    gain[o] = weights.scale[o] * scale_;
    if (b.defined()) bias[o] = b[std::int64_t(o)].item<double>();
  }
  FoldedLogits logits = fold_logits(gain, bias);
  layer.output_kind = OutputKind::kLogits;
  layer.output_bits = 32;
  layer.logit_mul = std::move(logits.mul);
  layer.logit_add = std::move(logits.add);
}

void NetworkWalk::negate_channel(Layer& layer, int o) {
  const std::int64_t fan_in = layer.fan_in();
  for (std::int64_t i = 0; i < fan_in; ++i) {
    auto& w = layer.weights[std::size_t(o * fan_in + i)];
    w = std::int8_t(-w);
  }
}

void NetworkWalk::set_output_bits(int bits, std::optional<double> scale) {
  bits_ = bits;
  scale_ = scale ? *scale : 1.0 / double((1 << bits) - 1);
  model_.layers.back().output_bits = bits;
}

Model NetworkWalk::finish(const std::string& name) {
  model_.name = name;
  return std::move(model_);
}

}  // namespace dorefa::qmodel::lower
