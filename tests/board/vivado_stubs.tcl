# Stand-ins for the Vivado Tcl commands board/vivado/build_bitstream.tcl uses, so that the
# script runs under plain tclsh (tests/board/vivado_tcl_test.sh). Each stub records its
# call, keeps a small model of what Vivado would hold (files read, block-design cells with
# their pins, nets, properties, address assignments, flow steps) and creates the files the
# real command writes. A stub errors where Vivado would (a file that does not exist, a pin
# the cell does not have, a step out of order); any command without a stub is an error.
#
# Not Vivado: the pin lists, PROTOCOL inference and FCLK divisor search below are this
# test's model of Vivado's behaviour, written from its documentation, not checked against it.
#
# Environment: STUB_WNS, STUB_WHS (slack in ns, default 1.234 / 0.045),
# STUB_VIVADO_VERSION (default 2020.2).

namespace eval stub {
  variable calls {}          ;# {command arg...} per call, in order
  variable files_read {}     ;# absolute paths given to read_verilog / add_files
  variable sv_files {}       ;# of those, read as SystemVerilog
  variable props             ;# object -> dict of property -> value
  array set props {}
  variable cells             ;# cell name -> dict {kind ip|module vlnv|reference ...}
  array set cells {}
  variable ports {}          ;# block-design interface ports
  variable nets {}           ;# each: list of pin names (connect_bd_net)
  variable intf_nets {}      ;# each: pair of interface pins / ports
  variable addr {}           ;# each: dict space offset range segs
  variable steps {}          ;# flow steps in order (synth_design, opt_design, ...)
  variable project_dir ""
  variable project_name ""
  variable part ""
  variable bd_file ""
  variable validated 0
  variable wrapper ""
  variable outputs {}        ;# files the stubs wrote
}

proc stub::env {name default} {
  if {[info exists ::env($name)]} { return $::env($name) }
  return $default
}

proc stub::record {args} {
  variable calls
  lappend calls $args
}

proc stub::fail {msg} { error "vivado stub: $msg" }

# Splits `-flag value` options (and bare `-flag` switches listed in `switches`) from
# positional arguments. Returns {options positional}.
proc stub::parse_args {arglist {switches {}}} {
  set opts [dict create]
  set pos {}
  for {set i 0} {$i < [llength $arglist]} {incr i} {
    set a [lindex $arglist $i]
    if {[string index $a 0] eq "-" && ![string is double -strict $a]} {
      if {[lsearch -exact $switches $a] >= 0} {
        dict set opts $a 1
      } else {
        incr i
        if {$i >= [llength $arglist]} { stub::fail "option $a has no value" }
        dict set opts $a [lindex $arglist $i]
      }
    } else {
      lappend pos $a
    }
  }
  return [list $opts $pos]
}

proc stub::write_file {path text} {
  variable outputs
  file mkdir [file dirname $path]
  set fh [open $path w]
  puts -nonewline $fh $text
  close $fh
  lappend outputs $path
}

proc stub::read_text {path} {
  set fh [open $path r]
  set t [read $fh]
  close $fh
  return $t
}

# --- Project and files ------------------------------------------------------------------
proc version {args} {
  stub::record version {*}$args
  return [stub::env STUB_VIVADO_VERSION 2020.2]
}

proc create_project {args} {
  stub::record create_project {*}$args
  lassign [stub::parse_args $args {-force -in_memory}] opts pos
  if {[llength $pos] != 2} { stub::fail "create_project: expected NAME DIR, got '$pos'" }
  if {![dict exists $opts -part]} { stub::fail "create_project: no -part" }
  set stub::project_name [lindex $pos 0]
  set stub::project_dir [file normalize [lindex $pos 1]]
  set stub::part [dict get $opts -part]
  file mkdir $stub::project_dir
  return $stub::project_name
}

proc current_project {args} { stub::record current_project {*}$args; return project:$stub::project_name }
proc get_filesets {args} { stub::record get_filesets {*}$args; return fileset:[lindex $args end] }
proc current_fileset {args} { stub::record current_fileset {*}$args; return fileset:sources_1 }
proc update_compile_order {args} { stub::record update_compile_order {*}$args }

proc stub::add_source {path sv} {
  if {$stub::project_dir eq ""} { stub::fail "file read before create_project: $path" }
  if {![file isfile $path]} { stub::fail "file not found: $path" }
  lappend stub::files_read [file normalize $path]
  if {$sv} { lappend stub::sv_files [file normalize $path] }
}

proc read_verilog {args} {
  stub::record read_verilog {*}$args
  lassign [stub::parse_args $args {-sv}] opts pos
  foreach f $pos { stub::add_source $f [dict exists $opts -sv] }
  return $pos
}

proc add_files {args} {
  stub::record add_files {*}$args
  lassign [stub::parse_args $args {-norecurse}] opts pos
  foreach f $pos { stub::add_source $f 0 }
  return $pos
}

proc get_files {args} {
  stub::record get_files {*}$args
  set pattern [lindex $args end]
  set found {}
  foreach f [concat $stub::files_read [list $stub::bd_file]] {
    if {$f ne "" && ($f eq $pattern || [file tail $f] eq $pattern)} { lappend found $f }
  }
  if {[llength $found] == 0} { stub::fail "get_files: no file matches '$pattern'" }
  return [lindex $found 0]
}

# --- Properties --------------------------------------------------------------------------
proc set_property {args} {
  stub::record set_property {*}$args
  if {[lindex $args 0] eq "-dict"} {
    set pairs [lindex $args 1]
    set objs [lrange $args 2 end]
  } else {
    set pairs [list [lindex $args 0] [lindex $args 1]]
    set objs [lrange $args 2 end]
  }
  if {[llength $objs] == 0 || [join $objs ""] eq ""} { stub::fail "set_property [lindex $pairs 0]: no object" }
  foreach obj $objs {
    foreach {k v} $pairs {
      if {![info exists stub::props($obj)]} { set stub::props($obj) [dict create] }
      dict set stub::props($obj) $k $v
    }
  }
}

# The IO PLL (1000 MHz on the PYNQ-Z2) divided by two 6-bit divisors: the closest FCLK.
proc stub::fclk_actual {requested} {
  set best 0
  for {set d0 1} {$d0 < 64} {incr d0} {
    for {set d1 1} {$d1 < 64} {incr d1} {
      set f [expr {1000.0 / ($d0 * $d1)}]
      if {abs($f - $requested) < abs($best - $requested)} { set best $f }
    }
  }
  return [format %.6f $best]
}

proc stub::prop {obj key {default ""}} {
  if {[info exists stub::props($obj)] && [dict exists $stub::props($obj) $key]} {
    return [dict get $stub::props($obj) $key]
  }
  return $default
}

proc get_property {args} {
  stub::record get_property {*}$args
  lassign $args key obj
  switch -glob -- $obj {
    bd_cell:/ps7 {
      if {$key eq "CONFIG.PCW_ACT_FPGA0_PERIPHERAL_FREQMHZ"} {
        return [stub::fclk_actual [stub::prop $obj CONFIG.PCW_FPGA0_PERIPHERAL_FREQMHZ 50]]
      }
    }
    bd_intf_pin:/dorefa/* {
      if {$key eq "CONFIG.PROTOCOL"} {
        set set_value [stub::prop $obj CONFIG.PROTOCOL]
        if {$set_value ne ""} { return $set_value }
        return [stub::infer_protocol [lindex [split $obj /] end]]
      }
    }
    timing_path:* {
      if {$key eq "SLACK"} {
        return [expr {$obj eq "timing_path:max" ? [stub::env STUB_WNS 1.234] : [stub::env STUB_WHS 0.045]}]
      }
    }
  }
  return [stub::prop $obj $key]
}

# --- Block design ------------------------------------------------------------------------
proc create_bd_design {args} {
  stub::record create_bd_design {*}$args
  set name [lindex $args end]
  set stub::bd_file [file join $stub::project_dir $stub::project_name.srcs sources_1 bd $name $name.bd]
  stub::write_file $stub::bd_file "stub block design $name\n"
  return $name
}

# The module system_top's port names, from the Verilog file that defines it.
proc stub::module_ports {module} {
  foreach f $stub::files_read {
    if {[lsearch -exact $stub::sv_files $f] >= 0} { continue }
    set text [stub::read_text $f]
    if {[regexp "module\\s+$module\\s*\\((.*?)\\);" $text -> body]} {
      set names {}
      foreach {all name} [regexp -all -inline {(?:input|output)\s+wire\s+(?:\[[^\]]*\]\s*)?(\w+)} $body] {
        lappend names $name
      }
      return $names
    }
  }
  stub::fail "create_bd_cell -reference $module: no Verilog (not SystemVerilog) file read defines module $module"
}

proc stub::infer_protocol {intf} {
  set p [stub::module_ports system_top]
  if {[lsearch -exact $p ${intf}_awlen] < 0} { return AXI4LITE }
  if {[lsearch -exact $p ${intf}_wid] >= 0} { return AXI3 }
  return AXI4
}

proc create_bd_cell {args} {
  stub::record create_bd_cell {*}$args
  if {$stub::bd_file eq ""} { stub::fail "create_bd_cell before create_bd_design" }
  lassign [stub::parse_args $args] opts pos
  set name [lindex $pos 0]
  set type [dict get $opts -type]
  if {[info exists stub::cells($name)]} { stub::fail "create_bd_cell: cell $name exists" }
  if {$type eq "module"} {
    set ref [dict get $opts -reference]
    stub::module_ports $ref
    set stub::cells($name) [dict create kind module reference $ref]
  } elseif {$type eq "ip"} {
    set stub::cells($name) [dict create kind ip vlnv [dict get $opts -vlnv]]
  } else {
    stub::fail "create_bd_cell: unknown -type $type"
  }
  return bd_cell:/$name
}

proc get_bd_cells {args} {
  stub::record get_bd_cells {*}$args
  set name [string trimleft [lindex $args end] /]
  if {![info exists stub::cells($name)]} { stub::fail "get_bd_cells: no cell $name" }
  return bd_cell:/$name
}

# The pins a cell has, as Vivado would show them for the configuration set so far.
proc stub::cell_pins {name intf} {
  set c $stub::cells($name)
  if {[dict get $c kind] eq "module"} {
    set ports [stub::module_ports [dict get $c reference]]
    if {!$intf} { return $ports }
    set buses {}
    foreach p $ports {
      if {[regexp {^([sm]_axi)_} $p -> bus] && [lsearch -exact $buses $bus] < 0} { lappend buses $bus }
    }
    return $buses
  }
  set vlnv [dict get $c vlnv]
  set cfg [expr {[info exists stub::props(bd_cell:/$name)] ? $stub::props(bd_cell:/$name) : {}}]
  switch -glob -- $vlnv {
    *:processing_system7* {
      set gp0 [expr {![dict exists $cfg CONFIG.PCW_USE_M_AXI_GP0] || [dict get $cfg CONFIG.PCW_USE_M_AXI_GP0]}]
      set hp0 [expr {[dict exists $cfg CONFIG.PCW_USE_S_AXI_HP0] && [dict get $cfg CONFIG.PCW_USE_S_AXI_HP0]}]
      set clk0 [expr {![dict exists $cfg CONFIG.PCW_EN_CLK0_PORT] || [dict get $cfg CONFIG.PCW_EN_CLK0_PORT]}]
      set rst0 [expr {![dict exists $cfg CONFIG.PCW_EN_RST0_PORT] || [dict get $cfg CONFIG.PCW_EN_RST0_PORT]}]
      if {$intf} {
        set l {DDR FIXED_IO}
        if {$gp0} { lappend l M_AXI_GP0 }
        if {$hp0} { lappend l S_AXI_HP0 }
      } else {
        set l {}
        if {$gp0} { lappend l M_AXI_GP0_ACLK }
        if {$hp0} { lappend l S_AXI_HP0_ACLK }
        if {$clk0} { lappend l FCLK_CLK0 }
        if {$rst0} { lappend l FCLK_RESET0_N }
      }
      return $l
    }
    *:axi_interconnect* {
      set l {}
      set nsi [expr {[dict exists $cfg CONFIG.NUM_SI] ? [dict get $cfg CONFIG.NUM_SI] : 1}]
      set nmi [expr {[dict exists $cfg CONFIG.NUM_MI] ? [dict get $cfg CONFIG.NUM_MI] : 2}]
      if {!$intf} { lappend l ACLK ARESETN }
      for {set i 0} {$i < $nsi} {incr i} {
        lappend l {*}[expr {$intf ? [list [format S%02d_AXI $i]] : [list [format S%02d_ACLK $i] [format S%02d_ARESETN $i]]}]
      }
      for {set i 0} {$i < $nmi} {incr i} {
        lappend l {*}[expr {$intf ? [list [format M%02d_AXI $i]] : [list [format M%02d_ACLK $i] [format M%02d_ARESETN $i]]}]
      }
      return $l
    }
    *:proc_sys_reset* {
      if {$intf} { return {} }
      return {slowest_sync_clk ext_reset_in aux_reset_in mb_debug_sys_rst dcm_locked mb_reset
              bus_struct_reset peripheral_reset interconnect_aresetn peripheral_aresetn}
    }
  }
  stub::fail "no pin model for $vlnv"
}

proc stub::pin {kind arg intf} {
  set path [string trimleft $arg /]
  lassign [split $path /] cell pin
  if {![info exists stub::cells($cell)]} { stub::fail "$kind $arg: no cell $cell" }
  if {[lsearch -exact [stub::cell_pins $cell $intf] $pin] < 0} {
    stub::fail "$kind $arg: cell $cell has no pin $pin (has: [stub::cell_pins $cell $intf])"
  }
  return ${kind}:/$cell/$pin
}

proc get_bd_pins {args} { stub::record get_bd_pins {*}$args; return [stub::pin bd_pin [lindex $args end] 0] }
proc get_bd_intf_pins {args} { stub::record get_bd_intf_pins {*}$args; return [stub::pin bd_intf_pin [lindex $args end] 1] }

proc create_bd_intf_port {args} {
  stub::record create_bd_intf_port {*}$args
  lassign [stub::parse_args $args] opts pos
  lappend stub::ports [lindex $pos 0]
  return bd_intf_port:/[lindex $pos 0]
}

proc get_bd_intf_ports {args} {
  stub::record get_bd_intf_ports {*}$args
  set name [string trimleft [lindex $args end] /]
  if {[lsearch -exact $stub::ports $name] < 0} { stub::fail "get_bd_intf_ports: no port $name" }
  return bd_intf_port:/$name
}

proc connect_bd_intf_net {args} {
  stub::record connect_bd_intf_net {*}$args
  lassign [stub::parse_args $args] opts pos
  if {[llength $pos] != 2} { stub::fail "connect_bd_intf_net: expected two interfaces, got '$pos'" }
  lappend stub::intf_nets $pos
}

proc connect_bd_net {args} {
  stub::record connect_bd_net {*}$args
  lassign [stub::parse_args $args] opts pos
  if {[llength $pos] < 2} { stub::fail "connect_bd_net: expected two or more pins, got '$pos'" }
  lappend stub::nets $pos
}

proc get_bd_addr_spaces {args} {
  stub::record get_bd_addr_spaces {*}$args
  set path [string trimleft [lindex $args end] /]
  lassign [split $path /] cell space
  if {![info exists stub::cells($cell)]} { stub::fail "get_bd_addr_spaces $path: no cell $cell" }
  if {!($cell eq "ps7" && $space eq "Data") && [lsearch -exact [stub::cell_pins $cell 1] $space] < 0} {
    stub::fail "get_bd_addr_spaces $path: no address space $space"
  }
  return bd_addr_space:/$path
}

proc get_bd_addr_segs {args} {
  stub::record get_bd_addr_segs {*}$args
  set path [string trimleft [lindex $args end] /]
  lassign [split $path /] cell intf seg
  stub::pin bd_intf_pin $cell/$intf 1
  set c $stub::cells($cell)
  if {[dict get $c kind] eq "module"} {
    if {![string match {s_*} $intf]} { return {} }
    set name reg0
  } elseif {$intf eq "S_AXI_HP0"} {
    set name HP0_DDR_LOWOCM
  } else {
    return {}
  }
  if {![string match $seg $name]} { stub::fail "get_bd_addr_segs $path: no segment $seg (has $name)" }
  return bd_addr_seg:/$cell/$intf/$name
}

proc assign_bd_address {args} {
  stub::record assign_bd_address {*}$args
  lassign [stub::parse_args $args {-force -external}] opts pos
  if {[llength $pos] == 0 || [join $pos ""] eq ""} { stub::fail "assign_bd_address: no segment" }
  lappend stub::addr [dict create space [dict get $opts -target_address_space] \
    offset [dict get $opts -offset] range [dict get $opts -range] segs [join $pos]]
}

proc validate_bd_design {args} {
  stub::record validate_bd_design {*}$args
  # What Vivado's validation would reject: unconnected clocks/resets on the core and
  # interfaces without an address.
  foreach need {dorefa/clk dorefa/rst_n} {
    set found 0
    foreach n $stub::nets { if {[lsearch -exact $n bd_pin:/$need] >= 0} { set found 1 } }
    if {!$found} { stub::fail "validate_bd_design: /$need is not connected" }
  }
  if {[llength $stub::addr] == 0} { stub::fail "validate_bd_design: no address assigned" }
  set stub::validated 1
}

proc save_bd_design {args} { stub::record save_bd_design {*}$args }

proc generate_target {args} {
  stub::record generate_target {*}$args
  if {!$stub::validated} { stub::fail "generate_target before validate_bd_design" }
  set name [file rootname [file tail $stub::bd_file]]
  # 2020.2 and later write generated files under PROJECT.gen.
  set hwh [file join $stub::project_dir $stub::project_name.gen sources_1 bd $name hw_handoff $name.hwh]
  stub::write_file $hwh "<?xml version=\"1.0\"?>\n<!-- stub hardware handoff of $name -->\n<EDKSYSTEM/>\n"
}

proc make_wrapper {args} {
  stub::record make_wrapper {*}$args
  lassign [stub::parse_args $args {-top}] opts pos
  set name [file rootname [file tail $stub::bd_file]]
  set stub::wrapper [file join $stub::project_dir $stub::project_name.gen sources_1 bd $name hdl ${name}_wrapper.v]
  stub::write_file $stub::wrapper "module ${name}_wrapper ();\nendmodule\n"
  return $stub::wrapper
}

# --- Synthesis, implementation, outputs ----------------------------------------------------
proc stub::step {name requires} {
  if {$requires ne "" && [lsearch -exact $stub::steps $requires] < 0} {
    stub::fail "$name before $requires"
  }
  lappend stub::steps $name
}

proc synth_design {args} {
  stub::record synth_design {*}$args
  lassign [stub::parse_args $args] opts pos
  if {[lsearch -exact $stub::files_read $stub::wrapper] < 0} { stub::fail "synth_design: the block-design wrapper was not read" }
  if {[stub::prop $stub::bd_file synth_checkpoint_mode] ne "None"} {
    stub::fail "synth_design in-process needs the block design's synth_checkpoint_mode None (no OOC runs)"
  }
  if {[dict get $opts -top] ne [file rootname [file tail $stub::wrapper]]} { stub::fail "synth_design: -top is not the wrapper" }
  if {[dict get $opts -part] ne $stub::part} { stub::fail "synth_design: part differs from the project's" }
  stub::step synth_design ""
}
proc opt_design {args} { stub::record opt_design {*}$args; stub::step opt_design synth_design }
proc place_design {args} { stub::record place_design {*}$args; stub::step place_design opt_design }
proc phys_opt_design {args} { stub::record phys_opt_design {*}$args; stub::step phys_opt_design place_design }
proc route_design {args} { stub::record route_design {*}$args; stub::step route_design place_design }

proc write_checkpoint {args} {
  stub::record write_checkpoint {*}$args
  stub::write_file [lindex $args end] "stub checkpoint\n"
}

proc report_timing_summary {args} {
  stub::record report_timing_summary {*}$args
  stub::step report_timing_summary route_design
  lassign [stub::parse_args $args] opts pos
  set wns [stub::env STUB_WNS 1.234]
  set whs [stub::env STUB_WHS 0.045]
  set met [expr {$wns >= 0 && $whs >= 0 ? "All user specified timing constraints are met." : "Timing constraints are not met."}]
  stub::write_file [dict get $opts -file] [format {| Tool Version : stub (tests/board/vivado_stubs.tcl)
------------------------------------------------------------------------------------------------
| Design Timing Summary
| ---------------------
------------------------------------------------------------------------------------------------

    WNS(ns)      TNS(ns)  TNS Failing Endpoints  TNS Total Endpoints      WHS(ns)      THS(ns)  THS Failing Endpoints  THS Total Endpoints
    -------      -------  ---------------------  -------------------      -------      -------  ---------------------  -------------------
    %9.3f        0.000                      0                 1000    %9.3f        0.000                      0                 1000


%s
} $wns $whs $met]
}

proc report_utilization {args} {
  stub::record report_utilization {*}$args
  stub::step report_utilization route_design
  lassign [stub::parse_args $args] opts pos
  stub::write_file [dict get $opts -file] {| Tool Version : stub (tests/board/vivado_stubs.tcl)
+----------------------------+------+-------+-----------+-------+
|          Site Type         | Used | Fixed | Available | Util% |
+----------------------------+------+-------+-----------+-------+
| Slice LUTs                 | 1000 |     0 |     53200 |  1.88 |
| Slice Registers            | 1000 |     0 |    106400 |  0.94 |
| Block RAM Tile             |    1 |     0 |       140 |  0.71 |
| DSPs                       |    0 |     0 |       220 |  0.00 |
+----------------------------+------+-------+-----------+-------+
}
}

proc report_power {args} {
  stub::record report_power {*}$args
  stub::step report_power route_design
  lassign [stub::parse_args $args] opts pos
  stub::write_file [dict get $opts -file] {| Tool Version : stub (tests/board/vivado_stubs.tcl)
+--------------------------+--------------+
| Total On-Chip Power (W)  | 1.500        |
| Dynamic (W)              | 1.350        |
| Device Static (W)        | 0.150        |
+--------------------------+--------------+
}
}

proc get_timing_paths {args} {
  stub::record get_timing_paths {*}$args
  lassign [stub::parse_args $args] opts pos
  return timing_path:[dict get $opts -delay_type]
}

proc write_bitstream {args} {
  stub::record write_bitstream {*}$args
  stub::step write_bitstream route_design
  stub::write_file [lindex $args end] "stub bitstream\n"
}

# Anything else the script calls has no stub: say so instead of passing silently.
proc unknown {args} {
  error "vivado stub: no stub for command '[lindex $args 0]' (add one to tests/board/vivado_stubs.tcl)"
}
