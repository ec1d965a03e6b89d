"""The cost model's features, its fit and the generated coefficient header (used by
bench/hw/calibrate.py, which documents the whole procedure).

The features of each engine are computed here from the engine's Verilog parameters, and
in src/hw/cost_model.cpp from the layer and its folding: the two must stay the same
(calibrate.py compares this file's prediction with dorefa's for every held-out design).
"""
import json
import math
import textwrap
import os
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
HEADER = os.path.join(ROOT, "src", "hw", "cost_calibration.hpp")
DOC = os.path.join(ROOT, "docs", "hw.md")
WRITE = os.path.join(ROOT, "scripts", "write_doc_table.py")
RESOURCES = ["lut", "ff", "dsp"]  # fitted; BRAM36 comes from the memory mapping rule alone


def ceil_div(a, b):
    return -(-a // b)


# ------------------------------------------------------------ memories
# Yosys 0.23 memory_libmap with +/xilinx/brams_xc4v.txt and lutrams_xc5v.txt: every
# memory goes to the cheapest of block RAM (RAMB18 cost 129, RAMB36 cost 257, one aspect
# ratio per memory), distributed RAM (8 per LUTRAM cell; not for ROMs: prune_rom) and soft
# logic. A ROM bit in logic costs 1/64 (a LUT6 per 64 bits): fitted to where Yosys put
# the fit designs' ROMs (16 Kb with 64-bit words stays in logic, 16 Kb with 16-bit words
# takes a RAMB18).
BRAM_SHAPES = [(1, 16384, 129, 0.5), (2, 8192, 129, 0.5), (4, 4096, 129, 0.5), (9, 2048, 129, 0.5),
               (18, 1024, 129, 0.5), (36, 512, 129, 0.5),
               (1, 32768, 257, 1.0), (2, 16384, 257, 1.0), (4, 8192, 257, 1.0), (9, 4096, 257, 1.0),
               (18, 2048, 257, 1.0), (36, 1024, 257, 1.0), (72, 512, 257, 1.0)]


def lutram_cells(width, depth):
    """RAM32M (32 x 6) / RAM64M (64 x 3) cells of a simple dual-port distributed RAM."""
    if depth <= 32:
        return ceil_div(width, 6)
    return ceil_div(width, 3) * ceil_div(depth, 64)


def map_memory(width, depth, kind):
    """(style, BRAM36, LUTs of its storage) of a width x depth memory; kind 'rom' (read
    only) or 'ram' (written too). Asynchronous reads count as synchronous: Yosys moves the
    read-address register into the port (the FIFOs' and the max-pool's memories)."""
    if width <= 0 or depth <= 0:
        return "none", 0.0, 0.0
    cost, b36 = min((ceil_div(width, w) * ceil_div(depth, d) * c, ceil_div(width, w) * ceil_div(depth, d) * b)
                    for w, d, c, b in BRAM_SHAPES)
    if kind == "rom":
        if width * depth / 64 <= cost:
            # A LUT6 per output bit and 64 words (wider addresses add LUTs and F7/F8
            # muxes); two words or fewer are wires and inverters.
            return "logic", 0.0, float(width * ceil_div(depth, 64)) if depth > 2 else 0.0
        return "bram", b36, 0.0
    if depth == 1:
        return "register", 0.0, 0.0  # one word is a register: no memory left to map
    cells = lutram_cells(width, depth)
    # Over 64 words the cells' outputs need a multiplexer: a soft-logic bit per extra row.
    if 8 * cells + lutram_mux_bits(width, depth) <= cost:
        return "lutram", 0.0, 4.0 * cells
    return "bram", b36, 0.0


def lutram_mux_bits(width, depth):
    return width * (ceil_div(depth, 64) - 1) if depth > 64 else 0


# ------------------------------------------------------------ features
# Per engine: the feature names (in the order of the generated struct) and a function
# from the engine's parameters to (feature values, BRAM36). `base` is 1 for every engine.
FEATURES = {
    "mvtu": ["base", "binary_lane_bits", "lut_mult_bits", "dsp_lanes", "product_bits", "acc_bits",
             "threshold_bits", "rom_luts", "rom_width", "lutram_luts", "input_bits"],
    "requant": ["base", "lanes", "lane_sum_bits", "lane_product_bits", "lane_shift_bits", "pe_bits", "rom_luts",
                "dsp_units"],
    "sliding_window": ["base", "window_bits", "out_bits", "in_bits", "lutram_luts"],
    "maxpool": ["base", "simd_bits", "lutram_luts"],
    "axis_fifo": ["base", "width", "lutram_luts", "mux_bits", "address_bits"],
    "axis_width_converter": ["base", "in_bits", "out_bits"],
    "logits_argmax": ["base", "pe", "pe_bits", "rom_luts", "multiplier_tiles"],
}


# The features that count multipliers (the only ones a DSP48 coefficient may sit on).
DSP_FEATURES = {"mvtu": ["dsp_lanes"], "requant": ["dsp_units"], "logits_argmax": ["multiplier_tiles"]}


def weight_store_bits(w_bits):
    # k-bit DoReFa weights are odd integers in k+1 bits: the LSB is always 1 and Yosys
    # drops the constant column from the ROM.
    return w_bits - 1 if 1 < w_bits < 8 else w_bits


def mvtu_features(p):
    pe, simd, w, i, acc = p["PE"], p["SIMD"], p["W_BITS"], p["IN_BITS"], p["ACC_BITS"]
    sf, nf = p["MW"] // simd, p["MH"] // pe
    lanes = pe * simd
    dsp = w >= 8 and p.get("USE_DSP", 1) != 0
    pw = i + w
    nt = (1 << p["OUT_BITS"]) - 1 if p.get("OUTPUT_MODE", 0) == 0 else 0
    f = dict.fromkeys(FEATURES["mvtu"], 0.0)
    f["base"] = 1.0
    if w == 1:
        f["binary_lane_bits"] = lanes * i
    else:
        f["product_bits"] = lanes * pw
        if dsp:
            f["dsp_lanes"] = lanes
        else:
            # Shift-add: IN_BITS-1 adders over the input bits, else W_BITS-1 over the weight's.
            f["lut_mult_bits"] = lanes * ((i - 1) if i < w else (w - 1)) * pw
    f["acc_bits"] = pe * acc
    f["threshold_bits"] = pe * nt * acc
    f["input_bits"] = simd * i
    bram = 0.0
    mems = [(lanes * weight_store_bits(w), sf * nf, "rom"), (pe * nt * acc, nf, "rom")]
    if nf > 1:
        mems.append((simd * i, sf, "ram"))  # the input vector kept for the NF-1 replays
    for width, depth, kind in mems:
        style, b36, luts = map_memory(width, depth, kind)
        bram += b36
        if style == "logic":
            f["rom_luts"] += luts
            f["rom_width"] += width
        elif style == "lutram":
            f["lutram_luts"] += luts
    return f, bram


def requant_features(p):
    lanes, pe, acc = p["LANES"], p["PE"], p["ACC_BITS"]
    bias, mult, shift_max, out = p["BIAS_BITS"], p["MULT_BITS"], p["SHIFT_MAX"], p["OUT_BITS"]
    sumw = max(acc, bias) + 1
    y = max(sumw + mult + 2, shift_max + 1)
    chunks = 1 if sumw <= 25 else 1 + ceil_div(sumw - 25, 24)
    f = dict.fromkeys(FEATURES["requant"], 0.0)
    f.update(base=1.0, lanes=lanes, lane_sum_bits=lanes * sumw, lane_product_bits=lanes * y,
             lane_shift_bits=lanes * y * max(1, math.ceil(math.log2(shift_max + 1))) / 6.0,
             pe_bits=pe * (acc + out), dsp_units=lanes * chunks * (2 if mult > 17 else 1))
    pw = bias + mult + 6
    style, b36, luts = map_memory(lanes * pw, (p["CHANNELS"] // pe) * (pe // lanes), "rom")
    if style == "logic":
        f["rom_luts"] = luts
    return f, b36


def sliding_window_features(p):
    k, pixw = p["KERNEL"], p["CHANNELS"] * p["ELEM_BITS"]
    wp = p["IN_W"] + 2 * p["PAD"]
    f = dict.fromkeys(FEATURES["sliding_window"], 0.0)
    f.update(base=1.0, window_bits=k * k * pixw, out_bits=p["OUT_SIMD"] * p["ELEM_BITS"],
             in_bits=p["IN_SIMD"] * p["ELEM_BITS"])
    bram = 0.0
    if k > 1:
        style, b36, luts = map_memory((k - 1) * pixw, wp, "ram")
        bram = b36
        f["lutram_luts"] = luts
    return f, bram


def maxpool_features(p):
    dw = p["SIMD"] * p["ELEM_BITS"]
    depth = (p["IN_W"] // p["KERNEL"]) * (p["CHANNELS"] // p["SIMD"])
    f = dict.fromkeys(FEATURES["maxpool"], 0.0)
    _, b36, luts = map_memory(dw, depth, "ram")
    f.update(base=1.0, simd_bits=dw, lutram_luts=luts)
    return f, b36


def fifo_features(p):
    w = p["DATA_WIDTH"] + 1  # tlast is stored with the data
    d = p["DEPTH"]
    f = dict.fromkeys(FEATURES["axis_fifo"], 0.0)
    style, b36, luts = map_memory(w, d, "ram")
    f.update(base=1.0, width=w, lutram_luts=luts, address_bits=max(1, (d - 1).bit_length()),
             mux_bits=lutram_mux_bits(w, d) if style == "lutram" else 0)
    return f, b36


def width_converter_features(p):
    f = dict.fromkeys(FEATURES["axis_width_converter"], 0.0)
    f.update(base=1.0, in_bits=p["IN_ELEMS"] * p["ELEM_BITS"], out_bits=p["OUT_ELEMS"] * p["ELEM_BITS"])
    return f, 0.0


def logits_features(p):
    f = dict.fromkeys(FEATURES["logits_argmax"], 0.0)
    style, b36, luts = map_memory(96, p["NUM_CLASSES"], "rom")
    # One acc x 32-bit multiplier for all PE lanes, in 17-bit tiles of the accumulator
    # (two DSP48E1 each for the 32-bit factor).
    f.update(base=1.0, pe=p["PE"], pe_bits=p["PE"] * (p["ACC_BITS"] + 32), rom_luts=luts if style == "logic" else 0,
             multiplier_tiles=2 * ceil_div(p["ACC_BITS"], 17))
    return f, b36


FEATURE_FN = {"mvtu": mvtu_features, "requant": requant_features, "sliding_window": sliding_window_features,
              "maxpool": maxpool_features, "axis_fifo": fifo_features,
              "axis_width_converter": width_converter_features, "logits_argmax": logits_features}


# ------------------------------------------------------------ fit

def nnls(rows, y, sweeps=20000):
    """min ||A x - y||^2 subject to x >= 0, by cyclic coordinate descent on the columns
    scaled to unit norm (tens of rows, about ten columns: plain Python is enough)."""
    n = len(rows[0])
    scale = [math.sqrt(sum(r[j] ** 2 for r in rows)) or 1.0 for j in range(n)]
    a = [[r[j] / scale[j] for j in range(n)] for r in rows]
    x = [0.0] * n
    res = list(y)
    for _ in range(sweeps):
        change = 0.0
        for j in range(n):
            g = sum(a[i][j] * res[i] for i in range(len(a)))
            new = max(0.0, x[j] + g)  # unit-norm column: the exact coordinate minimum
            d = new - x[j]
            if d:
                for i in range(len(a)):
                    res[i] -= d * a[i][j]
                x[j] = new
                change = max(change, abs(d))
        if change < 1e-9:
            break
    return [x[j] / scale[j] for j in range(n)]


def fit(modules):
    """Coefficients per engine and resource from the per-engine Yosys runs."""
    coef = {}
    for module, names in FEATURES.items():
        pts = [m for m in modules if m["module"] == module]
        if not pts:
            coef[module] = {r: [0.0] * len(names) for r in RESOURCES}
            continue
        rows = [[FEATURE_FN[module](m["params"])[0][k] for k in names] for m in pts]
        coef[module] = {}
        for r in RESOURCES:
            # DSP48s are counted by structure: only the engine's multiplier count may carry them.
            use = [j for j, k in enumerate(names) if r != "dsp" or k in DSP_FEATURES.get(module, [])]
            if not use:
                coef[module][r] = [0.0] * len(names)
                continue
            x = nnls([[row[j] for j in use] for row in rows], [float(m[r]) for m in pts])
            coef[module][r] = [0.0] * len(names)
            for j, v in zip(use, x):
                coef[module][r][j] = v
    return coef


def predict(module, params, coef):
    f, bram = FEATURE_FN[module](params)
    names = FEATURES[module]
    out = {r: sum(f[k] * c for k, c in zip(names, coef[module][r])) for r in RESOURCES}
    out["bram36"] = bram
    return out


# ------------------------------------------------------------ header

def struct_name(module):
    return "".join(w.capitalize() for w in module.split("_")) + "Features"


def write_header(coef, summary):
    lines = [
        "#pragma once",
        "// Generated by bench/hw/calibrate.py (features and fit in bench/hw/cost_fit.py); do not",
        "// edit by hand: rerun the script. The cost model's coefficients, fitted by least squares",
        "// (coefficients >= 0) on per-engine Yosys 0.23 synth_xilinx runs of the engines of the",
        "// fit designs. Each engine's estimate of a resource is sum(feature * coefficient), with",
        "// the features computed by src/hw/cost_model.cpp exactly as by cost_fit.py. BRAM36 is not",
        "// fitted: it comes from the memory-mapping rule (cost_model.cpp map_memory).",
        *[f"// {line}" for line in textwrap.wrap(summary, 86)],
        "",
        "namespace dorefa::hw::calibration {",
        "",
    ]
    for module, names in FEATURES.items():
        s = struct_name(module)
        lines.append(f"// rtl/{module}.sv: one feature per field (cost_fit.py {FEATURE_FN[module].__name__}).")
        lines.append(f"struct {s} {{")
        lines += [f"  double {n} = 0;" for n in names]
        lines.append("};")
        lines.append(f"inline double apply(const {s}& f, const {s}& k) {{")
        lines.append("  double sum = 0;")
        lines += [f"  sum += f.{n} * k.{n};" for n in names]
        lines.append("  return sum;")
        lines.append("}")
        for r in RESOURCES:
            lines.append(f"inline constexpr {s} k{s[:-len('Features')]}{r.capitalize()}{{")
            lines += [f"    .{n} = {c if abs(c) >= 1e-6 else 0.0:.6g}," for n, c in zip(names, coef[module][r])]
            lines.append("};")
        lines.append("")
    lines.append("}  // namespace dorefa::hw::calibration")
    text = "\n".join(lines) + "\n"
    tmp = HEADER + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, HEADER)


# ------------------------------------------------------------ evaluation

def pct(est, meas):
    return 100.0 * (est - meas) / meas if meas else (0.0 if est == 0 else float("inf"))


def whole_design_scale(data, coef):
    """Per fitted resource, the least-squares factor from the sum of a fit design's engine
    estimates to its whole-design Yosys count (1 without whole fit designs): flattened,
    Yosys shares and drops logic across engine boundaries."""
    scale = {}
    for r in RESOURCES:
        num = den = 0.0
        for name, whole in data.get("whole_fit", {}).items():
            s = sum(predict(m["module"], m["params"], coef)[r] for m in data["modules"] if m["design"] == name)
            num += s * whole[r]
            den += s * s
        scale[r] = num / den if den else 1.0
    return scale


def main(data, argv):
    import calibrate
    log = calibrate.log
    coef = fit(data["modules"])
    scale = whole_design_scale(data, coef)
    log("engines-to-whole-design scale from %d fit designs: %s" % (
        len(data.get("whole_fit", {})), ", ".join(f"{r} {v:.3f}" for r, v in scale.items())))
    # Per-engine residuals on the fit set.
    fit_designs = {}
    for m in data["modules"]:
        p = predict(m["module"], m["params"], coef)
        d = fit_designs.setdefault(m["design"], {"est": dict.fromkeys(["lut", "ff", "bram36", "dsp"], 0.0),
                                                  "meas": dict.fromkeys(["lut", "ff", "bram36", "dsp"], 0.0)})
        for r in d["est"]:
            d["est"][r] += p[r]
            d["meas"][r] += m[r]
    for module in FEATURES:
        pts = [m for m in data["modules"] if m["module"] == module]
        if pts:
            err = {r: sum(abs(predict(module, m["params"], coef)[r] - m[r]) for m in pts) /
                   max(1.0, sum(m[r] for m in pts)) * 100 for r in ["lut", "ff", "bram36", "dsp"]}
            log(f"fit {module}: {len(pts)} engines, summed |error| " +
                ", ".join(f"{r} {v:.1f} %" for r, v in err.items()))
    for module in coef:
        for r in RESOURCES:
            coef[module][r] = [c * scale[r] for c in coef[module][r]]
    n_fit = len(fit_designs)
    held = data["whole"]
    summary = (f"Fit on {len(data['modules'])} engines of {n_fit} designs, scaled to whole designs by "
               + ", ".join(f"{r} x{v:.3f}" for r, v in scale.items())
               + f" ({len(data.get('whole_fit', {}))} fit designs synthesized whole); "
               f"held-out designs: {len(held)} (errors in docs/hw.md, table cost-calibration).")
    write_header(coef, summary)
    log(f"wrote {os.path.relpath(HEADER, ROOT)}")
    if "--no-build" not in argv:
        log("rebuilding dorefa (flock /tmp/build.lock ninja -C build dorefa)")
        subprocess.run(["flock", "/tmp/build.lock", "ninja", "-C", os.path.join(ROOT, "build"), "dorefa"],
                       check=True, stdout=subprocess.DEVNULL)
    rows = []
    for name in calibrate.DESIGNS:
        role = calibrate.DESIGNS[name][3]
        d = calibrate.build_design(name)  # recompiled with the new coefficients
        est = json.load(open(os.path.join(d, "design.json")))["estimate"]
        if role == "fit" and name in data.get("whole_fit", {}):
            meas, what = data["whole_fit"][name], "whole design"
        elif role == "fit":
            meas, what = fit_designs[name]["meas"], "sum of engines"
        else:
            meas = held[name]
            what = "whole design"
        py = {r: 0.0 for r in ["lut", "ff", "bram36", "dsp"]}
        for module, _, params in calibrate.instances(d):
            p = predict(module, params, coef)
            for r in py:
                py[r] += p[r]
        rows.append(dict(name=name, role=role, what=what, est={r: est[r] for r in py}, meas=meas, py=py))
        log(f"{role:8s} {name:20s} vs {what:14s} " + "  ".join(
            f"{r.upper()} {est[r]:.0f}/{meas[r]:.0f} ({pct(est[r], meas[r]):+.1f} %)" for r in py) +
            ("  [python and C++ features disagree: " + ", ".join(f"{r} {py[r]:.1f} vs {est[r]:.1f}" for r in py
                                                               if abs(py[r] - est[r]) > 0.5 + 1e-3 * abs(py[r])) + "]"
             if any(abs(py[r] - est[r]) > 0.5 + 1e-3 * abs(py[r]) for r in py) else ""))
    with open(os.path.join(calibrate.CAL, "evaluation.json"), "w") as f:
        json.dump({"coefficients": coef, "designs": rows}, f, indent=1)
    table = doc_table(rows, len(data["modules"]), time.time() - calibrate.START)
    print(table)
    if "--no-doc" not in argv:
        subprocess.run([WRITE, DOC, "cost-calibration", "bench/hw/calibrate.py"], input=table, text=True, check=True)


def doc_table(rows, n_engines, seconds):
    res = [("LUT", "lut"), ("FF", "ff"), ("BRAM36", "bram36"), ("DSP48E1", "dsp")]
    out = []
    fit = [r for r in rows if r["role"] == "fit"]
    held = [r for r in rows if r["role"] != "fit"]
    out.append(f"Fit: {n_engines} engines of {len(fit)} designs ({', '.join(r['name'] for r in fit)}), each engine "
               f"synthesized alone. Held out: {len(held)} designs, each synthesized whole (`dorefa synth --no-sta`) "
               f"and compared with `dorefa compile`'s estimate (design.json).")
    out.append("")
    out.append("| held-out design | " + " | ".join(f"{n} est / Yosys" for n, _ in res) + " |")
    out.append("| --- |" + " --: |" * len(res))
    for r in held:
        out.append(f"| {r['name']} | " + " | ".join(
            f"{r['est'][k]:,.{1 if k == 'bram36' else 0}f} / {r['meas'][k]:,.{1 if k == 'bram36' else 0}f} "
            f"({pct(r['est'][k], r['meas'][k]):+.1f} %)" for _, k in res) + " |")
    out.append("")
    out.append("| error on held-out designs | " + " | ".join(n for n, _ in res) + " |")
    out.append("| --- |" + " --: |" * len(res))
    for label, fn in [("mean \\|error\\|", lambda e: sum(e) / len(e)), ("largest \\|error\\|", max)]:
        cells = []
        for _, k in res:
            errs = [abs(pct(r["est"][k], r["meas"][k])) for r in held if r["meas"][k] or r["est"][k]]
            cells.append(f"{fn(errs):.1f} %" if errs else "–")
        out.append(f"| {label} | " + " | ".join(cells) + " |")
    fit_whole = [r for r in fit if r["what"] == "whole design"]
    fit_errs = []
    for _, k in res:
        errs = [abs(pct(r["est"][k], r["meas"][k])) for r in fit_whole if r["meas"][k] or r["est"][k]]
        fit_errs.append(f"{sum(errs) / len(errs):.1f} %" if errs else "–")
    out.append(f"| for comparison: the {len(fit_whole)} fit designs synthesized whole, mean \\|error\\| | "
               + " | ".join(fit_errs) + " |")
    return "\n".join(out) + "\n"
