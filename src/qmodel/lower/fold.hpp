#pragma once
// Folding a block's float tail (scales, batch-norm, activation quantizer) into the integer
// output stages of docs/integer-model.md. Pure arithmetic, no libtorch, so it is tested
// on its own and shared by the QAT lowering and the W8A8 post-training quantizer.
#include <cstdint>
#include <span>
#include <vector>

namespace dorefa::qmodel::lower {

// Per output channel, the pre-quantizer value as a function of the integer accumulator:
// y = gain * acc + offset (gain = γ/σ · s_w · s_in, offset = β − γμ/σ; docs/integer-model.md).
struct ChannelAffine {
  double gain = 1.0;
  double offset = 0.0;
};

// `negate` asks the lowering to negate the channel's weights so that every comparison is
// `acc >= t` (gain < 0 flips the comparison; all weight encodings are symmetric).
struct FoldedThresholds {
  bool negate = false;
  std::vector<std::int32_t> thresholds;  // 2^out_bits - 1, non-decreasing
};

// Thresholds reproducing n = #{ j in 1..T : y >= (j - 0.5)/T } (quantize_k with round half
// up after clip to [0,1]); T = 2^out_bits - 1.
FoldedThresholds fold_thresholds(ChannelAffine affine, int out_bits);

// Fixed-point requantization out = clamp(((acc' + bias) * mult + 2^(shift-1)) >> shift, 0, 2^b-1)
// approximating clamp(round_half_up(y / out_scale)), acc' = ±acc as `negate` says.
struct FoldedRequant {
  bool negate = false;
  bool constant = false;  // gain 0: the lowering must zero the channel's weights

  std::int32_t bias = 0;
  std::int32_t mult = 1 << 30;  // in [2^30, 2^31) unless the ratio is tiny
  std::int32_t shift = 31;      // 1 .. 62
};
FoldedRequant fold_requant(ChannelAffine affine, double out_scale);

// The logits stage: score[o] = acc[o] * mul[o] + add[o] with one power-of-two factor F for
// all classes (so ranking is preserved), max |gain| * F <= 2^30.
struct FoldedLogits {
  std::vector<std::int32_t> mul;
  std::vector<std::int64_t> add;
  double factor = 1.0;  // F: score = F * float_logit (up to rounding)
};
FoldedLogits fold_logits(std::span<const double> gain, std::span<const double> bias);

// The level quantize_k(clip(y,0,1)) gives, in integer form (the float-side definition the
// thresholds reproduce; used by tests and by the PTQ calibration).
int quantize_level(double y, int out_bits);

}  // namespace dorefa::qmodel::lower
