#include "runtime/im2col.hpp"

#include <algorithm>
#include <cstring>

#include "runtime/bgemm/bgemm.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#elif defined(__ARM_NEON)
#include <arm_neon.h>
#endif

namespace dorefa::runtime {
namespace {

// Bit p of each of n (<= 64) levels, as one word (bit j = level j).
inline std::uint64_t plane_bits(const std::uint8_t* a, int n, int p) {
  std::uint64_t bits = 0;
  int j = 0;
#if defined(__SSE2__)
  // Shifting bit p of every byte to its top bit and collecting the top bits (movemask):
  // 16 levels per step. Bits that cross into the next byte land below its top bit.
  for (; j + 16 <= n; j += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(a + j));
    const __m128i s = _mm_sll_epi16(v, _mm_cvtsi32_si128(7 - p));
    bits |= std::uint64_t(std::uint32_t(_mm_movemask_epi8(s))) << j;
  }
#endif
  for (; j < n; ++j) bits |= std::uint64_t((a[j] >> p) & 1) << j;
  return bits;
}

}  // namespace

Window Window::of(const qmodel::Layer& l) {
  Window w;
  w.in = l.input;
  w.out = l.output;
  w.kernel = l.kernel;
  w.stride = l.stride;
  w.padding = l.padding;
  w.dense = l.kind == qmodel::LayerKind::kDense;
  return w;
}

void im2col_int16(const Window& w, const std::uint8_t* in, std::int16_t* patches, int row_stride) {
  const std::size_t in_bytes = std::size_t(w.in.elements());
  const std::size_t fan = std::size_t(w.fan_in());
  if (w.dense) {
    for (std::size_t i = 0; i < fan; ++i) patches[i] = in[i];
    std::fill(patches + fan, patches + row_stride, std::int16_t(0));
    return;
  }
  // In HWC the kx taps of one window row are adjacent pixels: one contiguous run of K*C
  // levels, clipped at the left/right border, per (pixel, ky).
  const int C = w.in.channels;
  const int KC = w.kernel * C;
  for (int y = 0; y < w.out.height; ++y)
    for (int x = 0; x < w.out.width; ++x) {
      std::int16_t* row = patches + std::size_t(y * w.out.width + x) * std::size_t(row_stride);
      std::int16_t* dst = row;
      const int ix0 = x * w.stride - w.padding;
      const int kx_lo = std::max(0, -ix0), kx_hi = std::min(w.kernel, w.in.width - ix0);
      for (int ky = 0; ky < w.kernel; ++ky, dst += KC) {
        const int iy = y * w.stride + ky - w.padding;
        if (iy < 0 || iy >= w.in.height || kx_lo >= kx_hi) {
          std::fill(dst, dst + KC, std::int16_t(0));
          continue;
        }
        std::fill(dst, dst + kx_lo * C, std::int16_t(0));
        const std::uint8_t* src = in + (std::size_t(iy) * std::size_t(w.in.width) + std::size_t(ix0 + kx_lo)) * std::size_t(C);
        const int n = (kx_hi - kx_lo) * C;
        std::int16_t* d = dst + kx_lo * C;
        int j = 0;
#if defined(__SSE2__)
        // Widen 8 levels per step; a short run (e.g. 5 taps of a 1-channel conv1) is one
        // step whose extra lanes (at most 7, forward) are overwritten by what is written
        // next: the border zeros, the next run, the row tail, the next row, or the
        // kIm2colSlack after the last row. It reads past the run but never past the input.
        const std::uint8_t* in_end = in + in_bytes;
        for (; j < n && src + j + 8 <= in_end; j += 8)
          _mm_storeu_si128(reinterpret_cast<__m128i*>(d + j),
                           _mm_unpacklo_epi8(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(src + j)), _mm_setzero_si128()));
        if (j > n) j = n;
#elif defined(__ARM_NEON)
        // The same 8-level widening steps (and the same overwrite argument) with vmovl_u8.
        const std::uint8_t* in_end = in + in_bytes;
        for (; j < n && src + j + 8 <= in_end; j += 8)
          vst1q_s16(d + j, vreinterpretq_s16_u16(vmovl_u8(vld1_u8(src + j))));
        if (j > n) j = n;
#else
        (void)in_bytes;
#endif
        for (; j < n; ++j) d[j] = src[j];
        std::fill(dst + kx_hi * C, dst + KC, std::int16_t(0));
      }
      std::fill(row + fan, row + row_stride, std::int16_t(0));
    }
}

void im2col_bits(const Window& w, int planes, int words, const std::uint8_t* in, std::uint64_t* patches,
                 std::int32_t* sums, std::vector<std::uint64_t>& pixel_bits) {
  const std::size_t row = std::size_t(planes) * std::size_t(words);
  std::memset(patches, 0, std::size_t(w.pixels()) * row * sizeof(std::uint64_t));
  if (w.dense) {
    const std::int64_t fan = w.fan_in();
    std::int32_t sum = 0;
    for (std::int64_t base = 0; base < fan; base += 64) {
      const int n = int(std::min<std::int64_t>(64, fan - base));
      for (int p = 0; p < planes; ++p)
        patches[std::size_t(p) * std::size_t(words) + std::size_t(base / 64)] = plane_bits(in + base, n, p);
      for (int j = 0; j < n; ++j) sum += in[base + j];
    }
    sums[0] = sum;
    return;
  }
  // Each input pixel's channels as bit strings per plane, and its level sum.
  const int C = w.in.channels;
  const int cw = (C + 63) / 64;
  const int in_pixels = w.in.height * w.in.width;
  pixel_bits.assign(std::size_t(in_pixels) * std::size_t(planes * cw + 1), 0);
  const std::size_t pstride = std::size_t(planes * cw + 1);  // last slot: the level sum
  for (int px = 0; px < in_pixels; ++px) {
    const std::uint8_t* a = in + std::size_t(px) * std::size_t(C);
    std::uint64_t* bits = pixel_bits.data() + std::size_t(px) * pstride;
    std::uint64_t sum = 0;
    for (int c = 0; c < C; ++c) sum += a[c];
    for (int p = 0; p < planes; ++p)
      for (int k = 0; k < cw; ++k) bits[std::size_t(p * cw + k)] = plane_bits(a + 64 * k, std::min(64, C - 64 * k), p);
    bits[pstride - 1] = sum;
  }
  for (int y = 0; y < w.out.height; ++y)
    for (int x = 0; x < w.out.width; ++x) {
      const int op = y * w.out.width + x;
      std::uint64_t* dst = patches + std::size_t(op) * row;
      std::int32_t sum = 0;
      std::size_t at = 0;
      for (int ky = 0; ky < w.kernel; ++ky) {
        const int iy = y * w.stride + ky - w.padding;
        for (int kx = 0; kx < w.kernel; ++kx, at += std::size_t(C)) {
          const int ix = x * w.stride + kx - w.padding;
          if (iy < 0 || iy >= w.in.height || ix < 0 || ix >= w.in.width) continue;  // zeros already
          const std::uint64_t* bits = pixel_bits.data() + std::size_t(iy * w.in.width + ix) * pstride;
          sum += std::int32_t(bits[pstride - 1]);
          for (int p = 0; p < planes; ++p)
            for (int k = 0; k < cw; ++k)
              bgemm::append_bits(dst + std::size_t(p) * std::size_t(words), at + std::size_t(k) * 64, bits[p * cw + k],
                                 std::min(64, C - 64 * k));
        }
      }
      sums[op] = sum;
    }
}

}  // namespace dorefa::runtime
