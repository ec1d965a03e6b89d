#pragma once
// The file list a Vivado build reads from a design folder (board/vivado/build_bitstream.tcl,
// docs/board/vivado.md): DESIGN/filelist.txt, one file per line,
//   KIND PATH        KIND: verilog | systemverilog | header | memory
// PATH relative to the design folder. Sources in design.json's order (system.sources: the
// core, the shell, system_top.v last), then the include folder's headers, then the memory
// images in mem/ ($readmemh, named by relative paths in the sources), each group sorted
// where design.json gives no order.
#include <filesystem>
#include <string>
#include <vector>

namespace dorefa::hw {

struct VivadoFile {
  std::string kind;             // verilog, systemverilog, header or memory
  std::filesystem::path path;   // relative to the design folder
};

// What the list holds for a compiled design folder. Throws dorefa::Error (bad input) naming
// the file when the folder is not a compiled design, a listed source is missing, a path
// cannot be written on one line without spaces, or a source names a memory image
// ("mem/....hex") that the folder does not hold.
std::vector<VivadoFile> vivado_files(const std::filesystem::path& design_dir);

// The list as text (a comment header, then `KIND PATH` lines).
std::string vivado_filelist_text(const std::vector<VivadoFile>& files);

// Writes the list for `design_dir` to `out` atomically (usually design_dir/"filelist.txt";
// the paths stay relative to design_dir wherever `out` is).
void write_vivado_filelist(const std::filesystem::path& design_dir, const std::filesystem::path& out);

}  // namespace dorefa::hw
