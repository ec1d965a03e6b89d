#!/usr/bin/env bash
# Runs the runtime benchmark and prints engine/torch images/s ratios at batch 1 and 256.
# Usage: [DOREFA_BENCH_THREADS=1] [BENCH_FILTER=regex] bench/runtime/run.sh [BUILD_DIR]
# (log and JSON under runs/bench-runtime/, one JSON per run: bench/runtime/ratios.py makes the
# docs table from them). On a shared machine use one thread and read the
# CPU-time ratios: wall-clock torch numbers collapse when its threads are descheduled.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:-$root/build}
out=$root/runs/bench-runtime
mkdir -p "$out"
cmake --build "$build" --target runtime_bench >/dev/null
threads=${DOREFA_BENCH_THREADS:-2}
json=$out/result-t$threads-$(date -u +%Y%m%dT%H%M%S).json
"$build/bench/runtime/runtime_bench" --benchmark_min_time=2 --benchmark_repetitions=3 \
  --benchmark_filter="${BENCH_FILTER:-.}" \
  --benchmark_report_aggregates_only=true --benchmark_out="$json" --benchmark_out_format=json \
  | tee "$out/log-t$threads.txt"
# Wall-clock rates, and with one thread also CPU-time rates (steadier on a loaded machine:
# the time the thread actually ran).
python3 - "$json" "$threads" <<'PY'
import json, sys
rows = {b["name"]: b for b in json.load(open(sys.argv[1]))["benchmarks"] if b.get("aggregate_name") == "median"}
threads = int(sys.argv[2])
def row(prefix, batch):
    for name, b in rows.items():
        if name.startswith(prefix) and f"/{batch}/" in name + "/":
            return b
    return None
print(f"\nmedian images/s, {threads} thread(s)")
for batch in (1, 256):
    t = row("BM_TorchFloat", batch)
    for model in ("w1a2", "w8a8"):
        e = row(f"BM_Engine/{model}", batch)
        line = f"batch {batch:>3} {model}: wall engine {e['images/s']:8.0f} torch {t['images/s']:8.0f} ratio {e['images/s'] / t['images/s']:5.2f}x"
        if threads == 1:
            ce, ct = batch * 1e9 / e["cpu_time"], batch * 1e9 / t["cpu_time"]
            line += f" | cpu engine {ce:8.0f} torch {ct:8.0f} ratio {ce / ct:5.2f}x"
        print(line)
PY
