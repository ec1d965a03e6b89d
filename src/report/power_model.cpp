#include "report/power_model.hpp"

namespace dorefa::report {
namespace {
// docs/power-model.md: XPE-style coefficients at 100 MHz and 12.5 % toggle (BRAM: 50 % enable).
constexpr double kStaticW = 0.120;
constexpr double kLutW = 5e-6;
constexpr double kFfW = 1.5e-6;
constexpr double kBram36W = 1.5e-3;
constexpr double kDspW = 1.0e-3;
}  // namespace

PowerEstimate estimate_power(const PowerInputs& in) {
  PowerEstimate p;
  p.static_w = kStaticW;
  const double activity = (in.clock_mhz / 100.0) * (in.toggle_rate / 0.125);
  p.dynamic_w = activity * (in.luts * kLutW + in.ffs * kFfW + in.dsps * kDspW) +
                (in.clock_mhz / 100.0) * in.bram36 * kBram36W;
  if (in.images_per_second > 0) p.energy_per_image_uj = p.total_w() / in.images_per_second * 1e6;
  return p;
}

}  // namespace dorefa::report
