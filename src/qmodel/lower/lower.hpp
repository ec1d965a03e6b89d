#pragma once
// Lowering (FINN calls it streamlining): a trained quantization-aware network becomes the
// integer model of docs/integer-model.md. Weights come from train::quantized_weights (the
// forward pass's own integers), batch-norm + scales + the activation quantizer fold into
// thresholds, the last layer into an integer logits affine, CHW flatten into HWC.
#include <string>

#include "qmodel/model.hpp"
#include "train/network.hpp"

namespace dorefa::qmodel::lower {

// The lowering's promise, checked image by image on the test set (docs/integer-model.md,
// "Agreement gate"): the least share of images, in percent, on which the integer model
// gives the trained model's top-1. The integer model reproduces the trained model's own
// quantized forward pass, so only float rounding right at a threshold may differ.
inline constexpr double kMinAgreementQatPct = 99.9;

// Lowers every layer; throws dorefa::Error naming the layer when something is not
// lowerable (full-precision weights or activations: use post_training_quantize instead).
Model lower_network(const train::Network& network, const std::string& name);

}  // namespace dorefa::qmodel::lower
