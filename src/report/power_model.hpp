#pragma once
// First-order power estimate of the programmable logic from resource counts and clock
// (docs/power-model.md): a documented model, to be replaced by board measurements.
namespace dorefa::report {

struct PowerInputs {
  double luts = 0, ffs = 0, bram36 = 0, dsps = 0;
  double clock_mhz = 100.0;
  double toggle_rate = 0.125;
  double images_per_second = 0;  // steady-state throughput, for energy per image
};

struct PowerEstimate {
  double static_w = 0;
  double dynamic_w = 0;
  double total_w() const { return static_w + dynamic_w; }
  double energy_per_image_uj = 0;  // 0 when the throughput is unknown
};

PowerEstimate estimate_power(const PowerInputs& in);

}  // namespace dorefa::report
