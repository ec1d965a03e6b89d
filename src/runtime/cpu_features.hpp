#pragma once
// Which instruction-set kernels this CPU can run. The runtime is built for the baseline
// ISA and picks faster kernels at run time, so one binary runs on every x86-64 (and the
// ARM build compiles the NEON kernels instead).
namespace dorefa::runtime {

struct CpuFeatures {
  bool avx2 = false;    // x86: 256-bit integer SIMD
  bool avxvnni = false; // x86: AVX-VNNI (fused int16 multiply-accumulate, vpdpwssd)
  bool popcnt = false;  // x86: hardware population count
  bool avx512f = false;           // x86: AVX-512 Foundation (16 int32 lanes, mask registers)
  bool avx512_vpopcntdq = false;  // x86: AVX-512 F + 64-bit lane popcount
  bool avx512_vnni = false;       // x86: AVX-512 F + VNNI (vpdpwssd on zmm)
  bool neon = false;    // ARM: Advanced SIMD (built with it, and AT_HWCAP says the CPU has it)
};

// Detected once. DOREFA_RUNTIME_GENERIC=1 in the environment reports none (to test and
// benchmark the portable kernels).
const CpuFeatures& cpu_features();

}  // namespace dorefa::runtime
