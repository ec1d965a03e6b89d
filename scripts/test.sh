#!/usr/bin/env bash
# Command (2) of the README: set up, then run every test with ctest.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/scripts/setup.sh"
build_dir=${BUILD_DIR:-$root/build}
cd "$build_dir"
ctest --output-on-failure -j "${JOBS:-$(nproc)}" --timeout 1500 "$@"
