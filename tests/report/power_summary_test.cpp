#include "report/power_summary.hpp"

#include <gtest/gtest.h>

namespace dorefa::report {
namespace {
using nlohmann::json;

json summary() {
  return json::parse(R"({"synthesis": {"resources": {"lut": 20000, "ff": 15000, "bram36_equivalent": 5.5, "dsp48e1": 10}},
                         "simulation": {"fps": 50000}})");
}

TEST(PowerSummary, NoSynthesisNoPowerSection) { EXPECT_TRUE(power_section(json::object(), json()).empty()); }

TEST(PowerSummary, WithoutActivityUsesTheDefaultAndSaysSo) {
  json p = power_section(summary(), json());
  EXPECT_DOUBLE_EQ(p["toggle_rate"].get<double>(), 0.125);
  EXPECT_NE(p["toggle_source"].get<std::string>().find("not measured"), std::string::npos);
  EXPECT_DOUBLE_EQ(p["total_w"].get<double>(), p["fixed_toggle_total_w"].get<double>());
  EXPECT_GT(p["energy_per_image_uj"].get<double>(), 0);
  EXPECT_GT(p["board_reference"]["high_w"].get<double>(), p["total_w"].get<double>());
}

TEST(PowerSummary, MeasuredActivityDrivesTheEstimate) {
  json quiet = power_section(summary(), json{{"toggle_rate", 0.02}, {"images", 8}, {"cycles", 9000}});
  json busy = power_section(summary(), json{{"toggle_rate", 0.30}, {"images", 8}, {"cycles", 9000}});
  EXPECT_LT(quiet["total_w"].get<double>(), quiet["fixed_toggle_total_w"].get<double>());
  EXPECT_GT(busy["total_w"].get<double>(), busy["fixed_toggle_total_w"].get<double>());
  EXPECT_NE(quiet["toggle_source"].get<std::string>().find("measured"), std::string::npos);
  EXPECT_EQ(quiet["toggle_source"].get<std::string>().find("not measured"), std::string::npos);
}

}  // namespace
}  // namespace dorefa::report
