#!/usr/bin/env python3
"""Collects runs/*/best.json into a Markdown table (runs/train_summary.md) like the
paper's Table 1: model, dataset, W/A/G of the hidden layers, MACs, best epoch, validation
and test accuracy, mean training seconds per epoch.

With --doc it also writes the table of bench/train/full_runs.sh's runs (run, W/A/G, test
accuracy, the target each run has to meet) into docs/training.md (table "training-runs",
through scripts/write_doc_table.py), so the doc's figures are this script's output."""
import glob
import json
import os
import sys

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
runs = os.path.join(root, "runs")
rows = []
for path in sorted(glob.glob(os.path.join(runs, "*", "best.json"))):
    m = json.load(open(path))
    hidden = [l for l in m["bits"]["layers"][1:-1]] or m["bits"]["layers"][:1]
    w, a, g = hidden[0]["w"], hidden[0]["a"], hidden[0]["g"]
    secs = [h["seconds"] for h in m["history"]]
    test = m.get("test_acc")
    rows.append((os.path.basename(os.path.dirname(path)), m["model"], m["dataset"]["name"], w, a, g, m["macs"],
                 f'{m["best"]["epoch"]}/{m["epochs"]}', m["best"]["val_acc"],
                 "running" if test is None else f"{test:.2f}", sum(secs) / max(len(secs), 1)))
out = ["| run | model | dataset | W | A | G | MACs | best epoch | val acc (%) | test acc (%) | s/epoch |",
       "|---|---|---|---|---|---|---|---|---|---|---|"]
for r in rows:
    out.append("| {} | {} | {} | {} | {} | {} | {:,} | {} | {:.2f} | {} | {:.1f} |".format(*r))
text = "\n".join(out) + "\n"
open(os.path.join(runs, "train_summary.md"), "w").write(text)
sys.stdout.write(text)

# The goals of the full runs (issue 3), by run folder of bench/train/full_runs.sh.
TARGETS = {
    "lenet-w1a2": ("lenet MNIST", ">= 99.3 %"),
    "lenet-w2a2": ("lenet MNIST", ">= 99.4 %"),
    "lenet-w1a2g6": ("lenet MNIST", "within 0.5 pt of 1/2/32"),
    "lenet-fashion-w2a2": ("lenet Fashion-MNIST", ">= 91.5 %"),
    "lfc-w1a2": ("lfc MNIST", ">= 98.9 % (BNN-PYNQ: 98.49 %)"),
}
if "--doc" in sys.argv[1:]:
    import subprocess
    doc = ["| run | W/A/G (hidden) | test acc | target |", "| --- | --- | --- | --- |"]
    by_name = {r[0]: r for r in rows}
    for name, (label, target) in TARGETS.items():
        if name not in by_name:
            sys.exit(f"error: runs/{name}/best.json missing: run bench/train/full_runs.sh first")
        r = by_name[name]
        doc.append(f"| {label} | {r[3]}/{r[4]}/{r[5]} | {r[9]} % | {target} |")
    subprocess.run([os.path.join(root, "scripts", "write_doc_table.py"), os.path.join(root, "docs", "training.md"),
                    "training-runs", "bench/train/summarize.py --doc"], input="\n".join(doc) + "\n", text=True,
                   check=True)
