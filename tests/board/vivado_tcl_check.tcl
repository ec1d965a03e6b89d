# Runs board/vivado/build_bitstream.tcl under tclsh with the Vivado stubs, then checks what
# it did against the design folder (tests/board/vivado_tcl_test.sh drives it).
#   tclsh vivado_tcl_check.tcl STUBS SCRIPT ARG...      (ARGs are the script's -tclargs)
# Exit 0: the script ran and every check passed. Exit 1: the script ran, a check failed
# (each printed as "CHECK FAILED: ..."). Exit 3: the script itself stopped with an error
# (printed as "SCRIPT ERROR: ...").
# Runs in the folder the script would run in (`cd B`); reads design/filelist.txt and
# design/design.json itself (not through the script's own procs) to check against.
if {[llength $argv] < 2} {
  puts stderr "usage: tclsh vivado_tcl_check.tcl STUBS SCRIPT ARG..."
  exit 2
}
set stubs [lindex $argv 0]
set script [file normalize [lindex $argv 1]]
set script_args [lrange $argv 2 end]
source $stubs

set argv $script_args
set argc [llength $argv]
if {[catch {source $script} msg]} {
  puts "SCRIPT ERROR: $msg"
  exit 3
}

set failures 0
proc check {ok what} {
  if {!$ok} {
    puts "CHECK FAILED: $what"
    incr ::failures
  }
}
proc slurp {path} {
  set fh [open $path r]
  set t [read $fh]
  close $fh
  return $t
}
# "64K" / "512M" / "0x10000" as a number.
proc bytes {v} {
  if {[regexp {^(\d+)([KMG])$} $v -> n unit]} {
    return [expr {$n * [dict get {K 1024 M 1048576 G 1073741824} $unit]}]
  }
  return [expr {$v}]
}

set design_dir [file normalize [lindex $script_args 0]]
set out_dir [file normalize [lindex $script_args 1]]

# --- Files: the list, design.json's sources, what was read -----------------------------------
set listed {}
foreach line [split [slurp [file join $design_dir filelist.txt]] "\n"] {
  set line [string trim $line]
  if {$line eq "" || [string index $line 0] eq "#"} continue
  lappend listed [lindex $line 0] [lindex $line 1]
}
# Every source design.json names (system.sources) must be in the list.
set json [slurp [file join $design_dir design.json]]
check [regexp {"system"\s*:\s*\{.*?"sources"\s*:\s*\[([^\]]*)\]} $json -> sources_text] \
  "design.json has a system.sources list"
set json_sources [regexp -all -inline {"[^"]+"} $sources_text]
check [expr {[llength $json_sources] > 0}] "design.json system.sources is not empty"
foreach q $json_sources {
  set rel [string trim $q \"]
  set kind [expr {[file extension $rel] eq ".v" ? "verilog" : "systemverilog"}]
  check [expr {[lsearch -exact $listed $rel] >= 0}] "design.json source $rel is in filelist.txt"
}

# Every file the script gave Vivado exists; each listed source was read (itself or as its
# copy with absolute memory paths); no source read names a relative memory path.
set copy_root [file join [file dirname $out_dir] vivado_build sources]
if {[llength $script_args] == 3} { set copy_root [file join [file normalize [lindex $script_args 2]] sources] }
foreach f $stub::files_read {
  check [file isfile $f] "file given to Vivado exists: $f"
}
set memory_named {}
foreach {kind rel} $listed {
  set abs [file join $design_dir $rel]
  check [file isfile $abs] "listed $kind file exists: $rel"
  if {$kind eq "memory"} continue
  set read_as [expr {[lsearch -exact $stub::files_read $abs] >= 0 ? $abs : ""}]
  if {$read_as eq "" && [lsearch -exact $stub::files_read [file join $copy_root $rel]] >= 0} {
    set read_as [file join $copy_root $rel]
  }
  check [expr {$read_as ne ""}] "listed $kind file $rel was read by the script"
  if {$read_as eq ""} continue
  set is_sv [expr {[lsearch -exact $stub::sv_files $read_as] >= 0}]
  if {$kind eq "systemverilog"} { check $is_sv "$rel read as SystemVerilog" }
  if {$kind eq "verilog"} { check [expr {!$is_sv}] "$rel read as Verilog (module references need it)" }
  if {$kind eq "header"} continue
  set text [slurp $read_as]
  foreach {all path} [regexp -all -inline {"([^"\s]+\.(?:hex|mem))"} $text] {
    check [expr {[file pathtype $path] eq "absolute"}] "$rel: \$readmemh path '$path' made absolute (Vivado resolves relative ones against its run folder)"
    check [file isfile $path] "$rel: memory image $path exists"
    lappend memory_named [file normalize $path]
  }
}
foreach {kind rel} $listed {
  if {$kind ne "memory"} continue
  check [expr {[lsearch -exact $memory_named [file join $design_dir $rel]] >= 0}] \
    "listed memory image $rel is named (absolutely) by a source Vivado reads"
}
check [expr {[lsearch -glob $stub::calls {set_property include_dirs *}] >= 0}] "include_dirs set for dorefa_regmap.vh"

# --- The block design -------------------------------------------------------------------------
check [expr {$stub::part eq "xc7z020clg400-1"}] "part is xc7z020clg400-1 (found '$stub::part')"
check [expr {[info exists stub::cells(dorefa)] && [dict get $stub::cells(dorefa) kind] eq "module" &&
             [dict get $stub::cells(dorefa) reference] eq "system_top"}] "dorefa is a module reference to system_top"
check [expr {[info exists stub::cells(ps7)] && [string match *:processing_system7* [dict get $stub::cells(ps7) vlnv]]}] \
  "ps7 is a processing_system7"
set ps7_props [expr {[info exists stub::props(bd_cell:/ps7)] ? $stub::props(bd_cell:/ps7) : {}}]
proc ps7 {key} {
  global ps7_props
  return [expr {[dict exists $ps7_props CONFIG.$key] ? [dict get $ps7_props CONFIG.$key] : ""}]
}
check [expr {[ps7 PCW_FPGA0_PERIPHERAL_FREQMHZ] eq "100"}] "FCLK0 requested at 100 MHz (found '[ps7 PCW_FPGA0_PERIPHERAL_FREQMHZ]')"
check [expr {abs([stub::fclk_actual [ps7 PCW_FPGA0_PERIPHERAL_FREQMHZ]] - 100.0) < 0.01}] "FCLK0 comes out at 100 MHz"
check [expr {[ps7 PCW_USE_M_AXI_GP0] eq "1"}] "M_AXI_GP0 enabled"
check [expr {[ps7 PCW_USE_S_AXI_HP0] eq "1"}] "S_AXI_HP0 enabled"
check [expr {[ps7 PCW_S_AXI_HP0_DATA_WIDTH] eq "64"}] "S_AXI_HP0 is 64-bit"
check [string match MT41* [ps7 PCW_UIPARAM_DDR_PARTNO]] "DDR3 part set (found '[ps7 PCW_UIPARAM_DDR_PARTNO]')"
check [expr {[ps7 PCW_UIPARAM_DDR_BUS_WIDTH] eq "16 Bit"}] "DDR bus 16-bit (the PYNQ-Z2's one x16 chip)"
foreach p {UART0 SD0 ENET0 USB0 QSPI} {
  check [expr {[ps7 PCW_${p}_PERIPHERAL_ENABLE] eq "1"}] "$p enabled"
}
check [expr {[ps7 PCW_UART0_UART0_IO] eq "MIO 14 .. 15"}] "UART0 on MIO 14..15"

proc net_with {a b} {
  foreach n $stub::nets {
    if {[lsearch -exact $n bd_pin:/$a] >= 0 && [lsearch -exact $n bd_pin:/$b] >= 0} { return 1 }
  }
  return 0
}
check [net_with ps7/FCLK_CLK0 dorefa/clk] "FCLK_CLK0 drives dorefa/clk"
check [net_with ps7/FCLK_CLK0 ps7/S_AXI_HP0_ACLK] "FCLK_CLK0 clocks S_AXI_HP0"
check [net_with ps7/FCLK_CLK0 ps7/M_AXI_GP0_ACLK] "FCLK_CLK0 clocks M_AXI_GP0"
check [net_with rst_fclk0/peripheral_aresetn dorefa/rst_n] "proc_sys_reset peripheral_aresetn drives dorefa/rst_n"
check [net_with ps7/FCLK_RESET0_N rst_fclk0/ext_reset_in] "FCLK_RESET0_N resets the proc_sys_reset"
check [expr {[info exists stub::cells(rst_fclk0)] && [string match *:proc_sys_reset* [dict get $stub::cells(rst_fclk0) vlnv]]}] \
  "rst_fclk0 is a proc_sys_reset"

# Interface paths: directly, or through one interconnect's S00_AXI -> M00_AXI.
proc intf_peers {pin} {
  set peers {}
  foreach pair $stub::intf_nets {
    lassign $pair a b
    if {$a eq $pin} { lappend peers $b }
    if {$b eq $pin} { lappend peers $a }
  }
  return $peers
}
proc intf_path {from to} {
  foreach p [intf_peers bd_intf_pin:/$from] {
    if {$p eq "bd_intf_pin:/$to"} { return 1 }
    if {[regexp {^bd_intf_pin:/([^/]+)/S00_AXI$} $p -> ic]} {
      foreach q [intf_peers bd_intf_pin:/$ic/M00_AXI] {
        if {$q eq "bd_intf_pin:/$to"} { return 1 }
      }
    }
  }
  return 0
}
check [intf_path ps7/M_AXI_GP0 dorefa/s_axi] "M_AXI_GP0 reaches dorefa/s_axi"
check [intf_path dorefa/m_axi ps7/S_AXI_HP0] "dorefa/m_axi reaches S_AXI_HP0"
check [expr {[get_property CONFIG.PROTOCOL bd_intf_pin:/dorefa/m_axi] eq "AXI3"}] "dorefa/m_axi is AXI3"
foreach port {DDR FIXED_IO} {
  check [expr {[lsearch -exact [intf_peers bd_intf_port:/$port] bd_intf_pin:/ps7/$port] >= 0}] "ps7/$port made external"
}

# --- Address map ----------------------------------------------------------------------------------
set reg_ok 0
set ddr_ok 0
foreach a $stub::addr {
  set space [dict get $a space]
  set off [expr {[dict get $a offset]}]
  set range [bytes [dict get $a range]]
  if {$space eq "bd_addr_space:/ps7/Data" && [dict get $a segs] eq "bd_addr_seg:/dorefa/s_axi/reg0"} {
    set reg_ok [expr {$off == 0x43C00000 && $range == 0x10000}]
    check $reg_ok "registers at 0x43C00000, 64 KB (found [format 0x%08X $off], $range bytes)"
  }
  if {$space eq "bd_addr_space:/dorefa/m_axi" && [dict get $a segs] eq "bd_addr_seg:/ps7/S_AXI_HP0/HP0_DDR_LOWOCM"} {
    set ddr_ok [expr {$off == 0 && $range == 0x20000000}]
    check $ddr_ok "HP0 sees DDR 0x00000000-0x1FFFFFFF (found [format 0x%08X $off], $range bytes)"
  }
}
check [expr {[lsearch -glob $stub::calls {assign_bd_address*reg0*}] >= 0}] "the register segment is assigned"
check [expr {[lsearch -glob $stub::calls {assign_bd_address*HP0_DDR_LOWOCM*}] >= 0}] "the HP0 DDR segment is assigned"
set map_file [file join $out_dir address_map.txt]
check [file isfile $map_file] "overlay/address_map.txt written"
if {[file isfile $map_file]} {
  set found_reg 0
  foreach line [split [slurp $map_file] "\n"] {
    if {[lindex $line 0] eq "registers"} {
      set found_reg [expr {[lindex $line 1] == 0x43C00000 && [lindex $line 2] == 0x10000}]
    }
  }
  check $found_reg "address_map.txt: registers 0x43C00000, 0x00010000 bytes"
}

# --- Flow and outputs -----------------------------------------------------------------------
check [expr {$stub::steps eq {synth_design opt_design place_design phys_opt_design route_design report_timing_summary report_utilization report_power write_bitstream}}] \
  "flow: synth, opt, place, phys_opt, route, reports, bitstream (found: $stub::steps)"
foreach f {dorefa.bit dorefa.hwh timing_summary.rpt utilization.rpt power.rpt} {
  check [file isfile [file join $out_dir $f]] "overlay/$f written"
}
set bits [glob -nocomplain -directory $out_dir *.bit]
set hwhs [glob -nocomplain -directory $out_dir *.hwh]
check [expr {[llength $bits] == 1 && [llength $hwhs] == 1 &&
             [file rootname [lindex $bits 0]] eq [file rootname [lindex $hwhs 0]]}] \
  "one .bit and one .hwh with the same base name, as PYNQ loads them (found: $bits $hwhs)"
if {[file isfile [file join $out_dir dorefa.hwh]]} {
  check [string match "*hardware handoff of dorefa_bd*" [slurp [file join $out_dir dorefa.hwh]]] \
    "dorefa.hwh is the block design's hardware handoff"
}

if {$failures > 0} {
  puts "$failures check(s) failed"
  exit 1
}
puts "all checks passed ([llength $stub::calls] Vivado calls stubbed)"
exit 0
