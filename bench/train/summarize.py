#!/usr/bin/env python3
"""Collects runs/*/best.json into a Markdown table (runs/train_summary.md) like the
paper's Table 1: model, dataset, W/A/G of the hidden layers, MACs, best epoch, validation
and test accuracy, mean training seconds per epoch."""
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
