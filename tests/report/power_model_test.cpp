#include "report/power_model.hpp"

#include <gtest/gtest.h>

#include "util/error.hpp"

namespace dorefa::report {
namespace {

PowerInputs design() {
  PowerInputs in;
  in.luts = 20000;
  in.ffs = 15000;
  in.bram36 = 10;
  in.dsps = 50;
  in.images_per_second = 50000;
  return in;
}

TEST(PowerModel, ZeroActivityGivesStaticPowerOnly) {
  PowerInputs in = design();
  in.toggle_rate = 0;
  in.bram_enable_rate = 0;
  const PowerEstimate idle = estimate_power(in);
  EXPECT_EQ(idle.dynamic_w, 0.0);
  EXPECT_GT(idle.static_w, 0.0);
  // The same static power as an empty design: it does not depend on what is placed.
  EXPECT_DOUBLE_EQ(idle.total_w(), estimate_power({}).total_w());
  EXPECT_DOUBLE_EQ(estimate_power({}).dynamic_w, 0.0);
}

TEST(PowerModel, MoreToggleActivityGivesMorePower) {
  PowerInputs in = design();
  double last = -1;
  for (double rate : {0.0, 0.05, 0.125, 0.3, 1.0}) {
    in.toggle_rate = rate;
    const double w = estimate_power(in).total_w();
    EXPECT_GT(w, last) << "toggle rate " << rate;
    last = w;
  }
}

TEST(PowerModel, BramPowerFollowsItsEnableRateNotTheToggleRate) {
  PowerInputs in = design();
  in.toggle_rate = 0;
  in.bram_enable_rate = 0.2;
  const double low = estimate_power(in).dynamic_w;
  in.bram_enable_rate = 0.9;
  const double high = estimate_power(in).dynamic_w;
  EXPECT_GT(low, 0.0);  // BRAM reads cost power even when logic does not toggle
  EXPECT_GT(high, low);
  in.bram36 = 0;
  EXPECT_EQ(estimate_power(in).dynamic_w, 0.0);
}

TEST(PowerModel, MoreResourcesOrAFasterClockGiveMorePower) {
  const double base = estimate_power(design()).total_w();
  for (int k = 0; k < 5; ++k) {
    PowerInputs in = design();
    double* field[] = {&in.luts, &in.ffs, &in.bram36, &in.dsps, &in.clock_mhz};
    *field[k] *= 2;
    EXPECT_GT(estimate_power(in).total_w(), base) << "field " << k;
  }
  // Dynamic power is linear in the clock: half the clock, half the dynamic power.
  PowerInputs slow = design();
  slow.clock_mhz = 50;
  EXPECT_NEAR(estimate_power(slow).dynamic_w, estimate_power(design()).dynamic_w / 2, 1e-12);
}

TEST(PowerModel, EnergyPerImageIsPowerOverThroughput) {
  PowerInputs in = design();
  const PowerEstimate p = estimate_power(in);
  EXPECT_NEAR(p.energy_per_image_uj * in.images_per_second, p.total_w() * 1e6, 1e-6);
  in.images_per_second *= 2;
  EXPECT_NEAR(estimate_power(in).energy_per_image_uj, p.energy_per_image_uj / 2, 1e-9);
  EXPECT_EQ(estimate_power({}).energy_per_image_uj, 0.0);  // unknown throughput: no figure
}

TEST(PowerModel, RejectsImpossibleInputs) {
  PowerInputs in = design();
  in.toggle_rate = 1.5;  // a bit toggles at most once per cycle
  EXPECT_THROW(estimate_power(in), Error);
  in = design();
  in.luts = -1;
  EXPECT_THROW(estimate_power(in), Error);
}

}  // namespace
}  // namespace dorefa::report
