#pragma once
// Cycle-accurate simulation of a compiled design (`dorefa simulate DIR --data mnist`):
// builds it with Verilator (cached in DIR/obj_dir), streams real test images through it
// (with random stalls on input valid and output ready), and compares every output with
// runtime::run_reference bit for bit, class and scores.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "qmodel/model.hpp"

namespace dorefa::hw {

// design_dir, dataset, split and images recur in SystemSimOptions and ActivityOptions:
// plain structs per run rather than a shared base, so each reads whole where it is used.
struct SimOptions {
  std::filesystem::path design_dir;
  std::string dataset = "mnist";
  std::string split = "test";
  std::size_t images = 0;          // the first N of the split; 0 = all
  std::uint64_t seed = 1;          // random stalls
  double stall_in = 0.25;          // probability input valid is withheld in a cycle
  double stall_out = 0.25;         // probability output ready is withheld in a cycle
  std::size_t steady_images = 16;  // back-to-back images for the steady-state measurement
  std::int64_t timeout_cycles = 0; // no output for this long = deadlock; 0: derived
  std::filesystem::path results_json;  // empty: DIR/sim/results.json
  double clock_mhz = 100.0;
};

struct SimMismatch {
  int phase = 0;
  std::size_t image = 0;
  std::int64_t hw_class = -1;
  int ref_class = -1;
  std::string what;  // "class", "scores", "missing"
};

struct SimReport {
  std::string model_name;
  std::size_t images = 0;          // in the random-stall run
  std::size_t outputs_checked = 0; // over all phases
  std::size_t mismatches = 0;
  std::vector<SimMismatch> first_mismatches;  // up to 10
  double accuracy = 0;             // hardware top-1 vs labels, random-stall run
  double reference_accuracy = 0;   // run_reference top-1 vs labels
  std::int64_t latency_cycles = 0; // first pixel in -> class out, empty pipeline
  double steady_cycles = 0;        // per image, back-to-back, no stalls
  std::int64_t ideal_cycles = 0;   // from the folding
  double clock_mhz = 100.0;
  double stalled_cycles_per_image = 0;  // random-stall run, for reference
  bool rebuilt = false;
  double build_seconds = 0, sim_seconds = 0;
  std::int64_t total_cycles = 0;
  double latency_us() const { return double(latency_cycles) / clock_mhz; }
  double steady_us() const { return steady_cycles / clock_mhz; }
  double fps() const { return steady_cycles > 0 ? clock_mhz * 1e6 / steady_cycles : 0; }
  double ideal_ratio() const { return steady_cycles > 0 ? double(ideal_cycles) / steady_cycles : 0; }
};

// Runs the whole flow; the model is DIR/model.dqm unless `model` is given. Throws
// dorefa::Error for a missing design, dataset mismatch, tool failure or a deadlock.
// Mismatches are reported, not thrown. Writes the results JSON atomically.
SimReport simulate_design(const SimOptions& options, const qmodel::Model* model = nullptr);

// The report as JSON text.
std::string sim_report_json(const SimReport& report, const SimOptions& options);

}  // namespace dorefa::hw
