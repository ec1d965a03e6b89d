#pragma once
// Bit-serial GEMM for low-bit layers (binary or 2-bit DoReFa weights, 1..2-bit levels):
// weights and activations are split into bit-planes and multiplied with AND + popcount.
//
// A DoReFa k-bit weight is w = 2u - (2^k - 1) with u = sum_q 2^q u_q (binary: k = 1,
// w = 2u - 1 = +-1), an activation level a = sum_p 2^p a_p, so
//   sum_i w_i a_i = sum_q sum_p 2^(q+p+1) popcount(u_q AND a_p) - (2^k - 1) sum_i a_i,
// (for k = 1: sum_p 2^p (2 popcount(u AND a_p) - popcount(a_p)), as in XNOR/DoReFa-Net
// bit-serial kernels). The window sum sum_i a_i is shared by all output channels, and
// zero padding (a = 0) contributes nothing to either term.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace dorefa::runtime::bgemm {

struct PackedWeights {
  int out_channels = 0;
  int fan_in = 0;
  int words = 0;          // ceil(fan_in / 64): 64-bit words per bit-plane row
  int weight_planes = 0;  // k
  std::int32_t offset = 0;  // 2^k - 1
  std::vector<std::uint64_t> planes;  // [o][q][words]; bits past fan_in are 0
  std::vector<std::uint64_t> planes8;  // [o/8][q][words][o%8]: 8 channels per vector (AVX-512)
};

// `w` [out_channels][fan_in] with values 2u - (2^k - 1) (binary: k = 1).
PackedWeights pack(std::span<const std::int8_t> w, int out_channels, int fan_in, int weight_bits);

// patches: `pixels` rows of act_planes x words uint64 (plane p of the window, bit i = bit p
// of activation i); sums: window sums per pixel. acc: `pixels` rows of `acc_stride` int32.
using GemmFn = void (*)(const PackedWeights& w, const std::uint64_t* patches, int act_planes,
                        const std::int32_t* sums, int pixels, std::int32_t* acc, int acc_stride);

void gemm_generic(const PackedWeights& w, const std::uint64_t* patches, int act_planes, const std::int32_t* sums,
                  int pixels, std::int32_t* acc, int acc_stride);
#if defined(__x86_64__) || defined(__i386__)
void gemm_popcnt(const PackedWeights& w, const std::uint64_t* patches, int act_planes, const std::int32_t* sums,
                 int pixels, std::int32_t* acc, int acc_stride);
// AVX-512 VPOPCNTDQ: 8 output channels per vector, one activation word broadcast.
void gemm_avx512(const PackedWeights& w, const std::uint64_t* patches, int act_planes, const std::int32_t* sums,
                 int pixels, std::int32_t* acc, int acc_stride);
#endif
#if defined(__ARM_NEON)
// NEON (the board's Cortex-A9): 128 bits of one channel's plane per step, vcnt byte counts.
void gemm_neon(const PackedWeights& w, const std::uint64_t* patches, int act_planes, const std::int32_t* sums,
               int pixels, std::int32_t* acc, int acc_stride);
#endif

GemmFn select(bool simd, std::string* name = nullptr);

// Appends the low `n` (<= 64) bits of `bits` at bit offset `at` of a zeroed word array.
inline void append_bits(std::uint64_t* dst, std::size_t at, std::uint64_t bits, int n) {
  if (n == 0) return;
  const std::size_t word = at / 64;
  const int off = int(at % 64);
  dst[word] |= bits << off;
  if (off + n > 64) dst[word + 1] |= bits >> (64 - off);
}

}  // namespace dorefa::runtime::bgemm
