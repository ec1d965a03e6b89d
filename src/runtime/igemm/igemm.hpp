#pragma once
// Integer GEMM for conv/dense layers with wide weights or activations (8-bit weights,
// 3..8-bit levels): acc[p][o] = sum_k patch[p][k] * w[o][k], int16 operands, int32 sums.
// int16 x int16 multiply-adds never saturate (|w| <= 127, levels <= 255), unlike the
// u8 x s8 `maddubs` path whose int16 pair sums overflow at 255 * 127 * 2.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace dorefa::runtime::igemm {

// Weights packed for the kernels: blocks of 8 output channels, and within a block the
// fan-in in pairs: data[cb][k/2][o%8][k%2]. Padding channels and the odd tail weight are 0.
struct PackedWeights {
  int out_channels = 0;
  int channel_blocks = 0;  // ceil(out_channels / 8)
  int fan_in = 0;
  int fan_in_padded = 0;   // fan_in rounded up to even: the patch row stride
  std::vector<std::int16_t> data;
  int acc_stride() const { return channel_blocks * 8; }
};

// `w` is [out_channels][fan_in] (the model's layout for conv and dense alike).
PackedWeights pack(std::span<const std::int8_t> w, int out_channels, int fan_in);

// patches: `pixels` rows of fan_in_padded int16 (padding columns 0); acc: `pixels` rows of
// acc_stride() int32 (columns past out_channels are scratch).
using GemmFn = void (*)(const PackedWeights& w, const std::int16_t* patches, int pixels, std::int32_t* acc);

void gemm_reference(const PackedWeights& w, const std::int16_t* patches, int pixels, std::int32_t* acc);
#if defined(__x86_64__) || defined(__i386__)
void gemm_avx2(const PackedWeights& w, const std::int16_t* patches, int pixels, std::int32_t* acc);
void gemm_avxvnni(const PackedWeights& w, const std::int16_t* patches, int pixels, std::int32_t* acc);
// AVX-512 VNNI: 16 channels per zmm, tiles of 8 pixels (batched rows fill them).
void gemm_avx512vnni(const PackedWeights& w, const std::int16_t* patches, int pixels, std::int32_t* acc);
// The same kernel on a conv's windows read in place (no im2col): pixel p's window is
// `window_rows` runs of K*C int16 (padded to even, see pack_direct), `row_stride` int16
// apart, from pixel_rows[p], in a widened (int16), zero-padded copy of the input. Each run
// may read one int16 past its end (an odd K*C), multiplied by a zero weight.
void gemm_avx512vnni_direct(const PackedWeights& w, const std::int16_t* const* pixel_rows, int pixels,
                            int window_rows, int row_stride, std::int32_t* acc);
#endif

// Weights for gemm_avx512vnni_direct: a K x K conv over C channels, each window row's K*C
// weights padded to an even count with a zero, so that every int16 pair of the kernel lies
// within one window row (fan_in = K * that even count).
PackedWeights pack_direct(std::span<const std::int8_t> w, int out_channels, int kernel, int channels);
#if defined(__ARM_NEON)
void gemm_neon(const PackedWeights& w, const std::int16_t* patches, int pixels, std::int32_t* acc);
#endif

// The fastest kernel this CPU runs (`simd` false: the reference), and its name.
GemmFn select(bool simd, std::string* name = nullptr);

}  // namespace dorefa::runtime::igemm
