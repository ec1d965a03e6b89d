#include "hw/memory_image.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "hw/cost_model.hpp"
#include "util/error.hpp"

namespace dorefa::hw {

void HexWord::set(int lsb, int bits, std::int64_t value) {
  for (int b = 0; b < bits; ++b) {
    const int pos = lsb + b;
    if (pos >= width_) throw Error("memory image", "field beyond word width", ErrorKind::kInternal);
    const std::uint64_t bit = (std::uint64_t(value) >> std::min(b, 63)) & 1u;
    auto& w = bits_[std::size_t(pos / 64)];
    w = (w & ~(std::uint64_t(1) << (pos % 64))) | (bit << (pos % 64));
  }
}

std::string HexWord::hex() const {
  const int digits = (width_ + 3) / 4;
  std::string out(std::size_t(digits), '0');
  for (int d = 0; d < digits; ++d) {
    unsigned nibble = 0;
    for (int b = 0; b < 4; ++b) {
      const int pos = d * 4 + b;
      if (pos < width_ && ((bits_[std::size_t(pos / 64)] >> (pos % 64)) & 1u)) nibble |= 1u << b;
    }
    out[std::size_t(digits - 1 - d)] = "0123456789abcdef"[nibble];
  }
  return out;
}

std::string mvtu_weight_image(const qmodel::Layer& layer, int pe, int simd) {
  const std::int64_t mw = layer.fan_in();
  const int mh = layer.out_channels();
  const std::int64_t sf = mw / simd;
  const int nf = mh / pe;
  const int wb = hw_weight_bits(layer);
  std::string out;
  out.reserve(std::size_t(sf * nf) * std::size_t((pe * simd * wb + 3) / 4 + 1));
  for (int g = 0; g < nf; ++g) {
    for (std::int64_t s = 0; s < sf; ++s) {
      HexWord word(pe * simd * wb);
      for (int p = 0; p < pe; ++p) {
        for (int j = 0; j < simd; ++j) {
          const std::int64_t w = layer.weights[std::size_t(std::int64_t(g * pe + p) * mw + s * simd + j)];
          const std::int64_t field = wb == 1 ? (w > 0 ? 1 : 0) : w;
          word.set((p * simd + j) * wb, wb, field);
        }
      }
      out += word.hex();
      out += '\n';
    }
  }
  return out;
}

std::string mvtu_threshold_image(const qmodel::Layer& layer, int pe, int acc_bits) {
  const int nt = layer.threshold_count();
  const int nf = layer.out_channels() / pe;
  const std::int64_t lo = -(std::int64_t(1) << (acc_bits - 1));
  const std::int64_t hi = (std::int64_t(1) << (acc_bits - 1)) - 1;
  std::string out;
  for (int g = 0; g < nf; ++g) {
    HexWord word(pe * nt * acc_bits);
    for (int p = 0; p < pe; ++p)
      for (int j = 0; j < nt; ++j) {
        std::int64_t t = layer.thresholds[std::size_t((g * pe + p) * nt + j)];
        word.set((p * nt + j) * acc_bits, acc_bits, std::clamp(t, lo, hi));
      }
    out += word.hex();
    out += '\n';
  }
  return out;
}

std::string logits_param_image(const qmodel::Layer& layer) {
  std::string out;
  for (int o = 0; o < layer.out_channels(); ++o) {
    HexWord word(96);
    word.set(0, 32, layer.logit_mul[std::size_t(o)]);
    word.set(32, 64, layer.logit_add[std::size_t(o)]);
    out += word.hex();
    out += '\n';
  }
  return out;
}

}  // namespace dorefa::hw
