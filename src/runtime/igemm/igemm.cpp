#include "runtime/igemm/igemm.hpp"

#include "runtime/cpu_features.hpp"

namespace dorefa::runtime::igemm {

PackedWeights pack(std::span<const std::int8_t> w, int out_channels, int fan_in) {
  PackedWeights p;
  p.out_channels = out_channels;
  p.channel_blocks = (out_channels + 7) / 8;
  p.fan_in = fan_in;
  p.fan_in_padded = (fan_in + 1) & ~1;
  const int pairs = p.fan_in_padded / 2;
  p.data.assign(std::size_t(p.channel_blocks) * std::size_t(pairs) * 16, 0);
  for (int o = 0; o < out_channels; ++o)
    for (int k = 0; k < fan_in; ++k)
      p.data[((std::size_t(o / 8) * std::size_t(pairs) + std::size_t(k / 2)) * 8 + std::size_t(o % 8)) * 2 +
             std::size_t(k % 2)] = w[std::size_t(o) * std::size_t(fan_in) + std::size_t(k)];
  return p;
}

PackedQuads pack_quads(std::span<const std::int8_t> w, int out_channels, int kernel, int channels) {
  PackedQuads p;
  const int run = kernel * channels;
  p.out_channels = out_channels;
  p.channel_blocks = (out_channels + 15) / 16;
  p.window_rows = kernel;
  p.row_quads = (run + 3) / 4;
  const std::size_t quads = std::size_t(kernel) * std::size_t(p.row_quads);
  p.data.assign(std::size_t(p.channel_blocks) * quads * 64, 0);
  for (int o = 0; o < out_channels; ++o)
    for (int ky = 0; ky < kernel; ++ky)
      for (int j = 0; j < run; ++j)
        p.data[((std::size_t(o / 16) * quads + std::size_t(ky) * std::size_t(p.row_quads) + std::size_t(j / 4)) * 16 +
                std::size_t(o % 16)) * 4 + std::size_t(j % 4)] =
            w[(std::size_t(o) * std::size_t(kernel) + std::size_t(ky)) * std::size_t(run) + std::size_t(j)];
  return p;
}

void gemm_reference(const PackedWeights& w, const std::int16_t* patches, int pixels, std::int32_t* acc) {
  const int pairs = w.fan_in_padded / 2;
  for (int p = 0; p < pixels; ++p) {
    const std::int16_t* a = patches + std::size_t(p) * std::size_t(w.fan_in_padded);
    for (int o = 0; o < w.acc_stride(); ++o) {
      const std::int16_t* wb = w.data.data() + std::size_t(o / 8) * std::size_t(pairs) * 16 + std::size_t(o % 8) * 2;
      std::int32_t sum = 0;
      for (int k2 = 0; k2 < pairs; ++k2) sum += a[2 * k2] * wb[k2 * 16] + a[2 * k2 + 1] * wb[k2 * 16 + 1];
      acc[std::size_t(p) * std::size_t(w.acc_stride()) + std::size_t(o)] = sum;
    }
  }
}

GemmFn select(bool simd, std::string* name) {
  auto named = [&](GemmFn f, const char* n) {
    if (name) *name = n;
    return f;
  };
#if defined(__x86_64__) || defined(__i386__)
  if (simd && cpu_features().avx512_vnni) return named(gemm_avx512vnni, "igemm-avx512vnni");
  if (simd && cpu_features().avx2 && cpu_features().avxvnni) return named(gemm_avxvnni, "igemm-avxvnni");
  if (simd && cpu_features().avx2) return named(gemm_avx2, "igemm-avx2");
#endif
#if defined(__ARM_NEON)
  if (simd && cpu_features().neon) return named(gemm_neon, "igemm-neon");
#endif
  (void)simd;
  return named(gemm_reference, "igemm-generic");
}

}  // namespace dorefa::runtime::igemm
