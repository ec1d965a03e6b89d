#include "hw/vivado_filelist.hpp"

#include <algorithm>
#include <regex>

#include <fmt/format.h>

#include "hw/system_generator.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"

namespace dorefa::hw {
namespace fs = std::filesystem;
namespace {

// Regular files directly in dir whose extension is one of `exts`, sorted, relative to base.
std::vector<fs::path> files_in(const fs::path& base, const fs::path& dir, std::initializer_list<const char*> exts) {
  std::vector<fs::path> out;
  if (!fs::is_directory(base / dir)) return out;
  for (const auto& e : fs::directory_iterator(base / dir)) {
    if (!e.is_regular_file()) continue;
    const std::string ext = e.path().extension().string();
    if (std::any_of(exts.begin(), exts.end(), [&](const char* x) { return ext == x; }))
      out.push_back(dir / e.path().filename());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string kind_of_source(const fs::path& p) {
  const std::string ext = p.extension().string();
  if (ext == ".v") return "verilog";
  if (ext == ".sv") return "systemverilog";
  if (ext == ".vh" || ext == ".svh") return "header";
  return "";
}

}  // namespace

std::vector<VivadoFile> vivado_files(const fs::path& design_dir) {
  const SystemDesign s = load_system_design(design_dir);  // Error when not a compiled design
  const fs::path json = design_dir / "design.json";
  std::vector<VivadoFile> files;
  for (const auto& src : s.sources) {
    const std::string kind = kind_of_source(src);
    if (kind.empty() || kind == "header")
      throw Error(json.string(), fmt::format("system.sources entry '{}': expected a .v or .sv file", src.generic_string()));
    if (!fs::is_regular_file(design_dir / src))
      throw Error((design_dir / src).string(), "listed in design.json system.sources but not found in the design folder");
    files.push_back({kind, src});
  }
  for (const auto& h : files_in(design_dir, s.include_dir, {".vh", ".svh"})) files.push_back({"header", h});
  for (const auto& m : files_in(design_dir, "mem", {".hex", ".mem"})) files.push_back({"memory", m});

  // Every memory image a source names must be there: Vivado would otherwise build a design
  // with zeroed weights and say so only in a warning.
  static const std::regex kMemoryRef(R"re("([^"\s]+\.(hex|mem))")re");
  for (const auto& src : s.sources) {
    const std::string text = util::read_file_text(design_dir / src);
    for (auto it = std::sregex_iterator(text.begin(), text.end(), kMemoryRef); it != std::sregex_iterator(); ++it) {
      const fs::path ref = (*it)[1].str();
      const bool listed = std::any_of(files.begin(), files.end(),
                                      [&](const VivadoFile& f) { return f.kind == "memory" && f.path == ref; });
      if (!listed)
        throw Error((design_dir / src).string(),
                    fmt::format("names memory image '{}', expected it in the design folder's mem/ (not found)",
                                ref.generic_string()));
    }
  }
  for (const auto& f : files) {
    const std::string p = f.path.generic_string();
    if (p.find_first_of(" \t\r\n") != std::string::npos)
      throw Error((design_dir / f.path).string(), "file name with white space: filelist.txt lines are `KIND PATH`");
  }
  return files;
}

std::string vivado_filelist_text(const std::vector<VivadoFile>& files) {
  std::string text =
      "# Vivado sources of this design folder, written by dorefa (src/hw/vivado_filelist.cpp); read by\n"
      "# board/vivado/build_bitstream.tcl. One file per line: KIND PATH, PATH relative to this folder.\n";
  for (const auto& f : files) text += f.kind + " " + f.path.generic_string() + "\n";
  return text;
}

void write_vivado_filelist(const fs::path& design_dir, const fs::path& out) {
  util::write_file_atomic(out, vivado_filelist_text(vivado_files(design_dir)));
}

}  // namespace dorefa::hw
