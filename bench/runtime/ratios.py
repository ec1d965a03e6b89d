#!/usr/bin/env python3
"""The engine / libtorch speed table of docs/runtime.md (table "runtime-ratios").

Reads the Google Benchmark JSON files that bench/runtime/run.sh leaves in
runs/bench-runtime/ (one per run: result-t<threads>-<time>.json), takes each run's median
images/s, and prints, per batch size and network: the engine's and libtorch's rates on one
thread, the engine/libtorch ratio (wall clock and CPU time, same process), and the
two-thread engine rate over the one-thread run made just before it. Ranges are min-max over
runs; each issue-15 goal is checked run by run.

  bench/runtime/ratios.py [--write] [JSON ...]   (default: runs/bench-runtime/result-t*-*.json)

--write puts the table into docs/runtime.md through scripts/write_doc_table.py.
"""
import glob
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GOAL_VS_TORCH = {"w1a2": 5.0, "w8a8": 2.0}  # one thread, batch 1 and 256
GOAL_THREADS = 1.7  # two threads over one, batch 256


def medians(path):
    """{(benchmark, batch): (images/s wall, images/s CPU)} of one run."""
    rows = {}
    for b in json.load(open(path))["benchmarks"]:
        if b.get("aggregate_name") != "median":
            continue
        m = re.match(r"(BM_\w+?)(?:/(\w+))?/(\d+)", b["name"])
        if not m:
            continue
        bench, model, batch = m.group(1), m.group(2) or "", int(m.group(3))
        cpu = batch * 1e9 / b["cpu_time"] if b.get("time_unit", "ns") == "ns" else None
        rows[(bench + ("/" + model if model else ""), batch)] = (b["images/s"], cpu)
    return rows


def span(values, fmt):
    lo, hi = min(values), max(values)
    return fmt.format(lo) if fmt.format(lo) == fmt.format(hi) else f"{fmt.format(lo)}-{fmt.format(hi)}"


def main(argv):
    write = "--write" in argv
    files = [a for a in argv if a != "--write"] or sorted(glob.glob(os.path.join(ROOT, "runs/bench-runtime/result-t*-*.json")))
    runs = {1: [], 2: []}
    for f in files:
        m = re.search(r"result-t(\d+)-", os.path.basename(f))
        if m and int(m.group(1)) in runs:
            runs[int(m.group(1))].append(medians(f))
    if not runs[1]:
        sys.exit("ratios.py: no one-thread runs (runs/bench-runtime/result-t1-*.json); run "
                 "DOREFA_BENCH_THREADS=1 bench/runtime/run.sh first")
    lines = []
    lines.append(f"{len(runs[1])} one-thread and {len(runs[2])} two-thread runs of `bench/runtime/run.sh` "
                 "(each the median of 3 repetitions of at least 2 s); ranges are min-max over runs. "
                 "Networks: synthetic lenets with the shapes of configs/lenet.toml, MNIST test images; "
                 "libtorch: the float network of the same shapes, same process, same thread count.")
    lines.append("")
    lines.append("| batch | network | engine images/s (1 thread) | libtorch images/s (1 thread) | engine / libtorch, wall "
                 "| engine / libtorch, CPU time | goal | engine images/s (2 threads) | 2 threads / 1 thread |")
    lines.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    verdicts = []
    for batch in (1, 256):
        for model in ("w1a2", "w8a8"):
            e1 = [r[(f"BM_Engine/{model}", batch)] for r in runs[1] if (f"BM_Engine/{model}", batch) in r]
            t1 = [r[("BM_TorchFloat", batch)] for r in runs[1] if ("BM_TorchFloat", batch) in r]
            pairs = [(r[(f"BM_Engine/{model}", batch)], r[("BM_TorchFloat", batch)]) for r in runs[1]
                     if (f"BM_Engine/{model}", batch) in r and ("BM_TorchFloat", batch) in r]
            if not pairs:
                continue
            wall = [e[0] / t[0] for e, t in pairs]
            cpu = [e[1] / t[1] for e, t in pairs]
            goal = GOAL_VS_TORCH[model]
            verdicts.append((f"{model} batch {batch} >= {goal:g}x libtorch", wall))
            e2 = [r[(f"BM_Engine/{model}", batch)][0] for r in runs[2] if (f"BM_Engine/{model}", batch) in r]
            two = span(e2, "{:,.0f}") if e2 else "-"
            scale = "-"
            if e2:
                # Each two-thread run against the one-thread run made just before it (run.sh
                # pairs, in file order): minutes apart rather than the whole session.
                s = [a / b[0] for a, b in zip(e2, e1)]
                scale = span(s, "{:.2f}x")
                if batch == 256:
                    verdicts.append((f"{model} batch 256 two threads >= {GOAL_THREADS:g}x one", s))
            lines.append(f"| {batch} | {model.upper()} | {span([e[0] for e in e1], '{:,.0f}')} | "
                         f"{span([t[0] for t in t1], '{:,.0f}')} | {span(wall, '{:.2f}x')} | {span(cpu, '{:.2f}x')} | "
                         f">= {goal:g}x: met in {sum(v >= goal for v in wall)} of {len(wall)} runs | {two} | {scale} |")
    lines.append("")
    def verdict(what, values):
        goal = float(re.search(r">= ([0-9.]+)x", what).group(1))
        met = sum(v >= goal for v in values)
        runs = "every run" if met == len(values) else f"{met} of {len(values)} runs"
        median = sorted(values)[len(values) // 2] if len(values) % 2 else sum(sorted(values)[len(values) // 2 - 1:][:2]) / 2
        return f"{what}: met in {runs} (median {median:.2f}x, lowest {min(values):.2f}x)"
    lines.append("Goals (issue 15), run by run: " + "; ".join(verdict(w, v) for w, v in verdicts) + ".")
    table = "\n".join(lines) + "\n"
    if write:
        subprocess.run([os.path.join(ROOT, "scripts/write_doc_table.py"), os.path.join(ROOT, "docs/runtime.md"),
                        "runtime-ratios", "bench/runtime/ratios.py"], input=table.encode(), check=True)
    sys.stdout.write(table)


if __name__ == "__main__":
    main(sys.argv[1:])
