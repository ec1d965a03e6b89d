#!/usr/bin/env python3
"""The roofline of the integer CPU runtime on the default network (configs/lenet.toml shapes,
W1A2 hidden layers: the synthetic lenet-w1a2 model), written into docs/runtime.md.

Per layer: its operations per image (binary layers: weight planes x activation planes x MACs
one-bit AND+popcount operations; 8-bit layers: int16 multiply-accumulates), its time per
image on one thread (bench/runtime/engine_rate ... layers: im2col, kernel and output stage,
the best of 3 passes over N images; the script repeats that R times and reports the range),
and the fraction of the machine's peak it reaches. The peak is measured by
bench/runtime/isa_peak: the clock from a chain of dependent adds (one per cycle), the
VPOPCNTQ, VPDPWSSD and VPDPBUSD zmm throughput in instructions per cycle; peak = per-cycle
throughput x lanes (512 bits per VPOPCNTQ, 32 int16 MACs per VPDPWSSD, 64 u8 x s8 MACs per
VPDPBUSD, the direct conv kernel's instruction) x clock.

Usage: bench/runtime/roofline.py [BUILD_DIR] [--images N] [--repeats R] [--write]
(--write puts the table into docs/runtime.md through scripts/write_doc_table.py)."""
import argparse
import json
import os
import subprocess
import sys

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run_json(cmd):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip().splitlines()
    return [json.loads(line) for line in out]


def bound_line(meds):
    """The layer with the largest median time, or the two largest when within 10%."""
    (t0, n0), (t1, n1) = meds[0], meds[1]
    if t1 >= 0.9 * t0:
        return f"Largest median layer times: **{n0}** and **{n1}**, within 10% of each other ({t0:.2f} and {t1:.2f} µs)."
    return f"Largest median layer time: **{n0}** ({t0:.2f} µs; next {n1}, {t1:.2f} µs)."


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build", nargs="?", default=os.path.join(root, "build"))
    ap.add_argument("--images", type=int, default=4000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--write", action="store_true")
    a = ap.parse_args()
    rate = os.path.join(a.build, "bench", "runtime", "engine_rate")
    peak_bin = os.path.join(a.build, "bench", "runtime", "isa_peak")

    peaks, runs, kernels = [], [], ""
    for _ in range(a.repeats):
        peaks.append(run_json([peak_bin])[0])
        head, layers = run_json([rate, "w1a2", str(a.images), "1", "layers"])
        kernels = head["kernels"]
        runs.append(layers["layers"])
    clock = max(p["clock_ghz"] for p in peaks) * 1e9
    pop = max(p["vpopcntq_per_cycle"] for p in peaks)
    dp = max(p["vpdpwssd_per_cycle"] for p in peaks)
    peak_bin_ops = pop * 512 * clock  # one-bit AND+popcount per second
    peak_macs = dp * 32 * clock       # int16 MACs per second
    dpb = max(p.get("vpdpbusd_per_cycle", 0) for p in peaks)
    peak_macs_u8 = dpb * 64 * clock   # u8 x s8 MACs per second (the direct conv kernel)
    kernel_of = dict(k.split(" ", 1) for k in kernels.split(", "))

    rows, totals = [], [sum(l["us_per_image"] for l in r) for r in runs]
    meds = []
    for i, layer in enumerate(runs[0]):
        us = [r[i]["us_per_image"] for r in runs]
        lo, hi = min(us), max(us)
        name = layer["name"]
        kernel = kernel_of.get(name, "")
        if layer["macs"] == 0:
            ops, peak, unit = 0, None, "-"
        elif kernel.startswith("bgemm"):
            ops, peak, unit = layer["macs"] * layer["weight_bits"] * layer["input_bits"], peak_bin_ops, "binary"
        elif "u8-direct" in kernel:
            ops, peak, unit = layer["macs"], peak_macs_u8, "8-bit MAC (u8 x s8)"
        else:
            ops, peak, unit = layer["macs"], peak_macs, "8-bit MAC"
        if peak:
            floor_us = ops / peak * 1e6
            frac = f"{100 * floor_us / hi:.0f}-{100 * floor_us / lo:.0f}%"
            floor = f"{floor_us:.2f}"
        else:
            frac, floor = "-", "-"
        shares = [100 * r[i]["us_per_image"] / t for r, t in zip(runs, totals)]  # within each run
        share = f"{min(shares):.0f}-{max(shares):.0f}%"
        meds.append((sorted(us)[len(us) // 2], name))
        rows.append(f"| {name} | `{kernel}` | {unit} | {ops / 1e6:.3f} M | {floor} | {lo:.2f}-{hi:.2f} | {frac} | {share} |")

    lines = [
        f"Measured: clock {clock / 1e9:.2f} GHz, VPOPCNTQ zmm {pop:.2f}/cycle, VPDPWSSD zmm {dp:.2f}/cycle, "
        f"VPDPBUSD zmm {dpb:.2f}/cycle (bench/runtime/isa_peak, best of {a.repeats} runs); peak "
        f"{peak_bin_ops / 1e12:.2f} T binary ops/s, {peak_macs / 1e9:.1f} G int16 MACs/s (VPDPWSSD), "
        f"{peak_macs_u8 / 1e9:.1f} G u8 x s8 MACs/s (VPDPBUSD). One thread, lenet W1A2 (synthetic, the shapes of configs/lenet.toml), "
        f"{a.images} MNIST test images, {a.repeats} runs (ranges are min-max over runs).",
        "",
        "| layer | kernel | ops | ops/image | time at peak (µs) | measured µs/image | of peak | of the network's time |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
        *rows,
        f"| whole | | | | | {min(totals):.2f}-{max(totals):.2f} | | {1e6 / max(totals):.0f}-{1e6 / min(totals):.0f} images/s |",
        "",
        bound_line(sorted(meds, reverse=True)),
    ]
    table = "\n".join(lines) + "\n"
    sys.stdout.write(table)
    if a.write:
        subprocess.run([os.path.join(root, "scripts", "write_doc_table.py"), os.path.join(root, "docs", "runtime.md"),
                        "roofline", "bench/runtime/roofline.py"], input=table, text=True, check=True)


if __name__ == "__main__":
    sys.exit(main())
