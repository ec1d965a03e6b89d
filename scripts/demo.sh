#!/usr/bin/env bash
# Command (1) of the README: set up, then run the main job on the built-in default (MNIST).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/scripts/setup.sh"
build_dir=${BUILD_DIR:-$root/build}
exec "$build_dir/dorefa" run "$@"
