#pragma once
// DoReFa-Net quantizers (Zhou et al. 2016, arXiv 1606.06160), with straight-through
// estimators (STE) for every rounding. k = 32 (kFullPrecision) means no quantization.
//
//   quantize_k(r) = round((2^k - 1) r) / (2^k - 1),  r in [0, 1]               (paper eq. 5)
//     `round` is ROUND HALF UP, floor(v + 0.5) (docs/integer-model.md), not half-to-even.
//   weights, k >= 2:  w_q = 2 quantize_k( tanh(w) / (2 max|tanh(w)|) + 1/2 ) - 1  (eq. 9)
//     max over the whole layer; w_q = levels / (2^k - 1) with odd levels in +-(2^k - 1).
//   weights, k = 1:   w_q = sign(w) * E(|w|), sign(0) = +1, E over the layer     (eq. 7-8)
//     STE as the authors' code: d w_q / d w = 1.
//   first/last layer: 8-bit symmetric per output channel (not in the paper; integer friendly):
//     s_o = max|w_o| / 127, w_int = round_half_away(w / s_o) in [-127, 127], w_q = w_int s_o,
//     d w_q / d w = 1.
//   activations:      a_q = quantize_k( clip(a, 0, 1) )                          (eq. 10)
//   gradients: identity forward; backward                                       (eq. 12)
//     g_q = 2 max|g| [ quantize_k( clip(g / (2 max|g|) + 1/2 + N(k), 0, 1) ) - 1/2 ],
//     N(k) = sigma / (2^k - 1), sigma ~ U(-1/2, 1/2), max|g| per sample over the other axes.
#include <torch/torch.h>

namespace dorefa::train {

// floor(x + 0.5) forward, identity backward.
torch::Tensor round_half_up_ste(const torch::Tensor& x);

// quantize_k(x) with STE; x is expected in [0, 1]. k = 32 returns x.
torch::Tensor quantize_k(const torch::Tensor& x, int k);

// quantize_k(clip(x, 0, 1)); gradient zero outside [0, 1], STE inside. k = 32: clip only.
torch::Tensor quantize_activation(const torch::Tensor& x, int k);

// The integer form of a quantized weight tensor: w_q = levels * scale (scale broadcast over
// output channels, dim 0). `levels` is a float tensor holding exact integers that carries the
// STE gradient; `scale` has one entry per output channel and no gradient.
struct WeightLevels {
  torch::Tensor levels;
  torch::Tensor scale;
  torch::Tensor dequantized() const;  // levels * scale.view({out, 1, ...})
};

// DoReFa weights: k = 1 binary (layer mean scale), 2 <= k <= 8 the tanh-based quantizer.
WeightLevels quantize_weights_dorefa(const torch::Tensor& w, int k);
// 8-bit symmetric per output channel (first and last layer).
WeightLevels quantize_weights_symmetric8(const torch::Tensor& w);

// Identity forward; backward quantizes the gradient to k bits with uniform noise, using
// torch's default CPU generator. k = 32 returns x unchanged.
torch::Tensor quantize_gradient(const torch::Tensor& x, int k);

// The backward transform of quantize_gradient, exposed for tests: g -> g_q.
torch::Tensor quantize_gradient_values(const torch::Tensor& g, int k);

}  // namespace dorefa::train
