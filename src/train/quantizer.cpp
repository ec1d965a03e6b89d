#include "train/quantizer.hpp"

#include "train/config.hpp"
#include "util/error.hpp"

namespace dorefa::train {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// Straight-through rounding: custom autograd functions so the forward value is exactly the
// rounded one (x + (q - x).detach() would be off by an ulp).
struct RoundHalfUpFn : torch::autograd::Function<RoundHalfUpFn> {
  static torch::Tensor forward(AutogradContext*, const torch::Tensor& x) { return torch::floor(x + 0.5); }
  static variable_list backward(AutogradContext*, variable_list g) { return {g[0]}; }
};

// round half away from zero: sign(v) floor(|v| + 0.5); symmetric, so negating weights is exact.
struct RoundHalfAwayFn : torch::autograd::Function<RoundHalfAwayFn> {
  static torch::Tensor forward(AutogradContext*, const torch::Tensor& x) {
    return torch::where(x >= 0, torch::floor(x + 0.5), -torch::floor(-x + 0.5));
  }
  static variable_list backward(AutogradContext*, variable_list g) { return {g[0]}; }
};

// sign with sign(0) = +1.
struct SignFn : torch::autograd::Function<SignFn> {
  static torch::Tensor forward(AutogradContext*, const torch::Tensor& x) {
    return torch::where(x >= 0, torch::ones_like(x), -torch::ones_like(x));
  }
  static variable_list backward(AutogradContext*, variable_list g) { return {g[0]}; }
};

struct GradQuantFn : torch::autograd::Function<GradQuantFn> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& x, int64_t k) {
    ctx->saved_data["k"] = k;
    return x.clone();
  }
  static variable_list backward(AutogradContext* ctx, variable_list g) {
    int k = int(ctx->saved_data["k"].toInt());
    return {quantize_gradient_values(g[0], k), torch::Tensor()};
  }
};

double levels_of(int k) { return double((std::int64_t(1) << k) - 1); }

torch::Tensor per_channel_view(const torch::Tensor& scale, const torch::Tensor& like) {
  std::vector<int64_t> shape(std::size_t(like.dim()), 1);
  shape[0] = like.size(0);
  return scale.view(shape);
}

}  // namespace

torch::Tensor round_half_up_ste(const torch::Tensor& x) { return RoundHalfUpFn::apply(x); }

torch::Tensor quantize_k(const torch::Tensor& x, int k) {
  if (k == kFullPrecision) return x;
  if (k < 1 || k > 16) throw Error("quantize_k", "bits must be 1..16 or 32");
  double n = levels_of(k);
  return round_half_up_ste(x * n) / n;
}

torch::Tensor quantize_activation(const torch::Tensor& x, int k) { return quantize_k(torch::clamp(x, 0.0, 1.0), k); }

torch::Tensor WeightLevels::dequantized() const { return levels * per_channel_view(scale, levels); }

WeightLevels quantize_weights_dorefa(const torch::Tensor& w, int k) {
  if (k < 1 || k > 8) throw Error("quantize_weights_dorefa", "bits must be 1..8");
  int64_t out = w.size(0);
  if (k == 1) {
    // E(|w|) is a constant to the gradient, as in the authors' code: w_q = sign(w / E) E.
    torch::Tensor e = w.detach().abs().mean().clamp_min(1e-12);
    torch::Tensor levels = SignFn::apply(w / e);
    return {levels, e.expand({out}).contiguous().to(w.scalar_type())};
  }
  double n = levels_of(k);
  torch::Tensor t = torch::tanh(w);
  torch::Tensor r = t / (2 * t.abs().max()) + 0.5;
  // 2 quantize_k(r) - 1 = (2 round(n r) - n) / n: odd integer levels times 1/n.
  torch::Tensor levels = 2 * round_half_up_ste(r * n) - n;
  torch::Tensor scale = torch::full({out}, 1.0 / n, w.options().requires_grad(false));
  return {levels, scale};
}

WeightLevels quantize_weights_symmetric8(const torch::Tensor& w) {
  torch::Tensor flat = w.detach().reshape({w.size(0), -1});
  torch::Tensor scale = flat.abs().amax(1) / 127.0;
  scale = torch::where(scale > 0, scale, torch::ones_like(scale));
  torch::Tensor v = w / per_channel_view(scale, w);
  torch::Tensor levels = torch::clamp(RoundHalfAwayFn::apply(v), -127, 127);
  return {levels, scale};
}

torch::Tensor quantize_gradient(const torch::Tensor& x, int k) {
  if (k == kFullPrecision) return x;
  return GradQuantFn::apply(x, int64_t(k));
}

torch::Tensor quantize_gradient_values(const torch::Tensor& g, int k) {
  if (k == kFullPrecision) return g;
  double n = levels_of(k);
  int64_t batch = g.size(0);
  torch::Tensor flat = g.reshape({batch, -1});
  torch::Tensor m = flat.abs().amax(1, /*keepdim=*/true).clamp_min(1e-30);
  torch::Tensor noise = (torch::rand_like(flat) - 0.5) / n;
  torch::Tensor x = torch::clamp(flat / (2 * m) + 0.5 + noise, 0.0, 1.0);
  torch::Tensor q = torch::floor(x * n + 0.5) / n;
  return (2 * m * (q - 0.5)).reshape(g.sizes());
}

}  // namespace dorefa::train
