#!/usr/bin/env python3
"""Calibrates the cost model (src/hw/cost_model.cpp) against Yosys and measures its error
on designs that were not in the fit.

1. Builds a set of designs: `dorefa synthetic KIND` models (different topologies and bit
   widths) compiled at different foldings (cycle targets and folding files).
2. Fit designs: every engine instance of top.sv (mvtu, requant, sliding_window, maxpool,
   axis_fifo, axis_width_converter, logits_argmax) synthesized alone with Yosys
   (synth_xilinx -flatten, the design's own memory images), so each engine type gets many
   data points. Held-out designs: the whole design through `dorefa synth --no-sta`.
3. Fits per engine type and resource the coefficients of the features that
   cost_model.cpp computes from the same parameters (least squares, coefficients >= 0),
   scales them by the factor from engine sums to whole designs (fit designs synthesized
   whole, --whole-fit), and writes them into src/hw/cost_calibration.hpp.
4. Rebuilds dorefa (flock /tmp/build.lock), recompiles the held-out designs and compares
   design.json's estimate with the Yosys totals; writes the error table into docs/hw.md
   (table "cost-calibration") through scripts/write_doc_table.py.

Yosys results are cached in runs/calibration/cache/ by the SHA-256 of what is synthesized
(sources, parameters, memory images), so a re-run only re-fits. Runs Yosys one job at a
time under `nice -n 5`. From an empty cache about 45 minutes of Yosys on one core (the
engines of 8 designs, 13 whole designs); from a full cache under a minute.

Usage: bench/hw/calibrate.py [--harvest-only] [--whole-fit] [--no-build] [--no-doc]
  --harvest-only  synthesize (fill the cache) and stop
  --whole-fit     also synthesize the fit designs whole (else only those in the cache are
                  used for the engines-to-whole-design scale)
  --no-build      do not rebuild dorefa after writing the coefficients (evaluate with the
                  binary as it is)
  --no-doc        do not write docs/hw.md
Environment: DOREFA (default build/dorefa), CAL_DIR (default runs/calibration).
"""
import hashlib
import json
import os
import re
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
DOREFA = os.environ.get("DOREFA", os.path.join(ROOT, "build", "dorefa"))
CAL = os.path.abspath(os.environ.get("CAL_DIR", os.path.join(ROOT, "runs", "calibration")))
CACHE = os.path.join(CAL, "cache")
HEADER = os.path.join(ROOT, "src", "hw", "cost_calibration.hpp")
DOC = os.path.join(ROOT, "docs", "hw.md")
WRITE = os.path.join(ROOT, "scripts", "write_doc_table.py")
START = time.time()

# name: (synthetic kind, seed, compile arguments or folding dict, role)
DESIGNS = {
    # --- fit ---
    "mlp-t2000": ("mlp-w2a2", 1, ["--target-cycles", "2000"], "fit"),
    "mlp-t400": ("mlp-w2a2", 1, ["--target-cycles", "400"], "fit"),
    "mlp-fold-a": ("mlp-w2a2", 2, {"fc1": dict(pe=4, simd=16), "fc2": dict(pe=8, simd=4), "fc3": dict(pe=2, simd=8)},
                   "fit"),
    "lenet-w1a2-t2000": ("lenet-w1a2", 1, ["--target-cycles", "2000"], "fit"),
    "lenet-w1a2-t10000": ("lenet-w1a2", 1, ["--target-cycles", "10000"], "fit"),
    "lenet-w1a2-fold-a": ("lenet-w1a2", 2, {"conv1": dict(pe=4, simd=5, dsp=False), "conv2": dict(pe=8, simd=40),
                                            "fc1": dict(pe=4, simd=32), "fc2": dict(pe=2, simd=4)}, "fit"),
    "lenet-mixed-t4000": ("lenet-mixed", 1, ["--target-cycles", "4000"], "fit"),
    "lenet-w8a8-t40000": ("lenet-w8a8", 1, ["--target-cycles", "40000"], "fit"),
    # --- held out ---
    "mlp-t1000": ("mlp-w2a2", 3, ["--target-cycles", "1000"], "held-out"),
    "mlp-fold-b": ("mlp-w2a2", 4, {"fc1": dict(pe=8, simd=49), "fc2": dict(pe=4, simd=16), "fc3": dict(pe=1, simd=4)},
                   "held-out"),
    "lenet-w1a2-t3000": ("lenet-w1a2", 3, ["--target-cycles", "3000"], "held-out"),
    "lenet-mixed-t2500": ("lenet-mixed", 2, ["--target-cycles", "2500"], "held-out"),
    "lenet-w8a8-t20000": ("lenet-w8a8", 2, ["--target-cycles", "20000"], "held-out"),
}


def log(msg):
    print(f"[calibrate {time.time() - START:6.0f}s] {msg}", file=sys.stderr, flush=True)


def sha256_files(paths, extra=""):
    h = hashlib.sha256(extra.encode())
    for p in paths:
        h.update(os.path.basename(p).encode())
        with open(p, "rb") as f:
            h.update(f.read())
    return h.hexdigest()


def run(args, **kw):
    out = subprocess.run(args, capture_output=True, text=True, **kw)
    if out.returncode != 0:
        sys.exit(f"error: {' '.join(args)} failed:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}")
    return out


# ---------------------------------------------------------------- designs

def build_design(name):
    kind, seed, how, _ = DESIGNS[name]
    model = os.path.join(CAL, "models", f"{kind}-s{seed}.dqm")
    if not os.path.exists(model):
        os.makedirs(os.path.dirname(model), exist_ok=True)
        run([DOREFA, "synthetic", kind, "--seed", str(seed), "--out", model])
    out = os.path.join(CAL, "designs", name)
    args = [DOREFA, "compile", model, "--out", out]
    os.makedirs(os.path.join(CAL, "foldings"), exist_ok=True)
    fold = os.path.join(CAL, "foldings", name + ".json")
    if isinstance(how, dict):
        with open(fold, "w") as f:
            json.dump(how, f)
    elif not os.path.exists(fold) and os.path.exists(os.path.join(out, "design.json")):
        pin_folding(out, fold)
    if os.path.exists(fold):
        args += ["--folding", fold]
    else:
        args += how
    run(args)
    if not os.path.exists(fold):
        pin_folding(out, fold)
    return out


def pin_folding(design_dir, path):
    """The folding a cycle target chose, kept for the re-runs: the search depends on the
    cost model, and a re-fit must not change the designs (nor miss the Yosys cache)."""
    design = json.load(open(os.path.join(design_dir, "design.json")))
    fold = {l["layer"]: {"pe": l["pe"], "simd": l["simd"], "dsp": l["dsp"]} for l in design["layers"]
            if l.get("kind") in ("conv", "dense")}
    with open(path, "w") as f:
        json.dump(fold, f, indent=1)


def design_hash(d):
    """What Yosys reads: the sources and memory images; top.sv without its comment lines
    (its header lists the folding, and wording changes there must not miss the cache)."""
    design = json.load(open(os.path.join(d, "design.json")))
    mems = sorted(os.path.join(d, "mem", m) for m in os.listdir(os.path.join(d, "mem")))
    srcs = [os.path.join(d, s) for s in design["sources"] if s != "top.sv"]
    with open(os.path.join(d, "top.sv")) as f:
        top = "".join(line for line in f if not line.lstrip().startswith("//"))
    return sha256_files(srcs + mems, top)[:20]


DEPS = {"mvtu": ["adder_tree"]}  # rtl/ modules an engine instantiates (as rtl/tb/synth_stats.py)
INSTANCE = re.compile(r"^  (\w+) #\(\n(.*?)\n  \) (u_\w+) \(", re.M | re.S)
PARAM = re.compile(r"\.(\w+)\((.*?)\),?$", re.M)


def instances(d):
    """(module, instance name, {param: int or str}) of every engine in top.sv."""
    text = open(os.path.join(d, "top.sv")).read()
    out = []
    for m in INSTANCE.finditer(text):
        params = {}
        for k, v in PARAM.findall(m.group(2)):
            params[k] = v.strip('"') if v.startswith('"') else int(v)
        out.append((m.group(1), m.group(3), params))
    return out


# ---------------------------------------------------------------- Yosys

def parse_stat(text):
    """LUT/FF/BRAM36/DSP from Yosys `stat`, counted as src/hw/yosys.cpp does."""
    block = text[text.rfind("Number of cells"):]
    cells = {m.group(1): int(m.group(2)) for m in re.finditer(r"^\s+([A-Za-z_$][\w$]*)\s+(\d+)\s*$", block, re.M)}
    lutram = {"RAM16X1S": 1, "RAM32X1S": 1, "RAM64X1S": 1, "RAM128X1S": 2, "RAM256X1S": 4, "RAM16X1D": 2,
              "RAM32X1D": 2, "RAM64X1D": 2, "RAM128X1D": 4, "RAM32M": 4, "RAM64M": 4, "RAM32M16": 8, "RAM64M8": 8,
              "SRL16E": 1, "SRLC16E": 1, "SRLC32E": 1}
    lut = sum(v for k, v in cells.items() if re.fullmatch(r"LUT[1-6]", k))
    lut += sum(lutram.get(k, 0) * v for k, v in cells.items())
    ff = sum(v for k, v in cells.items() if k in ("FDRE", "FDSE", "FDCE", "FDPE", "LDCE", "LDPE"))
    return {"lut": lut, "ff": ff, "bram36": cells.get("RAMB36E1", 0) + cells.get("RAMB18E1", 0) / 2,
            "dsp": cells.get("DSP48E1", 0), "cells": cells}


def synth_module(d, module, params):
    """One engine of design `d` alone through Yosys (cached)."""
    srcs = [os.path.join(d, "rtl", m + ".sv") for m in [module] + DEPS.get(module, [])]
    mems = sorted(os.path.join(d, v) for v in params.values() if isinstance(v, str) and v)
    key = "mod-" + sha256_files(srcs + mems, json.dumps([module, params], sort_keys=True))[:24]
    path = os.path.join(CACHE, key + ".json")
    if os.path.exists(path):
        return json.load(open(path)), True
    sets = " ".join(f"-set {k} {v}" for k, v in params.items() if not isinstance(v, str))
    sets += "".join(f' -set {k} "{v}"' for k, v in params.items() if isinstance(v, str) and v)
    stat = os.path.join(CACHE, key + ".stat")
    script = "".join(f"read_verilog -sv {s}\n" for s in srcs)
    script += f"chparam {sets} {module}\nsynth_xilinx -family xc7 -top {module} -flatten -noiopad\ntee -o {stat} stat\n"
    ys = os.path.join(CACHE, key + ".ys")
    with open(ys, "w") as f:
        f.write(script)
    t = time.time()
    run(["nice", "-n", "5", "yosys", "-q", "-l", os.path.join(CACHE, key + ".log"), "-s", ys], cwd=d)
    r = parse_stat(open(stat).read())
    r.update(module=module, params=params, seconds=round(time.time() - t, 1))
    os.remove(os.path.join(CACHE, key + ".log"))
    with open(path, "w") as f:
        json.dump(r, f, indent=1)
    return r, False


def synth_whole(d):
    """The whole design through `dorefa synth --no-sta` (cached by design hash)."""
    path = os.path.join(CACHE, "design-" + design_hash(d) + ".json")
    if os.path.exists(path):
        return json.load(open(path)), True
    t = time.time()
    run(["nice", "-n", "5", DOREFA, "synth", d, "--no-sta"])
    res = json.load(open(os.path.join(d, "synth", "results.json")))["resources"]
    r = {"lut": res["lut"], "ff": res["ff"], "bram36": res["bram36_equivalent"], "dsp": res["dsp48e1"],
         "seconds": round(time.time() - t, 1)}
    with open(path, "w") as f:
        json.dump(r, f, indent=1)
    return r, False


def harvest(whole_fit):
    os.makedirs(CACHE, exist_ok=True)
    data = {"modules": [], "whole": {}, "whole_fit": {}}
    names = list(DESIGNS)
    for i, name in enumerate(names):
        d = build_design(name)
        role = DESIGNS[name][3]
        if role == "fit":
            insts = instances(d)
            for j, (module, inst, params) in enumerate(insts):
                r, cached = synth_module(d, module, params)
                if not cached:
                    log(f"design {i + 1}/{len(names)} {name}: {inst} ({module}) {j + 1}/{len(insts)}: "
                        f"LUT {r['lut']} FF {r['ff']} BRAM36 {r['bram36']:g} DSP {r['dsp']} in {r['seconds']} s")
                data["modules"].append(dict(r, design=name, instance=inst))
            log(f"design {i + 1}/{len(names)} {name}: {len(insts)} engines synthesized (fit)")
            # The whole design too, when cached or asked for: the fit scales the engines'
            # sum to whole designs (flattening lets Yosys optimize across engines).
            if whole_fit or os.path.exists(os.path.join(CACHE, "design-" + design_hash(d) + ".json")):
                r, cached = synth_whole(d)
                log(f"design {i + 1}/{len(names)} {name}: whole design LUT {r['lut']} FF {r['ff']} BRAM36 "
                    f"{r['bram36']:g} DSP {r['dsp']}{' (cached)' if cached else ' in %s s' % r['seconds']} (fit)")
                data["whole_fit"][name] = r
        else:
            r, cached = synth_whole(d)
            log(f"design {i + 1}/{len(names)} {name}: whole design LUT {r['lut']} FF {r['ff']} BRAM36 {r['bram36']:g} "
                f"DSP {r['dsp']}{' (cached)' if cached else ' in %s s' % r['seconds']} (held out)")
            data["whole"][name] = r
    return data


def main():
    argv = sys.argv[1:]
    data = harvest("--whole-fit" in argv)
    with open(os.path.join(CAL, "measured.json"), "w") as f:
        json.dump(data, f, indent=1)
    if "--harvest-only" in argv:
        return
    import cost_fit  # noqa: E402  (bench/hw/cost_fit.py: features, fit, header)
    cost_fit.main(data, argv)


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    main()
