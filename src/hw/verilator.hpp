#pragma once
// Building a design with Verilator 5.006 into a simulation binary, cached: the build is
// redone only when a source, the harness or the flags change (a stamp in obj_dir).
#include <filesystem>
#include <string>
#include <vector>

namespace dorefa::hw {

struct VerilatorOptions {
  std::string top = "top";
  std::vector<std::filesystem::path> sources;  // SystemVerilog, top last
  std::filesystem::path harness;               // C++ main for --exe
  std::filesystem::path obj_dir;               // build folder (cache)
  std::string binary_name = "Vtop_sim";
  std::vector<std::string> extra_flags;
  int jobs = 2;
  double heartbeat_seconds = 10.0;
};

struct VerilatorBuild {
  std::filesystem::path binary;
  bool rebuilt = false;
  double seconds = 0;
};

// The stamp identifying a build: SHA-256 over flags, harness and every source's content.
std::string verilator_stamp(const VerilatorOptions& options);

// Builds (or reuses) the binary; logs to obj_dir/verilator.log with a line every ~10 s.
// Throws dorefa::Error (internal) quoting the log when Verilator or the C++ build fails.
VerilatorBuild build_verilator(const VerilatorOptions& options);

}  // namespace dorefa::hw
