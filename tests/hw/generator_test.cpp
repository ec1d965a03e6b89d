#include "hw/generator.hpp"

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <vector>

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

// One module instance of top.sv, read back structurally: the checks below hold whatever
// the generator's layout of the text (spacing, order of parameters, comments).
struct Instance {
  std::string module, name;
  std::map<std::string, std::string> params;  // NAME -> value text
  std::map<std::string, std::string> ports;   // port -> connected signal
};

std::vector<Instance> parse_instances(const std::string& top) {
  std::vector<Instance> out;
  static const std::regex inst(R"((\w+)\s*#\s*\(([\s\S]*?)\)\s*(\w+)\s*\(([\s\S]*?)\);)");
  static const std::regex conn(R"(\.(\w+)\s*\(\s*([^()]*?)\s*\))");
  for (auto it = std::sregex_iterator(top.begin(), top.end(), inst); it != std::sregex_iterator(); ++it) {
    Instance i{(*it)[1], (*it)[3], {}, {}};
    const std::string params = (*it)[2], ports = (*it)[4];
    for (auto p = std::sregex_iterator(params.begin(), params.end(), conn); p != std::sregex_iterator(); ++p)
      i.params[(*p)[1]] = (*p)[2];
    for (auto p = std::sregex_iterator(ports.begin(), ports.end(), conn); p != std::sregex_iterator(); ++p)
      i.ports[(*p)[1]] = (*p)[2];
    out.push_back(i);
  }
  return out;
}

// The instances in stream order, following m_axis -> s_axis from the top's input to its
// output; fails the test if the streams do not form one unbroken chain.
std::vector<Instance> stream_chain(const std::vector<Instance>& all) {
  std::vector<Instance> chain;
  std::string wire = "s_axis_tdata";
  while (wire != "m_axis_tdata") {
    const Instance* next = nullptr;
    for (const auto& i : all)
      if (i.ports.count("s_axis_tdata") && i.ports.at("s_axis_tdata") == wire) {
        EXPECT_EQ(next, nullptr) << "two consumers of " << wire;
        next = &i;
      }
    if (!next) {
      ADD_FAILURE() << "nothing consumes " << wire;
      break;
    }
    chain.push_back(*next);
    wire = next->ports.at("m_axis_tdata");
    if (chain.size() > all.size()) {
      ADD_FAILURE() << "stream loop at " << wire;
      break;
    }
  }
  EXPECT_EQ(chain.size(), all.size()) << "instances off the stream chain";
  return chain;
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

  // Structure: one unbroken stream from the input to the result, one engine per layer in
  // the model's order (with FIFOs and converters between), memory images sized NF*SF.
  const std::vector<Instance> chain = stream_chain(parse_instances(util::read_file_text(dir / "top.sv")));
  std::vector<std::string> engines;
  for (const auto& i : chain)
    if (i.module != "axis_fifo" && i.module != "axis_width_converter") engines.push_back(i.module);
  std::vector<std::string> expected;
  for (const auto& l : m.layers) {
    if (l.kind == qmodel::LayerKind::kConv) expected.push_back("sliding_window");
    expected.push_back(l.kind == qmodel::LayerKind::kMaxPool ? "maxpool" : "mvtu");
  }
  expected.push_back("logits_argmax");
  EXPECT_EQ(engines, expected);
  std::size_t next_fold = 0;
  for (const auto& i : chain) {
    if (i.module == "sliding_window") {
      EXPECT_EQ(i.params.at("KERNEL"), "3") << i.name;
    }
    if (i.module == "logits_argmax") {
      EXPECT_EQ(i.params.at("EMIT_SCORES"), "1");
    }
    if (i.module != "mvtu") continue;
    ASSERT_LT(next_fold, d.folding.layers.size());
    const auto& f = d.folding.layers[next_fold++];
    const auto& l = m.layers[std::size_t(f.index)];
    EXPECT_EQ(i.params.at("MW"), std::to_string(l.fan_in())) << l.name;
    EXPECT_EQ(i.params.at("MH"), std::to_string(l.out_channels())) << l.name;
    EXPECT_EQ(i.params.at("SIMD"), std::to_string(f.simd)) << l.name;
    EXPECT_EQ(i.params.at("PE"), std::to_string(f.pe)) << l.name;
    EXPECT_EQ(i.params.at("WEIGHT_FILE"), "\"mem/" + l.name + "_weights.hex\"") << l.name;
    fs::path w = dir / "mem" / (l.name + "_weights.hex");
    ASSERT_TRUE(fs::exists(w)) << w;
    EXPECT_EQ(line_count(w), std::size_t(l.fan_in() / f.simd * (l.out_channels() / f.pe))) << l.name;
    if (l.output_kind == qmodel::OutputKind::kThresholds) {
      EXPECT_EQ(line_count(dir / "mem" / (l.name + "_thresholds.hex")), std::size_t(l.out_channels() / f.pe));
    }
  }
  EXPECT_EQ(next_fold, d.folding.layers.size());
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
  // Between pool2 (8 channels per beat) and fc1 (SIMD 20): two converters, 8 -> 40 -> 20.
  std::vector<std::pair<std::string, std::string>> converters;
  for (const auto& i : stream_chain(parse_instances(util::read_file_text(dir / "top.sv"))))
    if (i.module == "axis_width_converter") converters.emplace_back(i.params.at("IN_ELEMS"), i.params.at("OUT_ELEMS"));
  ASSERT_GE(converters.size(), 2u);
  EXPECT_EQ(converters[0], (std::pair<std::string, std::string>{"8", "40"}));
  EXPECT_EQ(converters[1], (std::pair<std::string, std::string>{"40", "20"}));
  (void)d;
  fs::remove_all(dir);
  fs::remove(folding);
}

}  // namespace
}  // namespace dorefa::hw
