#include "report/measured_power.hpp"

#include <gtest/gtest.h>

#include "util/error.hpp"

namespace dorefa::report {
namespace {

// A meter log sampled every 0.5 s from t0: idle at 1.5 W for 10 s, then busy at 1.9 W.
std::string meter_csv(double t0) {
  std::string csv = "time,V,A\n";
  for (int k = 0; k < 60; ++k) {
    const double t = t0 + 0.5 * k;
    csv += std::to_string(t) + ",5.0," + (t < t0 + 10 ? "0.30" : "0.38") + "\n";
  }
  return csv;
}

BoardRunLog run_log() {
  return parse_board_run_log(R"({"format": "dorefa-board-run/1", "intervals": [
      {"kind": "idle", "start": 1000.5, "end": 1009.5},
      {"kind": "busy", "start": 1011, "end": 1029, "images": 36000}]})",
                             "run.json");
}

TEST(MeasuredPower, IdleBusyDifferenceAndEnergyPerImage) {
  const MeasuredPower m = measure_power(parse_meter_log(meter_csv(1000), "m.csv"), run_log());
  EXPECT_NEAR(m.idle_w, 1.5, 1e-9);
  EXPECT_NEAR(m.busy_w, 1.9, 1e-9);
  EXPECT_NEAR(m.inference_w(), 0.4, 1e-9);
  EXPECT_EQ(m.images, 36000u);
  EXPECT_NEAR(m.busy_seconds, 18.0, 1e-9);
  // 0.4 W above idle for 18 s over 36000 images = 200 µJ each; the board's whole 1.9 W: 950 µJ.
  EXPECT_NEAR(m.inference_energy_per_image_uj(), 200, 1e-6);
  EXPECT_NEAR(m.board_energy_per_image_uj(), 950, 1e-6);
  EXPECT_EQ(m.idle_samples, 19u);
  EXPECT_EQ(m.busy_samples, 37u);
}

TEST(MeasuredPower, MeterLogThatMissesTheBusyIntervalIsAnError) {
  // The meter ran an hour off (a time-zone slip): nothing inside the run's intervals.
  try {
    measure_power(parse_meter_log(meter_csv(1000 + 3600), "meter.csv"), run_log());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kBadInput);
    EXPECT_EQ(e.where(), "meter.csv");
    EXPECT_NE(std::string(e.what()).find("no"), std::string::npos);
  }
  // Covers the idle interval but stops before the busy one.
  std::string short_csv = "time,W\n1001,1.5\n1002,1.5\n1005,1.5\n";
  EXPECT_THROW(measure_power(parse_meter_log(short_csv, "m.csv"), run_log()), Error);
}

}  // namespace
}  // namespace dorefa::report
