# Reading a dorefa design folder for Vivado: its filelist.txt (written by
# dorefa::hw::write_vivado_filelist, src/hw/vivado_filelist.hpp) and the $readmemh paths.
# Sourced by build_bitstream.tcl. Plain Tcl 8.5 (Vivado's), no Vivado command: the test
# (tests/board/vivado_tcl_test.sh) runs it under tclsh as it is.
#
# filelist.txt: one file per line, `KIND PATH`, PATH relative to the design folder,
# KIND one of verilog, systemverilog, header, memory; blank lines and `#` comments skipped.
namespace eval dorefa {
  variable kinds {verilog systemverilog header memory}
}

# Reads DESIGN_DIR/filelist.txt. Returns a dict KIND -> list of absolute paths in file
# order. Errors (naming the list file, the line and the reason) on a malformed line, an
# unknown kind, a path that is absolute or leaves the folder, a listed file that does not
# exist, or a list without the board top (`verilog system_top.v`) or any SystemVerilog.
proc dorefa::read_filelist {design_dir} {
  variable kinds
  set list_file [file join $design_dir filelist.txt]
  if {![file isfile $list_file]} {
    error "$list_file: design file list not found (dorefa::hw::write_vivado_filelist writes it; `dorefa bundle` does so)"
  }
  set fh [open $list_file r]
  set text [read $fh]
  close $fh
  set files [dict create]
  foreach k $kinds { dict set files $k {} }
  set n 0
  foreach line [split $text "\n"] {
    incr n
    set line [string trim $line]
    if {$line eq "" || [string index $line 0] eq "#"} { continue }
    if {![regexp {^(\S+)\s+(\S+)$} $line -> kind rel]} {
      error "$list_file:$n: expected 'KIND PATH', found '$line'"
    }
    if {[lsearch -exact $kinds $kind] < 0} {
      error "$list_file:$n: unknown kind '$kind' (expected one of: [join $kinds {, }])"
    }
    if {[file pathtype $rel] ne "relative" || [lsearch -exact [file split $rel] ..] >= 0} {
      error "$list_file:$n: '$rel' must be a path inside the design folder, relative to it"
    }
    set abs [file join $design_dir $rel]
    if {![file isfile $abs]} {
      error "$list_file:$n: $kind file '$rel' not found (expected at $abs)"
    }
    dict lappend files $kind $abs
  }
  set top [file join $design_dir system_top.v]
  if {[lsearch -exact [dict get $files verilog] $top] < 0} {
    error "$list_file: no 'verilog system_top.v' line: the board top (the block design's module reference) is missing"
  }
  if {[llength [dict get $files systemverilog]] == 0} {
    error "$list_file: no 'systemverilog' lines: the shell and core sources are missing"
  }
  return $files
}

# The memory-image paths a source names in quotes ("mem/conv0_weights.hex"), in order.
proc dorefa::memory_references {text} {
  set refs {}
  foreach {all path} [regexp -all -inline {"([^"\s]+\.(?:hex|mem))"} $text] {
    if {[lsearch -exact $refs $path] < 0} { lappend refs $path }
  }
  return $refs
}

# $readmemh resolves a relative path against the tool's working directory, not the source
# file's folder, so a source naming memory images is copied to COPY_DIR (same path relative
# to the design folder) with each name made absolute. Every name must be a listed memory
# file. Returns the file to give Vivado: the copy, or SOURCE itself when it names none.
proc dorefa::with_absolute_memory_paths {source design_dir memory_files copy_dir} {
  set fh [open $source r]
  set text [read $fh]
  close $fh
  set refs [dorefa::memory_references $text]
  if {[llength $refs] == 0} { return $source }
  set map {}
  foreach ref $refs {
    set abs [file join $design_dir $ref]
    if {[lsearch -exact $memory_files $abs] < 0} {
      error "$source: names memory image '$ref', which filelist.txt does not list as 'memory $ref'"
    }
    lappend map "\"$ref\"" "\"$abs\""
  }
  set rel [string range $source [string length $design_dir/] end]
  set copy [file join $copy_dir $rel]
  file mkdir [file dirname $copy]
  set fh [open $copy w]
  # The note goes last so that line numbers in Vivado's messages match the original.
  puts -nonewline $fh [string map $map $text]
  puts $fh "\n// Copy of $source with absolute \$readmemh paths (board/vivado/design_files.tcl)."
  close $fh
  return $copy
}
