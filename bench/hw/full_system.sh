#!/usr/bin/env bash
# Full-system evaluation of the board top (system shell + core, docs/board/registers.md):
# all 10,000 MNIST test images in one batch through the registers, DDR with random latency
# and back-pressure, every record checked against the CPU reference and every AXI
# transfer against the protocol checker; then Yosys of shell + core. Writes the
# "Full-system simulation" numbers into docs/hw.md (between the markers) unless
# WRITE_DOCS=0. Long (tens of minutes): run in the background, e.g.
#   nohup bench/hw/full_system.sh runs/lenet-w1a2/lenet-w1a2.dqm lenet-w1a2 > /dev/null 2>&1 &
# Usage: bench/hw/full_system.sh MODEL.dqm|DESIGN_DIR [NAME] [extra `dorefa compile` args...]
# A MODEL.dqm is compiled into runs/hw/NAME/design; a DESIGN_DIR (from `dorefa compile`)
# is used as it is. Output: runs/hw/NAME/{system.json, synth_system.json, full_system.log}.
# DOREFA=path/to/dorefa picks the binary (default build/dorefa); IMAGES=N limits the batch
# (default all); SEED=S the DDR model's randomness; SYNTH=0 skips synthesis; DOCS_ONLY=1
# only rewrites docs/hw.md from an earlier run's JSON files.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
input=${1:?usage: full_system.sh MODEL.dqm|DESIGN_DIR [NAME] [compile args...]}
name=${2:-$(basename "${input%/}" .dqm)}
shift $(( $# >= 2 ? 2 : 1 ))
dorefa=${DOREFA:-$root/build/dorefa}
out=$root/runs/hw/$name
mkdir -p "$out"
log=$out/full_system.log
[ "${DOCS_ONLY:-0}" = 1 ] || : > "$log"
say() { echo "[$(date -u +%H:%M:%S)] $*" | tee -a "$log"; }

status=0
if [ "${DOCS_ONLY:-0}" = 1 ]; then
  say "docs only, from $out"
elif [ -d "$input" ]; then
  design=$(cd "$input" && pwd)
  say "design $design"
else
  design=$out/design
  say "compile $input -> $design"
  "$dorefa" compile "$input" --out "$design" "$@" 2>&1 | tee -a "$log"
fi
synth_pid=""
if [ "${DOCS_ONLY:-0}" != 1 ] && [ "${SYNTH:-1}" != 0 ]; then
  # Simulation (harness + reference) and synthesis overlap on 2 cores.
  say "synth --system (background) -> $out/synth_system.json"
  ( "$dorefa" synth "$design" --system --results "$out/synth_system.json" > "$out/synth_system.log" 2>&1
    echo "synth exit $?" >> "$out/synth_system.log" ) &
  synth_pid=$!
fi
if [ "${DOCS_ONLY:-0}" != 1 ]; then
  say "simulate --system ${IMAGES:-all} images -> $out/system.json"
  "$dorefa" simulate "$design" --system --data mnist --images "${IMAGES:-0}" --seed "${SEED:-1}" \
    --results "$out/system.json" --allow-mismatch 2>&1 | tee -a "$log" || status=$?
fi
if [ -n "$synth_pid" ]; then
  wait "$synth_pid" || true
  tee -a "$log" < "$out/synth_system.log"
fi
[ -f "$out/system.json" ] || { say "no results (simulate exit $status)"; exit 1; }

if [ "${WRITE_DOCS:-1}" != 0 ]; then
  say "writing the Full-system simulation numbers into docs/hw.md"
  python3 - "$root/docs/hw.md" "$out/system.json" "$out/synth_system.json" "$input" "$name" <<'PY'
import json, os, sys
doc, sim_path, synth_path, arg, name = sys.argv[1:]
s = json.load(open(sim_path))
y = json.load(open(synth_path)) if os.path.exists(synth_path) else None
c = s["counters"]
lines = [
    "<!-- full-system: begin (written by bench/hw/full_system.sh; do not edit by hand) -->",
    f"Model '{s['model']}' (design hash {s['design_hash']}), {s['images']:,} images of {s['dataset']} in one "
    f"batch; DDR model: ARREADY/AWREADY/WREADY {100*s['ddr_model']['p_addr_wready']:.0f} %, ready RVALID/BVALID "
    f"offered {100*s['ddr_model']['p_rvalid_bvalid']:.0f} %, latency {s['ddr_model']['latency_cycles'][0]}.."
    f"{s['ddr_model']['latency_cycles'][1]} cycles per burst (seed {s['ddr_model']['seed']}). "
    f"Command: `bench/hw/full_system.sh {arg} {name}` (runs/hw/{name}/system.json).",
    "",
    "| | measured (Verilator, shell + core, 100 MHz) |",
    "| --- | --- |",
    f"| records vs `run_reference` | {s['mismatches']} mismatches ({s['images']:,} records with scores, "
    f"1 one-image batch, {s['class_only_images']} class-only records) |",
    f"| AXI protocol violations | {s['axi_violations']} ({s['axi_error_responses']} error responses) |",
    f"| accuracy | {100*s['accuracy']:.2f} % (reference {100*s['reference_accuracy']:.2f} %) |",
    f"| end to end, batch of {s['images']:,} | {s['images_per_second']:,.0f} images/s = "
    f"{s['cycles_per_image']:.1f} cycles/image; {s['fraction_of_ideal']:.3f} of the core's ideal "
    f"{s['core_ideal_images_per_second']:,.0f} ({s['ideal_cycles_per_image']} cycles/image) |",
    f"| latency, one image | {s['latency_cycles']} cycles = {s['latency_us']:.1f} µs (START write to DONE seen) |",
    f"| counters | BUSY_CYCLES {c['busy_cycles']:,}, IMAGES_DONE {c['images_done']:,}, "
    f"IN_STALL_CYCLES {c['in_stall_cycles']:,}, OUT_STALL_CYCLES {c['out_stall_cycles']:,} |",
    f"| partial image (IN_BYTES one word short) | ERROR {s['bad_length_check']['error_code']}, "
    f"{s['bad_length_check']['ddr_read_beats']} DDR reads; next batches exact |",
]
if y:
    r, p = y["resources"], y["percent"]
    lines += [
        "",
        f"| Yosys 0.23 synth_xilinx, `{y['top']}` (shell + core) | used | of XC7Z020 |",
        "| --- | --- | --- |",
        f"| LUT (logic {r['lut_logic']:,} + LUTRAM {r['lutram_luts']:,}) | {r['lut']:,} | {p['lut']:.1f} % |",
        f"| FF | {r['ff']:,} | {p['ff']:.1f} % |",
        f"| BRAM36 ({r['bram36']} RAMB36 + {r['bram18']} RAMB18) | {r['bram36_equivalent']:g} | {p['bram36']:.1f} % |",
        f"| DSP48E1 | {r['dsp48e1']} | {p['dsp48e1']:.1f} % |",
        f"| fits | {'yes' if y['fits'] else 'NO'} | |",
    ]
    if y.get("critical_path_ns"):
        lines.append(f"| `sta` critical path (logic only, no routing) | {y['critical_path_ns']:.2f} ns | "
                     f"~{1000/y['critical_path_ns']:.0f} MHz |")
    lines.append(f"\n(runs/hw/{name}/synth_system.json)")
lines.append("<!-- full-system: end -->")
text = open(doc).read()
b, e = "<!-- full-system: begin", "<!-- full-system: end -->"
if b not in text or e not in text:
    sys.exit("docs/hw.md has no full-system markers")
i, j = text.index(b), text.index(e) + len(e)
tmp = doc + ".tmp"
open(tmp, "w").write(text[:i] + "\n".join(lines) + text[j:])
os.replace(tmp, doc)
PY
fi
say "done (simulate exit $status): $out/system.json"
exit "$status"
