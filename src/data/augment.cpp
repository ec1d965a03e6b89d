#include "data/augment.hpp"

#include <algorithm>

namespace dorefa::data {

void shift_image(std::span<const std::uint8_t> src, std::span<std::uint8_t> dst, int rows, int cols,
                 int channels, int dy, int dx) {
  std::fill(dst.begin(), dst.end(), std::uint8_t{0});
  for (int y = 0; y < rows; ++y) {
    int sy = y - dy;
    if (sy < 0 || sy >= rows) continue;
    for (int x = 0; x < cols; ++x) {
      int sx = x - dx;
      if (sx < 0 || sx >= cols) continue;
      for (int c = 0; c < channels; ++c) {
        dst[(std::size_t(y) * cols + x) * channels + c] = src[(std::size_t(sy) * cols + sx) * channels + c];
      }
    }
  }
}

void random_shift(std::span<const std::uint8_t> src, std::span<std::uint8_t> dst, int rows, int cols,
                  int channels, int pad, std::mt19937_64& rng) {
  if (pad <= 0) {
    std::copy(src.begin(), src.end(), dst.begin());
    return;
  }
  auto draw = [&] { return int(rng() % std::uint64_t(2 * pad + 1)) - pad; };
  int dy = draw();
  int dx = draw();
  shift_image(src, dst, rows, cols, channels, dy, dx);
}

}  // namespace dorefa::data
