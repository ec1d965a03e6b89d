#include "hw/requant_stage.hpp"

#include <limits>

#include <fmt/format.h>

#include "hw/memory_image.hpp"
#include "util/error.hpp"

namespace dorefa::hw {

int RequantShape::dsp_per_lane() const {
  const int s = sum_bits();
  const int chunks = s <= 25 ? 1 : 1 + (s - 25 + 23) / 24;
  return chunks * (mult_bits > 17 ? 2 : 1);
}

RequantShape requant_shape(const qmodel::Layer& l, int pe, int simd, int acc_bits) {
  RequantShape r;
  r.acc_bits = acc_bits;
  r.out_bits = l.output_bits;
  std::int64_t bias_lo = 0, bias_hi = 0, mult_hi = 1;
  for (std::size_t o = 0; o < l.requant_bias.size(); ++o) {
    bias_lo = std::min<std::int64_t>(bias_lo, l.requant_bias[o]);
    bias_hi = std::max<std::int64_t>(bias_hi, l.requant_bias[o]);
  }
  for (std::int32_t m : l.requant_mult) mult_hi = std::max<std::int64_t>(mult_hi, m);
  for (std::int32_t s : l.requant_shift) r.shift_max = std::max(r.shift_max, int(s));
  while (-(std::int64_t(1) << (r.bias_bits - 1)) > bias_lo || (std::int64_t(1) << (r.bias_bits - 1)) - 1 < bias_hi)
    ++r.bias_bits;
  while ((std::int64_t(1) << r.mult_bits) <= mult_hi) ++r.mult_bits;
  // The mvtu emits one beat (PE channels) every fan_in/SIMD cycles.
  const std::int64_t beat_interval = std::max<std::int64_t>(1, l.fan_in() / std::max(1, simd));
  r.lanes = pe;
  for (int lanes = 1; lanes <= pe; ++lanes)
    if (pe % lanes == 0 && pe / lanes <= beat_interval) {
      r.lanes = lanes;
      break;
    }
  return r;
}

std::string requant_param_image(const qmodel::Layer& l, int pe, const RequantShape& r) {
  const int nf = l.out_channels() / pe, k_count = pe / r.lanes, pw = r.param_width();
  std::string out;
  for (int g = 0; g < nf; ++g)
    for (int k = 0; k < k_count; ++k) {
      HexWord word(r.lanes * pw);
      for (int j = 0; j < r.lanes; ++j) {
        const std::size_t o = std::size_t(g * pe + k * r.lanes + j);
        word.set(j * pw, 6, l.requant_shift[o]);
        word.set(j * pw + 6, r.mult_bits, l.requant_mult[o]);
        word.set(j * pw + 6 + r.mult_bits, r.bias_bits, l.requant_bias[o]);
      }
      out += word.hex();
      out += '\n';
    }
  return out;
}

void check_requant_params(const qmodel::Layer& l, const std::string& where) {
  const std::size_t c = std::size_t(l.out_channels());
  if (l.output_bits < 1 || l.output_bits > 8)
    throw Error(where + ": output_bits", fmt::format("expected 1 .. 8 for requant, found {}", l.output_bits));
  auto sized = [&](const char* field, std::size_t n) {
    if (n != c) throw Error(where + ": " + field, fmt::format("expected {} values (one per channel), found {}", c, n));
  };
  sized("requant_bias", l.requant_bias.size());
  sized("requant_mult", l.requant_mult.size());
  sized("requant_shift", l.requant_shift.size());
  for (std::size_t o = 0; o < c; ++o) {
    if (l.requant_mult[o] < 1)
      throw Error(where + fmt::format(": requant_mult[{}]", o),
                  fmt::format("expected 1 .. {}, found {} (the integer model's range; rtl/requant.sv multiplies by "
                              "an unsigned field)", std::numeric_limits<std::int32_t>::max(), l.requant_mult[o]));
    if (l.requant_shift[o] < 1 || l.requant_shift[o] > 62)
      throw Error(where + fmt::format(": requant_shift[{}]", o),
                  fmt::format("expected 1 .. 62, found {} (the integer model's range; rtl/requant.sv's shift field "
                              "has 6 bits)", l.requant_shift[o]));
  }
}

}  // namespace dorefa::hw
