#!/usr/bin/env python3
"""Yosys resources of the rtl/ modules at representative parameters, written into the
docs' tables (docs/rtl/README.md table "rtl-resources", docs/rtl/mvtu.md table
"mvtu-resources", each module page's "<module>-resources") through
scripts/write_doc_table.py: every resource figure in docs/rtl/ comes from here.
Each case runs rtl/tb/synth_stats.py --json (Yosys 0.23 synth_xilinx, random memory
images); a run takes several minutes on one core.
Usage: bench/hw/rtl_resources.py [--only MODULE]   (--only: just MODULE's own page table)"""
import json
import os
import subprocess
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
STATS = os.path.join(ROOT, "rtl", "tb", "synth_stats.py")
WRITE = os.path.join(ROOT, "scripts", "write_doc_table.py")

# LeNet-class shapes (configs/lenet.toml: conv1 5x5x16 on 28x28, pool, conv2 5x5x64, pool, fc1 128, fc2 10).
MVTU = dict(IN_BITS=2, W_BITS=2, OUTPUT_MODE=0, OUT_BITS=2, NUM_VEC=1, USE_DSP=1, DOT_PIPE=1)
CASES = {
    "conv2_window": ("sliding_window", "LeNet conv2 window (16 ch, 5×5 on 12×12, 8 → 80 elems/beat)",
                     dict(CHANNELS=16, ELEM_BITS=2, IN_H=12, IN_W=12, KERNEL=5, STRIDE=1, PAD=0, IN_SIMD=8,
                          OUT_SIMD=80)),
    "conv1": ("mvtu", "LeNet conv1, 8-bit × 8-bit: `MW 25, MH 16, SIMD 25, PE 8, ACC 22`",
              dict(MVTU, MW=25, MH=16, SIMD=25, PE=8, IN_BITS=8, W_BITS=8, ACC_BITS=22, NUM_VEC=576)),
    "conv2_quarter": ("mvtu", "LeNet conv2 quarter, binary × 2-bit: `MW 400, MH 16, SIMD 80, PE 4, ACC 12`",
                      dict(MVTU, MW=400, MH=16, SIMD=80, PE=4, W_BITS=1, ACC_BITS=12, NUM_VEC=64)),
    "conv2": ("mvtu", "LeNet conv2, binary × 2-bit: `MW 400, MH 64, SIMD 80, PE 16, ACC 12`",
              dict(MVTU, MW=400, MH=64, SIMD=80, PE=16, W_BITS=1, ACC_BITS=12, NUM_VEC=64)),
    "fc1": ("mvtu", "LeNet fc1, binary × 2-bit: `MW 1024, MH 128, SIMD 64, PE 8, ACC 13`",
            dict(MVTU, MW=1024, MH=128, SIMD=64, PE=8, W_BITS=1, ACC_BITS=13)),
    "fc2_dsp": ("mvtu", "LeNet fc2, 8-bit × 2-bit, raw: `MW 128, MH 10, SIMD 16, PE 2, USE_DSP 1`",
                dict(MVTU, MW=128, MH=10, SIMD=16, PE=2, W_BITS=8, ACC_BITS=18, OUTPUT_MODE=1, OUT_BITS=1)),
    "fc2_lut": ("mvtu", "same, `USE_DSP 0` (LUT shift-add)",
                dict(MVTU, MW=128, MH=10, SIMD=16, PE=2, W_BITS=8, ACC_BITS=18, OUTPUT_MODE=1, OUT_BITS=1, USE_DSP=0)),
    "w4": ("mvtu", "4-bit × 2-bit: `MW 144, MH 32, SIMD 16, PE 8, ACC 14`",
           dict(MVTU, MW=144, MH=32, SIMD=16, PE=8, W_BITS=4, ACC_BITS=14)),
    "pool1": ("maxpool", "LeNet pool1 (16 ch, SIMD 8, 24×24)",
              dict(CHANNELS=16, ELEM_BITS=2, SIMD=8, IN_H=24, IN_W=24, KERNEL=2)),
    "logits": ("logits_argmax", "10 classes, PE 2", dict(NUM_CLASSES=10, PE=2, ACC_BITS=18, EMIT_SCORES=1)),
    "fifo": ("axis_fifo", "32 bits × 16", dict(DATA_WIDTH=32, DEPTH=16)),
    "wc": ("axis_width_converter", "2-bit, 64 → 8 elements", dict(ELEM_BITS=2, IN_ELEMS=64, OUT_ELEMS=8)),
    "wc_up": ("axis_width_converter", "2-bit, 16 → 64 elements", dict(ELEM_BITS=2, IN_ELEMS=16, OUT_ELEMS=64)),
    "conv1_window": ("sliding_window", "LeNet conv1 window (1 ch, 8-bit, 5×5 on 28×28, 1 → 25 elems/beat)",
                     dict(CHANNELS=1, ELEM_BITS=8, IN_H=28, IN_W=28, KERNEL=5, STRIDE=1, PAD=0, IN_SIMD=1,
                          OUT_SIMD=25)),
    "pool1_16": ("maxpool", "LeNet pool1 (16 ch, SIMD 16, 24×24)",
                 dict(CHANNELS=16, ELEM_BITS=2, SIMD=16, IN_H=24, IN_W=24, KERNEL=2)),
    "pool2": ("maxpool", "LeNet pool2 (64 ch, SIMD 16, 8×8)",
              dict(CHANNELS=64, ELEM_BITS=2, SIMD=16, IN_H=8, IN_W=8, KERNEL=2)),
    "logits_pe1": ("logits_argmax", "10 classes, PE 1, 24-bit accumulators",
                   dict(NUM_CLASSES=10, PE=1, ACC_BITS=24, EMIT_SCORES=1)),
    # W8A8 PTQ-style fields (fold_requant: mult in [2^30, 2^31), shift ~ 40).
    "rq_conv2": ("requant", "W8A8 LeNet conv2: `CHANNELS 64, PE 16, LANES 4, ACC 22, BIAS 20, MULT 31, SHIFT_MAX 45`",
                 dict(CHANNELS=64, PE=16, LANES=4, ACC_BITS=22, BIAS_BITS=20, MULT_BITS=31, SHIFT_MAX=45, OUT_BITS=8)),
    "rq_one": ("requant", "one lane for PE 8 (`K = 8`): `CHANNELS 128, PE 8, LANES 1, ACC 22, BIAS 20, MULT 31`",
               dict(CHANNELS=128, PE=8, LANES=1, ACC_BITS=22, BIAS_BITS=20, MULT_BITS=31, SHIFT_MAX=45, OUT_BITS=8)),
    "rq_full": ("requant", "the whole model range: `PE 4, LANES 4, ACC 32, BIAS 32, MULT 31, SHIFT_MAX 62`",
                dict(CHANNELS=16, PE=4, LANES=4, ACC_BITS=32, BIAS_BITS=32, MULT_BITS=31, SHIFT_MAX=62, OUT_BITS=8)),
    "rq_narrow": ("requant", "synthetic-style fields: `PE 4, LANES 4, ACC 20, BIAS 16, MULT 24, SHIFT_MAX 30`",
                  dict(CHANNELS=16, PE=4, LANES=4, ACC_BITS=20, BIAS_BITS=16, MULT_BITS=24, SHIFT_MAX=30, OUT_BITS=8)),
}
README_ROWS = ["conv2_window", "conv2_quarter", "fc1", "pool1", "logits", "fifo", "wc"]
MVTU_ROWS = ["conv1", "conv2_quarter", "conv2", "fc1", "fc2_dsp", "fc2_lut", "w4"]
# Each module's own page (docs/rtl/<module>.md, table "<module>-resources").
PAGE_ROWS = {"axis_fifo": ["fifo"], "axis_width_converter": ["wc_up", "wc"], "logits_argmax": ["logits_pe1", "logits"],
             "maxpool": ["pool1_16", "pool1", "pool2"], "sliding_window": ["conv1_window", "conv2_window"],
             "requant": ["rq_conv2", "rq_one", "rq_full", "rq_narrow"]}


def run(key):
    module, _, params = CASES[key]
    args = [sys.executable, STATS, "--json", "--sta", module]
    args += [f"{k}={v}" for k, v in params.items()]
    print(f"[rtl_resources] yosys {module} ({key})", file=sys.stderr, flush=True)
    out = subprocess.run(args, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"error: synth_stats.py failed for {key}:\n{out.stdout}\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def write(doc, name, lines):
    subprocess.run([WRITE, os.path.join(ROOT, "docs", "rtl", doc), name, "bench/hw/rtl_resources.py"],
                   input="\n".join(lines) + "\n", text=True, check=True)


def write_page(module, results):
    lines = ["| parameters | LUT | LUTRAM | FF | BRAM36 | DSP | sta |", "| --- | --: | --: | --: | --: | --: | --: |"]
    for k in PAGE_ROWS[module]:
        r = results[k]
        sta = f"{r['sta_ns']:.1f} ns" if r["sta_ns"] else "–"
        lines.append(f"| {CASES[k][1]} | {r['lut']} | {r['lutram']} | {r['ff']} | {r['bram36']:g} | {r['dsp']} | {sta} |")
    write(module + ".md", module + "-resources", lines)


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--only":
        module = sys.argv[2]
        if module not in PAGE_ROWS:
            sys.exit(f"error: --only {module}: expected one of {', '.join(PAGE_ROWS)}")
        write_page(module, {k: run(k) for k in PAGE_ROWS[module]})
        return
    keys = README_ROWS + MVTU_ROWS + [k for rows in PAGE_ROWS.values() for k in rows]
    results = {k: run(k) for k in dict.fromkeys(keys)}
    lines = ["| module | representative parameters | LUT | LUTRAM | FF | BRAM36 | DSP |",
             "| --- | --- | --: | --: | --: | --: | --: |"]
    for k in README_ROWS:
        r = results[k]
        lines.append(f"| `{CASES[k][0]}` | {CASES[k][1]} | {r['lut']} | {r['lutram']} | {r['ff']} | {r['bram36']:g} "
                     f"| {r['dsp']} |")
    write("README.md", "rtl-resources", lines)
    lines = ["| layer (parameters) | LUT | LUTRAM | FF | BRAM36 | DSP | sta |",
             "| --- | --: | --: | --: | --: | --: | --: |"]
    for k in MVTU_ROWS:
        r = results[k]
        sta = f"{r['sta_ns']:.1f} ns" if r["sta_ns"] else "–"
        lines.append(f"| {CASES[k][1]} | {r['lut']} | {r['lutram']} | {r['ff']} | {r['bram36']:g} | {r['dsp']} | {sta} |")
    write("mvtu.md", "mvtu-resources", lines)
    for module in PAGE_ROWS:
        write_page(module, results)


if __name__ == "__main__":
    main()
