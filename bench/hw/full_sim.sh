#!/usr/bin/env bash
# Full evaluation of the accelerator for one model: compile, simulate all 10k MNIST test
# images with random stalls (bit-exact check against the CPU reference), synthesize with
# Yosys. Long (tens of minutes): run in the background, e.g.
#   nohup bench/hw/full_sim.sh runs/lenet-w1a2/model.dqm lenet-w1a2 > /dev/null 2>&1 &
# Usage: bench/hw/full_sim.sh MODEL.dqm [NAME] [extra `dorefa compile` args...]
# Output: runs/hw/NAME/{design/, sim.json, synth.json, full_sim.log}. DOREFA=path/to/dorefa
# picks the binary (default build/dorefa); IMAGES=N limits the simulation (default all).
# DOC_TABLE=NAME writes the measured tables into docs/hw.md between the markers of table
# NAME (scripts/write_doc_table.py): the doc's figures come from this script, not by hand.
# The default design's table: DOC_TABLE=hw-default bench/hw/full_sim.sh runs/lenet-w1a2/lenet-w1a2.dqm lenet-w1a2
# TABLE_ONLY=1 skips compile, simulation and synthesis and writes DOC_TABLE from the
# results already in runs/hw/NAME (e.g. after copying in a run made by hand).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
model=${1:?usage: full_sim.sh MODEL.dqm [NAME] [compile args...]}
name=${2:-$(basename "$model" .dqm)}
shift $(( $# >= 2 ? 2 : 1 ))
dorefa=${DOREFA:-$root/build/dorefa}
out=$root/runs/hw/$name
mkdir -p "$out"
log=$out/full_sim.log
[ -n "${TABLE_ONLY:-}" ] || : > "$log"
say() { echo "[$(date -u +%H:%M:%S)] $*" | tee -a "$log"; }

if [ -z "${TABLE_ONLY:-}" ]; then
say "compile $model -> $out/design"
"$dorefa" compile "$model" --out "$out/design" "$@" 2>&1 | tee -a "$log"
# Simulation (2 threads: harness + reference) and synthesis (1) overlap on 2 cores.
say "synth (background) -> $out/synth.json"
( "$dorefa" synth "$out/design" --results "$out/synth.json" > "$out/synth.log" 2>&1; echo "synth exit $?" >> "$out/synth.log" ) &
synth_pid=$!
say "simulate ${IMAGES:-all} images -> $out/sim.json"
"$dorefa" simulate "$out/design" --data mnist --images "${IMAGES:-0}" --results "$out/sim.json" \
  --allow-mismatch 2>&1 | tee -a "$log"
wait "$synth_pid" || true
cat "$out/synth.log" | tee -a "$log"
say "done: $out/sim.json $out/synth.json"
fi

if [ -n "${DOC_TABLE:-}" ]; then
  python3 - "$out/design/design.json" "$out/sim.json" "$out/synth.json" "$model" <<'PY' \
    | "$root/scripts/write_doc_table.py" "$root/docs/hw.md" "$DOC_TABLE" "bench/hw/full_sim.sh"
import json, sys
design, sim, synth = (json.load(open(p)) for p in sys.argv[1:4])
model = sys.argv[4]
fold = ", ".join(f"{l['layer']} PE {l['pe']} / SIMD {l['simd']}" for l in design["layers"] if "pe" in l)
r, pc, est = synth["resources"], synth["percent"], design["estimate"]
cells = synth.get("cells", {})
mhz = sim["clock_mhz"]
sta = synth.get("critical_path_ns")
print(f"Model `{model}` ({design['model']['name']}); folding: {fold}; ideal "
      f"{design['ideal_cycles_per_image']} cycles/image (bottleneck {design['bottleneck']}).\n")
print(f"| | measured (Verilator, {sim['images']:,} {sim['dataset']} images, random stalls) |")
print("| --- | --- |")
print(f"| bit-exact vs `run_reference` | {sim['mismatches']} mismatches in {sim['outputs_checked']:,} outputs (class and all scores) |")
print(f"| accuracy | {100 * sim['accuracy']:.2f} % (reference {100 * sim['reference_accuracy']:.2f} %) |")
print(f"| latency, empty pipeline | {sim['latency_cycles']} cycles = {sim['latency_us']:.1f} µs at {mhz:.0f} MHz |")
print(f"| steady state | {sim['steady_cycles_per_image']:.0f} cycles/image = {sim['steady_us_per_image']:.1f} µs = "
      f"{sim['fps']:,.0f} FPS at {mhz:.0f} MHz; {sim['ideal_over_measured']:.3f} of ideal |")
print()
print("| Yosys synth_xilinx | used | of XC7Z020 | cost model estimate |")
print("| --- | --- | --- | --- |")
print(f"| LUT | {r['lut']:,} | {pc['lut']:.1f} % | {est['lut']:,.0f} |")
print(f"| FF | {r['ff']:,} | {pc['ff']:.1f} % | {est['ff']:,.0f} |")
print(f"| BRAM36 (RAMB18 = 0.5) | {r['bram36_equivalent']:g} | {pc['bram36']:.1f} % | {est['bram36']:g} |")
print(f"| DSP48E1 | {r['dsp48e1']} | {pc['dsp48e1']:.1f} % | {est['dsp']:.0f} |")
if sta:
    print(f"| `sta` critical path (logic only, no routing) | {sta:.2f} ns | ~{1000 / sta:.0f} MHz | |")
PY
fi
