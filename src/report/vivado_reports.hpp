#pragma once
// The three reports a board build writes (board/vivado/build_bitstream.tcl, into the
// bundle's overlay/ folder), read back for `dorefa report RUN_DIR --vivado DIR`:
//   utilization.rpt     report_utilization: Slice LUTs, Slice Registers, Block RAM Tile,
//                       DSPs (Used and Available columns, found by their headers: newer
//                       Vivados add a "Prohibited" column)
//   timing_summary.rpt  report_timing_summary: the "Design Timing Summary" table (WNS, TNS,
//                       WHS, THS) and whether all user-specified constraints are met
//   power.rpt           report_power: Total On-Chip Power, Dynamic, Device Static (W)
// A missing file or field is a dorefa::Error (bad input) naming the file and what was
// expected. Failed timing is not an error here: it is data, and the report shows it.
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace dorefa::report {

struct VivadoResource {
  double used = 0;
  double available = 0;
  double percent() const { return available > 0 ? 100.0 * used / available : 0.0; }
};

struct VivadoUtilization {
  VivadoResource lut;        // Slice LUTs
  VivadoResource ff;         // Slice Registers
  VivadoResource bram_tile;  // Block RAM Tile (RAMB36 equivalents, halves for RAMB18)
  VivadoResource dsp;        // DSPs
};

struct VivadoTiming {
  double wns_ns = 0, tns_ns = 0;  // setup: worst and total negative slack
  double whs_ns = 0, ths_ns = 0;  // hold
  bool constraints_met = false;   // the report's own verdict line
  bool met() const { return constraints_met && wns_ns >= 0 && whs_ns >= 0; }
};

struct VivadoPower {
  double total_w = 0, dynamic_w = 0, static_w = 0;  // static: "Device Static"
};

struct VivadoReports {
  std::filesystem::path dir;
  VivadoUtilization utilization;
  VivadoTiming timing;
  VivadoPower power;
  nlohmann::json to_json() const;
};

VivadoUtilization parse_vivado_utilization(const std::string& text, const std::filesystem::path& file);
VivadoTiming parse_vivado_timing_summary(const std::string& text, const std::filesystem::path& file);
VivadoPower parse_vivado_power(const std::string& text, const std::filesystem::path& file);

// Reads DIR/utilization.rpt, DIR/timing_summary.rpt and DIR/power.rpt.
VivadoReports load_vivado_reports(const std::filesystem::path& dir);

}  // namespace dorefa::report
