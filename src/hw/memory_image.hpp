#pragma once
// The $readmemh images the rtl/ engines load (docs/rtl/interfaces.md, "Memory images"):
// one word per line, hex, most significant digit first, fields packed lowest first.
#include <cstdint>
#include <string>
#include <vector>

#include "qmodel/model.hpp"

namespace dorefa::hw {

// A word of `width` bits built from fields; set() writes a two's-complement field.
class HexWord {
 public:
  explicit HexWord(int width) : width_(width), bits_(std::size_t((width + 63) / 64), 0) {}
  void set(int lsb, int bits, std::int64_t value);
  std::string hex() const;  // ceil(width/4) digits

 private:
  int width_;
  std::vector<std::uint64_t> bits_;
};

// mvtu WEIGHT_FILE (W_BITS = hw_weight_bits(layer)): depth NF*SF, width PE*SIMD*W_BITS; line g*SF+s, field (p,j) =
// w[g*PE+p][s*SIMD+j] (W_BITS = 1: 1 for +1, 0 for -1).
std::string mvtu_weight_image(const qmodel::Layer& layer, int pe, int simd);

// mvtu THRESH_FILE: depth NF, width PE*NT*ACC_BITS; line g, field (p,j) = t[g*PE+p][j]
// clamped to the signed ACC_BITS range.
std::string mvtu_threshold_image(const qmodel::Layer& layer, int pe, int acc_bits);

// logits_argmax PARAM_FILE: depth NUM_CLASSES, width 96: add[o] (64 bits) then mul[o] (32).
std::string logits_param_image(const qmodel::Layer& layer);

}  // namespace dorefa::hw
