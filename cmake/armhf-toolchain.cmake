# Cross build for the PYNQ-Z2's Cortex-A9 (armv7-a, NEON, hard float) with Debian's armhf
# cross compiler (g++-arm-linux-gnueabihf); tests run through qemu-arm (qemu-user).
#   cmake -S . -B build-armhf -G Ninja -DCMAKE_TOOLCHAIN_FILE=cmake/armhf-toolchain.cmake
# Cross-compiling turns DOREFA_RUNTIME_ONLY on: util, data, qmodel, runtime and their
# tests, no libtorch, Verilator or Yosys. See docs/runtime.md ("ARM build").
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR armv7l)

set(DOREFA_ARMHF_TRIPLE arm-linux-gnueabihf)
set(CMAKE_C_COMPILER ${DOREFA_ARMHF_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${DOREFA_ARMHF_TRIPLE}-g++)

# The Zynq-7020's Cortex-A9: NEON (its integer SIMD is what the NEON kernels use), VFPv3,
# hard-float ABI (the PYNQ v2.6 image is Ubuntu 18.04 armhf).
set(DOREFA_ARMHF_FLAGS "-mcpu=cortex-a9 -mfpu=neon -mfloat-abi=hard")
# -Wno-psabi: GCC notes that std::map iterators are passed differently than before GCC 7.1;
# irrelevant to a static binary that links nothing built by an older compiler.
string(APPEND DOREFA_ARMHF_FLAGS " -Wno-psabi")
set(CMAKE_C_FLAGS_INIT "${DOREFA_ARMHF_FLAGS}")
set(CMAKE_CXX_FLAGS_INIT "${DOREFA_ARMHF_FLAGS}")
# Fully static: the cross glibc is 2.36 but the board's is 2.27, so a dynamically linked
# binary would need GLIBC_2.34 symbols the board does not have (docs/runtime.md).
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")

# Libraries and headers for the target come from the cross sysroot only; host tools run.
set(CMAKE_FIND_ROOT_PATH /usr/${DOREFA_ARMHF_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# ctest and gtest_discover_tests run the test binaries through qemu, as a Cortex-A9 (so an
# instruction the board lacks, e.g. VFPv4 fused multiply-add or integer divide, traps).
# -L: the sysroot, for any dynamically linked helper (our binaries are static).
find_program(DOREFA_QEMU_ARM NAMES qemu-arm qemu-arm-static)
if(DOREFA_QEMU_ARM)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${DOREFA_QEMU_ARM} -cpu cortex-a9 -L /usr/${DOREFA_ARMHF_TRIPLE})
endif()
