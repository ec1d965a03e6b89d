#pragma once
// The requant output stage on the fabric (rtl/requant.sv, docs/rtl/requant.md): the W8A8
// layers' `clamp(((acc + bias) * mult + 2^(shift-1)) >> shift, 0, 2^b - 1)` after an mvtu
// that emits raw accumulators. Sizes its fields from the layer's own values (exact for
// them), picks how many channels it computes per cycle and writes its parameter image (its
// cost is in cost_model.cpp with the other engines').
#include <algorithm>
#include <cstdint>
#include <string>

#include "qmodel/model.hpp"

namespace dorefa::hw {

// rtl/requant.sv's parameters for one layer at a folding.
struct RequantShape {
  int lanes = 1;       // channels per cycle (LANES), divides PE
  int acc_bits = 2;    // signed accumulators in (the mvtu's ACC_BITS)
  int bias_bits = 2;   // signed field holding every bias
  int mult_bits = 1;   // unsigned field holding every mult (mult < 2^mult_bits)
  int shift_max = 1;   // largest shift (<= 62)
  int out_bits = 8;

  int param_width() const { return bias_bits + mult_bits + 6; }  // one channel's field
  int sum_bits() const { return std::max(acc_bits, bias_bits) + 1; }
  // The rounded product's width (rtl/requant.sv YW): also the barrel shifter's.
  int y_bits() const { return std::max(sum_bits() + mult_bits + 2, shift_max + 1); }
  // DSP48E1 (25 x 18 signed) per lane: the sum in 25-bit (then 24-bit) chunks times one
  // or two 17-bit unsigned multiplier parts.
  int dsp_per_lane() const;
};

// The widths the layer's values need and the fewest lanes that keep up with the mvtu at
// PE x SIMD (PE/LANES cycles per beat <= fan_in/SIMD cycles between the mvtu's beats).
RequantShape requant_shape(const qmodel::Layer& layer, int pe, int simd, int acc_bits);

// rtl/requant.sv PARAM_FILE: depth (MH/PE) * (PE/LANES), width LANES * param_width; word
// g*K + k, field j (channel g*PE + k*LANES + j) = {bias, mult, shift (6 bits, lowest)}.
std::string requant_param_image(const qmodel::Layer& layer, int pe, const RequantShape& shape);

// Throws dorefa::Error (where: field, expected vs found) when a requant layer holds a
// value rtl/requant.sv is not built for: mult outside 1 .. 2^31-1, shift outside 1 .. 62,
// a wrong number of parameters, or output bits outside 1 .. 8.
void check_requant_params(const qmodel::Layer& layer, const std::string& where);

}  // namespace dorefa::hw
