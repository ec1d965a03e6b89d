#include "hw/activity.hpp"

#include <filesystem>

#include <gtest/gtest.h>

#include "hw/generator.hpp"
#include "qmodel/model_file.hpp"
#include "qmodel/synthetic.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"

namespace dorefa::hw {
namespace {
namespace fs = std::filesystem;

// One coverage.dat line as Verilator 5.006 writes it.
std::string point(const std::string& page, const std::string& hier, const std::string& signal, long count) {
  return "C '\1f\2rtl/x.sv\1l\0021\1n\0020\1page\2" + page + "\1o\2" + signal + "\1h\2" + hier + "' " +
         std::to_string(count) + "\n";
}

TEST(Activity, TogglesPerBitPerCycleCountInstancesByTheClock) {
  const long cycles = 1000;
  std::string dat = "# SystemC::Coverage-3\n";
  // Two merged instances of mvtu: clock 2 x 1000 x 2; two bits with 500 and 300 toggles in all.
  dat += point("v_toggle/mvtu__W1", "TOP.top.g[*].u", "clk", 2 * cycles * 2);
  dat += point("v_toggle/mvtu__W1", "TOP.top.g[*].u", "rst_n", 4);
  dat += point("v_toggle/mvtu__W1", "TOP.top.g[*].u", "acc[0]", 500);
  dat += point("v_toggle/mvtu__W1", "TOP.top.g[*].u", "acc[1]", 300);
  // One quiet fifo: one bit toggling 100 times.
  dat += point("v_toggle/axis_fifo", "TOP.top.u_f", "clk", 2 * cycles);
  dat += point("v_toggle/axis_fifo", "TOP.top.u_f", "mem[0]", 100);
  dat += "C '\1f\2rtl/x.sv\1l\0021\1page\2v_line/mvtu\1h\2TOP.top' 99\n";  // not a toggle point
  Activity a = summarize_activity(parse_toggle_coverage(dat, "coverage.dat"), cycles);
  ASSERT_EQ(a.modules.size(), 2u);
  EXPECT_EQ(a.modules[0].name, "mvtu");  // busiest first
  EXPECT_DOUBLE_EQ(a.modules[0].instances, 2.0);
  EXPECT_EQ(a.modules[0].bits, 2);
  EXPECT_DOUBLE_EQ(a.modules[0].toggle_rate, 800.0 / (2 * 2 * 1000));
  EXPECT_DOUBLE_EQ(a.modules[1].toggle_rate, 100.0 / 1000);
  // Design: 900 toggles over 5 bit instances (reset and clock excluded) in 1000 cycles.
  EXPECT_DOUBLE_EQ(a.toggle_rate, 900.0 / (5 * 1000));
  EXPECT_DOUBLE_EQ(a.bit_instances, 5.0);
}

TEST(Activity, MoreTogglesGiveAHigherRateAndNoneGiveZero) {
  auto rate = [](long toggles) {
    std::string dat = point("v_toggle/m", "TOP.top", "clk", 200) + point("v_toggle/m", "TOP.top", "d[0]", toggles);
    return summarize_activity(parse_toggle_coverage(dat, "c.dat"), 100).toggle_rate;
  };
  EXPECT_EQ(rate(0), 0.0);
  EXPECT_LT(rate(10), rate(50));
}

TEST(Activity, MalformedCoverageIsAnErrorWithItsLine) {
  try {
    parse_toggle_coverage("# SystemC::Coverage-3\nC 'abc 12\n", "coverage.dat");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("coverage.dat:2"), std::string::npos) << e.what();
  }
  EXPECT_THROW(summarize_activity(parse_toggle_coverage(point("v_toggle/m", "TOP.top", "d[0]", 3), "c"), 10), Error);
}

// The real path: a coverage build of a small LeNet, real MNIST test images.
TEST(Activity, MeasuresASmallLenetOnRealImagesWithoutTouchingTheSimulationCache) {
  qmodel::SyntheticSpec s = qmodel::lenet_w1a2_spec();
  s.conv_channels = {4, 8};
  s.kernel = 3;
  s.hidden = {16};
  s.calibration_images = 64;
  qmodel::Model m = qmodel::make_synthetic_model(s, 5);
  const fs::path dir = fs::temp_directory_path() / "dorefa_hw_activity_lenet";  // fixed: reruns reuse the build
  const fs::path model_file = dir.string() + ".dqm";
  qmodel::save_model(m, model_file);
  CompileOptions co;
  co.out_dir = dir;
  co.model_file = model_file;
  compile_design(m, co);
  ActivityOptions o;
  o.design_dir = dir;
  o.images = 3;
  Activity a = measure_activity(o);
  EXPECT_GT(a.cycles, 3 * 784);  // every pixel streamed in
  EXPECT_GT(a.toggle_rate, 0.0);
  EXPECT_LT(a.toggle_rate, 1.0);  // a bit toggles at most once per cycle
  bool saw_mvtu = false;
  for (const auto& mod : a.modules) {
    EXPECT_GE(mod.toggle_rate, 0.0);
    EXPECT_LE(mod.toggle_rate, 1.0) << mod.name;
    saw_mvtu |= mod.name == "mvtu";
  }
  EXPECT_TRUE(saw_mvtu);
  EXPECT_TRUE(fs::exists(dir / "power" / "activity.json"));
  EXPECT_TRUE(fs::exists(dir / "obj_dir_activity"));
  EXPECT_FALSE(fs::exists(dir / "obj_dir"));  // the simulation cache is not this build
}

}  // namespace
}  // namespace dorefa::hw
