#include "hw/generator.hpp"

#include <filesystem>
#include <fstream>
#include <regex>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "qmodel/model_file.hpp"
#include "qmodel/synthetic.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"

namespace dorefa::hw {
namespace {
namespace fs = std::filesystem;

qmodel::SyntheticSpec small_lenet() {
  qmodel::SyntheticSpec s = qmodel::lenet_w1a2_spec();
  s.conv_channels = {4, 8};
  s.kernel = 3;
  s.hidden = {16};
  s.calibration_images = 64;
  return s;
}

fs::path fresh_dir(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("dorefa_gen_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(d);
  return d;
}

std::size_t line_count(const fs::path& p) {
  std::ifstream in(p);
  std::size_t n = 0;
  for (std::string l; std::getline(in, l);) ++n;
  return n;
}

TEST(Generator, WritesASelfContainedDesignFolder) {
  qmodel::Model m = qmodel::make_synthetic_model(small_lenet(), 3);
  fs::path dir = fresh_dir("folder");
  fs::path model_file = dir.string() + ".dqm";
  qmodel::save_model(m, model_file);
  CompileOptions o;
  o.out_dir = dir;
  o.model_file = model_file;
  DesignInfo d = compile_design(m, o);
  EXPECT_TRUE(fs::exists(dir / "top.sv"));
  EXPECT_TRUE(fs::exists(dir / "design.json"));
  EXPECT_TRUE(fs::exists(dir / "model.dqm"));
  for (const char* mod : {"axis_fifo", "sliding_window", "mvtu", "maxpool", "logits_argmax", "adder_tree"})
    EXPECT_TRUE(fs::exists(dir / "rtl" / (std::string(mod) + ".sv"))) << mod;
  ASSERT_EQ(d.sources.back(), fs::path("top.sv"));

  const std::string top = util::read_file_text(dir / "top.sv");
  // Every conv/dense layer: an mvtu with its geometry and folding, and memory images sized NF*SF.
  for (const auto& f : d.folding.layers) {
    const auto& l = m.layers[std::size_t(f.index)];
    std::regex inst("mvtu #\\(\\s*\\.MW\\(" + std::to_string(l.fan_in()) + "\\),\\s*\\.MH\\(" +
                    std::to_string(l.out_channels()) + "\\),\\s*\\.SIMD\\(" + std::to_string(f.simd) +
                    "\\),\\s*\\.PE\\(" + std::to_string(f.pe) + "\\)");
    EXPECT_TRUE(std::regex_search(top, inst)) << l.name;
    fs::path w = dir / "mem" / (l.name + "_weights.hex");
    ASSERT_TRUE(fs::exists(w)) << w;
    EXPECT_EQ(line_count(w), std::size_t(l.fan_in() / f.simd * (l.out_channels() / f.pe))) << l.name;
    if (l.output_kind == qmodel::OutputKind::kThresholds) {
      EXPECT_EQ(line_count(dir / "mem" / (l.name + "_thresholds.hex")), std::size_t(l.out_channels() / f.pe));
    }
  }
  EXPECT_NE(top.find("sliding_window #("), std::string::npos);
  EXPECT_NE(top.find(".KERNEL(3)"), std::string::npos);
  EXPECT_NE(top.find("maxpool #("), std::string::npos);
  EXPECT_NE(top.find(".EMIT_SCORES(1)"), std::string::npos);
  EXPECT_EQ(line_count(dir / "mem" / (m.layers.back().name + "_logits.hex")), 10u);

  nlohmann::json j = nlohmann::json::parse(util::read_file_text(dir / "design.json"));
  EXPECT_EQ(j["ideal_cycles_per_image"].get<std::int64_t>(), d.ideal_cycles);
  EXPECT_GE(d.ideal_cycles, 784);
  DesignInfo back = load_design(dir);
  EXPECT_EQ(back.sources, d.sources);
  EXPECT_EQ(back.ideal_cycles, d.ideal_cycles);
  EXPECT_EQ(back.folding.layers.size(), d.folding.layers.size());
  fs::remove_all(dir);
  fs::remove(model_file);
}

TEST(Generator, BadFoldingFileFailsBeforeWritingAnything) {
  qmodel::Model m = qmodel::make_synthetic_model(small_lenet(), 3);
  fs::path dir = fresh_dir("bad");
  fs::path folding = dir.string() + ".json";
  util::write_file_atomic(folding, std::string(R"({"conv2": {"pe": 3, "simd": 1}})"));
  CompileOptions o;
  o.out_dir = dir;
  o.folding_file = folding;
  try {
    compile_design(m, o);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("PE 3 does not divide the 8 output channels"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(dir));
  fs::remove(folding);
}

TEST(Generator, DesignThatDoesNotFitIsRejected) {
  qmodel::Model m = qmodel::make_synthetic_model(small_lenet(), 3);
  fs::path dir = fresh_dir("huge");
  CompileOptions o;
  o.out_dir = dir;
  o.device.capacity.lut = 2000;  // a tiny device: even the slowest folding overflows
  try {
    compile_design(m, o);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("LUT"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(dir));
  // Full parallelism on a real device: an explicit folding that cannot fit is refused.
  qmodel::Model big = qmodel::make_synthetic_model(qmodel::lenet_w1a2_spec(), 4);
  fs::path folding = dir.string() + ".json";
  nlohmann::json all;
  for (const auto& l : big.layers)
    if (l.has_weights()) all[l.name] = {{"pe", l.out_channels()}, {"simd", l.fan_in()}};
  util::write_file_atomic(folding, all.dump());
  CompileOptions ob;
  ob.out_dir = dir;
  ob.folding_file = folding;
  try {
    compile_design(big, ob);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("does not fit"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(dir));
  fs::remove(folding);
}

TEST(Generator, DenseAfterPoolGetsAWidthConverterWhenSimdDiffers) {
  qmodel::Model m = qmodel::make_synthetic_model(small_lenet(), 3);
  fs::path dir = fresh_dir("wc");
  fs::path folding = dir.string() + ".toml";
  // conv2 PE 8 -> pool emits 8 channels per beat; fc1 SIMD 20 shares no divisor pattern: via lcm 40.
  std::string fc1;
  for (const auto& l : m.layers)
    if (l.kind == qmodel::LayerKind::kDense) {
      fc1 = l.name;
      break;
    }
  util::write_file_atomic(folding, "[conv2]\npe = 8\nsimd = 9\n[" + fc1 + "]\npe = 4\nsimd = 20\n");
  CompileOptions o;
  o.out_dir = dir;
  o.folding_file = folding;
  DesignInfo d = compile_design(m, o);
  const std::string top = util::read_file_text(dir / "top.sv");
  EXPECT_NE(top.find(".IN_ELEMS(8),\n    .OUT_ELEMS(40)"), std::string::npos) << top;
  EXPECT_NE(top.find(".IN_ELEMS(40),\n    .OUT_ELEMS(20)"), std::string::npos);
  fs::remove_all(dir);
  fs::remove(folding);
}

}  // namespace
}  // namespace dorefa::hw
