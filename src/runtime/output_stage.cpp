#include "runtime/output_stage.hpp"

#include <algorithm>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
// GCC 12's AVX-512 headers start masked intrinsics from _mm512_undefined_*(), which it then
// reports as "may be used uninitialized" in our code; a known false positive (as in bgemm.cpp).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#endif

#include "runtime/cpu_features.hpp"

namespace dorefa::runtime {

void apply_thresholds(const qmodel::Layer& l, const std::int32_t* acc, int pixels, int acc_stride, std::uint8_t* out) {
  const int C = l.out_channels();
  const int T = l.threshold_count();  // 2^b - 1
  const std::int32_t* t = l.thresholds.data();
  for (int p = 0; p < pixels; ++p) {
    const std::int32_t* a = acc + std::size_t(p) * std::size_t(acc_stride);
    std::uint8_t* o = out + std::size_t(p) * std::size_t(C);
    if (T == 3) {
      for (int c = 0; c < C; ++c) o[c] = std::uint8_t((a[c] >= t[3 * c]) + (a[c] >= t[3 * c + 1]) + (a[c] >= t[3 * c + 2]));
    } else if (T == 1) {
      for (int c = 0; c < C; ++c) o[c] = std::uint8_t(a[c] >= t[c]);
    } else {
      // #{j : acc >= t[j]} over non-decreasing t: branchless binary search, T + 1 = 2^b.
      for (int c = 0; c < C; ++c) {
        const std::int32_t* tc = t + std::size_t(c) * std::size_t(T);
        int pos = 0;
        for (int step = (T + 1) / 2; step >= 1; step /= 2) pos += (a[c] >= tc[pos + step - 1]) ? step : 0;
        o[c] = std::uint8_t(pos);
      }
    }
  }
}

void apply_requant(const qmodel::Layer& l, const std::int32_t* acc, int pixels, int acc_stride, std::uint8_t* out) {
  const int C = l.out_channels();
  const std::int64_t top = (std::int64_t(1) << l.output_bits) - 1;
  for (int p = 0; p < pixels; ++p) {
    const std::int32_t* a = acc + std::size_t(p) * std::size_t(acc_stride);
    std::uint8_t* o = out + std::size_t(p) * std::size_t(C);
    for (int c = 0; c < C; ++c) {
      const int s = l.requant_shift[std::size_t(c)];
      const std::int64_t v =
          ((std::int64_t(a[c]) + l.requant_bias[std::size_t(c)]) * l.requant_mult[std::size_t(c)] + (std::int64_t(1) << (s - 1))) >> s;
      o[c] = std::uint8_t(std::clamp<std::int64_t>(v, 0, top));
    }
  }
}

PreparedStage prepare_stage(const qmodel::Layer& l, bool simd) {
  PreparedStage s;
  s.layer = &l;
#if defined(__x86_64__) || defined(__i386__)
  s.avx2 = simd && cpu_features().avx2;
  s.avx512 = simd && cpu_features().avx512f;
#else
  (void)simd;
#endif
  const int C = l.out_channels();
  s.channels_padded = (C + 7) / 8 * 8;
  if (l.output_kind == qmodel::OutputKind::kThresholds && l.threshold_count() <= 15) {
    const int T = l.threshold_count();
    s.thresholds_t.assign(std::size_t(T) * std::size_t(s.channels_padded), 0);
    for (int c = 0; c < C; ++c)
      for (int j = 0; j < T; ++j)
        s.thresholds_t[std::size_t(j) * std::size_t(s.channels_padded) + std::size_t(c)] = l.thresholds[std::size_t(c * T + j)];
  }
  if (l.output_kind == qmodel::OutputKind::kRequant) {
    s.rq_mult.resize(std::size_t(s.channels_padded), 0);
    s.rq_offset.resize(std::size_t(s.channels_padded), 0);
    s.rq_shift.resize(std::size_t(s.channels_padded), 1);
    for (std::size_t c = 0; c < std::size_t(C); ++c) {
      s.rq_mult[c] = l.requant_mult[c];
      // validate() keeps (|acc| + |bias|) * mult + 2^(shift-1) inside int64, so both parts fit.
      s.rq_offset[c] = std::int64_t(l.requant_bias[c]) * l.requant_mult[c] + (std::int64_t(1) << (l.requant_shift[c] - 1));
      s.rq_shift[c] = l.requant_shift[c];
    }
  }
  return s;
}

#if defined(__x86_64__) || defined(__i386__)
namespace {

// n = #{j : acc >= t_j} = T + sum_j (t_j > acc ? -1 : 0), 8 channels at a time.
__attribute__((target("avx2"))) void thresholds_avx2(const PreparedStage& s, const std::int32_t* acc, int pixels,
                                                     int acc_stride, std::uint8_t* out) {
  const qmodel::Layer& l = *s.layer;
  const int C = l.out_channels(), T = l.threshold_count(), CP = s.channels_padded;
  alignas(32) std::int32_t tmp[8];
  for (int p = 0; p < pixels; ++p) {
    const std::int32_t* a = acc + std::size_t(p) * std::size_t(acc_stride);
    std::uint8_t* o = out + std::size_t(p) * std::size_t(C);
    for (int c = 0; c < C; c += 8) {
      // Rows are padded to 8 channels (acc_stride), so the last block reads scratch lanes.
      const __m256i av = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a + c));
      __m256i n = _mm256_set1_epi32(T);
      for (int j = 0; j < T; ++j) {
        const __m256i tv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s.thresholds_t.data() + std::size_t(j) * std::size_t(CP) + std::size_t(c)));
        n = _mm256_add_epi32(n, _mm256_cmpgt_epi32(tv, av));
      }
      if (c + 8 <= C) {
        // n <= T <= 15: the two saturating packs keep every value; 8 bytes in one store.
        const __m128i n16 = _mm_packs_epi32(_mm256_castsi256_si128(n), _mm256_extracti128_si256(n, 1));
        _mm_storel_epi64(reinterpret_cast<__m128i*>(o + c), _mm_packus_epi16(n16, n16));
        continue;
      }
      _mm256_store_si256(reinterpret_cast<__m256i*>(tmp), n);
      for (int k = 0; k < 8 && c + k < C; ++k) o[c + k] = std::uint8_t(tmp[k]);
    }
  }
}

// The same count, 16 channels per zmm: a compare into a mask register and a masked
// decrement per threshold, then the 16 counts narrowed to bytes in a register and stored
// (the memory form of vpmovdb is slow on some cores). A last block of fewer than 16
// channels is loaded masked and stored through a small buffer.
__attribute__((target("avx512f"))) void thresholds_avx512(const PreparedStage& s, const std::int32_t* acc, int pixels,
                                                          int acc_stride, std::uint8_t* out) {
  const qmodel::Layer& l = *s.layer;
  const int C = l.out_channels(), T = l.threshold_count(), CP = s.channels_padded;
  const __m512i ones = _mm512_set1_epi32(1);
  const std::int32_t* t = s.thresholds_t.data();
  for (int p = 0; p < pixels; ++p) {
    const std::int32_t* a = acc + std::size_t(p) * std::size_t(acc_stride);
    std::uint8_t* o = out + std::size_t(p) * std::size_t(C);
    int c = 0;
    for (; c + 16 <= C; c += 16) {
      const __m512i av = _mm512_loadu_si512(a + c);
      __m512i n = _mm512_set1_epi32(T);
      for (int j = 0; j < T; ++j)
        n = _mm512_mask_sub_epi32(n, _mm512_cmpgt_epi32_mask(_mm512_loadu_si512(t + std::size_t(j) * std::size_t(CP) + std::size_t(c)), av),
                                  n, ones);
      _mm_storeu_si128(reinterpret_cast<__m128i*>(o + c), _mm512_cvtepi32_epi8(n));
    }
    if (c < C) {
      const __mmask16 lanes = __mmask16((1u << (C - c)) - 1);
      const __m512i av = _mm512_maskz_loadu_epi32(lanes, a + c);
      __m512i n = _mm512_set1_epi32(T);
      for (int j = 0; j < T; ++j)
        n = _mm512_mask_sub_epi32(
            n, _mm512_cmpgt_epi32_mask(_mm512_maskz_loadu_epi32(lanes, t + std::size_t(j) * std::size_t(CP) + std::size_t(c)), av), n,
            ones);
      alignas(16) std::uint8_t tmp[16];
      _mm_store_si128(reinterpret_cast<__m128i*>(tmp), _mm512_cvtepi32_epi8(n));
      std::copy(tmp, tmp + (C - c), o + c);
    }
  }
}

// ((acc * mult + offset) clamped below at 0) >> shift, clamped above at 2^b - 1, 4 channels
// at a time in int64. Clamping at 0 before the shift equals clamping after an arithmetic
// shift, and lets AVX2's logical variable shift do the work.
__attribute__((target("avx2"))) void requant_avx2(const PreparedStage& s, const std::int32_t* acc, int pixels,
                                                  int acc_stride, std::uint8_t* out) {
  const qmodel::Layer& l = *s.layer;
  const int C = l.out_channels();
  const __m256i top = _mm256_set1_epi64x((std::int64_t(1) << l.output_bits) - 1);
  const __m256i zero = _mm256_setzero_si256();
  alignas(32) std::int64_t tmp[4];
  for (int p = 0; p < pixels; ++p) {
    const std::int32_t* a = acc + std::size_t(p) * std::size_t(acc_stride);
    std::uint8_t* o = out + std::size_t(p) * std::size_t(C);
    for (int c = 0; c < C; c += 4) {
      const __m256i av = _mm256_cvtepi32_epi64(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a + c)));
      const __m256i mv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s.rq_mult.data() + c));
      const __m256i ov = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s.rq_offset.data() + c));
      const __m256i sv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s.rq_shift.data() + c));
      __m256i v = _mm256_add_epi64(_mm256_mul_epi32(av, mv), ov);
      v = _mm256_blendv_epi8(v, zero, _mm256_cmpgt_epi64(zero, v));
      v = _mm256_srlv_epi64(v, sv);
      v = _mm256_blendv_epi8(v, top, _mm256_cmpgt_epi64(v, top));
      _mm256_store_si256(reinterpret_cast<__m256i*>(tmp), v);
      for (int k = 0; k < 4 && c + k < C; ++k) o[c + k] = std::uint8_t(tmp[k]);
    }
  }
}

}  // namespace
#endif

void apply_stage(const PreparedStage& s, const std::int32_t* acc, int pixels, int acc_stride, std::uint8_t* out) {
  const qmodel::Layer& l = *s.layer;
#if defined(__x86_64__) || defined(__i386__)
  if (s.avx512 && l.output_kind == qmodel::OutputKind::kThresholds && !s.thresholds_t.empty())
    return thresholds_avx512(s, acc, pixels, acc_stride, out);
  if (s.avx2 && l.output_kind == qmodel::OutputKind::kThresholds && !s.thresholds_t.empty())
    return thresholds_avx2(s, acc, pixels, acc_stride, out);
  if (s.avx2 && l.output_kind == qmodel::OutputKind::kRequant) return requant_avx2(s, acc, pixels, acc_stride, out);
#endif
  if (l.output_kind == qmodel::OutputKind::kThresholds) apply_thresholds(l, acc, pixels, acc_stride, out);
  else apply_requant(l, acc, pixels, acc_stride, out);
}

void apply_logits(const qmodel::Layer& l, const std::int32_t* acc, std::int64_t* scores) {
  for (int c = 0; c < l.out_channels(); ++c)
    scores[c] = std::int64_t(acc[c]) * l.logit_mul[std::size_t(c)] + l.logit_add[std::size_t(c)];
}

}  // namespace dorefa::runtime
