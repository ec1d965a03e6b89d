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
  const std::size_t in_row = std::size_t(w.in.width) * std::size_t(C);
  for (int y = 0; y < w.out.height; ++y)
    for (int x = 0; x < w.out.width; ++x) {
      std::int16_t* row = patches + std::size_t(y * w.out.width + x) * std::size_t(row_stride);
      std::int16_t* dst = row;
      const int ix0 = x * w.stride - w.padding;
      const int kx_lo = std::max(0, -ix0), kx_hi = std::min(w.kernel, w.in.width - ix0);
#if defined(__SSE2__) || defined(__ARM_NEON)
      // Window inside the input and window rows of at most 8 levels (e.g. conv1: 5 taps of
      // one channel): one 8-level widening store per window row, no border logic. Each
      // store's extra lanes are overwritten by the next store, the row tail (zeroed here)
      // or what follows the row, by the argument in the general path below.
      const int iy0 = y * w.stride - w.padding;
      if (KC <= 8 && kx_lo == 0 && kx_hi == w.kernel && iy0 >= 0 && iy0 + w.kernel <= w.in.height &&
          std::size_t(iy0 + w.kernel - 1) * in_row + std::size_t(ix0) * std::size_t(C) + 8 <= in_bytes) {
        const std::uint8_t* src = in + std::size_t(iy0) * in_row + std::size_t(ix0) * std::size_t(C);
        for (int ky = 0; ky < w.kernel; ++ky, src += in_row, dst += KC)
#if defined(__SSE2__)
          _mm_storeu_si128(reinterpret_cast<__m128i*>(dst),
                           _mm_unpacklo_epi8(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(src)), _mm_setzero_si128()));
#else
          vst1q_s16(dst, vreinterpretq_s16_u16(vmovl_u8(vld1_u8(src))));
#endif
        std::fill(row + fan, row + row_stride, std::int16_t(0));
        continue;
      }
#endif
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

std::size_t padded_size(const Window& w) {
  return std::size_t(w.in.height + 2 * w.padding) * std::size_t(w.in.width + 2 * w.padding) *
             std::size_t(w.in.channels) + 4;
}

void pad_input(const Window& w, const std::uint8_t* in, std::uint8_t* out) {
  const std::size_t row = std::size_t(w.in.width) * std::size_t(w.in.channels);
  const std::size_t padded_row = std::size_t(w.in.width + 2 * w.padding) * std::size_t(w.in.channels);
  const std::size_t side = std::size_t(w.padding) * std::size_t(w.in.channels);
  if (w.padding == 0) {
    std::memcpy(out, in, std::size_t(w.in.height) * row);
    std::memset(out + std::size_t(w.in.height) * row, 0, 4);
    return;
  }
  std::uint8_t* o = out;
  o = std::fill_n(o, std::size_t(w.padding) * padded_row, std::uint8_t(0));
  for (int y = 0; y < w.in.height; ++y) {
    o = std::fill_n(o, side, std::uint8_t(0));
    std::memcpy(o, in + std::size_t(y) * row, row);
    o = std::fill_n(o + row, side, std::uint8_t(0));
  }
  std::fill_n(o, std::size_t(w.padding) * padded_row + 4, std::uint8_t(0));
}

void im2col_bits(const Window& w, int planes, int words, const std::uint8_t* in, std::uint64_t* patches,
                 std::int32_t* sums, std::vector<std::uint64_t>& pixel_bits) {
  const std::size_t row = std::size_t(planes) * std::size_t(words);
  if (w.dense) {
    std::memset(patches, 0, row * sizeof(std::uint64_t));
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
  // Each input row as one bit string per plane: the row's pixels' channels back to back,
  // with `padding` pixels of zero bits on both sides, so a window row (K pixels from
  // x * stride in padded coordinates) is one contiguous run of K*C bits, copied 64 bits at
  // a time; and per padded pixel its level sum (0 in the padding).
  const int C = w.in.channels;
  const int K = w.kernel;
  const int PW = w.in.width + 2 * w.padding;
  const std::size_t rw = std::size_t(PW) * std::size_t(C) / 64 + 2;  // words per row and plane, +1 for the 2-word reads
  const std::size_t sums_at = std::size_t(w.in.height) * std::size_t(planes) * rw;
  // +2 words: the byte path's 16-byte reads from the last row may run past it.
  pixel_bits.assign(sums_at + std::size_t(w.in.height) * std::size_t(PW) + 2, 0);
  std::uint64_t* row_bits = pixel_bits.data();
  std::uint64_t* pixel_sums = pixel_bits.data() + sums_at;
  for (int iy = 0; iy < w.in.height; ++iy)
    for (int ix = 0; ix < w.in.width; ++ix) {
      const std::uint8_t* a = in + (std::size_t(iy) * std::size_t(w.in.width) + std::size_t(ix)) * std::size_t(C);
      const std::size_t at = std::size_t(ix + w.padding) * std::size_t(C);
      std::uint64_t sum = 0;
      for (int c = 0; c < C; ++c) sum += a[c];
      pixel_sums[std::size_t(iy) * std::size_t(PW) + std::size_t(ix + w.padding)] = sum;
      for (int p = 0; p < planes; ++p)
        for (int k = 0; k * 64 < C; ++k)
          bgemm::append_bits(row_bits + (std::size_t(iy) * std::size_t(planes) + std::size_t(p)) * rw, at + std::size_t(k) * 64,
                             plane_bits(a + 64 * k, std::min(64, C - 64 * k), p), std::min(64, C - 64 * k));
    }
  const std::size_t run = std::size_t(K) * std::size_t(C);  // bits per window row
  if (C % 8 == 0) {
    // Whole bytes: with C a multiple of 8 every window row starts on a byte of its input
    // row's bit string and lands on a byte of the patch row (ky * K * C bits), so a window
    // row is a byte copy, done 16 bytes at a time. Each copy may write up to 15 bytes past
    // its run: planes are written in order and window rows in order within a plane, so
    // what it spills over is written afterwards (the next window row, the next plane, the
    // next pixel's row) or is the row tail past fan_in, where the weights' bits are 0 and
    // any value is multiplied away (bgemm.hpp); the last row's spill lands in the caller's
    // kIm2colBitsSlack. Rows outside the input (padding) are written as zeros the same
    // way, so nothing needs clearing first.
    const std::size_t run_bytes = run / 8;
    const std::size_t row_bytes = std::size_t(words) * 8;
    const std::uint8_t zeros[16] = {};
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(row_bits);
    for (int y = 0; y < w.out.height; ++y)
      for (int x = 0; x < w.out.width; ++x) {
        const int op = y * w.out.width + x;
        auto* dst = reinterpret_cast<std::uint8_t*>(patches + std::size_t(op) * row);
        const std::size_t from = std::size_t(x) * std::size_t(w.stride) * std::size_t(C) / 8;
        std::int32_t sum = 0;
        for (int ky = 0; ky < K; ++ky) {
          const int iy = y * w.stride + ky - w.padding;
          if (iy < 0 || iy >= w.in.height) continue;
          const std::uint64_t* ps = pixel_sums + std::size_t(iy) * std::size_t(PW) + std::size_t(x) * std::size_t(w.stride);
          for (int kx = 0; kx < K; ++kx) sum += std::int32_t(ps[kx]);
        }
        sums[op] = sum;
        for (int p = 0; p < planes; ++p) {
          std::uint8_t* d = dst + std::size_t(p) * row_bytes;
          for (int ky = 0; ky < K; ++ky, d += run_bytes) {
            const int iy = y * w.stride + ky - w.padding;
            const bool inside = iy >= 0 && iy < w.in.height;
            const std::uint8_t* src =
                inside ? bytes + (std::size_t(iy) * std::size_t(planes) + std::size_t(p)) * rw * 8 + from : zeros;
            const std::size_t step = inside ? 16 : 0;
            for (std::size_t b = 0; b < run_bytes; b += 16, src += step) std::memcpy(d + b, src, 16);
          }
        }
      }
    return;
  }
  std::memset(patches, 0, std::size_t(w.pixels()) * row * sizeof(std::uint64_t));
  for (int y = 0; y < w.out.height; ++y)
    for (int x = 0; x < w.out.width; ++x) {
      const int op = y * w.out.width + x;
      std::uint64_t* dst = patches + std::size_t(op) * row;
      const std::size_t from = std::size_t(x) * std::size_t(w.stride) * std::size_t(C);  // padded coordinates
      std::int32_t sum = 0;
      for (int ky = 0; ky < K; ++ky) {
        const int iy = y * w.stride + ky - w.padding;
        if (iy < 0 || iy >= w.in.height) continue;  // zeros already
        const std::uint64_t* ps = pixel_sums + std::size_t(iy) * std::size_t(PW) + std::size_t(x) * std::size_t(w.stride);
        for (int kx = 0; kx < K; ++kx) sum += std::int32_t(ps[kx]);
        for (int p = 0; p < planes; ++p) {
          const std::uint64_t* src = row_bits + (std::size_t(iy) * std::size_t(planes) + std::size_t(p)) * rw;
          std::uint64_t* d = dst + std::size_t(p) * std::size_t(words);
          for (std::size_t done = 0; done < run; done += 64) {
            const std::size_t bit = from + done;
            const int off = int(bit % 64);
            std::uint64_t v = src[bit / 64] >> off;
            if (off) v |= src[bit / 64 + 1] << (64 - off);
            const int n = int(std::min<std::size_t>(64, run - done));
            if (n < 64) v &= (std::uint64_t(1) << n) - 1;
            bgemm::append_bits(d, std::size_t(ky) * run + done, v, n);
          }
        }
      }
      sums[op] = sum;
    }
}

}  // namespace dorefa::runtime
