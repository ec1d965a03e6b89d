// NEON int16 GEMM for the board's Cortex-A9 (armhf) and aarch64: vld2 splits the packed
// weight pairs into even/odd fan-in halves, vmlal_n_s16 multiply-accumulates one patch
// value into 8 int32 channel sums. Compiled only where __ARM_NEON is defined.
#if defined(__ARM_NEON)
#include <arm_neon.h>

#include "runtime/igemm/igemm.hpp"

namespace dorefa::runtime::igemm {

void gemm_neon(const PackedWeights& w, const std::int16_t* patches, int pixels, std::int32_t* acc) {
  const int pairs = w.fan_in_padded / 2;
  for (int p = 0; p < pixels; ++p) {
    const std::int16_t* a = patches + std::size_t(p) * std::size_t(w.fan_in_padded);
    for (int cb = 0; cb < w.channel_blocks; ++cb) {
      const std::int16_t* wb = w.data.data() + std::size_t(cb) * std::size_t(pairs) * 16;
      int32x4_t lo = vdupq_n_s32(0), hi = vdupq_n_s32(0);
      for (int k2 = 0; k2 < pairs; ++k2) {
        const int16x8x2_t wv = vld2q_s16(wb + std::size_t(k2) * 16);  // [0]: even k, [1]: odd k
        lo = vmlal_n_s16(lo, vget_low_s16(wv.val[0]), a[2 * k2]);
        hi = vmlal_n_s16(hi, vget_high_s16(wv.val[0]), a[2 * k2]);
        lo = vmlal_n_s16(lo, vget_low_s16(wv.val[1]), a[2 * k2 + 1]);
        hi = vmlal_n_s16(hi, vget_high_s16(wv.val[1]), a[2 * k2 + 1]);
      }
      std::int32_t* out = acc + std::size_t(p) * std::size_t(w.acc_stride()) + std::size_t(cb) * 8;
      vst1q_s32(out, lo);
      vst1q_s32(out + 4, hi);
    }
  }
}

}  // namespace dorefa::runtime::igemm
#endif
