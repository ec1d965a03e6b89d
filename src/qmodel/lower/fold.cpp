#include "qmodel/lower/fold.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace dorefa::qmodel::lower {
namespace {

constexpr double kInt32Min = double(std::numeric_limits<std::int32_t>::min());
constexpr double kInt32Max = double(std::numeric_limits<std::int32_t>::max());

std::int32_t clamp_to_int32(double v) {
  if (!(v > kInt32Min)) return std::numeric_limits<std::int32_t>::min();  // also -inf
  if (!(v < kInt32Max)) return std::numeric_limits<std::int32_t>::max();  // also +inf, NaN
  return std::int32_t(v);
}

}  // namespace

int quantize_level(double y, int out_bits) {
  const double levels = double((1 << out_bits) - 1);
  const double clipped = std::clamp(y, 0.0, 1.0);
  return int(std::floor(clipped * levels + 0.5));
}

FoldedThresholds fold_thresholds(ChannelAffine affine, int out_bits) {
  const int count = (1 << out_bits) - 1;
  FoldedThresholds out;
  out.thresholds.resize(std::size_t(count));
  if (affine.gain == 0.0) {
    // Constant output: thresholds either always or never passed.
    int level = quantize_level(affine.offset, out_bits);
    for (int j = 1; j <= count; ++j) {
      out.thresholds[std::size_t(j - 1)] =
          j <= level ? std::numeric_limits<std::int32_t>::min() : std::numeric_limits<std::int32_t>::max();
    }
    return out;
  }
  out.negate = affine.gain < 0.0;
  const double gain = std::abs(affine.gain);
  for (int j = 1; j <= count; ++j) {
    // y >= (j - 0.5)/T  <=>  acc' >= ((j - 0.5)/T - offset) / |gain|
    double boundary = ((double(j) - 0.5) / double(count) - affine.offset) / gain;
    out.thresholds[std::size_t(j - 1)] = clamp_to_int32(std::ceil(boundary));
  }
  return out;
}

FoldedRequant fold_requant(ChannelAffine affine, double out_scale) {
  FoldedRequant out;
  out.negate = affine.gain < 0.0;
  const double gain = std::abs(affine.gain);
  if (gain == 0.0) {
    // Constant channel: the lowering zeroes its weights (acc = 0), so the output is
    // (bias * 2^30 + 2^29) >> 30 = bias, the constant level.
    out.constant = true;
    out.bias = std::int32_t(std::clamp(std::floor(affine.offset / out_scale + 0.5), 0.0, 255.0));
    out.mult = 1 << 30;
    out.shift = 30;
    return out;
  }
  // out = round((acc' + offset/gain) * gain/out_scale)
  out.bias = clamp_to_int32(std::nearbyint(affine.offset / gain));
  const double ratio = gain / out_scale;
  int exponent = 0;
  double mantissa = std::frexp(ratio, &exponent);  // ratio = mantissa * 2^exponent, mantissa in [0.5, 1)
  auto mult = std::int64_t(std::nearbyint(mantissa * double(1LL << 31)));
  if (mult == (1LL << 31)) {
    mult /= 2;
    ++exponent;
  }
  int shift = 31 - exponent;
  if (shift > 62) {
    mult >>= (shift - 62);
    shift = 62;
  }
  if (shift < 1) shift = 1;  // ratio >= 2^30: never happens for real 8-bit layers
  out.mult = std::int32_t(std::max<std::int64_t>(mult, 1));
  out.shift = shift;
  return out;
}

FoldedLogits fold_logits(std::span<const double> gain, std::span<const double> bias) {
  FoldedLogits out;
  double max_gain = 0.0;
  for (double g : gain) max_gain = std::max(max_gain, std::abs(g));
  int exponent = 0;
  if (max_gain > 0.0) {
    // Largest power of two with max_gain * F <= 2^30.
    exponent = int(std::floor(std::log2(double(1 << 30) / max_gain)));
    while (std::ldexp(max_gain, exponent) > double(1 << 30)) --exponent;
  }
  out.factor = std::ldexp(1.0, exponent);
  for (std::size_t o = 0; o < gain.size(); ++o) {
    out.mul.push_back(std::int32_t(std::nearbyint(gain[o] * out.factor)));
    double b = o < bias.size() ? bias[o] : 0.0;
    out.add.push_back(std::int64_t(std::nearbyint(b * out.factor)));
  }
  return out;
}

}  // namespace dorefa::qmodel::lower
