#include "hw/yosys.hpp"

#include <filesystem>

#include <cstdio>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "hw/generator.hpp"
#include "qmodel/synthetic.hpp"
#include "util/atomic_file.hpp"

namespace dorefa::hw {
namespace {
namespace fs = std::filesystem;

TEST(Yosys, ParsesStatOfTheFlattenedTop) {
  const std::string text = R"(
=== sub ===
   Number of cells:                  3
     LUT2                            3

=== top ===

   Number of wires:                 70
   Number of memories:               0
   Number of cells:                134
     CARRY4                          3
     DSP48E1                         2
     FDRE                           25
     FDSE                            1
     LUT2                           12
     LUT6                           28
     MUXF7                          14
     RAM64M                         12
     RAMB18E1                        3
     RAMB36E1                        1
     SRLC32E                         2

)";
  SynthStats s = parse_yosys_stat(text);
  EXPECT_EQ(s.lut_logic, 40);
  EXPECT_EQ(s.lutram_luts, 12 * 4 + 2);
  EXPECT_EQ(s.luts(), 90);
  EXPECT_EQ(s.ff, 26);
  EXPECT_EQ(s.bram36, 1);
  EXPECT_EQ(s.bram18, 3);
  EXPECT_DOUBLE_EQ(s.bram36_equivalent(), 2.5);
  EXPECT_EQ(s.dsp, 2);
  EXPECT_EQ(s.carry4, 3);
  EXPECT_EQ(s.cells.at("MUXF7"), 14);
}

TEST(Yosys, ParsesStaArrival) {
  EXPECT_FALSE(parse_sta_arrival_ns("no timing here").has_value());
  auto t = parse_sta_arrival_ns("Latest arrival time in 'top' is 3032:\n    3032 (<unknown>)\n");
  ASSERT_TRUE(t.has_value());
  EXPECT_DOUBLE_EQ(*t, 3.032);
}

TEST(Yosys, SynthesizesASmallGeneratedDesign) {
  qmodel::SyntheticSpec spec = qmodel::mlp_w2a2_spec();
  spec.hidden = {8};
  spec.calibration_images = 32;
  qmodel::Model m = qmodel::make_synthetic_model(spec, 9);
  fs::path dir = fs::temp_directory_path() / ("dorefa_hw_synth_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::path folding = dir.string() + ".json";
  util::write_file_atomic(folding, std::string(R"({")") + m.layers[0].name + R"(": {"pe": 2, "simd": 16}, ")" +
                                       m.layers[1].name + R"(": {"pe": 2, "simd": 8}})");
  CompileOptions co;
  co.out_dir = dir;
  co.folding_file = folding;
  DesignInfo d = compile_design(m, co);
  SynthOptions so;
  for (const auto& s : d.sources) so.sources.push_back(dir / s);
  so.work_dir = dir / "synth";
  so.include_dirs = {dir};
  SynthReport r = synthesize(so);
  // The design is known: a 784-8-10 MLP, 2-bit weights and activations, PE/SIMD fixed
  // above. LUTs and FFs must land in a band around the cost model's estimate of the same
  // folding (its error is well inside a factor of two); the only multipliers wide enough
  // for DSP48s are the logits stage's, one per PE lane of the last layer; the small
  // weight memories need no more block RAM than the model reserves for them.
  const Resources est = d.estimate.total;
  std::printf("yosys: %ld LUT %ld FF %.1f BRAM36 %ld DSP; estimate %.0f LUT %.0f FF %.1f BRAM36 %.0f DSP\n",
              r.stats.luts(), r.stats.ff, r.stats.bram36_equivalent(), r.stats.dsp, est.lut, est.ff, est.bram36,
              est.dsp);
  EXPECT_GT(double(r.stats.luts()), 0.5 * est.lut);
  EXPECT_LT(double(r.stats.luts()), 2.0 * est.lut);
  EXPECT_GT(double(r.stats.ff), 0.5 * est.ff);
  EXPECT_LT(double(r.stats.ff), 2.0 * est.ff);
  EXPECT_EQ(r.stats.dsp, d.folding.layers.back().pe);
  EXPECT_LE(r.stats.bram36_equivalent(), est.bram36);
  EXPECT_TRUE(r.fits);
  ASSERT_TRUE(r.critical_path_ns.has_value()) << r.sta_note;
  EXPECT_GT(*r.critical_path_ns, 0.5);
  EXPECT_LT(*r.critical_path_ns, 100.0);
  auto j = nlohmann::json::parse(synth_report_json(r));
  EXPECT_EQ(j["resources"]["lut"].get<long>(), r.stats.luts());
  EXPECT_GT(j["percent"]["lut"].get<double>(), 0.0);
  EXPECT_NE(j["timing_caveat"].get<std::string>().find("no placement or routing"), std::string::npos);
  fs::remove_all(dir);
  fs::remove(folding);
}

}  // namespace
}  // namespace dorefa::hw
