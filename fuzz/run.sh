#!/usr/bin/env bash
# Builds the .dqm loader fuzzer with clang (libFuzzer + ASan + UBSan, outside the g++ CMake
# build) and runs it. Usage: fuzz/run.sh [SECONDS]   (default 600; logs under runs/fuzz/)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
seconds=${1:-600}
out=$root/runs/fuzz
mkdir -p "$out/bin" "$out/corpus" "$out/seeds" "$out/crashes"
src=$root/src
common=(-std=c++20 -I"$src" -g)
lib_sources=(
  "$src/util/error.cpp" "$src/util/sha256.cpp" "$src/util/atomic_file.cpp"
  "$src/qmodel/validate.cpp" "$src/qmodel/model_file.cpp"
  "$src/runtime/reference.cpp" "$src/runtime/engine.cpp" "$src/runtime/cpu_features.cpp"
  "$src/runtime/im2col.cpp" "$src/runtime/output_stage.cpp"
  "$src/runtime/igemm/igemm.cpp" "$src/runtime/igemm/kernels_x86.cpp" "$src/runtime/igemm/kernels_arm.cpp"
  "$src/runtime/bgemm/bgemm.cpp")
echo "building fuzzer (clang++ -fsanitize=fuzzer,address,undefined)"
clang++ "${common[@]}" -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  "$root/fuzz/load_model_fuzzer.cpp" "${lib_sources[@]}" -lfmt -lpthread -o "$out/bin/load_model_fuzzer"
echo "building seed generator"
clang++ "${common[@]}" -O2 "$root/fuzz/make_seeds.cpp" "${lib_sources[@]}" "$src/qmodel/synthetic.cpp" \
  "$src/data/"{idx,dataset,registry,split,augment}.cpp -lfmt -lz -lpthread -o "$out/bin/make_seeds"
"$out/bin/make_seeds" "$out/seeds"
cd "$out/crashes"
"$out/bin/load_model_fuzzer" -max_total_time="$seconds" -max_len=65536 -print_final_stats=1 \
  -artifact_prefix="$out/crashes/" "$out/corpus" "$out/seeds" 2>&1 | tee "$out/fuzz.log" | grep -E "^#[0-9]+ +(pulse|DONE|NEW)" | tail -n 3 || true
grep -E "stat::number_of_executed_units|stat::peak_rss_mb|ERROR|SUMMARY" "$out/fuzz.log" || true
ls "$out/crashes" | grep -E '^(crash|leak|timeout|oom)-' && { echo "crashes found"; exit 1; } || echo "no crashes"
