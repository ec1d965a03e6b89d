#!/usr/bin/env bash
# The Vivado build script checked without Vivado (docs/board/vivado.md, "What was checked"):
#  1. every board/vivado/*.tcl parses (tclsh `info complete`) and uses no Tcl 8.6-only
#     command (Vivado's Tcl is 8.5);
#  2. build_bitstream.tcl runs under tclsh with stub Vivado commands (vivado_stubs.tcl) on a
#     real design (`dorefa synthetic` + `dorefa compile`) laid out as `dorefa bundle` will,
#     with the file list hw::write_vivado_filelist writes, and vivado_tcl_check.tcl checks
#     what it asked Vivado for: files, PS7 settings, connections, address map, outputs;
#  3. every check can fail: broken inputs and mutated copies of the script must be caught.
#   vivado_tcl_test.sh TCLSH DOREFA FILELIST_TOOL SOURCE_ROOT WORK_DIR
set -uo pipefail
tclsh=$1 dorefa=$2 filelist_tool=$3 root=$4 work=$5
if [[ -z "$tclsh" || "$tclsh" == *NOTFOUND* ]] || ! command -v "$tclsh" >/dev/null; then
  echo "SKIP: no tclsh on this machine (apt-get install tcl); the Vivado Tcl was not checked"
  exit 77
fi
vivado_src=$root/board/vivado
stubs=$root/tests/board/vivado_stubs.tcl
check=$root/tests/board/vivado_tcl_check.tcl
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { echo "ok:   $*"; }

rm -rf "$work"
mkdir -p "$work"

# --- 1. Parsing and Tcl 8.5 ---------------------------------------------------------------------
parses() {  # FILE: 0 when tclsh finds every command complete
  "$tclsh" <<EOF
set fh [open {$1} r]; set t [read \$fh]; close \$fh
if {![info complete \$t]} { puts "incomplete Tcl (unbalanced braces, brackets or quotes)"; exit 1 }
exit 0
EOF
}
for f in "$vivado_src"/*.tcl "$stubs" "$check"; do
  if parses "$f"; then ok "parses: ${f#"$root"/}"; else fail "does not parse: $f"; fi
done
sed '$d' "$vivado_src/build_bitstream.tcl" | sed 's/^}$//' >"$work/broken.tcl"
if parses "$work/broken.tcl" >/dev/null; then fail "the parse check accepted a script with a brace removed"; else ok "the parse check rejects a removed brace"; fi
if grep -nE '\b(lmap|tailcall|coroutine|try|throw)\b|string cat|dict map|file tempfile' "$vivado_src"/*.tcl; then
  fail "board/vivado uses a Tcl 8.6-only command (Vivado runs Tcl 8.5)"
else
  ok "no Tcl 8.6-only commands in board/vivado"
fi

# --- 2. A real design, bundled --------------------------------------------------------------------
"$dorefa" synthetic lenet-w1a2 --out "$work/model.dqm" --seed 1 >"$work/synthetic.log" 2>&1 \
  || { cat "$work/synthetic.log"; echo "FAIL: dorefa synthetic"; exit 1; }
"$dorefa" compile "$work/model.dqm" --out "$work/design" >"$work/compile.log" 2>&1 \
  || { cat "$work/compile.log"; echo "FAIL: dorefa compile"; exit 1; }
bundle=$work/bundle
mkdir -p "$bundle/vivado"
cp -r "$work/design" "$bundle/design"
cp "$vivado_src"/*.tcl "$bundle/vivado/"
"$filelist_tool" "$bundle/design" || { echo "FAIL: write_vivado_filelist"; exit 1; }
echo "filelist.txt: $(grep -c '^systemverilog ' "$bundle/design/filelist.txt") systemverilog," \
  "$(grep -c '^verilog ' "$bundle/design/filelist.txt") verilog, $(grep -c '^header ' "$bundle/design/filelist.txt") header," \
  "$(grep -c '^memory ' "$bundle/design/filelist.txt") memory"
"$filelist_tool" "$work" >"$work/tool.log" 2>&1
rc=$?
if [[ $rc == 2 ]] && grep -q "design.json" "$work/tool.log"; then ok "write_vivado_filelist: a non-design folder is bad input (exit 2)"; else fail "write_vivado_filelist on a non-design folder: exit $rc: $(cat "$work/tool.log")"; fi

# run_case NAME WANT_RC PATTERN [VAR=VALUE...] -- ARGS...: runs the script in a fresh copy of
# the bundle (after `prepare`, a function the caller sets), expects exit WANT_RC and PATTERN
# in the output.
prepare() { :; }
run_case() {
  local name=$1 want=$2 pattern=$3
  shift 3
  local envs=()
  while [[ $# -gt 0 && $1 != -- ]]; do envs+=("$1"); shift; done
  shift
  local dir=$work/case
  rm -rf "$dir"
  cp -r "$bundle" "$dir"
  (cd "$dir" && prepare)
  local out rc
  out=$(cd "$dir" && env "${envs[@]}" "$tclsh" "$check" "$stubs" vivado/build_bitstream.tcl "$@" 2>&1)
  rc=$?
  if [[ $rc == "$want" ]] && grep -qF -- "$pattern" <<<"$out"; then
    ok "$name"
  else
    fail "$name: expected exit $want and '$pattern', got exit $rc:"
    sed 's/^/      /' <<<"$out" | head -40
  fi
}

run_case "good run: every check passes" 0 "all checks passed" -- design overlay
(cd "$work/case" && ls overlay) | tr '\n' ' '
echo
grep -q '^registers *0x43C00000 *0x00010000' "$work/case/overlay/address_map.txt" \
  && ok "address_map.txt: registers 0x43C00000, 64 KB" || fail "address_map.txt: $(cat "$work/case/overlay/address_map.txt")"
run_case "good run with a build folder argument" 0 "all checks passed" -- design overlay build

# --- 3. Each check can fail -------------------------------------------------------------------------
run_case "one argument: usage error" 3 "expected 2 or 3 arguments" -- design
run_case "four arguments: usage error" 3 "expected 2 or 3 arguments" -- design overlay a b
run_case "no design folder" 3 "design folder not found" -- nodesign overlay
run_case "Vivado too old" 3 "needs 2020.1 or later" STUB_VIVADO_VERSION=2019.2 -- design overlay

first_hex=$(grep -m1 '^memory ' "$bundle/design/filelist.txt" | cut -d' ' -f2)
first_rtl=$(grep -m1 '^systemverilog rtl/' "$bundle/design/filelist.txt" | cut -d' ' -f2)
prepare() { rm "design/$first_hex"; }
run_case "a memory image missing from the folder" 3 "memory file '$first_hex' not found" -- design overlay
prepare() { rm "design/$first_rtl"; }
run_case "a source missing from the folder" 3 "systemverilog file '$first_rtl' not found" -- design overlay
prepare() { rm design/filelist.txt; }
run_case "no filelist.txt" 3 "design file list not found" -- design overlay
prepare() { sed -i "\\|^memory $first_hex\$|d" design/filelist.txt; }
run_case "a memory image left out of the list" 3 "which filelist.txt does not list" -- design overlay
prepare() { sed -i "\\|^systemverilog $first_rtl\$|d" design/filelist.txt; }
run_case "a source left out of the list" 1 "design.json source $first_rtl is in filelist.txt" -- design overlay
prepare() { sed -i '/^verilog system_top.v$/d' design/filelist.txt; }
run_case "the board top left out of the list" 3 "no 'verilog system_top.v' line" -- design overlay
prepare() { echo "vhdl foo.vhd" >>design/filelist.txt; }
run_case "an unknown kind in the list" 3 "unknown kind 'vhdl'" -- design overlay
prepare() { echo "memory ../outside.hex" >>design/filelist.txt; }
run_case "a path leaving the folder" 3 "must be a path inside the design folder" -- design overlay

prepare() { :; }
run_case "timing failure: error after the reports" 3 "timing not met" STUB_WNS=-0.250 -- design overlay
if [[ -f $work/case/overlay/timing_summary.rpt && ! -e $work/case/overlay/dorefa.bit ]]; then
  ok "timing failure: reports written, no bitstream"
else
  fail "timing failure: expected timing_summary.rpt and no dorefa.bit in overlay/: $(ls "$work/case/overlay")"
fi
run_case "hold failure" 3 "timing not met" STUB_WHS=-0.010 -- design overlay

# Mutated copies of the script: the checks (or the stubs) must notice each change.
mutant() {  # NAME WANT_RC PATTERN SED_EXPR [FILE]
  local file=${5:-build_bitstream.tcl}
  prepare() { sed -i -e "$MUTATION" "vivado/$MUTANT_FILE"; }
  MUTATION=$4 MUTANT_FILE=$file
  export MUTATION MUTANT_FILE
  if ! sed -e "$4" "$vivado_src/$file" | cmp -s - "$vivado_src/$file"; then
    run_case "mutant: $1" "$2" "$3" -- design overlay
  else
    fail "mutant '$1': the sed expression changes nothing in $file (the script changed?)"
  fi
}
mutant "register base moved" 1 "registers at 0x43C00000, 64 KB" 's/^set dorefa_reg_base .*/set dorefa_reg_base 0x43C10000/'
mutant "register window 4 KB" 1 "registers at 0x43C00000, 64 KB" 's/^set dorefa_reg_range .*/set dorefa_reg_range 4K/'
mutant "HP0 window 1 GB" 1 "HP0 sees DDR 0x00000000-0x1FFFFFFF" 's/^set dorefa_ddr_range .*/set dorefa_ddr_range 1G/'
mutant "FCLK0 at 50 MHz" 1 "FCLK0 requested at 100 MHz" 's/^set dorefa_fclk0_mhz .*/set dorefa_fclk0_mhz 50/'
mutant "FCLK0 at 142 MHz (no exact divisor)" 1 "FCLK0 comes out at 100 MHz" 's/^set dorefa_fclk0_mhz .*/set dorefa_fclk0_mhz 142.86/'
mutant "HP0 disabled" 3 "S_AXI_HP0" 's/CONFIG.PCW_USE_S_AXI_HP0 {1}/CONFIG.PCW_USE_S_AXI_HP0 {0}/'
mutant "GP0 disabled" 3 "M_AXI_GP0" 's/CONFIG.PCW_USE_M_AXI_GP0 {1}/CONFIG.PCW_USE_M_AXI_GP0 {0}/'
mutant "HP0 32-bit" 1 "S_AXI_HP0 is 64-bit" 's/CONFIG.PCW_S_AXI_HP0_DATA_WIDTH {64}/CONFIG.PCW_S_AXI_HP0_DATA_WIDTH {32}/'
mutant "outputs renamed" 1 "overlay/dorefa.bit written" 's/^set dorefa_overlay_name .*/set dorefa_overlay_name overlay/'
mutant "hwh not copied" 3 "dorefa.hwh: expected output missing" 's/^file copy -force \[lindex $hwh_found 0\] $hwh_file$/file copy -force [lindex $hwh_found 0] [file join $out_dir system.hwh]/'
mutant "memory paths left relative" 1 "made absolute" 's/read_verilog -sv \[dorefa::with_absolute_memory_paths .*\]$/read_verilog -sv $f/'
mutant "headers not added" 1 "listed header file" 's/^  add_files -norecurse -fileset sources_1 $f$/  continue/'
mutant "clock not connected" 3 "dorefa/clk is not connected" 's| \[get_bd_pins dorefa/clk\]||'
mutant "reset not connected" 3 "dorefa/rst_n is not connected" 's|\[get_bd_pins rst_fclk0/peripheral_aresetn\] \[get_bd_pins dorefa/rst_n\]|[get_bd_pins rst_fclk0/peripheral_aresetn]|'
mutant "reset from interconnect_aresetn" 1 "peripheral_aresetn drives dorefa/rst_n" 's|\[get_bd_pins rst_fclk0/peripheral_aresetn\] \[get_bd_pins dorefa/rst_n\]|[get_bd_pins rst_fclk0/peripheral_aresetn]|;s|^connect_bd_net \[get_bd_pins rst_fclk0/interconnect_aresetn\]|connect_bd_net [get_bd_pins rst_fclk0/interconnect_aresetn] [get_bd_pins dorefa/rst_n]|'
mutant "GP0 not connected to the core" 1 "M_AXI_GP0 reaches dorefa/s_axi" 's|^connect_bd_intf_net \[get_bd_intf_pins gp0_interconnect/M00_AXI\].*$||'
mutant "module reference to another module" 3 "defines module top" 's/-reference system_top/-reference top/'
mutant "no phys_opt" 1 "flow: synth, opt, place, phys_opt" 's/^phys_opt_design$//'
mutant "wrong part" 1 "part is xc7z020clg400-1" 's/^set dorefa_part .*/set dorefa_part xc7z010clg400-1/'
mutant "DDR part from another board" 1 "DDR bus 16-bit" 's/CONFIG.PCW_UIPARAM_DDR_BUS_WIDTH {16 Bit}/CONFIG.PCW_UIPARAM_DDR_BUS_WIDTH {32 Bit}/' pynq_z2_ps7.tcl
mutant "UART0 off" 1 "UART0 enabled" 's/CONFIG.PCW_UART0_PERIPHERAL_ENABLE {1}/CONFIG.PCW_UART0_PERIPHERAL_ENABLE {0}/' pynq_z2_ps7.tcl
mutant "a Vivado command with no stub" 3 "no stub for command 'report_drc'" 's/^report_power -file $power_rpt$/report_power -file $power_rpt; report_drc/'
mutant "timing check removed" 0 "all checks passed" 's/^if {$wns < 0 || $whs < 0} {$/if {0} {/'
# (The last one passes: the stub's timing is good. With STUB_WNS<0 the same mutant must
# then write a bitstream the good script refuses to write:)
prepare() { sed -i -e 's/^if {$wns < 0 || $whs < 0} {$/if {0} {/' vivado/build_bitstream.tcl; }
run_case "mutant: timing check removed, timing failing" 0 "all checks passed" STUB_WNS=-0.250 -- design overlay
[[ -f $work/case/overlay/dorefa.bit ]] && ok "without the timing check a failing design gets a bitstream (so the check matters)" \
  || fail "the mutant without the timing check wrote no bitstream"

echo
if [[ $failures -gt 0 ]]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "vivado_tcl_test: all passed"
