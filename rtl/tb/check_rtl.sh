#!/bin/sh
# Both tools accept every module of the RTL library: Verilator 5 lint (-Wall, warnings are
# errors) over a few parameter sets per module, and Yosys reads and elaborates each one.
# Usage: check_rtl.sh RTL_DIR
set -eu
rtl=$(cd "${1:-$(dirname "$0")/..}" && pwd)
cd "$rtl"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
touch "$tmp/w.mem" "$tmp/t.mem" "$tmp/p.mem" "$tmp/weights.mem" "$tmp/thresholds.mem" "$tmp/logits.mem"
fail=0
lint() {  # module deps... -- params...
  m=$1; shift
  if ! verilator --lint-only -Wall --top-module "$m" "$@" >"$tmp/log" 2>&1; then
    echo "LINT FAIL $m $*"; cat "$tmp/log"; fail=1
  fi
}
lint axis_fifo axis_fifo.sv
lint axis_fifo axis_fifo.sv -GDEPTH=3 -GDATA_WIDTH=1
lint axis_width_converter axis_width_converter.sv
lint axis_width_converter axis_width_converter.sv -GIN_ELEMS=2 -GOUT_ELEMS=8
lint axis_width_converter axis_width_converter.sv -GIN_ELEMS=3 -GOUT_ELEMS=3
lint adder_tree adder_tree.sv -GN=9 -GSIGNED=1
lint adder_tree adder_tree.sv -GN=1
lint adder_tree adder_tree.sv -GN=13 -GREG_DEPTH=2 -GSIGNED=1
lint adder_tree adder_tree.sv -GN=4 -GREG_DEPTH=2
lint mvtu mvtu.sv adder_tree.sv -GSIMD=8 -GDOT_PIPE=0
lint sliding_window sliding_window.sv
lint sliding_window sliding_window.sv -GKERNEL=1 -GPAD=0
lint sliding_window sliding_window.sv -GCHANNELS=1 -GIN_SIMD=1 -GOUT_SIMD=9 -GELEM_BITS=8
lint sliding_window sliding_window.sv -GKERNEL=2 -GSTRIDE=2 -GPAD=0 -GCHANNELS=4 -GIN_SIMD=2
lint sliding_window sliding_window.sv -GKERNEL=5 -GSTRIDE=3 -GPAD=2 -GIN_H=11 -GIN_W=9
lint mvtu mvtu.sv adder_tree.sv -GWEIGHT_FILE="\"$tmp/w.mem\"" -GTHRESH_FILE="\"$tmp/t.mem\""
lint mvtu mvtu.sv adder_tree.sv -GW_BITS=8 -GIN_BITS=8 -GSIMD=1 -GPE=1 -GWEIGHT_FILE="\"$tmp/w.mem\""
lint mvtu mvtu.sv adder_tree.sv -GW_BITS=3 -GOUTPUT_MODE=1 -GSIMD=8 -GPE=4 -GNUM_VEC=7
lint mvtu mvtu.sv adder_tree.sv -GMW=9 -GSIMD=9 -GMH=16 -GPE=16
lint mvtu mvtu.sv adder_tree.sv -GW_BITS=8 -GUSE_DSP=0 -GIN_BITS=2
lint mvtu mvtu.sv adder_tree.sv -GW_BITS=8 -GUSE_DSP=0 -GIN_BITS=8
lint maxpool maxpool.sv
lint shell_pixel_unpack shell_pixel_unpack.sv
lint shell_pixel_unpack shell_pixel_unpack.sv -GELEMS=2 -GPIXELS=20
lint shell_pixel_unpack shell_pixel_unpack.sv -GELEMS=8 -GPIXELS=576
lint maxpool maxpool.sv -GKERNEL=3 -GIN_H=7 -GIN_W=8 -GSIMD=1
lint logits_argmax logits_argmax.sv
lint logits_argmax logits_argmax.sv -GEMIT_SCORES=1 -GPE=1
lint requant requant.sv
lint requant requant.sv -GLANES=4 -GPARAM_FILE="\"$tmp/p.mem\""
lint requant requant.sv -GPE=1 -GLANES=1 -GMULT_BITS=10 -GSHIFT_MAX=20 -GOUT_BITS=1
lint requant requant.sv -GACC_BITS=32 -GBIAS_BITS=32 -GMULT_BITS=31 -GCHANNELS=6 -GPE=3 -GLANES=1
if command -v yosys >/dev/null 2>&1; then
  for m in axis_fifo axis_width_converter adder_tree sliding_window mvtu maxpool logits_argmax requant; do
    src="$m.sv"
    [ "$m" = mvtu ] && src="mvtu.sv adder_tree.sv"
    if ! (cd "$tmp" && yosys -q -p "read_verilog -sv $(for s in $src; do printf '%s ' "$rtl/$s"; done); hierarchy -check -top $m; proc; opt -fast" >"$tmp/ylog" 2>&1); then
      echo "YOSYS FAIL $m"; cat "$tmp/ylog"; fail=1
    fi
  done
fi
[ $fail -eq 0 ] && echo "rtl lint: all modules clean"
exit $fail
