#pragma once
// The quantized network built from a ModelConfig, and the view of it the lowering needs
// (src/qmodel/lower.cpp): for every layer in order, its kind, config, latent weights,
// batch-norm state and bias, plus `quantized_weights`, the one function that defines the
// integer weights the forward pass uses (w_q = levels * scale, bit for bit).
//
// Forward pass (input: raw uint8 images, NHWC, as data::Dataset stores them):
//   x = float(pixels) / 255                                  (exact input scale 1/255)
//   hidden weight layer: y = conv/linear(x, w_q) (no bias) -> gradient quantizer (G bits)
//                        -> batch-norm (eps 1e-5) -> quantize_k(clip(y, 0, 1)) (A bits)
//   maxpool: on the quantized activations;  flatten: torch's CHW order
//   last layer: logits = linear(x, w_q) + bias (float), no BN, no activation.
#include <torch/torch.h>

#include <functional>
#include <vector>

#include "train/config.hpp"
#include "train/quantizer.hpp"

namespace dorefa::train {

enum class LayerKind { kConv, kDense, kMaxPool, kFlatten };

// How the integer weights of a layer are encoded (docs/integer-model.md).
enum class WeightEncoding {
  kBinary,     // k = 1: levels +-1, scale E|w| (same for every channel)
  kDorefa,     // 2 <= k <= 8 hidden: odd levels in +-(2^k - 1), scale 1/(2^k - 1)
  kSymmetric,  // first/last layer, 8-bit: levels in [-127, 127], scale max|w_o| / 127
  kFloat,      // k = 32: not quantized (not lowerable)
};

struct BatchNormState {
  torch::Tensor gamma, beta, running_mean, running_var;  // [out], float
  double eps = 1e-5;
};

struct LayerHandle {
  LayerKind kind = LayerKind::kConv;
  LayerConfig config;        // name, channels, kernel, stride, padding, bits, shapes (CHW)
  WeightEncoding encoding = WeightEncoding::kFloat;
  torch::Tensor weight;      // latent weights: conv [out][in][k][k], dense [out][in] (CHW flat)
  BatchNormState bn;         // defined for hidden conv/dense layers (not the last layer)
  torch::Tensor bias;        // the last layer's float bias [out]; undefined elsewhere
  bool has_weights() const { return kind == LayerKind::kConv || kind == LayerKind::kDense; }
};

struct QuantizedWeights {
  torch::Tensor levels;  // int8, same shape as the latent weights
  torch::Tensor scale;   // float [out]: w_q = levels.to(kFloat) * scale.view({out, 1, ...})
  WeightEncoding encoding = WeightEncoding::kFloat;
  int bits = kFullPrecision;
};

// The integer weights the forward pass uses: the forward computes exactly
// levels.to(torch::kFloat) * scale.view({out, 1, ...}). Throws for k = 32 weights.
QuantizedWeights quantized_weights(const LayerHandle& layer);

// The weights the forward pass uses, as float (w_q, or the latent weights for k = 32).
torch::Tensor effective_weights(const LayerHandle& layer);

class NetworkImpl : public torch::nn::Module {
 public:
  explicit NetworkImpl(ModelConfig config);

  // images: uint8 [N, H, W, C]; returns logits [N, classes].
  torch::Tensor forward(const torch::Tensor& images);

  // The same forward pass, calling `observe(i, output)` after every layer i of layers()
  // (post-quantizer activations for hidden layers): calibration and cross-checks.
  using LayerObserver = std::function<void(std::size_t, const torch::Tensor&)>;
  torch::Tensor forward_observed(const torch::Tensor& images, const LayerObserver& observe);

  // Every layer in execution order, flatten included (before the first dense after a conv).
  const std::vector<LayerHandle>& layers() const { return layers_; }
  const ModelConfig& config() const { return config_; }

  // Latent weights (decayed) and the rest (BN affine, bias) for optimizer parameter groups.
  std::vector<torch::Tensor> latent_weights() const;
  std::vector<torch::Tensor> other_parameters() const;

 private:
  ModelConfig config_;
  std::vector<LayerHandle> layers_;
};
TORCH_MODULE(Network);

// images uint8 NHWC -> float NCHW in [0, 1], x / 255 exactly.
torch::Tensor images_to_input(const torch::Tensor& images);

}  // namespace dorefa::train
