#pragma once
// The mvtu's memory images (docs/rtl/interfaces.md) written from a testbench's own
// weights and thresholds, for every testbench that instantiates an mvtu (mvtu_tb,
// conv_layer_tb). Written independently of src/hw/memory_image.cpp on purpose: the
// testbench checks the documented format, not the generator's reading of it.
#include <cstdint>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "axis_harness.hpp"

namespace rtl_tb {

// A random weight of W_BITS: +-1 for 1 bit, else two's complement over the full range
// (the most negative value included).
inline int random_weight(std::mt19937_64& rng, int w_bits) {
  if (w_bits == 1) return (rng() & 1) ? 1 : -1;
  return int(std::int64_t(rng() % (1u << w_bits)) - (1 << (w_bits - 1)));
}

// WEIGHT_FILE: word g*SF + s holds, lane p*SIMD + j, weight w[g*PE + p][s*SIMD + j]
// (1-bit weights as 1 = +1, 0 = -1). w is [mh][mw].
inline std::vector<Bits> mvtu_weight_words(const std::vector<int>& w, int mh, int mw, int simd, int pe, int w_bits) {
  std::vector<Bits> words;
  for (int g = 0; g < mh / pe; ++g)
    for (int s = 0; s < mw / simd; ++s) {
      Bits b(pe * simd * w_bits);
      for (int p = 0; p < pe; ++p)
        for (int j = 0; j < simd; ++j) {
          const int v = w[std::size_t(g * pe + p) * std::size_t(mw) + std::size_t(s * simd + j)];
          b.set((p * simd + j) * w_bits, w_bits, w_bits == 1 ? (v > 0 ? 1 : 0) : std::uint64_t(std::int64_t(v)));
        }
      words.push_back(b);
    }
  return words;
}

// THRESH_FILE: word g holds, field p*NT + j (ACC_BITS wide), threshold t[g*PE + p][j].
// t is [mh][nt].
inline std::vector<Bits> mvtu_threshold_words(const std::vector<std::int64_t>& t, int mh, int nt, int pe,
                                              int acc_bits) {
  std::vector<Bits> words;
  for (int g = 0; g < mh / pe; ++g) {
    Bits b(pe * nt * acc_bits);
    for (int p = 0; p < pe; ++p)
      for (int j = 0; j < nt; ++j)
        b.set((p * nt + j) * acc_bits, acc_bits, std::uint64_t(t[std::size_t(g * pe + p) * std::size_t(nt) + j]));
    words.push_back(b);
  }
  return words;
}

// One hex word per line, as $readmemh reads it.
inline void write_mem(const std::string& path, const std::vector<Bits>& words) {
  std::ofstream f(path);
  for (const auto& w : words) f << w.hex() << "\n";
}

}  // namespace rtl_tb
