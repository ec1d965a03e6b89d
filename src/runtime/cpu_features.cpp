#include "runtime/cpu_features.hpp"

#include <cstdlib>
#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif
#if defined(__ARM_NEON) && defined(__arm__) && defined(__linux__)
#include <asm/hwcap.h>
#include <sys/auxv.h>
#endif

namespace dorefa::runtime {

const CpuFeatures& cpu_features() {
  static const CpuFeatures f = [] {
    CpuFeatures c;
    const char* generic = std::getenv("DOREFA_RUNTIME_GENERIC");
    if (generic && std::strcmp(generic, "0") != 0 && *generic) return c;
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    c.avx2 = __builtin_cpu_supports("avx2");
    // AVX-VNNI: CPUID leaf 7 sub-leaf 1, EAX bit 4 (GCC 12 knows the name, clang 14 does not).
    unsigned a = 0, b = 0, cx = 0, d = 0;
    c.avxvnni = c.avx2 && __get_cpuid_count(7, 1, &a, &b, &cx, &d) && ((a >> 4) & 1u);
    c.popcnt = __builtin_cpu_supports("popcnt");
    c.avx512f = __builtin_cpu_supports("avx512f");
    c.avx512_vpopcntdq = c.avx512f && __builtin_cpu_supports("avx512vpopcntdq");
    c.avx512_vnni = c.avx512f && __builtin_cpu_supports("avx512vnni");
#endif
#if defined(__ARM_NEON) && defined(__arm__) && defined(__linux__)
    // 32-bit ARM: NEON is optional (a Cortex-A9 may lack it), so ask the kernel. The
    // binary is built with -mfpu=neon, so without NEON it would fail before getting here;
    // the check keeps the kernel choice honest on a CPU that reports otherwise.
    c.neon = (getauxval(AT_HWCAP) & HWCAP_NEON) != 0;
#elif defined(__ARM_NEON)
    c.neon = true;  // AArch64: Advanced SIMD is part of the base ISA
#endif
    return c;
  }();
  return f;
}

}  // namespace dorefa::runtime
