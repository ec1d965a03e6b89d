#pragma once
// Board power from a USB meter log aligned with a board run log (report/meter_log.hpp):
// idle and busy watts of the whole board, the difference inference adds, energy per image.
#include <nlohmann/json.hpp>

#include "report/meter_log.hpp"

namespace dorefa::report {

struct MeasuredPower {
  double idle_w = 0;  // mean of the samples inside the idle intervals
  double busy_w = 0;  // mean of the samples inside the busy intervals
  double inference_w() const { return busy_w - idle_w; }
  double busy_seconds = 0;
  std::size_t images = 0;
  std::size_t idle_samples = 0, busy_samples = 0;
  // Busy energy over the images: the whole board's, and the part above idle.
  double board_energy_per_image_uj() const { return images ? busy_w * busy_seconds / double(images) * 1e6 : 0; }
  double inference_energy_per_image_uj() const {
    return images ? inference_w() * busy_seconds / double(images) * 1e6 : 0;
  }
  std::string meter_file, run_file, meter_format;
  nlohmann::json to_json() const;
};

// Averages the meter samples inside each kind of interval. Throws dorefa::Error (bad
// input) naming the meter file when an interval holds no sample (the logs do not overlap,
// e.g. clocks in different zones) or the meter log does not cover the run.
MeasuredPower measure_power(const MeterLog& meter, const BoardRunLog& run);

}  // namespace dorefa::report
