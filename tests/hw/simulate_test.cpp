#include "hw/simulate.hpp"

#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "hw/generator.hpp"
#include "qmodel/model_file.hpp"
#include "qmodel/synthetic.hpp"
#include "util/atomic_file.hpp"

namespace dorefa::hw {
namespace {
namespace fs = std::filesystem;

// A fixed folder, so a rerun reuses the Verilator build (the stamp rebuilds on change).
fs::path design_dir(const std::string& name) { return fs::temp_directory_path() / ("dorefa_hw_sim_" + name); }

DesignInfo compile_to(const qmodel::Model& m, const fs::path& dir, const std::string& folding_toml = "",
                      const FoldingGoal& goal = {}) {
  fs::path model_file = dir.string() + ".dqm";
  qmodel::save_model(m, model_file);
  CompileOptions o;
  o.out_dir = dir;
  o.model_file = model_file;
  o.goal = goal;
  if (!folding_toml.empty()) {
    o.folding_file = dir.string() + "_folding.toml";
    util::write_file_atomic(o.folding_file, folding_toml);
  }
  return compile_design(m, o);
}

TEST(Simulate, SmallLenetIsBitExactOnRealImagesWithRandomStalls) {
  qmodel::SyntheticSpec s = qmodel::lenet_w1a2_spec();
  s.conv_channels = {4, 8};
  s.kernel = 3;
  s.hidden = {16};
  s.calibration_images = 64;
  qmodel::Model m = qmodel::make_synthetic_model(s, 5);
  fs::path dir = design_dir("lenet");
  DesignInfo d = compile_to(m, dir);
  SimOptions o;
  o.design_dir = dir;
  o.images = 120;
  o.stall_in = 0.3;
  o.stall_out = 0.3;
  o.steady_images = 8;
  o.seed = 7;
  SimReport r = simulate_design(o);
  EXPECT_EQ(r.mismatches, 0u) << (r.first_mismatches.empty() ? "" : r.first_mismatches[0].what);
  EXPECT_EQ(r.outputs_checked, 1u + 8u + 120u);
  EXPECT_DOUBLE_EQ(r.accuracy, r.reference_accuracy);
  EXPECT_GT(r.latency_cycles, 784);  // at least the whole image must stream in
  EXPECT_GE(r.steady_cycles, double(d.ideal_cycles) * 0.99);  // cannot beat the folding
  EXPECT_GE(r.ideal_ratio(), 0.9);  // FIFOs sized so the pipeline keeps the bottleneck busy
  EXPECT_GT(r.stalled_cycles_per_image, r.steady_cycles);  // stalls cost time
  auto j = nlohmann::json::parse(util::read_file_text(dir / "sim" / "results.json"));
  EXPECT_EQ(j["mismatches"].get<std::size_t>(), 0u);
  EXPECT_EQ(j["images"].get<std::size_t>(), 120u);
  // A second run reuses the Verilator build.
  o.images = 20;
  SimReport again = simulate_design(o);
  EXPECT_FALSE(again.rebuilt);
  EXPECT_EQ(again.mismatches, 0u);
}

TEST(Simulate, MlpWithMultiBitWeightsAndWidthConvertersIsBitExact) {
  qmodel::SyntheticSpec s = qmodel::mlp_w2a2_spec();
  s.hidden = {32, 16};
  s.calibration_images = 64;
  qmodel::Model m = qmodel::make_synthetic_model(s, 6);
  // SIMDs chosen so that every dense layer needs a width converter in front.
  std::string toml;
  for (const auto& l : m.layers) {
    const int simd = l.fan_in() == 784 ? 16 : 8;
    toml += "[" + l.name + "]\npe = " + std::to_string(l.out_channels() == 10 ? 2 : 4) +
            "\nsimd = " + std::to_string(simd) + "\n";
  }
  fs::path dir = design_dir("mlp");
  compile_to(m, dir, toml);
  SimOptions o;
  o.design_dir = dir;
  o.images = 60;
  o.seed = 3;
  SimReport r = simulate_design(o);
  EXPECT_EQ(r.mismatches, 0u);
  EXPECT_EQ(r.images, 60u);
  EXPECT_GT(r.accuracy, 0.0);
}

// A target below one pixel per cycle widens the input stream (4 pixels per beat here):
// the harness packs them, the first width converter regroups them, the result is the same.
TEST(Simulate, WideInputBeatsAreBitExactAndReachTheirThroughput) {
  qmodel::SyntheticSpec s = qmodel::mlp_w2a2_spec();
  s.hidden = {32, 16};
  s.calibration_images = 64;
  qmodel::Model m = qmodel::make_synthetic_model(s, 7);
  fs::path dir = design_dir("mlp_wide");
  FoldingGoal goal;
  goal.search = FoldingGoal::Search::kExact;
  goal.target_cycles = 200;
  const DesignInfo d = compile_to(m, dir, "", goal);
  ASSERT_EQ(d.folding.input_elems, 4);
  EXPECT_EQ(load_design(dir).folding.input_elems, 4);
  SimOptions o;
  o.design_dir = dir;
  o.images = 60;
  o.seed = 4;
  SimReport r = simulate_design(o);
  EXPECT_EQ(r.mismatches, 0u);
  EXPECT_EQ(r.images, 60u);
  // Back-to-back, the design keeps up with its 196-cycle input stream (not 784).
  EXPECT_LE(r.steady_cycles, 1.05 * double(d.ideal_cycles)) << r.steady_cycles;
}

// W8A8: every hidden layer an 8 x 8-bit mvtu (DSP48 and LUT lanes both) into a requant
// stage; the mixed net feeds conv1's 8-bit levels into binary weights. Short runs: the
// requant arithmetic's edges are the RTL testbench's (rtl/tb/requant_tb.cpp).
TEST(Simulate, W8A8AndMixedLenetsAreBitExactWithRandomStalls) {
  for (const bool mixed : {false, true}) {
    qmodel::SyntheticSpec s = mixed ? qmodel::lenet_mixed_spec() : qmodel::lenet_w8a8_spec();
    s.conv_channels = {4, 8};
    s.kernel = 3;
    s.hidden = {16};
    s.calibration_images = 64;
    qmodel::Model m = qmodel::make_synthetic_model(s, 8);
    const fs::path dir = design_dir(mixed ? "mixed" : "w8a8");
    // W8A8: conv1 on DSP48 lanes, conv2 on LUT multipliers with 2 requant lanes for PE 4
    // (a beat every 2 cycles), fc1 one lane.
    const std::string folding = mixed ? "" : "[conv1]\npe = 4\nsimd = 9\ndsp = true\n"
                                             "[conv2]\npe = 4\nsimd = 18\ndsp = false\n"
                                             "[fc1]\npe = 2\nsimd = 20\n";
    DesignInfo d = compile_to(m, dir, folding);
    SimOptions o;
    o.design_dir = dir;
    o.images = 40;
    o.stall_in = 0.3;
    o.stall_out = 0.3;
    o.steady_images = 6;
    o.seed = 9;
    SimReport r = simulate_design(o);
    EXPECT_EQ(r.mismatches, 0u) << (r.first_mismatches.empty() ? "" : r.first_mismatches[0].what);
    EXPECT_EQ(r.outputs_checked, 1u + 6u + 40u);
    EXPECT_DOUBLE_EQ(r.accuracy, r.reference_accuracy);
    EXPECT_GE(r.ideal_ratio(), 0.9) << (mixed ? "mixed" : "w8a8");
    (void)d;
  }
}

}  // namespace
}  // namespace dorefa::hw
