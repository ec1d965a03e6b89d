# Vivado (2020.1 or later) batch build of a PYNQ-Z2 overlay for a design from
# `dorefa compile`, as laid out by `dorefa bundle` (docs/board/vivado.md):
#
#   cd B && vivado -mode batch -source vivado/build_bitstream.tcl -tclargs design overlay [BUILD_DIR]
#
#   design/   the design folder with filelist.txt (src/hw/vivado_filelist.hpp)
#   overlay/  written here: dorefa.bit and dorefa.hwh (PYNQ loads them by one base name),
#             address_map.txt, timing_summary.rpt, utilization.rpt, power.rpt
#   BUILD_DIR Vivado's project and scratch files (default: vivado_build/ beside overlay/)
#
# Block design: the Zynq PS7 configured for the PYNQ-Z2 (pynq_z2_ps7.tcl), FCLK0 at
# 100 MHz; M_AXI_GP0 -> AXI interconnect -> system_top's AXI4-Lite s_axi (registers,
# docs/board/registers.md); system_top's AXI3 m_axi -> AXI interconnect -> S_AXI_HP0
# (64-bit) to DDR; FCLK_CLK0 -> clk; proc_sys_reset peripheral_aresetn -> rst_n. Then
# synthesis, implementation and the bitstream in this one process (no launch_runs).
#
# Fails loudly (a Tcl error naming the file and the reason; Vivado exits non-zero) on bad
# arguments, a missing design file, or failed timing (the reports are written first).
# Not run in this repository (no Vivado there): tests/board/vivado_tcl_test.sh runs it under
# tclsh with stub Vivado commands; see docs/board/vivado.md for what that does not show.

# --- The board-facing constants, in one place ------------------------------------------
# The register window is what the C++ host and the Python driver map (they read
# overlay/address_map.txt, written below from these values); DDR is what HP0 may reach.
set dorefa_part          xc7z020clg400-1
set dorefa_fclk0_mhz     100
set dorefa_reg_base      0x43C00000
set dorefa_reg_range     64K
set dorefa_reg_bytes     0x00010000
set dorefa_ddr_base      0x00000000
set dorefa_ddr_range     512M
set dorefa_ddr_bytes     0x20000000
set dorefa_overlay_name  dorefa
set dorefa_min_vivado    2020.1

set dorefa_script_dir [file dirname [file normalize [info script]]]
source [file join $dorefa_script_dir design_files.tcl]
source [file join $dorefa_script_dir pynq_z2_ps7.tcl]

if {[llength $argv] < 2 || [llength $argv] > 3} {
  error "build_bitstream.tcl: expected 2 or 3 arguments, found [llength $argv] ($argv);\
 usage: vivado -mode batch -source vivado/build_bitstream.tcl -tclargs DESIGN_DIR OUT_DIR ?BUILD_DIR?"
}
set design_dir [file normalize [lindex $argv 0]]
set out_dir    [file normalize [lindex $argv 1]]
if {[llength $argv] == 3} {
  set build_dir [file normalize [lindex $argv 2]]
} else {
  set build_dir [file join [file dirname $out_dir] vivado_build]
}
if {![file isdirectory $design_dir]} {
  error "$design_dir: design folder not found (the first argument: a folder from `dorefa compile`)"
}
set vivado_version [version -short]
if {![regexp {^(\d+\.\d+)} $vivado_version -> vivado_major_minor] ||
    [package vcompare $vivado_major_minor $dorefa_min_vivado] < 0} {
  error "Vivado $vivado_version: this script needs $dorefa_min_vivado or later"
}

# Everything is checked before Vivado starts working.
set design_files [dorefa::read_filelist $design_dir]
file mkdir $out_dir $build_dir
set bit_file [file join $out_dir $dorefa_overlay_name.bit]
set hwh_file [file join $out_dir $dorefa_overlay_name.hwh]
set timing_rpt [file join $out_dir timing_summary.rpt]
set util_rpt   [file join $out_dir utilization.rpt]
set power_rpt  [file join $out_dir power.rpt]
set map_file   [file join $out_dir address_map.txt]
# A failed run must not leave an older bitstream looking like its result.
foreach f [list $bit_file $hwh_file $timing_rpt $util_rpt $power_rpt $map_file] { file delete -force $f }

# --- Project and sources ------------------------------------------------------------------
# A project on disk (in BUILD_DIR): block-design module references need one.
set proj_dir [file join $build_dir project]
create_project -force dorefa_overlay $proj_dir -part $dorefa_part
set_property target_language Verilog [current_project]

set copy_dir [file join $build_dir sources]
set memory_files [dict get $design_files memory]
foreach f [dict get $design_files systemverilog] {
  read_verilog -sv [dorefa::with_absolute_memory_paths $f $design_dir $memory_files $copy_dir]
}
# system_top.v (and any other plain Verilog): the module reference must be a Verilog file.
foreach f [dict get $design_files verilog] {
  read_verilog [dorefa::with_absolute_memory_paths $f $design_dir $memory_files $copy_dir]
}
set include_dirs {}
foreach f [dict get $design_files header] {
  add_files -norecurse -fileset sources_1 $f
  set_property file_type {Verilog Header} [get_files $f]
  set d [file dirname $f]
  if {[lsearch -exact $include_dirs $d] < 0} { lappend include_dirs $d }
}
set_property include_dirs $include_dirs [get_filesets sources_1]
update_compile_order -fileset sources_1

# --- Block design ----------------------------------------------------------------------------
create_bd_design dorefa_bd

set ps7 [create_bd_cell -type ip -vlnv xilinx.com:ip:processing_system7 ps7]
set_property -dict [dorefa::pynq_z2_ps7_config] $ps7
# This project's choices: the PL clock, the register port, the 64-bit DMA port.
set_property -dict [list \
  CONFIG.PCW_FPGA0_PERIPHERAL_FREQMHZ $dorefa_fclk0_mhz \
  CONFIG.PCW_EN_CLK0_PORT {1} \
  CONFIG.PCW_EN_RST0_PORT {1} \
  CONFIG.PCW_USE_M_AXI_GP0 {1} \
  CONFIG.PCW_USE_S_AXI_HP0 {1} \
  CONFIG.PCW_S_AXI_HP0_DATA_WIDTH {64} \
] $ps7
set fclk0_actual [get_property CONFIG.PCW_ACT_FPGA0_PERIPHERAL_FREQMHZ $ps7]
if {![string is double -strict $fclk0_actual] || abs($fclk0_actual - $dorefa_fclk0_mhz) > 0.5} {
  error "ps7: FCLK0 came out at $fclk0_actual MHz, expected $dorefa_fclk0_mhz MHz (the core is timed and its FREQ_HZ set for it)"
}
create_bd_intf_port -mode Master -vlnv xilinx.com:interface:ddrx_rtl:1.0 DDR
create_bd_intf_port -mode Master -vlnv xilinx.com:display_processing_system7:fixedio_rtl:1.0 FIXED_IO
connect_bd_intf_net [get_bd_intf_ports DDR] [get_bd_intf_pins ps7/DDR]
connect_bd_intf_net [get_bd_intf_ports FIXED_IO] [get_bd_intf_pins ps7/FIXED_IO]

set core [create_bd_cell -type module -reference system_top dorefa]
# m_axi has AXI3's wid, 4-bit lengths and 2-bit locks; make sure the pin says so.
if {[get_property CONFIG.PROTOCOL [get_bd_intf_pins dorefa/m_axi]] ne "AXI3"} {
  set_property CONFIG.PROTOCOL AXI3 [get_bd_intf_pins dorefa/m_axi]
}
foreach {pin want} {s_axi AXI4LITE m_axi AXI3} {
  set got [get_property CONFIG.PROTOCOL [get_bd_intf_pins dorefa/$pin]]
  if {$got ne $want} {
    error "dorefa/$pin: Vivado inferred protocol '$got' from system_top.v, expected $want (docs/board/registers.md)"
  }
}

set gp0_ic [create_bd_cell -type ip -vlnv xilinx.com:ip:axi_interconnect gp0_interconnect]
set_property -dict [list CONFIG.NUM_SI {1} CONFIG.NUM_MI {1}] $gp0_ic
set hp0_ic [create_bd_cell -type ip -vlnv xilinx.com:ip:axi_interconnect hp0_interconnect]
set_property -dict [list CONFIG.NUM_SI {1} CONFIG.NUM_MI {1}] $hp0_ic
set rst [create_bd_cell -type ip -vlnv xilinx.com:ip:proc_sys_reset rst_fclk0]

connect_bd_intf_net [get_bd_intf_pins ps7/M_AXI_GP0] [get_bd_intf_pins gp0_interconnect/S00_AXI]
connect_bd_intf_net [get_bd_intf_pins gp0_interconnect/M00_AXI] [get_bd_intf_pins dorefa/s_axi]
connect_bd_intf_net [get_bd_intf_pins dorefa/m_axi] [get_bd_intf_pins hp0_interconnect/S00_AXI]
connect_bd_intf_net [get_bd_intf_pins hp0_interconnect/M00_AXI] [get_bd_intf_pins ps7/S_AXI_HP0]

# One clock domain: FCLK0 everywhere.
connect_bd_net [get_bd_pins ps7/FCLK_CLK0] \
  [get_bd_pins ps7/M_AXI_GP0_ACLK] [get_bd_pins ps7/S_AXI_HP0_ACLK] [get_bd_pins dorefa/clk] \
  [get_bd_pins gp0_interconnect/ACLK] [get_bd_pins gp0_interconnect/S00_ACLK] [get_bd_pins gp0_interconnect/M00_ACLK] \
  [get_bd_pins hp0_interconnect/ACLK] [get_bd_pins hp0_interconnect/S00_ACLK] [get_bd_pins hp0_interconnect/M00_ACLK] \
  [get_bd_pins rst_fclk0/slowest_sync_clk]
connect_bd_net [get_bd_pins ps7/FCLK_RESET0_N] [get_bd_pins rst_fclk0/ext_reset_in]
connect_bd_net [get_bd_pins rst_fclk0/interconnect_aresetn] \
  [get_bd_pins gp0_interconnect/ARESETN] [get_bd_pins hp0_interconnect/ARESETN]
connect_bd_net [get_bd_pins rst_fclk0/peripheral_aresetn] [get_bd_pins dorefa/rst_n] \
  [get_bd_pins gp0_interconnect/S00_ARESETN] [get_bd_pins gp0_interconnect/M00_ARESETN] \
  [get_bd_pins hp0_interconnect/S00_ARESETN] [get_bd_pins hp0_interconnect/M00_ARESETN]

# Address map. The shell decodes 8 address bits: its 256-byte map repeats over the window.
set reg_segs [get_bd_addr_segs dorefa/s_axi/*]
if {[llength $reg_segs] != 1} {
  error "dorefa/s_axi: expected one address segment on the register port, found [llength $reg_segs] ($reg_segs)"
}
assign_bd_address -target_address_space [get_bd_addr_spaces ps7/Data] \
  -offset $dorefa_reg_base -range $dorefa_reg_range $reg_segs
assign_bd_address -target_address_space [get_bd_addr_spaces dorefa/m_axi] \
  -offset $dorefa_ddr_base -range $dorefa_ddr_range [get_bd_addr_segs ps7/S_AXI_HP0/HP0_DDR_LOWOCM]

validate_bd_design
save_bd_design

set fh [open $map_file w]
puts $fh "# PYNQ-Z2 address map of this overlay, written by board/vivado/build_bitstream.tcl."
puts $fh "# name       base        bytes       master        slave"
puts $fh [format "%-12s %s  %s  %-12s  %s" registers $dorefa_reg_base $dorefa_reg_bytes ps7/M_AXI_GP0 dorefa/s_axi]
puts $fh [format "%-12s %s  %s  %-12s  %s" ddr $dorefa_ddr_base $dorefa_ddr_bytes dorefa/m_axi ps7/S_AXI_HP0]
puts $fh "fclk0_mhz    $dorefa_fclk0_mhz"
close $fh

# Global synthesis of the block design (no out-of-context IP runs: this process runs
# synth_design itself), then the HDL wrapper as the top.
set bd_file [get_files dorefa_bd.bd]
set_property synth_checkpoint_mode None $bd_file
generate_target all $bd_file
read_verilog [make_wrapper -files $bd_file -top]
set_property top dorefa_bd_wrapper [get_filesets sources_1]
update_compile_order -fileset sources_1

# The hardware handoff PYNQ reads (register map, clocks); its folder moved in 2020.2.
set hwh_found [glob -nocomplain \
  [file join $proj_dir dorefa_overlay.gen sources_1 bd dorefa_bd hw_handoff dorefa_bd.hwh] \
  [file join $proj_dir dorefa_overlay.srcs sources_1 bd dorefa_bd hw_handoff dorefa_bd.hwh]]
if {[llength $hwh_found] == 0} {
  error "$proj_dir: generate_target wrote no hw_handoff/dorefa_bd.hwh (looked under dorefa_overlay.gen and .srcs)"
}

# --- Synthesis and implementation ------------------------------------------------------------
synth_design -top dorefa_bd_wrapper -part $dorefa_part
opt_design
place_design
phys_opt_design
route_design
write_checkpoint -force [file join $build_dir dorefa_routed.dcp]

report_timing_summary -file $timing_rpt
report_utilization -file $util_rpt
report_power -file $power_rpt

set wns [get_property SLACK [get_timing_paths -delay_type max -max_paths 1 -nworst 1]]
set whs [get_property SLACK [get_timing_paths -delay_type min -max_paths 1 -nworst 1]]
if {![string is double -strict $wns] || ![string is double -strict $whs]} {
  error "$timing_rpt: no timed path (WNS '$wns', WHS '$whs'): is FCLK0 constrained?"
}
if {$wns < 0 || $whs < 0} {
  error "$timing_rpt: timing not met at $dorefa_fclk0_mhz MHz (WNS $wns ns, WHS $whs ns); reports written, no bitstream"
}

write_bitstream -force $bit_file
file copy -force [lindex $hwh_found 0] $hwh_file
foreach f [list $bit_file $hwh_file] {
  if {![file isfile $f]} { error "$f: expected output missing after write_bitstream" }
}
puts "dorefa overlay: $bit_file + $hwh_file (WNS $wns ns, WHS $whs ns); address map in $map_file"
