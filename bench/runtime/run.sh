#!/usr/bin/env bash
# Runs the runtime benchmark and prints engine/torch images/s ratios at batch 1 and 256.
# Usage: bench/runtime/run.sh [BUILD_DIR]   (log and JSON under runs/bench-runtime/)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:-$root/build}
out=$root/runs/bench-runtime
mkdir -p "$out"
cmake --build "$build" --target runtime_bench >/dev/null
"$build/bench/runtime/runtime_bench" --benchmark_min_time=2 --benchmark_repetitions=3 \
  --benchmark_report_aggregates_only=true --benchmark_out="$out/result.json" --benchmark_out_format=json \
  | tee "$out/log.txt"
python3 - "$out/result.json" <<'PY'
import json, sys
rows = {b["name"]: b for b in json.load(open(sys.argv[1]))["benchmarks"] if b.get("aggregate_name") == "median"}
def rate(prefix, batch):
    for name, b in rows.items():
        if name.startswith(prefix) and f"/{batch}/" in name + "/":
            return b["images/s"]
    return None
print("\nmedian images/s (threads: $DOREFA_BENCH_THREADS or 2)")
for batch in (1, 256):
    torch = rate("BM_TorchFloat", batch)
    for model in ("w1a2", "w8a8"):
        eng = rate(f"BM_Engine/{model}", batch)
        print(f"batch {batch:>3} {model}: engine {eng:10.0f}  torch float {torch:10.0f}  ratio {eng / torch:5.2f}x")
PY
