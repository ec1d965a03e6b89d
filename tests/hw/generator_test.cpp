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

qmodel::SyntheticSpec small(qmodel::SyntheticSpec s) {
  s.conv_channels = {4, 8};
  s.kernel = 3;
  s.hidden = {16};
  s.calibration_images = 64;
  return s;
}

TEST(Generator, RequantLayerIsARawMvtuFollowedByARequantStageWithItsParameterImage) {
  qmodel::Model m = qmodel::make_synthetic_model(small(qmodel::lenet_w8a8_spec()), 3);
  fs::path dir = fresh_dir("w8a8");
  fs::path folding = dir.string() + ".toml";
  // conv2: SIMD 36 of fan-in 36 (a beat per cycle): every channel of the beat needs a lane;
  // fc1: SIMD 8 of 128 (a beat every 16 cycles): one lane does.
  util::write_file_atomic(folding, "[conv2]\npe = 4\nsimd = 36\n[fc1]\npe = 4\nsimd = 8\n");
  CompileOptions o;
  o.out_dir = dir;
  o.folding_file = folding;
  compile_design(m, o);
  const auto chain = stream_chain(parse_instances(util::read_file_text(dir / "top.sv")));
  std::vector<Instance> rq;
  for (std::size_t i = 0; i < chain.size(); ++i) {
    if (chain[i].module != "requant") continue;
    rq.push_back(chain[i]);
    ASSERT_GE(i, 1u);
    // Straight from the mvtu, which emits raw accumulators of the same width.
    EXPECT_EQ(chain[i - 1].module, "mvtu");
    EXPECT_EQ(chain[i - 1].params.at("OUTPUT_MODE"), "1");
    EXPECT_EQ(chain[i - 1].params.at("ACC_BITS"), chain[i].params.at("ACC_BITS"));
    EXPECT_EQ(chain[i - 1].params.at("PE"), chain[i].params.at("PE"));
    EXPECT_EQ(chain[i].params.at("OUT_BITS"), "8");
    EXPECT_EQ(chain[i + 1].module, "axis_fifo");
  }
  ASSERT_EQ(rq.size(), 3u);  // conv1, conv2, fc1; fc2 ends in logits
  EXPECT_EQ(rq[1].params.at("LANES"), "4");
  EXPECT_EQ(rq[2].params.at("LANES"), "1");
  // Parameter image: (MH/PE) * (PE/LANES) words of LANES * (bias + mult + 6) bits.
  auto j = nlohmann::json::parse(util::read_file_text(dir / "design.json"));
  int seen = 0;
  for (const auto& l : j["layers"]) {
    if (l.value("output_stage", "") != "requant") continue;
    ++seen;
    const auto& r = l["requant"];
    const int lanes = r["lanes"], pe = l["pe"], pw = r["bias_bits"].get<int>() + r["mult_bits"].get<int>() + 6;
    const fs::path img = dir / r["param_file"].get<std::string>();
    ASSERT_TRUE(fs::exists(img)) << img;
    int channels = 0;
    for (const auto& ml : m.layers)
      if (ml.name == l["layer"]) channels = ml.out_channels();
    EXPECT_EQ(line_count(img), std::size_t(channels / pe * (pe / lanes))) << img;
    std::ifstream in(img);
    std::string first;
    std::getline(in, first);
    EXPECT_EQ(first.size(), std::size_t((lanes * pw + 3) / 4)) << img;
    EXPECT_TRUE(l.contains("dsp"));
  }
  EXPECT_EQ(seen, 3);
  EXPECT_TRUE(fs::exists(dir / "rtl" / "requant.sv"));
  fs::remove_all(dir);
  fs::remove(folding);
}

TEST(Generator, MixedNetworkChainsRequantAndThresholdLayers) {
  qmodel::Model m = qmodel::make_synthetic_model(small(qmodel::lenet_mixed_spec()), 3);
  ASSERT_EQ(m.layers[0].output_kind, qmodel::OutputKind::kRequant);
  ASSERT_EQ(m.layers[2].output_kind, qmodel::OutputKind::kThresholds);
  fs::path dir = fresh_dir("mixed");
  CompileOptions o;
  o.out_dir = dir;
  compile_design(m, o);
  const auto chain = stream_chain(parse_instances(util::read_file_text(dir / "top.sv")));
  std::vector<std::string> mvtu_in_bits, modules;
  for (const auto& i : chain) {
    if (i.module != "axis_fifo" && i.module != "axis_width_converter") modules.push_back(i.module);
    if (i.module == "mvtu") mvtu_in_bits.push_back(i.params.at("IN_BITS"));
  }
  // conv1 W8A8 -> 8-bit levels through pool1 into conv2 (binary weights x 8-bit inputs).
  EXPECT_EQ(modules, (std::vector<std::string>{"sliding_window", "mvtu", "requant", "maxpool", "sliding_window", "mvtu",
                                               "maxpool", "mvtu", "mvtu", "logits_argmax"}));
  ASSERT_EQ(mvtu_in_bits.size(), 4u);
  EXPECT_EQ(mvtu_in_bits[1], "8");
  EXPECT_EQ(mvtu_in_bits[2], "2");
  fs::remove_all(dir);
}

TEST(Generator, RequantValueOutsideTheRangeFailsBeforeWritingAnything) {
  qmodel::Model m = qmodel::make_synthetic_model(small(qmodel::lenet_w8a8_spec()), 3);
  // In a model file: the loader (what `dorefa compile` reads it with) names file, layer, field, range.
  fs::path dir = fresh_dir("badrq");
  fs::create_directories(dir);
  qmodel::Model bad = m;
  bad.layers[2].requant_shift[1] = 63;
  const fs::path file = dir / "bad.dqm";
  const auto bytes = qmodel::encode_model(bad);
  util::write_file_atomic(file, std::span<const std::uint8_t>(bytes));
  try {
    qmodel::load_model(file);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    const std::string w = e.what();
    EXPECT_NE(w.find(file.string()), std::string::npos) << w;
    EXPECT_NE(w.find("'conv2': requant_shift[1]"), std::string::npos) << w;
    EXPECT_NE(w.find("expected 1 .. 62, found 63"), std::string::npos) << w;
  }
  fs::remove_all(dir);
  // In memory (no loader in between): compile_design refuses it before writing.
  bad = m;
  bad.layers[0].requant_mult[2] = -5;
  CompileOptions o;
  o.out_dir = dir;
  try {
    compile_design(bad, o);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("requant_mult[2]"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("expected 1 .. 2147483647, found -5"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(dir));
}

TEST(Generator, TrainedDatasetComesFromTheModelsTrainingMetadata) {
  qmodel::Model m = qmodel::make_synthetic_model(small_lenet(), 12);
  const fs::path dir = fresh_dir("trained_ds");
  auto compile_with = [&](const std::string& metadata) {
    m.metadata_json = metadata;
    const fs::path model_file = dir.string() + ".dqm";
    qmodel::save_model(m, model_file);
    CompileOptions o;
    o.out_dir = dir;
    o.model_file = model_file;
    compile_design(m, o);
  };
  compile_with(R"({"training": {"dataset": {"name": "crop:24x24:mnist", "test_images": 10000}}})");
  EXPECT_EQ(trained_dataset(dir), std::optional<std::string>("crop:24x24:mnist"));
  compile_with(R"({"mode": "synthetic"})");  // says nothing about training
  EXPECT_EQ(trained_dataset(dir), std::nullopt);
  EXPECT_EQ(trained_dataset(dir / "no_such_design"), std::nullopt);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace dorefa::hw
