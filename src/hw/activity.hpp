#pragma once
// Switching activity of a compiled design, measured (`dorefa power DIR --images N`): a
// Verilator build with --coverage-toggle (DIR/obj_dir_activity, so the simulation cache in
// DIR/obj_dir is untouched) runs the `dorefa simulate` harness on N real test images
// without stalls; a `final` block bound into the top writes coverage.dat, whose toggle
// counts give toggles per signal bit per cycle, per module and for the whole design.
// Written to DIR/power/activity.json; report/power_summary.hpp feeds it to the power model.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace dorefa::hw {

// The first fields are SimOptions' (simulate.hpp), as in SystemSimOptions: each run keeps
// a plain options struct of its own, filled by its CLI command.
struct ActivityOptions {
  std::filesystem::path design_dir;
  std::string dataset = "mnist";
  std::string split = "test";
  std::size_t images = 8;            // the first N of the split
  std::filesystem::path out_json;    // empty: DIR/power/activity.json
};

// One toggle point of coverage.dat (verilator_coverage's "SystemC::Coverage-3" text):
// a signal bit of a module, its hierarchy (instances of one module may be merged, "[*]"),
// and how many times it toggled, summed over the merged instances.
struct TogglePoint {
  std::string module;  // "mvtu" from the page "v_toggle/mvtu__W8..."
  std::string hier;    // "TOP.top.u_conv1"
  std::string signal;  // "acc3[5]"
  double count = 0;
};

struct ModuleActivity {
  std::string name;       // module (or instance hierarchy)
  double instances = 0;   // from the clock's toggles: 2 per cycle per instance
  std::int64_t bits = 0;  // covered signal bits per instance (clock and reset excluded)
  double toggle_rate = 0; // toggles per bit per cycle
};

struct Activity {
  std::int64_t cycles = 0;
  std::size_t images = 0;
  std::string dataset;
  double toggle_rate = 0;                // over every covered bit of every instance
  double bit_instances = 0;              // the bits that average is over
  std::vector<ModuleActivity> modules;   // by module, most active first
  std::vector<ModuleActivity> instances; // by hierarchy
  nlohmann::json to_json() const;
};

// Parses coverage.dat text, keeping toggle points only. Throws dorefa::Error naming the
// file and line for a line it cannot read.
std::vector<TogglePoint> parse_toggle_coverage(const std::string& text, const std::string& file);

// Toggles per bit per cycle from the points of a run of `cycles` clock cycles. Throws
// dorefa::Error when cycles <= 0 or there is no clock point to count instances by.
Activity summarize_activity(const std::vector<TogglePoint>& points, std::int64_t cycles);

// Builds (cached) and runs the coverage build, writes the JSON. Throws dorefa::Error.
Activity measure_activity(const ActivityOptions& options);

}  // namespace dorefa::hw
