#pragma once
// Output stages on accumulator rows (docs/integer-model.md): thresholds and requant
// produce uint8 levels for the next layer, logits produce int64 class scores.
#include <cstdint>
#include <vector>

#include "qmodel/model.hpp"

namespace dorefa::runtime {

// `acc`: `pixels` rows of `acc_stride` int32; `out`: `pixels` rows of C levels.
void apply_thresholds(const qmodel::Layer& l, const std::int32_t* acc, int pixels, int acc_stride, std::uint8_t* out);
void apply_requant(const qmodel::Layer& l, const std::int32_t* acc, int pixels, int acc_stride, std::uint8_t* out);
// A layer's thresholds/requant stage with its parameters rearranged for the SIMD kernels
// (thresholds channel-minor, requant as acc * mult + (bias * mult + 2^(shift-1)) in int64).
struct PreparedStage {
  const qmodel::Layer* layer = nullptr;
  bool avx2 = false;
  bool avx512 = false;
  std::vector<std::int32_t> thresholds_t;  // [j][c_padded to 8], only when T <= 15
  int channels_padded = 0;
  std::vector<std::int64_t> rq_mult, rq_offset, rq_shift;
};
PreparedStage prepare_stage(const qmodel::Layer& l, bool simd);
// Thresholds or requant of `pixels` rows, the fastest way this CPU allows; `acc_stride`
// must be a multiple of 8 (the SIMD paths read whole 8-channel blocks).
void apply_stage(const PreparedStage& s, const std::int32_t* acc, int pixels, int acc_stride, std::uint8_t* out);

// One row; `scores` receives C values.
void apply_logits(const qmodel::Layer& l, const std::int32_t* acc, std::int64_t* scores);

}  // namespace dorefa::runtime
