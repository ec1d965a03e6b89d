#!/usr/bin/env bash
# Full evaluation of the accelerator for one model: compile, simulate all 10k MNIST test
# images with random stalls (bit-exact check against the CPU reference), synthesize with
# Yosys. Long (tens of minutes): run in the background, e.g.
#   nohup bench/hw/full_sim.sh runs/lenet-w1a2/model.dqm lenet-w1a2 > /dev/null 2>&1 &
# Usage: bench/hw/full_sim.sh MODEL.dqm [NAME] [extra `dorefa compile` args...]
# Output: runs/hw/NAME/{design/, sim.json, synth.json, full_sim.log}. DOREFA=path/to/dorefa
# picks the binary (default build/dorefa); IMAGES=N limits the simulation (default all).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
model=${1:?usage: full_sim.sh MODEL.dqm [NAME] [compile args...]}
name=${2:-$(basename "$model" .dqm)}
shift $(( $# >= 2 ? 2 : 1 ))
dorefa=${DOREFA:-$root/build/dorefa}
out=$root/runs/hw/$name
mkdir -p "$out"
log=$out/full_sim.log
: > "$log"
say() { echo "[$(date -u +%H:%M:%S)] $*" | tee -a "$log"; }

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
