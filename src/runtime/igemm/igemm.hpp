#pragma once
// Integer GEMM for conv/dense layers with wide weights or activations (8-bit weights,
// 3..8-bit levels): acc[p][o] = sum_k patch[p][k] * w[o][k], int16 operands, int32 sums.
// int16 x int16 multiply-adds never saturate (|w| <= 127, levels <= 255), unlike the
// u8 x s8 `maddubs` path whose int16 pair sums overflow at 255 * 127 * 2. AVX-512 VNNI's
// vpdpbusd adds four u8 x s8 products straight into int32 with no 16-bit sum, so the
// direct conv kernel below takes the levels as bytes, as they are stored.
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

// Weights for gemm_avx512vnni_u8_direct: a K x K conv over C channels in blocks of 16 output
// channels, each window row's K*C weights padded with zeros to a multiple of 4 so that no
// quad straddles two window rows: data[cb][ky][quad][o%16][4] int8. Padding channels are 0.
struct PackedQuads {
  int out_channels = 0;
  int channel_blocks = 0;  // ceil(out_channels / 16)
  int window_rows = 0;     // K
  int row_quads = 0;       // ceil(K * C / 4)
  std::vector<std::int8_t> data;
  int acc_stride() const { return channel_blocks * 16; }
};
PackedQuads pack_quads(std::span<const std::int8_t> w, int out_channels, int kernel, int channels);

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
// Convs on AVX-512 VNNI, read in place (no im2col) with vpdpbusd: 4 uint8 levels times 4
// int8 weights summed straight into int32 (no 16-bit intermediate sum to saturate, unlike
// maddubs). Pixel p's window is `window_rows` runs of K*C levels, `row_stride` bytes apart,
// from pixel_rows[p], in a zero-padded copy of the input (pad_input); a run is read in
// quads and may read up to 3 bytes past its end, multiplied by zero weights.
void gemm_avx512vnni_u8_direct(const PackedQuads& w, const std::uint8_t* const* pixel_rows, int pixels,
                               int row_stride, std::int32_t* acc);
#endif
#if defined(__ARM_NEON)
void gemm_neon(const PackedWeights& w, const std::int16_t* patches, int pixels, std::int32_t* acc);
#endif

// The fastest kernel this CPU runs (`simd` false: the reference), and its name.
GemmFn select(bool simd, std::string* name = nullptr);

}  // namespace dorefa::runtime::igemm
