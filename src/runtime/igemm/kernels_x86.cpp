// AVX2 int16 GEMM: each step broadcasts one pair of patch values to all 8 lanes and
// multiply-adds it (vpmaddwd) against a pair of weights for 8 output channels, so the sums
// land per channel with no horizontal reduction. Tiles of 4 pixels x 2 channel blocks keep
// 8 accumulators in registers and reuse each weight load 4 times.
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
// GCC 12's AVX-512 headers start masked intrinsics from _mm512_undefined_*(), which it then
// reports as "may be used uninitialized" in our code; a known false positive (as in bgemm.cpp).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include <cstring>

#include "runtime/igemm/igemm.hpp"

namespace dorefa::runtime::igemm {
namespace {

template <int PT, int NB>
__attribute__((target("avx2"))) inline void tile(const std::int16_t* const* a, const std::int16_t* w, int pairs,
                                                  std::int32_t* const* out) {
  __m256i acc[PT][NB];
  for (int t = 0; t < PT; ++t)
    for (int b = 0; b < NB; ++b) acc[t][b] = _mm256_setzero_si256();
  for (int k2 = 0; k2 < pairs; ++k2) {
    __m256i wv[NB];
    for (int b = 0; b < NB; ++b)
      wv[b] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + (std::size_t(b) * std::size_t(pairs) + std::size_t(k2)) * 16));
    for (int t = 0; t < PT; ++t) {
      std::int32_t pair;
      std::memcpy(&pair, a[t] + 2 * k2, sizeof pair);
      const __m256i av = _mm256_set1_epi32(pair);
      for (int b = 0; b < NB; ++b) acc[t][b] = _mm256_add_epi32(acc[t][b], _mm256_madd_epi16(av, wv[b]));
    }
  }
  for (int t = 0; t < PT; ++t)
    for (int b = 0; b < NB; ++b) _mm256_storeu_si256(reinterpret_cast<__m256i*>(out[t] + b * 8), acc[t][b]);
}

template <int PT>
__attribute__((target("avx2"))) inline void row_tile(const PackedWeights& w, const std::int16_t* patches, int p,
                                                      std::int32_t* acc) {
  const int pairs = w.fan_in_padded / 2;
  const std::int16_t* a[PT];
  for (int t = 0; t < PT; ++t) a[t] = patches + std::size_t(p + t) * std::size_t(w.fan_in_padded);
  int cb = 0;
  for (; cb + 2 <= w.channel_blocks; cb += 2) {
    std::int32_t* out[PT];
    for (int t = 0; t < PT; ++t) out[t] = acc + std::size_t(p + t) * std::size_t(w.acc_stride()) + std::size_t(cb) * 8;
    tile<PT, 2>(a, w.data.data() + std::size_t(cb) * std::size_t(pairs) * 16, pairs, out);
  }
  for (; cb < w.channel_blocks; ++cb) {
    std::int32_t* out[PT];
    for (int t = 0; t < PT; ++t) out[t] = acc + std::size_t(p + t) * std::size_t(w.acc_stride()) + std::size_t(cb) * 8;
    tile<PT, 1>(a, w.data.data() + std::size_t(cb) * std::size_t(pairs) * 16, pairs, out);
  }
}

// The same with AVX-VNNI: vpdpwssd fuses the multiply-add and the accumulation.
// Kept as a copy of tile/row_tile that differs only in that one instruction, on purpose:
// each body is compiled under its own target attribute, and GCC will not inline a
// target("avx2,avxvnni") function into a target("avx2") one (or the reverse), so one
// template over the dot instruction would either lose inlining of the inner loop or let
// VNNI code into the AVX2 path that must run on CPUs without it.
template <int PT, int NB>
__attribute__((target("avx2,avxvnni"))) inline void tile_vnni(const std::int16_t* const* a, const std::int16_t* w, int pairs,
                                                  std::int32_t* const* out) {
  __m256i acc[PT][NB];
  for (int t = 0; t < PT; ++t)
    for (int b = 0; b < NB; ++b) acc[t][b] = _mm256_setzero_si256();
  for (int k2 = 0; k2 < pairs; ++k2) {
    __m256i wv[NB];
    for (int b = 0; b < NB; ++b)
      wv[b] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + (std::size_t(b) * std::size_t(pairs) + std::size_t(k2)) * 16));
    for (int t = 0; t < PT; ++t) {
      std::int32_t pair;
      std::memcpy(&pair, a[t] + 2 * k2, sizeof pair);
      const __m256i av = _mm256_set1_epi32(pair);
      for (int b = 0; b < NB; ++b) acc[t][b] = _mm256_dpwssd_avx_epi32(acc[t][b], av, wv[b]);
    }
  }
  for (int t = 0; t < PT; ++t)
    for (int b = 0; b < NB; ++b) _mm256_storeu_si256(reinterpret_cast<__m256i*>(out[t] + b * 8), acc[t][b]);
}

// row_tile for tile_vnni: a copy per ISA for the reason above tile_vnni.
template <int PT>
__attribute__((target("avx2,avxvnni"))) inline void row_tile_vnni(const PackedWeights& w, const std::int16_t* patches, int p,
                                                      std::int32_t* acc) {
  const int pairs = w.fan_in_padded / 2;
  const std::int16_t* a[PT];
  for (int t = 0; t < PT; ++t) a[t] = patches + std::size_t(p + t) * std::size_t(w.fan_in_padded);
  int cb = 0;
  for (; cb + 2 <= w.channel_blocks; cb += 2) {
    std::int32_t* out[PT];
    for (int t = 0; t < PT; ++t) out[t] = acc + std::size_t(p + t) * std::size_t(w.acc_stride()) + std::size_t(cb) * 8;
    tile_vnni<PT, 2>(a, w.data.data() + std::size_t(cb) * std::size_t(pairs) * 16, pairs, out);
  }
  for (; cb < w.channel_blocks; ++cb) {
    std::int32_t* out[PT];
    for (int t = 0; t < PT; ++t) out[t] = acc + std::size_t(p + t) * std::size_t(w.acc_stride()) + std::size_t(cb) * 8;
    tile_vnni<PT, 1>(a, w.data.data() + std::size_t(cb) * std::size_t(pairs) * 16, pairs, out);
  }
}

// AVX-512 VNNI: 16 output channels per zmm (two of the packed 8-channel blocks side by
// side: lanes 0-7 block cb, lanes 8-15 block cb+1), tiles of PT pixels x NB zmm. `blocks`
// (<= 2 * NB) is how many 8-channel blocks the tile really has: a missing upper half is
// multiplied by zero weights and not stored. The 16-bit pair products cannot overflow the
// int32 sums (|w| <= 127, levels <= 255, fan-in < 2^16: igemm.hpp).
template <int PT, int NB>
__attribute__((target("avx512f,avx512vnni"))) inline void tile_512(const std::int16_t* const* a, const std::int16_t* w,
                                                                  int pairs, int blocks, std::int32_t* const* out) {
  const std::size_t block = std::size_t(pairs) * 16;  // int16 per packed 8-channel block
  __m512i acc[PT][NB];
  for (int t = 0; t < PT; ++t)
    for (int b = 0; b < NB; ++b) acc[t][b] = _mm512_setzero_si512();
  const bool full = blocks == 2 * NB;
  for (int k2 = 0; k2 < pairs; ++k2) {
    __m512i wv[NB];
    for (int b = 0; b < NB; ++b) {
      const std::int16_t* lo = w + std::size_t(2 * b) * block + std::size_t(k2) * 16;
      const __m256i hi = full || 2 * b + 1 < blocks ? _mm256_loadu_si256(reinterpret_cast<const __m256i*>(lo + block))
                                                    : _mm256_setzero_si256();
      wv[b] = _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(lo))), hi, 1);
    }
    for (int t = 0; t < PT; ++t) {
      std::int32_t pair;
      std::memcpy(&pair, a[t] + 2 * k2, sizeof pair);
      const __m512i av = _mm512_set1_epi32(pair);
      for (int b = 0; b < NB; ++b) acc[t][b] = _mm512_dpwssd_epi32(acc[t][b], av, wv[b]);
    }
  }
  for (int t = 0; t < PT; ++t)
    for (int b = 0; b < NB; ++b) {
      if (full || 2 * b + 1 < blocks) _mm512_storeu_si512(out[t] + b * 16, acc[t][b]);
      else _mm512_mask_storeu_epi32(out[t] + b * 16, __mmask16(0x00FF), acc[t][b]);
    }
}

template <int PT>
__attribute__((target("avx512f,avx512vnni"))) inline void row_tile_512(const PackedWeights& w, const std::int16_t* patches,
                                                                      int p, std::int32_t* acc) {
  const int pairs = w.fan_in_padded / 2;
  const std::int16_t* a[PT];
  for (int t = 0; t < PT; ++t) a[t] = patches + std::size_t(p + t) * std::size_t(w.fan_in_padded);
  std::int32_t* out[PT];
  auto at = [&](int cb) {
    for (int t = 0; t < PT; ++t) out[t] = acc + std::size_t(p + t) * std::size_t(w.acc_stride()) + std::size_t(cb) * 8;
    return w.data.data() + std::size_t(cb) * std::size_t(pairs) * 16;
  };
  int cb = 0;
  for (; cb + 4 <= w.channel_blocks; cb += 4) tile_512<PT, 2>(a, at(cb), pairs, 4, out);
  const int rest = w.channel_blocks - cb;
  if (rest == 3) tile_512<PT, 2>(a, at(cb), pairs, 3, out);
  else if (rest > 0) tile_512<PT, 1>(a, at(cb), pairs, rest, out);
}

// vpdpbusd tiles for the direct conv: PT pixels x NB zmm of 16 channels. Each step loads
// one zmm of weights per 16 channels (16 x 4 int8, one quad of taps) and broadcasts each
// pixel's 4 levels of the same taps; 4 products per lane and step go straight into int32.
template <int PT, int NB>
__attribute__((target("avx512f,avx512vnni"))) inline void quad_tile(const std::uint8_t* const* a, const std::int8_t* w,
                                                                   std::size_t block_bytes, int window_rows,
                                                                   int row_quads, int row_stride, std::int32_t* out,
                                                                   int acc_stride) {
  __m512i acc[PT][NB];
  for (int t = 0; t < PT; ++t)
    for (int b = 0; b < NB; ++b) acc[t][b] = _mm512_setzero_si512();
  const std::int8_t* wq = w;
  for (int ky = 0; ky < window_rows; ++ky)
    for (int q = 0; q < row_quads; ++q, wq += 64) {
      __m512i wv[NB];
      for (int b = 0; b < NB; ++b) wv[b] = _mm512_loadu_si512(wq + std::size_t(b) * block_bytes);
      const std::size_t at = std::size_t(ky) * std::size_t(row_stride) + 4 * std::size_t(q);
      for (int t = 0; t < PT; ++t) {
        std::int32_t quad;
        std::memcpy(&quad, a[t] + at, sizeof quad);
        const __m512i av = _mm512_set1_epi32(quad);
        for (int b = 0; b < NB; ++b) acc[t][b] = _mm512_dpbusd_epi32(acc[t][b], av, wv[b]);
      }
    }
  for (int t = 0; t < PT; ++t)
    for (int b = 0; b < NB; ++b) _mm512_storeu_si512(out + std::size_t(t) * std::size_t(acc_stride) + b * 16, acc[t][b]);
}

template <int PT>
__attribute__((target("avx512f,avx512vnni"))) inline void quad_row_tile(const PackedQuads& w,
                                                                       const std::uint8_t* const* a, int row_stride,
                                                                       std::int32_t* out) {
  const std::size_t block_bytes = std::size_t(w.window_rows) * std::size_t(w.row_quads) * 64;
  int cb = 0;
  for (; cb + 2 <= w.channel_blocks; cb += 2)
    quad_tile<PT, 2>(a, w.data.data() + std::size_t(cb) * block_bytes, block_bytes, w.window_rows, w.row_quads,
                     row_stride, out + cb * 16, w.acc_stride());
  if (cb < w.channel_blocks)
    quad_tile<PT, 1>(a, w.data.data() + std::size_t(cb) * block_bytes, block_bytes, w.window_rows, w.row_quads,
                     row_stride, out + cb * 16, w.acc_stride());
}

}  // namespace

__attribute__((target("avx512f,avx512vnni"))) void gemm_avx512vnni(const PackedWeights& w, const std::int16_t* patches,
                                                                   int pixels, std::int32_t* acc) {
  int p = 0;
  for (; p + 8 <= pixels; p += 8) row_tile_512<8>(w, patches, p, acc);
  for (; p < pixels; ++p) row_tile_512<1>(w, patches, p, acc);
}

__attribute__((target("avx512f,avx512vnni"))) void gemm_avx512vnni_u8_direct(const PackedQuads& w,
                                                                             const std::uint8_t* const* pixel_rows,
                                                                             int pixels, int row_stride,
                                                                             std::int32_t* acc) {
  int p = 0;
  for (; p + 8 <= pixels; p += 8) quad_row_tile<8>(w, pixel_rows + p, row_stride, acc + std::size_t(p) * std::size_t(w.acc_stride()));
  for (; p < pixels; ++p) quad_row_tile<1>(w, pixel_rows + p, row_stride, acc + std::size_t(p) * std::size_t(w.acc_stride()));
}

__attribute__((target("avx2"))) void gemm_avx2(const PackedWeights& w, const std::int16_t* patches, int pixels,
                                               std::int32_t* acc) {
  int p = 0;
  for (; p + 4 <= pixels; p += 4) row_tile<4>(w, patches, p, acc);
  for (; p < pixels; ++p) row_tile<1>(w, patches, p, acc);
}

__attribute__((target("avx2,avxvnni"))) void gemm_avxvnni(const PackedWeights& w, const std::int16_t* patches,
                                                         int pixels, std::int32_t* acc) {
  int p = 0;
  for (; p + 4 <= pixels; p += 4) row_tile_vnni<4>(w, patches, p, acc);
  for (; p < pixels; ++p) row_tile_vnni<1>(w, patches, p, acc);
}

}  // namespace dorefa::runtime::igemm
#endif
