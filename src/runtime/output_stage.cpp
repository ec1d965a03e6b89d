#include "runtime/output_stage.hpp"

#include <algorithm>

namespace dorefa::runtime {

void apply_thresholds(const qmodel::Layer& l, const std::int32_t* acc, int pixels, int acc_stride, std::uint8_t* out) {
  const int C = l.out_channels();
  const int T = l.threshold_count();  // 2^b - 1
  const std::int32_t* t = l.thresholds.data();
  for (int p = 0; p < pixels; ++p) {
    const std::int32_t* a = acc + std::size_t(p) * std::size_t(acc_stride);
    std::uint8_t* o = out + std::size_t(p) * std::size_t(C);
    if (T == 3) {
      for (int c = 0; c < C; ++c) o[c] = std::uint8_t((a[c] >= t[3 * c]) + (a[c] >= t[3 * c + 1]) + (a[c] >= t[3 * c + 2]));
    } else if (T == 1) {
      for (int c = 0; c < C; ++c) o[c] = std::uint8_t(a[c] >= t[c]);
    } else {
      // #{j : acc >= t[j]} over non-decreasing t: branchless binary search, T + 1 = 2^b.
      for (int c = 0; c < C; ++c) {
        const std::int32_t* tc = t + std::size_t(c) * std::size_t(T);
        int pos = 0;
        for (int step = (T + 1) / 2; step >= 1; step /= 2) pos += (a[c] >= tc[pos + step - 1]) ? step : 0;
        o[c] = std::uint8_t(pos);
      }
    }
  }
}

void apply_requant(const qmodel::Layer& l, const std::int32_t* acc, int pixels, int acc_stride, std::uint8_t* out) {
  const int C = l.out_channels();
  const std::int64_t top = (std::int64_t(1) << l.output_bits) - 1;
  for (int p = 0; p < pixels; ++p) {
    const std::int32_t* a = acc + std::size_t(p) * std::size_t(acc_stride);
    std::uint8_t* o = out + std::size_t(p) * std::size_t(C);
    for (int c = 0; c < C; ++c) {
      const int s = l.requant_shift[std::size_t(c)];
      const std::int64_t v =
          ((std::int64_t(a[c]) + l.requant_bias[std::size_t(c)]) * l.requant_mult[std::size_t(c)] + (std::int64_t(1) << (s - 1))) >> s;
      o[c] = std::uint8_t(std::clamp<std::int64_t>(v, 0, top));
    }
  }
}

void apply_logits(const qmodel::Layer& l, const std::int32_t* acc, std::int64_t* scores) {
  for (int c = 0; c < l.out_channels(); ++c)
    scores[c] = std::int64_t(acc[c]) * l.logit_mul[std::size_t(c)] + l.logit_add[std::size_t(c)];
}

}  // namespace dorefa::runtime
