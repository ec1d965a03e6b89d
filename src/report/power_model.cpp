#include "report/power_model.hpp"

#include <fmt/format.h>

#include "util/error.hpp"

namespace dorefa::report {
namespace {
// docs/power-model.md, "Coefficients": XPE-style 7-series figures at 100 MHz, 12.5 % toggle
// (BRAM: 50 % enable). One table: the doc names these constants and this file.
constexpr double kStaticW = 0.120;
constexpr double kLutW = 5e-6;
constexpr double kFfW = 1.5e-6;
constexpr double kBram36W = 1.5e-3;
constexpr double kDspW = 1.0e-3;

void check(double v, const char* field, double max = 1e12) {
  if (!(v >= 0 && v <= max))
    throw Error(std::string("power model input ") + field, fmt::format("expected 0..{}, found {}", max, v));
}
}  // namespace

PowerEstimate estimate_power(const PowerInputs& in) {
  check(in.luts, "luts");
  check(in.ffs, "ffs");
  check(in.bram36, "bram36");
  check(in.dsps, "dsps");
  check(in.clock_mhz, "clock_mhz");
  check(in.toggle_rate, "toggle_rate", 1.0);  // a bit changes at most once per cycle
  check(in.bram_enable_rate, "bram_enable_rate", 1.0);
  check(in.images_per_second, "images_per_second");
  PowerEstimate p;
  p.static_w = kStaticW;
  const double clock = in.clock_mhz / 100.0;
  p.dynamic_w = clock * ((in.toggle_rate / kDefaultToggleRate) * (in.luts * kLutW + in.ffs * kFfW + in.dsps * kDspW) +
                         (in.bram_enable_rate / kDefaultBramEnableRate) * in.bram36 * kBram36W);
  if (in.images_per_second > 0) p.energy_per_image_uj = p.total_w() / in.images_per_second * 1e6;
  return p;
}

}  // namespace dorefa::report
