#pragma once
// Synthesis with Yosys 0.23 (`synth_xilinx -family xc7`): cell counts mapped to the
// XC7Z020's capacity, and Yosys `sta`'s critical-path estimate. Yosys does no placement
// or routing, so timing is logic delay only; Vivado's numbers will differ.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "hw/device.hpp"

namespace dorefa::hw {

struct SynthStats {
  std::map<std::string, long> cells;  // cell type -> count, from Yosys `stat`
  long lut_logic = 0;                 // LUT1..LUT6
  long lutram_luts = 0;               // LUTs used as distributed RAM / shift registers
  long ff = 0;                        // FDRE/FDSE/FDCE/FDPE (+ latches, if any)
  long bram36 = 0, bram18 = 0;        // RAMB36E1, RAMB18E1
  long dsp = 0;                       // DSP48E1
  long carry4 = 0;
  long luts() const { return lut_logic + lutram_luts; }
  double bram36_equivalent() const { return double(bram36) + 0.5 * double(bram18); }
  Resources resources() const { return Resources{double(luts()), double(ff), bram36_equivalent(), double(dsp)}; }
};

struct SynthReport {
  std::string top;
  SynthStats stats;
  Device device;
  bool fits = false;
  std::optional<double> critical_path_ns;  // Yosys `sta`, logic only (no routing)
  std::string critical_path;               // the path as `sta` printed it
  std::string sta_note;                    // why there is no estimate, when there is none
  double seconds = 0;
  std::filesystem::path log;
};

struct SynthOptions {
  std::string top = "top";
  std::vector<std::filesystem::path> sources;  // SystemVerilog files, top last
  std::filesystem::path work_dir;              // logs, scripts and netlist go here
  std::vector<std::filesystem::path> include_dirs;  // for $readmemh relative paths (Yosys cwd)
  bool run_sta = true;
  Device device = xc7z020();
  double heartbeat_seconds = 10.0;
};

// Parses the output of Yosys `stat` (the last module block in `text`).
SynthStats parse_yosys_stat(const std::string& text);

// Parses `sta` output: "Latest arrival time in 'top' is N" (ps) -> ns.
std::optional<double> parse_sta_arrival_ns(const std::string& text);

// The Yosys script synthesize() runs (also what a stage cache keys synthesis on).
std::string yosys_script(const SynthOptions& options);

// Runs Yosys (log streamed to work_dir/yosys.log, a line printed every ~10 s), parses the
// report. Throws dorefa::Error (internal) if Yosys fails, quoting the log's last lines.
SynthReport synthesize(const SynthOptions& options);

// The report as JSON text (resources, % of capacity, fits, timing, with the caveat).
std::string synth_report_json(const SynthReport& report);

}  // namespace dorefa::hw
