#include "runtime/cpu_features.hpp"

#include <cstdlib>
#include <cstring>

namespace dorefa::runtime {

const CpuFeatures& cpu_features() {
  static const CpuFeatures f = [] {
    CpuFeatures c;
    const char* generic = std::getenv("DOREFA_RUNTIME_GENERIC");
    if (generic && std::strcmp(generic, "0") != 0 && *generic) return c;
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    c.avx2 = __builtin_cpu_supports("avx2");
    c.avxvnni = __builtin_cpu_supports("avxvnni");
    c.popcnt = __builtin_cpu_supports("popcnt");
    c.avx512_vpopcntdq = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vpopcntdq");
#endif
#if defined(__ARM_NEON)
    c.neon = true;
#endif
    return c;
  }();
  return f;
}

}  // namespace dorefa::runtime
