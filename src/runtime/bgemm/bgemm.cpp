#include "runtime/bgemm/bgemm.hpp"

#include <type_traits>

#include <bit>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
// GCC 12's AVX-512 headers start masked intrinsics from _mm512_undefined_*(), which it then
// reports as "may be used uninitialized" in our code; a known false positive.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#endif

#if defined(__ARM_NEON)
#include <arm_neon.h>
#endif

#include "runtime/cpu_features.hpp"

namespace dorefa::runtime::bgemm {
namespace {

// One body, compiled twice: for the baseline ISA and with the popcnt instruction. Both
// activation planes are AND-ed with the same weight word while it is in a register.
template <int AP>
inline __attribute__((always_inline)) void gemm_body(const PackedWeights& w, const std::uint64_t* patches,
                                                     const std::int32_t* sums, int pixels, std::int32_t* acc,
                                                     int acc_stride) {
  const int W = w.words, Q = w.weight_planes;
  for (int p = 0; p < pixels; ++p) {
    const std::uint64_t* a = patches + std::size_t(p) * std::size_t(AP) * std::size_t(W);
    const std::int32_t bias = -w.offset * sums[p];
    std::int32_t* out = acc + std::size_t(p) * std::size_t(acc_stride);
    for (int o = 0; o < w.out_channels; ++o) {
      const std::uint64_t* u = w.planes.data() + std::size_t(o) * std::size_t(Q) * std::size_t(W);
      std::int32_t sum = 0;
      for (int q = 0; q < Q; ++q) {
        std::int32_t c[AP] = {};
        for (int i = 0; i < W; ++i) {
          const std::uint64_t uw = u[q * W + i];
          for (int ap = 0; ap < AP; ++ap) c[ap] += std::popcount(uw & a[ap * W + i]);
        }
        for (int ap = 0; ap < AP; ++ap) sum += c[ap] << (q + ap + 1);
      }
      out[o] = sum + bias;
    }
  }
}

#if defined(__x86_64__) || defined(__i386__)
template <int AP>
__attribute__((target("avx512f,avx512vpopcntdq"))) void gemm_avx512_t(const PackedWeights& w,
                                                                      const std::uint64_t* patches,
                                                                      const std::int32_t* sums, int pixels,
                                                                      std::int32_t* acc, int acc_stride) {
  const int W = w.words, Q = w.weight_planes, OB = (w.out_channels + 7) / 8;
  int p = 0;
  // Pairs of pixels: each weight vector loaded once for both (batched rows make pairs common).
  for (; p + 2 <= pixels; p += 2) {
    const std::uint64_t* a0 = patches + std::size_t(p) * std::size_t(AP) * std::size_t(W);
    const std::uint64_t* a1 = a0 + std::size_t(AP) * std::size_t(W);
    const __m512i bias0 = _mm512_set1_epi64(-std::int64_t(w.offset) * sums[p]);
    const __m512i bias1 = _mm512_set1_epi64(-std::int64_t(w.offset) * sums[p + 1]);
    std::int32_t* out0 = acc + std::size_t(p) * std::size_t(acc_stride);
    std::int32_t* out1 = out0 + acc_stride;
    for (int ob = 0; ob < OB; ++ob) {
      const std::uint64_t* wb = w.planes8.data() + std::size_t(ob) * std::size_t(Q) * std::size_t(W) * 8;
      __m512i total0 = bias0, total1 = bias1;
      for (int q = 0; q < Q; ++q) {
        __m512i c0[AP], c1[AP];
        for (int ap = 0; ap < AP; ++ap) c0[ap] = c1[ap] = _mm512_setzero_si512();
        for (int i = 0; i < W; ++i) {
          const __m512i wv = _mm512_loadu_si512(wb + (std::size_t(q) * std::size_t(W) + std::size_t(i)) * 8);
          for (int ap = 0; ap < AP; ++ap) {
            c0[ap] = _mm512_add_epi64(c0[ap], _mm512_popcnt_epi64(_mm512_and_si512(wv, _mm512_set1_epi64(std::int64_t(a0[ap * W + i])))));
            c1[ap] = _mm512_add_epi64(c1[ap], _mm512_popcnt_epi64(_mm512_and_si512(wv, _mm512_set1_epi64(std::int64_t(a1[ap * W + i])))));
          }
        }
        for (int ap = 0; ap < AP; ++ap) {
          total0 = _mm512_add_epi64(total0, _mm512_sll_epi64(c0[ap], _mm_cvtsi32_si128(q + ap + 1)));
          total1 = _mm512_add_epi64(total1, _mm512_sll_epi64(c1[ap], _mm_cvtsi32_si128(q + ap + 1)));
        }
      }
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out0 + ob * 8), _mm512_cvtepi64_epi32(total0));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out1 + ob * 8), _mm512_cvtepi64_epi32(total1));
    }
  }
  for (; p < pixels; ++p) {
    const std::uint64_t* a = patches + std::size_t(p) * std::size_t(AP) * std::size_t(W);
    const __m512i bias = _mm512_set1_epi64(-std::int64_t(w.offset) * sums[p]);
    std::int32_t* out = acc + std::size_t(p) * std::size_t(acc_stride);
    for (int ob = 0; ob < OB; ++ob) {
      const std::uint64_t* wb = w.planes8.data() + std::size_t(ob) * std::size_t(Q) * std::size_t(W) * 8;
      __m512i total = bias;
      for (int q = 0; q < Q; ++q) {
        __m512i cnt[AP];
        for (int ap = 0; ap < AP; ++ap) cnt[ap] = _mm512_setzero_si512();
        for (int i = 0; i < W; ++i) {
          const __m512i wv = _mm512_loadu_si512(wb + (std::size_t(q) * std::size_t(W) + std::size_t(i)) * 8);
          for (int ap = 0; ap < AP; ++ap)
            cnt[ap] = _mm512_add_epi64(
                cnt[ap], _mm512_popcnt_epi64(_mm512_and_si512(wv, _mm512_set1_epi64(std::int64_t(a[ap * W + i])))));
        }
        for (int ap = 0; ap < AP; ++ap) total = _mm512_add_epi64(total, _mm512_sll_epi64(cnt[ap], _mm_cvtsi32_si128(q + ap + 1)));
      }
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + ob * 8), _mm512_cvtepi64_epi32(total));
    }
  }
}
#endif

#if defined(__ARM_NEON)
// 32-bit ARM has no scalar popcount (std::popcount becomes a libgcc call): vcnt counts the
// bits of each byte, vpadal adds byte pairs into 8 uint16 lanes. A lane gains at most 16
// per 128-bit step, so it is widened to 32 bits every kChunk steps (4095 * 16 < 65536).
inline std::uint32_t popcount64_neon(std::uint64_t x) {
  return std::uint32_t(vget_lane_u64(vpaddl_u32(vpaddl_u16(vpaddl_u8(vcnt_u8(vcreate_u8(x))))), 0));
}

// The pixel/channel/plane loops are gemm_body's; kept apart because the inner loop is not:
// NEON counts 128 bits at a time into uint16 lanes that must be widened every kChunk steps.
template <int AP>
void gemm_neon_t(const PackedWeights& w, const std::uint64_t* patches, const std::int32_t* sums, int pixels,
                 std::int32_t* acc, int acc_stride) {
  constexpr int kChunk = 4095;  // 128-bit steps per uint16 accumulation
  const int W = w.words, Q = w.weight_planes;
  for (int p = 0; p < pixels; ++p) {
    const std::uint64_t* a = patches + std::size_t(p) * std::size_t(AP) * std::size_t(W);
    const std::int32_t bias = -w.offset * sums[p];
    std::int32_t* out = acc + std::size_t(p) * std::size_t(acc_stride);
    for (int o = 0; o < w.out_channels; ++o) {
      const std::uint64_t* u = w.planes.data() + std::size_t(o) * std::size_t(Q) * std::size_t(W);
      std::int32_t sum = 0;
      for (int q = 0; q < Q; ++q) {
        const std::uint64_t* uq = u + std::size_t(q) * std::size_t(W);
        uint32x4_t c32[AP];
        for (int ap = 0; ap < AP; ++ap) c32[ap] = vdupq_n_u32(0);
        int i = 0;
        while (i + 2 <= W) {
          uint16x8_t c16[AP];
          for (int ap = 0; ap < AP; ++ap) c16[ap] = vdupq_n_u16(0);
          for (int step = 0; step < kChunk && i + 2 <= W; ++step, i += 2) {
            const uint8x16_t uw = vld1q_u8(reinterpret_cast<const std::uint8_t*>(uq + i));
            for (int ap = 0; ap < AP; ++ap)
              c16[ap] = vpadalq_u8(
                  c16[ap], vcntq_u8(vandq_u8(uw, vld1q_u8(reinterpret_cast<const std::uint8_t*>(a + ap * W + i)))));
          }
          for (int ap = 0; ap < AP; ++ap) c32[ap] = vpadalq_u16(c32[ap], c16[ap]);
        }
        for (int ap = 0; ap < AP; ++ap) {
          const uint64x2_t c64 = vpaddlq_u32(c32[ap]);
          std::uint32_t c = std::uint32_t(vgetq_lane_u64(c64, 0) + vgetq_lane_u64(c64, 1));
          if (i < W) c += popcount64_neon(uq[i] & a[ap * W + i]);  // odd word count: the last word
          sum += std::int32_t(c) << (q + ap + 1);
        }
      }
      out[o] = sum + bias;
    }
  }
}
#endif

// gemm_generic_t and gemm_popcnt_t are the same one-line body on purpose: the same
// template compiled twice, once for any CPU and once (x86) with the popcnt target attribute.
template <int AP>
void gemm_generic_t(const PackedWeights& w, const std::uint64_t* patches, const std::int32_t* sums, int pixels,
                    std::int32_t* acc, int acc_stride) {
  gemm_body<AP>(w, patches, sums, pixels, acc, acc_stride);
}

#if defined(__x86_64__) || defined(__i386__)
template <int AP>
__attribute__((target("popcnt"))) void gemm_popcnt_t(const PackedWeights& w, const std::uint64_t* patches,
                                                     const std::int32_t* sums, int pixels, std::int32_t* acc,
                                                     int acc_stride) {
  gemm_body<AP>(w, patches, sums, pixels, acc, acc_stride);
}
#endif

}  // namespace

PackedWeights pack(std::span<const std::int8_t> w, int out_channels, int fan_in, int weight_bits) {
  PackedWeights p;
  p.out_channels = out_channels;
  p.fan_in = fan_in;
  p.words = (fan_in + 63) / 64;
  p.weight_planes = weight_bits;
  p.offset = (1 << weight_bits) - 1;
  p.planes.assign(std::size_t(out_channels) * std::size_t(weight_bits) * std::size_t(p.words), 0);
  for (int o = 0; o < out_channels; ++o)
    for (int i = 0; i < fan_in; ++i) {
      const int u = (w[std::size_t(o) * std::size_t(fan_in) + std::size_t(i)] + p.offset) / 2;
      for (int q = 0; q < weight_bits; ++q)
        if ((u >> q) & 1)
          p.planes[(std::size_t(o) * std::size_t(weight_bits) + std::size_t(q)) * std::size_t(p.words) + std::size_t(i / 64)] |=
              std::uint64_t(1) << (i % 64);
    }
  const int OB = (out_channels + 7) / 8;
  p.planes8.assign(std::size_t(OB) * std::size_t(weight_bits) * std::size_t(p.words) * 8, 0);
  for (int o = 0; o < out_channels; ++o)
    for (int q = 0; q < weight_bits; ++q)
      for (int i = 0; i < p.words; ++i)
        p.planes8[((std::size_t(o / 8) * std::size_t(weight_bits) + std::size_t(q)) * std::size_t(p.words) + std::size_t(i)) * 8 +
                  std::size_t(o % 8)] =
            p.planes[(std::size_t(o) * std::size_t(weight_bits) + std::size_t(q)) * std::size_t(p.words) + std::size_t(i)];
  return p;
}

// act_planes (1..4, the activation bit planes) picks a kernel template's instantiation:
// `call` is a generic lambda that instantiates the kernel at the constant it is given.
template <class Call>
void dispatch_act_planes(int act_planes, const Call& call) {
  switch (act_planes) {
    case 1: return call(std::integral_constant<int, 1>{});
    case 2: return call(std::integral_constant<int, 2>{});
    case 3: return call(std::integral_constant<int, 3>{});
    default: return call(std::integral_constant<int, 4>{});
  }
}
void gemm_generic(const PackedWeights& w, const std::uint64_t* patches, int act_planes, const std::int32_t* sums,
                  int pixels, std::int32_t* acc, int acc_stride) {
  dispatch_act_planes(act_planes, [&](auto planes) { gemm_generic_t<planes()>(w, patches, sums, pixels, acc, acc_stride); });
}

#if defined(__x86_64__) || defined(__i386__)
void gemm_popcnt(const PackedWeights& w, const std::uint64_t* patches, int act_planes, const std::int32_t* sums,
                 int pixels, std::int32_t* acc, int acc_stride) {
  dispatch_act_planes(act_planes, [&](auto planes) { gemm_popcnt_t<planes()>(w, patches, sums, pixels, acc, acc_stride); });
}
#endif

#if defined(__x86_64__) || defined(__i386__)
void gemm_avx512(const PackedWeights& w, const std::uint64_t* patches, int act_planes, const std::int32_t* sums,
                 int pixels, std::int32_t* acc, int acc_stride) {
  dispatch_act_planes(act_planes, [&](auto planes) { gemm_avx512_t<planes()>(w, patches, sums, pixels, acc, acc_stride); });
}
#endif

#if defined(__ARM_NEON)
void gemm_neon(const PackedWeights& w, const std::uint64_t* patches, int act_planes, const std::int32_t* sums,
               int pixels, std::int32_t* acc, int acc_stride) {
  dispatch_act_planes(act_planes, [&](auto planes) { gemm_neon_t<planes()>(w, patches, sums, pixels, acc, acc_stride); });
}
#endif

GemmFn select(bool simd, std::string* name) {
#if defined(__x86_64__) || defined(__i386__)
  if (simd && cpu_features().avx512_vpopcntdq) {
    if (name) *name = "bgemm-avx512";
    return gemm_avx512;
  }
  if (simd && cpu_features().popcnt) {
    if (name) *name = "bgemm-popcnt";
    return gemm_popcnt;
  }
#endif
#if defined(__ARM_NEON)
  if (simd && cpu_features().neon) {
    if (name) *name = "bgemm-neon";
    return gemm_neon;
  }
#endif
  (void)simd;
  if (name) *name = "bgemm-generic";
  return gemm_generic;
}

}  // namespace dorefa::runtime::bgemm
