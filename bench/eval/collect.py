#!/usr/bin/env python3
"""Collects the evaluation matrix from the run folders of bench/eval/matrix.sh into one JSON
(format dorefa-eval-matrix/1, read by src/report/eval_matrix.cpp) on stdout. Every figure
comes from a file a dorefa command wrote:

  test accuracy     RUN/lower.json integer_accuracy_pct (integer runtime, all test images);
                    float: the float checkpoint's test_acc (RUN/train/best.json)
  model size        RUN/model.dqm via `dorefa inspect`: weights at their bit width + output
                    stages (thresholds and requant fields int32, logits int32 mul + int64 add);
                    float: float32 weights + a folded BN scale and shift per hidden channel + biases
  CPU time          RUN/lower.json runtime_images_per_second (runtime engine, x86)
  fabric            RUN/summary.json: simulation (steady cycles, FPS, latency at 100 MHz,
                    images, mismatches), synthesis (Yosys), power (docs/power-model.md)

A variant whose run is missing or did not pass its gates is listed under "pending" with the
reason, never guessed."""
import argparse
import json
import os
import subprocess
import sys

LABELS = {
    "float": ("float", "float", False),
    "w8a8-ptq": ("W8A8 PTQ", "w8a8", False),
    "w8a8-qat": ("W8A8 QAT", "w8a8", False),
    "w8a8-pruned": ("W8A8 QAT pruned", "w8a8", True),
    "w2a2": ("DoReFa W2A2", "w2a2", False),
    "w1a2": ("DoReFa W1A2", "w1a2", False),
    "w1a2-pruned": ("DoReFa W1A2 pruned", "w1a2", True),
}
ORDER = ["float", "w8a8-ptq", "w8a8-qat", "w8a8-pruned", "w2a2", "w1a2", "w1a2-pruned"]


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def inspect(dorefa, model):
    out = subprocess.run([dorefa, "inspect", model], check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def integer_bytes(m):
    total = 0.0
    for l in m["layers"]:
        if "weight_count" not in l:
            continue
        total += l["weight_count"] * l["weight_bits"] / 8
        ch = l["output"][2]
        kind = l.get("output_kind")
        if kind == "thresholds":
            total += ch * ((1 << l["output_bits"]) - 1) * 4
        elif kind == "requant":
            total += ch * 12
        elif kind == "logits":
            total += ch * 12
    return total


def float_bytes(m):
    weights = sum(l.get("weight_count", 0) for l in m["layers"])
    hidden = sum(l["output"][2] for l in m["layers"] if "weight_count" in l and l.get("output_kind") != "logits")
    return 4.0 * (weights + 2 * hidden + m["num_classes"])


def fabric(sim, syn, pw):
    """A design's fabric figures from its simulation, synthesis and power results."""
    res = syn["resources"]
    return {
        "cycles_per_image": sim["steady_cycles_per_image"], "fps": sim["fps"], "latency_us": sim["latency_us"],
        "lut": res["lut"], "ff": res["ff"], "bram36": res["bram36_equivalent"], "dsp": res["dsp48e1"],
        "power_w": pw["total_w"], "energy_per_image_uj": pw["energy_per_image_uj"],
        "power_activity_measured": str(pw.get("toggle_source", "")).startswith("measured"),
        "sim_images": sim["images"], "mismatches": sim["mismatches"], "fits": bool(syn.get("fits", False)),
    }


def quantized_row(args, ds, v, run):
    summary_path = os.path.join(run, "summary.json")
    if not os.path.isfile(summary_path):
        started = os.path.isfile(os.path.join(run, "stages.json"))
        return None, "run not finished" if started else "not run yet"
    s = load(summary_path)
    gates = s.get("gates", {})
    for stage, g in gates.items():
        if not g.get("passed"):
            return None, f"{stage} gate failed: {g.get('message', '')}"
    for section in ("lowering", "simulation", "synthesis", "power"):
        if section not in s:
            return None, f"run not finished (no {section} in summary.json)"
    low, sim, syn, pw = s["lowering"], s["simulation"], s["synthesis"], s["power"]
    label, family, pruned = LABELS[v]
    if pruned:
        base = os.path.join(args.out, ds, "w8a8-qat" if v == "w8a8-pruned" else "w1a2", "summary.json")
        if os.path.isfile(base):
            removed = 100.0 * (1 - s["model"]["macs"] / load(base)["model"]["macs"])
            label += f" (−{removed:.0f} % MACs)"
    return {
        "dataset": ds, "variant": v, "label": label, "family": family, "pruned": pruned,
        "test_acc_pct": low["integer_accuracy_pct"], "test_images": low["images"],
        "macs": s["model"]["macs"],
        "model_bytes": integer_bytes(inspect(args.dorefa, os.path.join(run, "model.dqm"))),
        "cpu_us_per_image": 1e6 / low["runtime_images_per_second"] if low.get("runtime_images_per_second") else None,
        "fabric": fabric(sim, syn, pw),
    }, None


RECORD_LABELS = {"130k": "Record CNN, W1A2 (130k goal)", "1m": "Record MLP, W1A2 (1M goal)"}


def record_row(args, name):
    """A throughput record of bench/hw/records.sh (RECORDS/NAME): the same measurements as a
    matrix run (lowering on all test images, Verilator, Yosys, the power estimate), on the
    record's own network, so it joins the MNIST panel as its own point."""
    d = os.path.join(args.records, name)
    files = {f: os.path.join(d, f + ".json") for f in ("lower", "sim", "synth", "power", "checks")}
    missing = [f for f, p in files.items() if not os.path.isfile(p)]
    if missing:
        return None, f"record {name}: no {', '.join(missing)} in {d} (run bench/hw/records.sh)"
    low, sim, syn, pw = (load(files[f]) for f in ("lower", "sim", "synth", "power"))
    m = inspect(args.dorefa, os.path.join(d, "model.dqm"))
    macs = sum(l["weight_count"] * l["output"][0] * l["output"][1] for l in m["layers"] if "weight_count" in l)
    return {
        "dataset": "mnist", "variant": f"record{name}", "label": RECORD_LABELS.get(name, name), "family": "w1a2",
        "pruned": False, "test_acc_pct": low["integer_accuracy_pct"], "test_images": low["images"], "macs": macs,
        "model_bytes": integer_bytes(m),
        "cpu_us_per_image": 1e6 / low["runtime_images_per_second"] if low.get("runtime_images_per_second") else None,
        "fabric": fabric(sim, syn, pw),
    }, None


def float_row(args, ds):
    run = os.path.join(args.out, ds, "w8a8-ptq")
    best = os.path.join(run, "train", "best.json")
    if not os.path.isfile(best) or not isinstance(load(best).get("test_acc"), (int, float)):
        return None, "not run yet" if not os.path.isdir(run) else "float training not finished"
    meta = load(best)
    model = os.path.join(run, "model.dqm")
    if not os.path.isfile(model):
        return None, "trained; its size is taken from the W8A8 PTQ model, not written yet"
    m = inspect(args.dorefa, model)
    return {
        "dataset": ds, "variant": "float", "label": "float", "family": "float", "pruned": False,
        "test_acc_pct": meta["test_acc"], "test_images": meta["dataset"]["test_images"],
        "macs": meta.get("macs", 0), "model_bytes": float_bytes(m), "cpu_us_per_image": None, "fabric": None,
    }, None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--dorefa", required=True)
    ap.add_argument("--datasets", default="mnist fashion-mnist")
    ap.add_argument("--variants", default="w1a2 w8a8-ptq w8a8-qat w2a2 w1a2-pruned w8a8-pruned")
    ap.add_argument("--settings", default="")
    ap.add_argument("--records", default="", help="bench/hw/records.sh output folder: add its records to MNIST")
    args = ap.parse_args()
    wanted = args.variants.split()
    if "w8a8-ptq" in wanted:
        wanted.append("float")
    rows, pending = [], []
    for ds in args.datasets.split():
        for v in ORDER:
            if v not in wanted:
                continue
            row, reason = float_row(args, ds) if v == "float" else quantized_row(args, ds, v, os.path.join(args.out, ds, v))
            if row:
                rows.append(row)
            else:
                pending.append({"dataset": ds, "variant": v, "reason": reason})
    if args.records and "mnist" in args.datasets.split():
        for name in sorted(n for n in os.listdir(args.records) if os.path.isdir(os.path.join(args.records, n))
                           and os.path.isfile(os.path.join(args.records, n, "checks.json"))):
            row, reason = record_row(args, name)
            if row:
                rows.append(row)
            else:
                pending.append({"dataset": "mnist", "variant": f"record{name}", "reason": reason})
    cpu = next((r for r in rows if r["cpu_us_per_image"]), None)
    json.dump({
        "format": "dorefa-eval-matrix/1",
        "settings": args.settings,
        "cpu_note": "CPU x86: the integer runtime's engine (fast kernels, 2 threads) over all test images during "
                    "the lowering check (RUN/lower.json), on a shared machine, so an upper bound; float runs in "
                    "libtorch and has no integer-runtime time.",
        "arm_note": "Cortex-A9 (the board's CPU): not measured: no board; qemu-arm time is not the A9's.",
        "rows": rows,
        "pending": pending,
    }, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
