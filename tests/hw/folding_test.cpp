#include "hw/folding.hpp"

#include <filesystem>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "hw/cost_model.hpp"
#include "qmodel/synthetic.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"
#include "error_of.hpp"

namespace dorefa::hw {
namespace {
namespace fs = std::filesystem;

const qmodel::Model& lenet() {
  static const qmodel::Model m = qmodel::make_synthetic_model(qmodel::lenet_w1a2_spec(), 1);
  return m;
}

fs::path temp_file(const std::string& name, const std::string& text) {
  fs::path p = fs::temp_directory_path() / ("dorefa_folding_" + std::to_string(::getpid()) + "_" + name);
  util::write_file_atomic(p, text);
  return p;
}

using test_support::error_of;

TEST(Folding, CyclesFollowTheMvauFormula) {
  const auto& conv1 = lenet().layers[0];  // 5x5x1 -> 24x24x16
  ASSERT_EQ(conv1.kind, qmodel::LayerKind::kConv);
  EXPECT_EQ(mvu_cycles(conv1, 1, 1), 24 * 24 * 25 * 16);
  EXPECT_EQ(mvu_cycles(conv1, 16, 25), 24 * 24);
  EXPECT_EQ(mvu_cycles(conv1, 4, 5), 24 * 24 * 5 * 4);
}

TEST(Folding, ConvSimdMayCoverKernelTapsButMustDivideFanIn) {
  const auto& conv1 = lenet().layers[0];
  EXPECT_TRUE(simd_divides(conv1, 25));
  EXPECT_TRUE(simd_divides(conv1, 5));
  EXPECT_FALSE(simd_divides(conv1, 3));
  EXPECT_FALSE(simd_divides(conv1, 0));
  for (int s : simd_choices(conv1)) EXPECT_EQ(conv1.fan_in() % s, 0);
  for (int p : pe_choices(conv1)) EXPECT_EQ(16 % p, 0);
}

TEST(Folding, DefaultMeetsTargetAndFitsBudget) {
  Device dev = xc7z020();
  Folding f = default_folding(lenet(), dev);
  validate_folding(lenet(), f);
  CostEstimate e = estimate_cost(lenet(), f);
  EXPECT_LE(e.ideal_cycles, 2000);
  EXPECT_GE(e.ideal_cycles, lenet().input.elements());  // the pixel stream bounds it
  EXPECT_LE(e.total.lut, 0.70 * dev.capacity.lut);
  EXPECT_LE(e.total.bram36, 0.80 * dev.capacity.bram36);
  EXPECT_LE(e.total.dsp, dev.capacity.dsp);
  // A slower goal needs less hardware.
  FoldingGoal slow;
  slow.target_cycles = 20000;
  CostEstimate es = estimate_cost(lenet(), default_folding(lenet(), dev, slow));
  EXPECT_LT(es.total.lut, e.total.lut);
  EXPECT_GT(es.ideal_cycles, e.ideal_cycles);
}

TEST(Folding, FpsGoalIsMetByTheCheapestBalancedFolding) {
  const Device dev = xc7z020();
  FoldingGoal g;
  g.search = FoldingGoal::Search::kExact;
  g.target_cycles = 3000;  // 33.3k FPS at 100 MHz
  const Folding f = default_folding(lenet(), dev, g);
  const CostEstimate e = estimate_cost(lenet(), f);
  EXPECT_LE(e.ideal_cycles, 3000);
  EXPECT_LE(e.total.lut, 0.70 * dev.capacity.lut);
  // Cheapest: no layer is faster than it must be, unless a slower legal folding of it
  // would miss the target (every layer's next slower PE x SIMD step misses, or costs more).
  for (const auto& lf : f.layers) {
    const auto& l = lenet().layers[std::size_t(lf.index)];
    EXPECT_LE(mvu_cycles(l, lf.pe, lf.simd), 3000) << lf.layer;
    EXPECT_NE(lf.why.find("cheapest"), std::string::npos) << lf.layer << ": " << lf.why;
    const double cost = estimate_mvu(l, lf.pe, lf.simd).resources.lut;
    for (int pe : pe_choices(l))
      for (int simd : simd_choices(l))
        if (mvu_cycles(l, pe, simd) <= 3000 && estimate_mvu(l, pe, simd).resources.dsp == 0 &&
            estimate_mvu(l, lf.pe, lf.simd).resources.dsp == 0 && estimate_mvu(l, pe, simd).resources.bram36 ==
                                                                        estimate_mvu(l, lf.pe, lf.simd).resources.bram36)
          EXPECT_GE(estimate_mvu(l, pe, simd).resources.lut, cost - 1e-6) << lf.layer << " PE " << pe << " SIMD " << simd;
  }
  // A faster goal costs more, and --max-fps is at least as fast as any goal that fits.
  g.target_cycles = 1200;
  const CostEstimate fast = estimate_cost(lenet(), default_folding(lenet(), dev, g));
  EXPECT_LE(fast.ideal_cycles, 1200);
  EXPECT_GT(fast.total.lut, e.total.lut);
  FoldingGoal mx;
  mx.search = FoldingGoal::Search::kFastest;
  const CostEstimate best = estimate_cost(lenet(), default_folding(lenet(), dev, mx));
  EXPECT_LE(best.ideal_cycles, fast.ideal_cycles);
  EXPECT_TRUE(overflow(best.total, dev, mx).empty());
  EXPECT_GE(best.ideal_cycles, fastest_cycles(lenet()));
}

TEST(Folding, UnreachableFpsNamesWhatBindsAndTheBestThatFits) {
  const Device dev = xc7z020();
  FoldingGoal g;
  g.search = FoldingGoal::Search::kExact;
  // Faster than the pixel stream: no folding can.
  g.target_cycles = lenet().input.elements() - 1;
  std::string msg = error_of([&] { default_folding(lenet(), dev, g); });
  EXPECT_NE(msg.find("out of reach"), std::string::npos) << msg;
  EXPECT_NE(msg.find("input stream"), std::string::npos) << msg;
  // Reachable by the layers but not within a small LUT budget: the binding resource and
  // the best rate that budget buys.
  g.target_cycles = lenet().input.elements();
  g.max_lut_fraction = 0.10;
  msg = error_of([&] { default_folding(lenet(), dev, g); });
  EXPECT_NE(msg.find("does not fit"), std::string::npos) << msg;
  EXPECT_NE(msg.find("binding resource LUT"), std::string::npos) << msg;
  EXPECT_NE(msg.find("the best that fits is"), std::string::npos) << msg;
  // ... which that budget then does reach.
  FoldingGoal mx = g;
  mx.search = FoldingGoal::Search::kFastest;
  const CostEstimate best = estimate_cost(lenet(), default_folding(lenet(), dev, mx));
  EXPECT_LE(best.total.lut, 0.10 * dev.capacity.lut);
  EXPECT_GT(best.ideal_cycles, lenet().input.elements());
  EXPECT_NE(msg.find(fmt::format("{} cycles/image, bottleneck", best.ideal_cycles)), std::string::npos) << msg;
}

TEST(Folding, PeThatDoesNotDivideIsRejectedNamingTheLayer) {
  Folding f = default_folding(lenet(), xc7z020());
  std::string msg = error_of([&] { apply_overrides(lenet(), f, {{"conv1", 3, std::nullopt, std::nullopt}}); });
  EXPECT_NE(msg.find("conv1"), std::string::npos) << msg;
  EXPECT_NE(msg.find("PE 3 does not divide the 16 output channels"), std::string::npos) << msg;
  msg = error_of([&] { apply_overrides(lenet(), f, {{"conv1", std::nullopt, 7, std::nullopt}}); });
  EXPECT_NE(msg.find("SIMD 7 does not divide the fan-in 25"), std::string::npos) << msg;
}

TEST(Folding, UnknownLayerIsRejectedListingTheKnownOnes) {
  Folding f = default_folding(lenet(), xc7z020());
  std::string msg = error_of([&] { apply_overrides(lenet(), f, {{"conv9", 1, 1, std::nullopt}}); });
  EXPECT_NE(msg.find("unknown layer 'conv9'"), std::string::npos) << msg;
  EXPECT_NE(msg.find(lenet().layers[0].name), std::string::npos) << msg;
}

TEST(Folding, ReadsJsonAndTomlFiles) {
  fs::path j = temp_file("f.json", R"({"layers": {"conv1": {"pe": 4, "simd": 5}, "fc1": {"pe": 2}}})");
  auto o = read_folding_file(j);
  ASSERT_EQ(o.size(), 2u);
  EXPECT_EQ(o[0].layer, "conv1");
  EXPECT_EQ(*o[0].pe, 4);
  EXPECT_EQ(*o[0].simd, 5);
  EXPECT_FALSE(o[1].simd.has_value());
  fs::path t = temp_file("f.toml", "[conv1]\npe = 8\nsimd = 25\n");
  auto ot = read_folding_file(t);
  ASSERT_EQ(ot.size(), 1u);
  EXPECT_EQ(*ot[0].pe, 8);
  EXPECT_EQ(*ot[0].simd, 25);
  fs::path bad = temp_file("bad.json", R"({"conv1": {"pe": 4, "lanes": 2}})");
  EXPECT_NE(error_of([&] { read_folding_file(bad); }).find("unknown field 'lanes'"), std::string::npos);
  fs::path broken = temp_file("broken.json", R"({"conv1": )");
  EXPECT_NE(error_of([&] { read_folding_file(broken); }).find("not valid JSON"), std::string::npos);
  for (const auto& p : {j, t, bad, broken}) fs::remove(p);
}

TEST(Folding, TomlAndJsonFollowTheSameRules) {
  // The same documents in both syntaxes give the same overrides and the same errors.
  const std::pair<std::string, std::string> same[] = {
      {"[layers.conv1]\npe = 4\nsimd = 5\n[layers.fc1]\npe = 2\n",
       R"({"layers": {"conv1": {"pe": 4, "simd": 5}, "fc1": {"pe": 2}}})"},
      {"[[layers]]\nlayer = \"conv1\"\npe = 4\nsimd = 5\n[[layers]]\nlayer = \"fc1\"\npe = 2\n",
       R"([{"layer": "conv1", "pe": 4, "simd": 5}, {"layer": "fc1", "pe": 2}])"}};
  for (const auto& [toml_text, json_text] : same) {
    fs::path t = temp_file("same.toml", toml_text), j = temp_file("same.json", json_text);
    auto ot = read_folding_file(t), oj = read_folding_file(j);
    ASSERT_EQ(ot.size(), oj.size()) << toml_text;
    for (std::size_t i = 0; i < ot.size(); ++i) {
      EXPECT_EQ(ot[i].layer, oj[i].layer);
      EXPECT_EQ(ot[i].pe, oj[i].pe);
      EXPECT_EQ(ot[i].simd, oj[i].simd);
    }
    fs::remove(t);
    fs::remove(j);
  }
  const std::pair<std::string, std::string> errors[] = {
      {"[conv1]\npe = 4.0\n", "conv1.pe must be an integer"},
      {"conv1 = 4\n", "'conv1' must be a table"},
      {"[conv1]\nlanes = 2\n", "unknown field 'lanes'"},
      {"[conv1\n", "not valid TOML"}};
  for (const auto& [text, expected] : errors) {
    fs::path t = temp_file("err.toml", text);
    const std::string msg = error_of([&] { read_folding_file(t); });
    EXPECT_NE(msg.find(expected), std::string::npos) << text << " -> " << msg;
    fs::remove(t);
  }
}

TEST(Folding, W8A8DefaultFoldingFitsWithDspsForTheLargestLayersAndLutsForTheRest) {
  const qmodel::Model m = qmodel::make_synthetic_model(qmodel::lenet_w8a8_spec(), 2);
  check_supported(m);  // requant stages are supported
  const Device dev = xc7z020();
  const Folding f = default_folding(m, dev);
  const CostEstimate e = estimate_cost(m, f);
  EXPECT_LE(e.total.dsp, dev.capacity.dsp);
  EXPECT_LE(e.total.lut, dev.capacity.lut * 0.70);
  int dsp_layers = 0, lut_layers = 0;
  for (const auto& lf : f.layers) {
    ASSERT_TRUE(lf.dsp.has_value()) << lf.layer;
    (*lf.dsp ? dsp_layers : lut_layers)++;
  }
  // 220 DSPs cannot hold every 8 x 8 lane of a W8A8 LeNet at a useful rate: both kinds.
  EXPECT_GE(dsp_layers, 1);
  EXPECT_GE(lut_layers, 1);
  // A layer left on LUT multipliers would not have fitted into the DSPs left over.
  for (const auto& c : e.layers)
    if (c.pe && !c.dsp) {
      EXPECT_GT(double(c.pe) * c.simd, dev.capacity.dsp - e.total.dsp) << c.layer;
    }
}

TEST(Folding, RequantLanesAreTheFewestThatKeepUpWithTheMvtu) {
  const qmodel::Model m = qmodel::make_synthetic_model(qmodel::lenet_w8a8_spec(), 2);
  const qmodel::Layer& conv2 = m.layers[2];  // fan-in 5*5*16 = 400
  ASSERT_EQ(conv2.fan_in(), 400);
  // SIMD 400: a beat every cycle, so every channel of the beat needs a lane.
  EXPECT_EQ(estimate_mvu(conv2, 16, 400).requant.lanes, 16);
  // SIMD 100: a beat every 4 cycles, 16 channels in 4 cycles: 4 lanes.
  EXPECT_EQ(estimate_mvu(conv2, 16, 100).requant.lanes, 4);
  EXPECT_EQ(estimate_mvu(conv2, 16, 1).requant.lanes, 1);
  // Fields as wide as the layer's values need.
  const RequantShape r = estimate_mvu(conv2, 4, 16).requant;
  std::int64_t max_mult = 0;
  for (auto v : conv2.requant_mult) max_mult = std::max<std::int64_t>(max_mult, v);
  EXPECT_LT(max_mult, std::int64_t(1) << r.mult_bits);
  EXPECT_GE(max_mult, std::int64_t(1) << (r.mult_bits - 1));
}

TEST(Folding, RequantMultiplierOrShiftOutOfRangeIsRejectedNamingLayerAndField) {
  qmodel::Model m = qmodel::make_synthetic_model(qmodel::lenet_w8a8_spec(), 2);
  m.layers[2].requant_shift[5] = 63;
  std::string msg = error_of([&] { check_supported(m); });
  EXPECT_NE(msg.find("'conv2'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("requant_shift[5]"), std::string::npos) << msg;
  EXPECT_NE(msg.find("expected 1 .. 62, found 63"), std::string::npos) << msg;
  m.layers[2].requant_shift[5] = 8;
  m.layers[0].requant_mult[3] = 0;
  msg = error_of([&] { check_supported(m); });
  EXPECT_NE(msg.find("'conv1'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("requant_mult[3]"), std::string::npos) << msg;
  EXPECT_NE(msg.find("expected 1 .. 2147483647, found 0"), std::string::npos) << msg;
}

TEST(Folding, EightBitLayerThatFitsNoFoldingNamesTheLayerAndTheBindingResource) {
  // 784 -> 2048 with 8-bit weights: 12.8 Mbit of weights, far beyond 140 BRAM36 (4.9 Mbit).
  qmodel::SyntheticSpec s = qmodel::lenet_w8a8_spec();
  s.topology = qmodel::SyntheticTopology::kMlp;
  s.hidden = {2048};
  s.calibration_images = 4;
  const qmodel::Model m = qmodel::make_synthetic_model(s, 3);
  const std::string msg = error_of([&] { default_folding(m, xc7z020()); });
  EXPECT_NE(msg.find("no folding fits the xc7z020"), std::string::npos) << msg;
  EXPECT_NE(msg.find("binding resource BRAM36"), std::string::npos) << msg;
  EXPECT_NE(msg.find("layer 'fc1' (#0)"), std::string::npos) << msg;
  EXPECT_NE(msg.find("8-bit weights"), std::string::npos) << msg;
}

TEST(Folding, FileMayChooseDspOrLutMultipliersForEightBitLayersOnly) {
  const qmodel::Model m = qmodel::make_synthetic_model(qmodel::lenet_w8a8_spec(), 2);
  const fs::path f = temp_file("dsp.toml", "[conv1]\npe = 4\nsimd = 25\ndsp = false\n");
  auto ov = read_folding_file(f);
  ASSERT_EQ(ov.size(), 1u);
  ASSERT_TRUE(ov[0].dsp.has_value());
  EXPECT_FALSE(*ov[0].dsp);
  Folding folded = apply_overrides(m, default_folding(m, xc7z020()), ov);
  EXPECT_FALSE(folding_uses_dsp(m.layers[0], *folded.find("conv1")));
  const LayerCost conv1 = estimate_cost(m, folded).layers[1];  // layers[0] is the input stream
  EXPECT_FALSE(conv1.dsp);
  EXPECT_EQ(conv1.resources.dsp, double(conv1.requant.dsp_per_lane() * conv1.requant.lanes));  // requant's only
  fs::remove(f);
  // dsp = true on binary weights is refused, naming the layer.
  const fs::path g = temp_file("dsp_bad.json", R"({"conv2": {"dsp": true}})");
  const std::string msg = error_of([&] { apply_overrides(lenet(), default_folding(lenet(), xc7z020()), read_folding_file(g)); });
  EXPECT_NE(msg.find("conv2"), std::string::npos) << msg;
  EXPECT_NE(msg.find("dsp = true needs 8-bit weights"), std::string::npos) << msg;
  fs::remove(g);
  const fs::path h = temp_file("dsp_type.json", R"({"conv1": {"dsp": 1}})");
  EXPECT_NE(error_of([&] { read_folding_file(h); }).find("conv1.dsp must be true or false"), std::string::npos);
  fs::remove(h);
}

TEST(Folding, MaxPoolWithStrideUnlikeKernelIsUnsupported) {
  qmodel::Model m = lenet();
  for (auto& l : m.layers)
    if (l.kind == qmodel::LayerKind::kMaxPool) {
      l.stride = 1;
      break;
    }
  EXPECT_NE(error_of([&] { check_supported(m); }).find("stride 1 != kernel 2"), std::string::npos);
}

TEST(Folding, InputBeatsWidenOnlyWhenTheTargetNeedsThemAndOnlyWhereLegal) {
  // A conv on 1-channel images takes one pixel per beat: its sliding window is the bound.
  EXPECT_EQ(input_elems_choices(lenet()), (std::vector<int>{1}));
  std::string what;
  fastest_cycles(lenet(), &what);
  // A dense first layer takes 1, 2, 4 or 8 elements per beat (784 = 8 * 98).
  qmodel::SyntheticSpec s = qmodel::mlp_w2a2_spec();
  s.hidden = {32, 16};
  s.calibration_images = 64;
  const qmodel::Model mlp = qmodel::make_synthetic_model(s, 2);
  EXPECT_EQ(input_elems_choices(mlp), (std::vector<int>{1, 2, 4, 8}));
  EXPECT_EQ(input_cycles(mlp, 8), 98);
  EXPECT_LE(fastest_cycles(mlp, &what), 98);
  const Device dev = xc7z020();
  FoldingGoal goal;
  goal.search = FoldingGoal::Search::kExact;
  // The narrowest beat meeting each target: 784 cycles need 1, 392 need 2, 200 need 4.
  for (auto [target, elems] : {std::pair{900, 1}, {392, 2}, {200, 4}, {100, 8}}) {
    goal.target_cycles = target;
    const Folding f = default_folding(mlp, dev, goal);
    EXPECT_EQ(f.input_elems, elems) << target;
    EXPECT_LE(estimate_cost(mlp, f).ideal_cycles, target) << target;
  }
  // Below 98 cycles the input stream binds, and the error says so.
  goal.target_cycles = 90;
  const std::string msg = error_of([&] { default_folding(mlp, dev, goal); });
  EXPECT_NE(msg.find("the input stream (8 8-bit elements per cycle: 98 cycles/image)"), std::string::npos) << msg;
  // A width that is not legal for the model is rejected by name.
  Folding bad = default_folding(lenet(), dev);
  bad.input_elems = 4;
  const std::string bad_msg = error_of([&] { validate_folding(lenet(), bad); });
  EXPECT_NE(bad_msg.find("4 input elements per beat is not a legal width"), std::string::npos) << bad_msg;
}

}  // namespace
}  // namespace dorefa::hw
