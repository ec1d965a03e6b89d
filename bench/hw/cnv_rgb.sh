#!/usr/bin/env bash
# A CNV-shaped RGB network on the fabric (issue 16, docs/hw.md "CNV on RGB"): FINN's CNV
# topology (conv3 64, 64, pool, 128, 128, pool, 256, 256, dense 512, 512, 10 on 32x32x3;
# `dorefa synthetic cnv-w1a2`: random but valid weights, binary weights and 2-bit
# activations between 8-bit first and last layers) is compiled, simulated image by image
# against the CPU reference with random stalls, and synthesized with Yosys for the XC7Z020;
# its resources are set beside BNN-PYNQ's CNV-W1A1 on the same chip.
#
# The images are CIFAR-10-format batches of random colour blocks written here: CIFAR-10
# itself is not in Debian or npm, and this machine reaches nothing else. Bit-exactness and
# resources do not depend on what the pictures show; accuracy would, and is not claimed.
#
# Long (Yosys on ~1.6 Mbit of weights: tens of minutes on 2 cores): run it in the background:
#   nohup bench/hw/cnv_rgb.sh > /dev/null 2>&1 &
# Environment: DOREFA=path/to/dorefa, IMAGES=N (simulated images, default 200),
# FPS=N (compile for this many images/s; default: the compiler's default folding),
# TABLE_ONLY=1 (only rewrite the table from runs/cnv-rgb/*.json), WRITE_DOCS=0.
# Output: runs/cnv-rgb/{cifar-blocks/, cnv.dqm, design/, sim.json, synth.json, cnv.log}.
# Exit 1 if the RTL differs from the reference on any image or a step fails.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
dorefa=${DOREFA:-$root/build/dorefa}
out=$root/runs/cnv-rgb
mkdir -p "$out"
log=$out/cnv.log
say() { echo "[$(date -u +%H:%M:%S)] $*" | tee -a "$log"; }
data="cifar10:$out/cifar-blocks"

if [ -z "${TABLE_ONLY:-}" ]; then
  say "write CIFAR-10-format batches of random colour blocks -> $out/cifar-blocks"
  python3 - "$out/cifar-blocks" <<'PY'
import os, random, sys
d = sys.argv[1]
os.makedirs(d, exist_ok=True)
def batch(path, n, seed):
    # label i % 10; each channel a 4x4 grid of random 8x8 blocks plus noise (as tests/cifar_blocks.hpp)
    rng = random.Random(seed)
    out = bytearray()
    for i in range(n):
        out.append(i % 10)
        for _ in range(3):
            base = [rng.randrange(256) for _ in range(16)]
            out += bytes((base[(y // 8) * 4 + x // 8] + rng.randrange(32)) % 256 for y in range(32) for x in range(32))
    tmp = path + ".tmp"
    open(tmp, "wb").write(out)
    os.replace(tmp, path)
batch(os.path.join(d, "data_batch_1.bin"), 256, 1)
batch(os.path.join(d, "test_batch.bin"), 1000, 2)
PY
  say "synthetic cnv-w1a2 on $data -> $out/cnv.dqm"
  "$dorefa" synthetic cnv-w1a2 --data "$data" --out "$out/cnv.dqm" 2>&1 | tee -a "$log"
  compile_args=()
  [ -n "${FPS:-}" ] && compile_args=(--fps "$FPS")
  say "compile ${compile_args[*]:-(default folding)} -> $out/design"
  "$dorefa" compile "$out/cnv.dqm" --out "$out/design" "${compile_args[@]}" 2>&1 | tee -a "$log"
  say "synth (background) -> $out/synth.json"
  ( "$dorefa" synth "$out/design" > "$out/synth.log" 2>&1; echo "synth exit $?" >> "$out/synth.log" ) &
  synth_pid=$!
  say "simulate ${IMAGES:-200} images with random stalls, bit-exact against the reference -> $out/sim.json"
  sim_status=0
  "$dorefa" simulate "$out/design" --data "$data" --images "${IMAGES:-200}" 2>&1 | tee -a "$log" || sim_status=1
  wait "$synth_pid" || true
  tee -a "$log" < "$out/synth.log"
  grep -q "synth exit 0" "$out/synth.log" || { say "synth failed (see $out/synth.log)"; exit 1; }
  [ "$sim_status" = 0 ] || { say "simulation failed or differed from the reference"; exit 1; }
  cp "$out/design/sim/results.json" "$out/sim.json"
  cp "$out/design/synth/results.json" "$out/synth.json"
fi

if [ "${WRITE_DOCS:-1}" != 0 ]; then
  python3 - "$out" <<'PY' | "$root/scripts/write_doc_table.py" "$root/docs/hw.md" cnv-rgb "bench/hw/cnv_rgb.sh"
import json, os, sys
out = sys.argv[1]
load = lambda f: json.load(open(os.path.join(out, f)))
sim, synth, design = load("sim.json"), load("synth.json"), load("design/design.json")
r, pc = synth["resources"], synth["percent"]
# BNN-PYNQ's CNV-W1A1 on the XC7Z020 (Vivado, post-implementation), as quoted in issue 16.
ref_lut, ref_bram = 26072, 124
print("| design | input | weights / activations | RTL mismatches | cycles/image | images/s at 100 MHz | "
      "LUT | FF | BRAM36 | DSP | `sta` |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
shape = design["model"]["input"]  # [height, width, channels]
inp = "x".join(str(v) for v in shape)
print(f"| dorefa-pynq CNV ({design['model']['name']}, Yosys `synth_xilinx`) | {inp} | W1A2, 8-bit first/last | "
      f"{sim['mismatches']} / {sim['images']:,} | {sim['steady_cycles_per_image']:,.0f} | {sim['fps']:,.0f} | "
      f"{r['lut']:,} ({pc['lut']:.0f} %) | {r['ff']:,} | {r['bram36_equivalent']:g} ({pc['bram36']:.0f} %) | "
      f"{r['dsp48e1']} | {synth.get('critical_path_ns') or 0:.2f} ns |")
print(f"| BNN-PYNQ CNV-W1A1 (Vivado; figures as quoted in issue 16) | 32x32x3 | W1A1 | | | | "
      f"{ref_lut:,} ({100 * ref_lut / 53200:.0f} %) | | {ref_bram} ({100 * ref_bram / 140:.0f} %) | | |")
print()
print(f"Ours / BNN-PYNQ: {r['lut'] / ref_lut:.2f}x the LUTs, {r['bram36_equivalent'] / ref_bram:.2f}x the BRAM36 "
      f"(ours: Yosys `synth_xilinx` before place and route; theirs: Vivado; not the same tool).")
PY
fi
say "done"
