#include "report/power_model.hpp"

#include <gtest/gtest.h>

namespace dorefa::report {
namespace {

TEST(PowerModel, StaticOnlyForAnEmptyDesign) {
  PowerEstimate p = estimate_power({});
  EXPECT_DOUBLE_EQ(p.dynamic_w, 0.0);
  EXPECT_NEAR(p.total_w(), 0.120, 1e-12);
  EXPECT_EQ(p.energy_per_image_uj, 0.0);  // unknown throughput: no energy figure
}

TEST(PowerModel, ScalesWithResourcesClockAndToggleRate) {
  PowerInputs in{10000, 10000, 10, 100, 100.0, 0.125, 50000};
  PowerEstimate p = estimate_power(in);
  // 10k LUT * 5 uW + 10k FF * 1.5 uW + 10 BRAM * 1.5 mW + 100 DSP * 1 mW = 0.18 W
  EXPECT_NEAR(p.dynamic_w, 0.18, 1e-9);
  EXPECT_NEAR(p.energy_per_image_uj, (0.12 + 0.18) / 50000 * 1e6, 1e-9);
  in.clock_mhz = 50;
  EXPECT_NEAR(estimate_power(in).dynamic_w, 0.09, 1e-9);
  in.clock_mhz = 100;
  in.toggle_rate = 0.25;  // logic doubles, BRAM (enable-driven) does not
  EXPECT_NEAR(estimate_power(in).dynamic_w, 0.18 * 2 - 0.015, 1e-9);
}

}  // namespace
}  // namespace dorefa::report
