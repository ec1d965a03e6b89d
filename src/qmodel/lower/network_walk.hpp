#pragma once
// The bookkeeping shared by QAT lowering and post-training quantization: walking the
// trained network's layers in order, tracking the activation shape (HWC), bit width and
// real scale, turning libtorch weight tensors into integer-model weight layouts
// (conv OIHW -> OHWI; dense after flatten CHW -> HWC) and emitting the layers.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "qmodel/lower/fold.hpp"
#include "qmodel/model.hpp"
#include "train/network.hpp"

namespace dorefa::qmodel::lower {

struct IntegerWeights {
  std::vector<std::int8_t> levels;  // integer-model layout: conv [o][ky][kx][i], dense [o][i_hwc]
  std::vector<double> scale;        // per output channel: w_q = level * scale
  WeightKind kind = WeightKind::kSymmetric;
  int bits = 8;
};

class NetworkWalk {
 public:
  explicit NetworkWalk(const train::Network& network);

  // Geometry-only layers (flatten, maxpool) are handled here; returns true for conv/dense,
  // which the caller then emits with emit_weight_layer.
  bool visit_geometry(const train::LayerHandle& handle);

  // The forward pass's own integer weights (train::quantized_weights), or with
  // `symmetric8` the 8-bit symmetric per-channel quantization of the latent weights (PTQ).
  IntegerWeights integer_weights(const train::LayerHandle& handle, bool symmetric8 = false) const;

  // Appends the conv/dense layer with its weights; the caller fills the output stage.
  Layer& emit_weight_layer(const train::LayerHandle& handle, const IntegerWeights& weights);

  // Real value of one input level of the current layer (1/255 for pixels).
  double input_scale() const { return scale_; }

  // y = gain * acc + offset of channel o after batch-norm, with acc_scale the real value of
  // one accumulator unit (weight scale * input scale).
  ChannelAffine batch_norm_affine(const train::LayerHandle& handle, int o, double acc_scale) const;

  // The last layer's output stage: integer logits from the weight scales, the input scale
  // and the float bias (docs/integer-model.md, "The last layer").
  void set_logits(Layer& layer, const train::LayerHandle& handle, const IntegerWeights& weights) const;

  // An 8-bit output stage (requant, docs/integer-model.md) whose level n stands for
  // n * s_out: the batch-norm affine of each channel folded into fixed point, channels with
  // a negative gain negated, constant channels zeroed; then the activation is 8-bit at s_out.
  // W8A8 QAT (s_out = 1/255) and PTQ (the calibrated scale) both end their layers here.
  void set_requant(Layer& layer, const train::LayerHandle& handle, const IntegerWeights& weights, double s_out);

  // Negates output channel o's weights (thresholds then compare -acc).
  static void negate_channel(Layer& layer, int o);

  // After an output stage: the activation is `bits` wide with real scale `scale`
  // (QAT: 1/(2^bits - 1), PTQ: the calibrated scale).
  void set_output_bits(int bits, std::optional<double> scale = std::nullopt);

  // The finished model (validated by the caller when saving).
  Model finish(const std::string& name);

 private:
  std::string where(const train::LayerHandle& handle) const;
  const train::ModelConfig& config_;
  Model model_;
  Shape shape_;          // current activation shape, HWC
  int bits_ = 8;         // current activation bits
  double scale_ = 1.0 / 255.0;
  std::optional<Shape> flattened_from_;  // set by flatten: the CHW tensor the next dense reads
};

}  // namespace dorefa::qmodel::lower
