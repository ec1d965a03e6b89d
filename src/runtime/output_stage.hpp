#pragma once
// Output stages on accumulator rows (docs/integer-model.md): thresholds and requant
// produce uint8 levels for the next layer, logits produce int64 class scores.
#include <cstdint>

#include "qmodel/model.hpp"

namespace dorefa::runtime {

// `acc`: `pixels` rows of `acc_stride` int32; `out`: `pixels` rows of C levels.
void apply_thresholds(const qmodel::Layer& l, const std::int32_t* acc, int pixels, int acc_stride, std::uint8_t* out);
void apply_requant(const qmodel::Layer& l, const std::int32_t* acc, int pixels, int acc_stride, std::uint8_t* out);
// One row; `scores` receives C values.
void apply_logits(const qmodel::Layer& l, const std::int32_t* acc, std::int64_t* scores);

}  // namespace dorefa::runtime
