# Vivado (2020.2 or later) batch script: PYNQ-Z2 bitstream for a design from `dorefa compile`.
#   vivado -mode batch -source board/vivado/build_bitstream.tcl -tclargs DESIGN_DIR [OUT_DIR]
# Block design: Zynq PS7 (FCLK0 = 100 MHz) -> AXI DMA (MM2S 8-bit pixels into top's
# s_axis, S2MM 64-bit results from top's m_axis) -> HP0 for memory, GP0 for control.
# Writes OUT_DIR/dorefa.bit and dorefa.hwh for board/pynq/dorefa_overlay.py.
# Not run in CI (no Vivado here): Yosys numbers from `dorefa synth` are the reference.
if {[llength $argv] < 1} { error "usage: -tclargs DESIGN_DIR \[OUT_DIR\]" }
set design [file normalize [lindex $argv 0]]
set out [expr {[llength $argv] > 1 ? [file normalize [lindex $argv 1]] : "$design/vivado"}]
file mkdir $out
create_project -force dorefa $out/project -part xc7z020clg400-1

# Sources: rtl/*.sv and top.sv; $readmemh paths in top.sv are relative to DESIGN_DIR, so
# write a copy with absolute paths (Vivado resolves relative paths against its run dir).
set fh [open "$design/top.sv" r]; set top [read $fh]; close $fh
set top [string map [list "\"mem/" "\"$design/mem/"] $top]
set fh [open "$out/top_abs.sv" w]; puts -nonewline $fh $top; close $fh
foreach f [glob $design/rtl/*.sv] { add_files -norecurse $f }
add_files -norecurse $out/top_abs.sv
set_property file_type SystemVerilog [get_files *.sv]
update_compile_order -fileset sources_1

create_bd_design dorefa_bd
set ps [create_bd_cell -type ip -vlnv xilinx.com:ip:processing_system7 ps7]
apply_bd_automation -rule xilinx.com:bd_rule:processing_system7 -config {make_external "FIXED_IO, DDR" apply_board_preset "0"} $ps
set_property -dict [list CONFIG.PCW_FPGA0_PERIPHERAL_FREQMHZ {100} CONFIG.PCW_USE_S_AXI_HP0 {1}] $ps
set dma [create_bd_cell -type ip -vlnv xilinx.com:ip:axi_dma dma]
set_property -dict [list CONFIG.c_include_sg {0} CONFIG.c_sg_length_width {26} \
  CONFIG.c_m_axis_mm2s_tdata_width {8} CONFIG.c_s_axis_s2mm_tdata_width {64} \
  CONFIG.c_mm2s_burst_size {64} CONFIG.c_s2mm_burst_size {64}] $dma
set acc [create_bd_cell -type module -reference top accel]
connect_bd_intf_net [get_bd_intf_pins dma/M_AXIS_MM2S] [get_bd_intf_pins accel/s_axis]
connect_bd_intf_net [get_bd_intf_pins accel/m_axis] [get_bd_intf_pins dma/S_AXIS_S2MM]
apply_bd_automation -rule xilinx.com:bd_rule:axi4 -config {Master "/ps7/M_AXI_GP0" Clk "Auto"} [get_bd_intf_pins dma/S_AXI_LITE]
apply_bd_automation -rule xilinx.com:bd_rule:axi4 -config {Slave "/ps7/S_AXI_HP0" Clk "Auto"} [get_bd_intf_pins dma/M_AXI_MM2S]
apply_bd_automation -rule xilinx.com:bd_rule:axi4 -config {Slave "/ps7/S_AXI_HP0" Clk "Auto"} [get_bd_intf_pins dma/M_AXI_S2MM]
connect_bd_net [get_bd_pins ps7/FCLK_CLK0] [get_bd_pins accel/clk]
connect_bd_net [get_bd_pins [get_bd_cells -filter {VLNV =~ *proc_sys_reset*}]/peripheral_aresetn] [get_bd_pins accel/rst_n]
validate_bd_design
save_bd_design
make_wrapper -files [get_files dorefa_bd.bd] -top
add_files -norecurse [glob $out/project/dorefa.gen/sources_1/bd/dorefa_bd/hdl/dorefa_bd_wrapper.v]
set_property top dorefa_bd_wrapper [current_fileset]

launch_runs impl_1 -to_step write_bitstream -jobs 2
wait_on_run impl_1
open_run impl_1
report_utilization -file $out/utilization.rpt
report_timing_summary -file $out/timing.rpt
file copy -force [glob $out/project/dorefa.runs/impl_1/*.bit] $out/dorefa.bit
file copy -force [glob $out/project/dorefa.gen/sources_1/bd/dorefa_bd/hw_handoff/*.hwh] $out/dorefa.hwh
puts "bitstream: $out/dorefa.bit (utilization.rpt, timing.rpt beside it)"
