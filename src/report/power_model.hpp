#pragma once
// First-order power estimate of the programmable logic from resource counts, clock and
// switching activity (docs/power-model.md): an estimate, to be checked against a board
// measurement (report/measured_power.hpp).
//
//   P_PL = P_static + f/100 MHz * [ alpha/0.125 * (LUT*c_lut + FF*c_ff + DSP*c_dsp)
//                                 + beta/0.5   * BRAM36*c_bram ]
//
// alpha: toggles per signal bit per cycle (0.125 is the Xilinx Power Estimator default;
// `dorefa power` measures it in simulation, hw/activity.hpp). beta: BRAM port enable rate
// (XPE default 0.5). The coefficients are XPE-style 7-series figures at those defaults.
#include <string>

namespace dorefa::report {

// Defaults the estimate assumes when nothing was measured.
constexpr double kDefaultToggleRate = 0.125;
constexpr double kDefaultBramEnableRate = 0.5;

struct PowerInputs {
  double luts = 0, ffs = 0, bram36 = 0, dsps = 0;
  double clock_mhz = 100.0;
  double toggle_rate = kDefaultToggleRate;           // alpha, logic, FF and DSP
  double bram_enable_rate = kDefaultBramEnableRate;  // beta
  double images_per_second = 0;  // steady-state throughput, for energy per image
};

struct PowerEstimate {
  double static_w = 0;
  double dynamic_w = 0;
  double total_w() const { return static_w + dynamic_w; }
  double energy_per_image_uj = 0;  // 0 when the throughput is unknown
};

// Throws dorefa::Error for negative counts or rates, or an activity above 1 per cycle.
PowerEstimate estimate_power(const PowerInputs& in);

// The published whole-board figure the report shows beside the PL estimate (an estimate
// for our design too: it was measured on another network): MLPerf Tiny v0.7, PYNQ-Z2.
struct BoardReference {
  double low_w = 1.66, high_w = 1.68;
  std::string source =
      "MLPerf Tiny v0.7 inference results, PYNQ-Z2 entries running a CNV network";
};

}  // namespace dorefa::report
