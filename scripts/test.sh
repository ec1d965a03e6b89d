#!/usr/bin/env bash
# Command (2) of the README: set up, then run every test with ctest.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/scripts/setup.sh"
build_dir=${BUILD_DIR:-$root/build}
arm_build_dir=${ARM_BUILD_DIR:-$root/build-armhf}
status=0
# The bundle tests (tests/board/) put the armhf host program into a bundle and run it under qemu-arm.
[ "$arm_build_dir" = none ] || export DOREFA_ARMHF_HOST=${DOREFA_ARMHF_HOST:-$arm_build_dir/src/board/dorefa-board}
(cd "$build_dir" && ctest --output-on-failure -j "${JOBS:-$(nproc)}" --timeout 1500 "$@") || status=$?
# The ARM runtime's tests, each binary run through qemu-arm as a Cortex-A9.
if [ "$arm_build_dir" != none ]; then
  echo "[test] ARM runtime under qemu-arm ($arm_build_dir)" >&2
  (cd "$arm_build_dir" && ctest --output-on-failure -j "${JOBS:-$(nproc)}" --timeout 1500 "$@") || status=$?
fi
exit "$status"
