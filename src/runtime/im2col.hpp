#pragma once
// Patch extraction: turns a uint8 HWC activation tensor into one row per output pixel
// holding its window in the weights' [ky][kx][i] order (zero where the window leaves the
// input), as int16 for igemm or as activation bit-planes for bgemm. A dense layer is
// one pixel whose window is the whole HWC-flattened input.
#include <cstdint>
#include <vector>

#include "qmodel/model.hpp"

namespace dorefa::runtime {

struct Window {
  qmodel::Shape in, out;
  int kernel = 1, stride = 1, padding = 0;
  bool dense = false;
  static Window of(const qmodel::Layer& layer);
  int pixels() const { return dense ? 1 : out.height * out.width; }
  std::int64_t fan_in() const { return dense ? in.elements() : std::int64_t(kernel) * kernel * in.channels; }
};

// rows of `row_stride` int16 (>= fan_in; the tail is zeroed). `patches` must have
// kIm2colSlack writable int16 after the last row (vector stores may run past a short run).
inline constexpr int kIm2colSlack = 8;
void im2col_int16(const Window& w, const std::uint8_t* in, std::int16_t* patches, int row_stride);

// A conv's input with its zero padding around it: (H + 2 pad) rows of (W + 2 pad) * C
// levels, then 4 zero bytes (a direct kernel's quad read past the end of a window run).
std::size_t padded_size(const Window& w);
void pad_input(const Window& w, const std::uint8_t* in, std::uint8_t* out);

// rows of planes x words uint64, plus the window's level sum per row. Bits past fan_in in
// a row may hold any value (the weights' are 0 there); `patches` must have
// kIm2colBitsSlack writable words after the last row. `pixel_bits` is scratch the function
// resizes.
inline constexpr int kIm2colBitsSlack = 2;
void im2col_bits(const Window& w, int planes, int words, const std::uint8_t* in, std::uint64_t* patches,
                 std::int32_t* sums, std::vector<std::uint64_t>& pixel_bits);

}  // namespace dorefa::runtime
