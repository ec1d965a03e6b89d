#!/usr/bin/env python3
"""Yosys resource numbers for one rtl/ module with given parameters (the numbers in the
docs/rtl/*.md pages). Memory images are filled with random words, so ROMs are not
optimized away. Not a test: a synthesis run takes seconds to minutes.

usage: synth_stats.py [--sta] [--json] MODULE [NAME=VALUE ...]
  --sta   also run Yosys `sta` on the netlist (logic delay of the Xilinx cell models only,
          no placement or routing: a lower bound on the real critical path)
  --json  print one JSON object (lut, lutram, ff, bram36, dsp, carry4, sta_ns) instead
          (bench/hw/rtl_resources.py writes the docs' tables from it)
"""
import os
import random
import re
import subprocess
import sys
import tempfile

RTL = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEPS = {"mvtu": ["adder_tree"]}


def mem_files(module, p, tmp):
    """Random memory images in the formats of docs/rtl/interfaces.md."""
    files = {}
    rnd = random.Random(1)

    def write(name, width, depth):
        path = os.path.join(tmp, name + ".mem")
        with open(path, "w") as f:
            for _ in range(depth):
                f.write("%0*x\n" % ((width + 3) // 4, rnd.getrandbits(width)))
        files[name] = path

    if module == "mvtu":
        sf, nf = p["MW"] // p["SIMD"], p["MH"] // p["PE"]
        write("WEIGHT_FILE", p["PE"] * p["SIMD"] * p["W_BITS"], sf * nf)
        if p.get("OUTPUT_MODE", 0) == 0:
            write("THRESH_FILE", p["PE"] * ((1 << p["OUT_BITS"]) - 1) * p["ACC_BITS"], nf)
    if module == "logits_argmax":
        write("PARAM_FILE", 96, p["NUM_CLASSES"])
    if module == "requant":
        lanes, pe = p.get("LANES", 2), p.get("PE", 4)
        write("PARAM_FILE", lanes * (p.get("BIAS_BITS", 16) + p.get("MULT_BITS", 24) + 6),
              p.get("CHANNELS", 8) // pe * (pe // lanes))
    return files


def main():
    args = sys.argv[1:]
    sta = "--sta" in args
    as_json = "--json" in args
    args = [a for a in args if a not in ("--sta", "--json")]
    module = args[0]
    params = {k: int(v) for k, v in (a.split("=") for a in args[1:])}
    with tempfile.TemporaryDirectory() as tmp:
        files = mem_files(module, params, tmp)
        srcs = " ".join(os.path.join(RTL, m + ".sv") for m in [module] + DEPS.get(module, []))
        sets = " ".join("-set %s %d" % kv for kv in params.items())
        sets += "".join(' -set %s "%s"' % kv for kv in files.items())
        script = (f"read_verilog -sv {srcs}; chparam {sets} {module}; "
                  f"synth_xilinx -family xc7 -top {module} -flatten -noiopad; stat; "
                  f"write_verilog -noattr {os.path.join(tmp, 'netlist.v')}")
        out = subprocess.run(["yosys", "-q", "-p", script, "-l", os.path.join(tmp, "log")],
                             capture_output=True, text=True, cwd=tmp)
        if out.returncode != 0:
            print(out.stdout, out.stderr)
            sys.exit(1)
        log = open(os.path.join(tmp, "log")).read()
        path_ns = None
        if sta:
            sta_script = (f"read_verilog -lib -specify +/xilinx/cells_sim.v; "
                          f"read_verilog {os.path.join(tmp, 'netlist.v')}; hierarchy -top {module}; sta")
            so = subprocess.run(["yosys", "-p", sta_script], capture_output=True, text=True, cwd=tmp)
            m = re.search(r"Latest arrival time in '.*?' is (\d+)", so.stdout)
            path_ns = int(m.group(1)) / 1000 if m else None
    stat = log[log.rfind("Number of cells"):]
    cells = {m.group(1): int(m.group(2)) for m in re.finditer(r"^\s+(\S+)\s+(\d+)$", stat, re.M)}
    lut = sum(v for k, v in cells.items() if re.fullmatch(r"LUT\d", k))
    lutram = sum(v * (4 if k in ("RAM32M", "RAM64M") else 1) for k, v in cells.items()
                 if k.startswith("RAM") and not k.startswith("RAMB"))
    ff = sum(v for k, v in cells.items() if k.startswith("FD"))
    bram36 = cells.get("RAMB36E1", 0) + cells.get("RAMB18E1", 0) / 2
    dsp = cells.get("DSP48E1", 0)
    carry = cells.get("CARRY4", 0)
    if as_json:
        import json
        print(json.dumps({"module": module, "params": params, "lut": lut, "lutram": lutram, "ff": ff,
                          "bram36": bram36, "dsp": dsp, "carry4": carry, "sta_ns": path_ns}))
        return
    print(f"{module} {' '.join(args[1:])}")
    print(f"  LUT {lut} (+{lutram} as LUTRAM)  FF {ff}  BRAM36 {bram36:g}  DSP {dsp}  CARRY4 {carry}"
          + (f"  sta {path_ns:.2f} ns" if path_ns is not None else ""))


if __name__ == "__main__":
    main()
