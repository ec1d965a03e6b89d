#pragma once
// Full-system simulation (`dorefa simulate DIR --system`): Verilator runs system_top (shell
// + core) against a C++ DDR model with random latency and back-pressure, driven through
// the register sequence a host uses; an AXI protocol checker counts violations, and every
// result record is compared with runtime::run_reference, image by image.
// Results: DIR/sim/system.json.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "qmodel/model.hpp"

namespace dorefa::hw {

// The first fields are SimOptions' (simulate.hpp) and ActivityOptions' (activity.hpp):
// each run keeps a plain options struct of its own, filled by its CLI command.
struct SystemSimOptions {
  std::filesystem::path design_dir;
  std::string dataset = "mnist";
  std::string split = "test";
  std::size_t images = 0;              // the first N of the split; 0 = all
  std::uint64_t seed = 1;              // DDR latency and gaps, host READY gaps
  double ddr_ready = 0.7;              // ARREADY / AWREADY / WREADY high in a cycle
  double ddr_valid = 0.7;              // a ready RVALID / BVALID offered in a cycle
  int ddr_min_latency = 8;             // cycles, per burst
  int ddr_max_latency = 120;
  std::size_t class_only_images = 32;  // a further batch with FLAGS.EMIT_SCORES = 0
  std::int64_t timeout_cycles = 0;     // no image finished for this long = hang; 0: derived
  std::filesystem::path results_json;  // empty: DIR/sim/system.json
  double clock_mhz = 100.0;
};

struct SystemSimReport {
  std::string model_name;
  std::string design_hash;
  bool hash_matches = false;           // DESIGN_HASH_HI:LO read over AXI-Lite == design.json
  bool id_matches = false;             // ID and VERSION registers
  std::size_t images = 0;
  std::size_t mismatches = 0;          // records differing from run_reference (all batches)
  std::vector<std::string> first_mismatches;  // up to 10
  std::uint64_t axi_violations = 0;
  std::uint64_t axi_error_responses = 0;
  std::vector<std::string> violation_messages;
  std::uint32_t bad_length_error = 0;  // STATUS.ERROR after a START with a partial image
  std::uint64_t bad_length_ddr_reads = 0;
  std::uint32_t batch_error = 0;       // STATUS.ERROR after the main batch
  std::int64_t latency_cycles = 0;     // one image: START write -> DONE seen
  std::int64_t batch_cycles = 0;       // all images: START write -> DONE seen
  std::uint32_t busy_cycles = 0, images_done = 0, in_stall_cycles = 0, out_stall_cycles = 0;
  std::int64_t ideal_cycles = 0;       // core, per image (folding)
  double accuracy = 0, reference_accuracy = 0;
  double clock_mhz = 100.0;
  bool rebuilt = false;
  double build_seconds = 0, sim_seconds = 0;

  double latency_us() const { return double(latency_cycles) / clock_mhz; }
  double images_per_second() const {
    return batch_cycles > 0 ? double(images) * clock_mhz * 1e6 / double(batch_cycles) : 0;
  }
  double core_ideal_images_per_second() const { return ideal_cycles > 0 ? clock_mhz * 1e6 / double(ideal_cycles) : 0; }
  double ideal_ratio() const {
    return core_ideal_images_per_second() > 0 ? images_per_second() / core_ideal_images_per_second() : 0;
  }
  // What makes the run fail: wrong results, protocol violations, wrong device behaviour.
  bool passed() const;
};

// Builds (cached in DIR/obj_dir_system) and runs the system simulation; throws dorefa::Error
// for a missing design, a dataset mismatch, a tool failure or a hang. Mismatches and
// violations are reported, not thrown. Writes the results JSON atomically.
SystemSimReport simulate_system(const SystemSimOptions& options, const qmodel::Model* model = nullptr);

// Builds (or reuses, cached in DIR/obj_dir_system) the Verilated system_top with the
// harness of system_harness.hpp; returns the binary. Run it with DIR as working directory.
std::filesystem::path build_system_model(const std::filesystem::path& design_dir);

// Options of the device server (`dorefa simulate DIR --serve`, system_harness.hpp).
struct SystemServeOptions {
  std::uint32_t ddr_base = 0x10000000u;   // inside the PYNQ-Z2's 512 MB, like a CMA buffer
  std::size_t ddr_bytes = 64u << 20;
  std::uint64_t seed = 1;
  double ddr_ready = 0.7, ddr_valid = 0.7;
  int ddr_min_latency = 8, ddr_max_latency = 120;
};

// The server's command line (binary first), for a design built by build_system_model.
std::vector<std::string> system_serve_argv(const std::filesystem::path& binary, const SystemServeOptions& options);

std::string system_report_json(const SystemSimReport& report, const SystemSimOptions& options);

}  // namespace dorefa::hw
