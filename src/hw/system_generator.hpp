#pragma once
// The board top around a generated core (`dorefa compile` writes it beside top.sv):
//   DIR/system_top.v          plain Verilog-2001 (Vivado block-design module references need
//                             a Verilog or VHDL top file): dorefa_shell + the core `top`
//   DIR/rtl/dorefa_shell.sv, shell_*.sv   the shell's RTL (docs/board/registers.md)
//   DIR/rtl/dorefa_regmap.vh  register-map localparams  } generated from
//   DIR/host/dorefa_regs.h    C++ register-map header   } src/hw/register_map.cpp
//   DIR/host/regmap.json      the same, for the Python driver
// and records it in design.json under "system" (top, sources, include dir, design hash).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace dorefa::hw {

struct DesignInfo;

struct SystemDesign {
  std::string top = "system_top";
  std::vector<std::filesystem::path> sources;  // relative to DIR, system_top.v last
  std::filesystem::path include_dir = "rtl";   // for `include "dorefa_regmap.vh"`
  std::string design_hash;                     // 16 hex digits = DESIGN_HASH_HI:LO
  int pixels = 0;                              // bytes of one image the core consumes
  int image_bytes = 0;                         // pixels rounded up to 8: one image in DDR
  int num_classes = 0;
  int read_outstanding = 4;                    // DMA read bursts in flight (4 or 8, see .cpp)
};

// The shell's rtl/ modules (dependency order does not matter to the tools).
std::vector<std::string> shell_modules();

// The design hash: first 64 bits of SHA-256 over the core's sources and memory images
// (file names and contents, sorted), as 16 lowercase hex digits.
std::string design_hash(const std::filesystem::path& dir, const std::vector<std::filesystem::path>& core_sources);

// Writes the files above for the core described by `core` (its sources already in DIR).
SystemDesign write_system_shell(const DesignInfo& core, const std::filesystem::path& rtl_dir);

// design.json's "system" entry, and reading it back (dorefa::Error if the design predates it).
void add_system_json(nlohmann::json& design, const SystemDesign& s);
SystemDesign load_system_design(const std::filesystem::path& dir);

}  // namespace dorefa::hw
