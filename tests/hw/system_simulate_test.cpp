#include "hw/system_simulate.hpp"

#include <filesystem>
#include <tuple>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "hw/generator.hpp"
#include "hw/system_generator.hpp"
#include "qmodel/model_file.hpp"
#include "qmodel/synthetic.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"

namespace dorefa::hw {
namespace {
namespace fs = std::filesystem;

qmodel::Model small_lenet(std::uint64_t seed) {
  qmodel::SyntheticSpec s = qmodel::lenet_w1a2_spec();
  s.conv_channels = {4, 8};
  s.kernel = 3;
  s.hidden = {16};
  s.calibration_images = 64;
  return qmodel::make_synthetic_model(s, seed);
}

DesignInfo compile_to(const qmodel::Model& m, const fs::path& dir, const FoldingGoal& goal = {}) {
  const fs::path model_file = dir.string() + ".dqm";
  qmodel::save_model(m, model_file);
  CompileOptions o;
  o.out_dir = dir;
  o.model_file = model_file;
  o.goal = goal;
  return compile_design(m, o);
}

TEST(SystemGenerator, WritesTheBoardTopRegisterHeadersAndHash) {
  const fs::path dir = fs::temp_directory_path() / ("dorefa_sysgen_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  const DesignInfo d = compile_to(small_lenet(3), dir);
  const SystemDesign s = load_system_design(dir);
  EXPECT_EQ(s.top, "system_top");
  ASSERT_FALSE(s.sources.empty());
  EXPECT_EQ(s.sources.back(), fs::path("system_top.v"));
  for (const auto& src : s.sources) EXPECT_TRUE(fs::exists(dir / src)) << src;
  for (const char* f : {"rtl/dorefa_regmap.vh", "host/dorefa_regs.h", "host/regmap.json"})
    EXPECT_TRUE(fs::exists(dir / f)) << f;
  EXPECT_EQ(s.pixels, 784);
  EXPECT_EQ(s.image_bytes, 784);
  EXPECT_EQ(s.num_classes, 10);
  // The hash in the top is the one recomputed from the core's files...
  ASSERT_EQ(s.design_hash.size(), 16u);
  EXPECT_EQ(s.design_hash, design_hash(dir, d.sources));
  const std::string top = util::read_file_text(dir / "system_top.v");
  EXPECT_NE(top.find("64'h" + s.design_hash), std::string::npos);
  // ...plain Verilog-2001 at the top (Vivado module reference): no SystemVerilog keywords.
  for (const char* sv : {"logic", "always_ff", "always_comb", "int "}) EXPECT_EQ(top.find(sv), std::string::npos) << sv;
  // ...and it changes with the weights: a driver can tell two models apart.
  const DesignInfo other = compile_to(small_lenet(4), dir.string() + "_other");
  EXPECT_NE(load_system_design(dir.string() + "_other").design_hash, s.design_hash);
  (void)other;
  // The bare core is untouched: top.sv is still the core's top.
  EXPECT_EQ(d.top, "top");
  EXPECT_EQ(d.sources.back(), fs::path("top.sv"));
  fs::remove_all(dir);
  fs::remove_all(dir.string() + "_other");
}

TEST(SystemGenerator, DesignWithoutSystemEntryIsRejected) {
  const fs::path dir = fs::temp_directory_path() / ("dorefa_sysgen_old_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  util::write_file_atomic(dir / "design.json", R"({"top": "top"})");
  try {
    load_system_design(dir);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("recompile"), std::string::npos) << e.what();
  }
  fs::remove_all(dir);
}

// Shell + core on real images through the register sequence of a host, DDR with random
// latency and gaps: every record bit-exact, no AXI violation, bad length rejected.
TEST(SystemSimulate, SmallLenetIsBitExactThroughTheShellWithoutAxiViolations) {
  const fs::path dir = fs::temp_directory_path() / "dorefa_hw_system_lenet";  // fixed: reuses the Verilator build
  const DesignInfo d = compile_to(small_lenet(5), dir);
  SystemSimOptions o;
  o.design_dir = dir;
  o.images = 60;
  o.class_only_images = 12;
  o.seed = 11;
  o.ddr_ready = 0.5;
  o.ddr_valid = 0.5;
  o.ddr_max_latency = 200;
  const SystemSimReport r = simulate_system(o);
  EXPECT_EQ(r.mismatches, 0u) << (r.first_mismatches.empty() ? "" : r.first_mismatches[0]);
  EXPECT_EQ(r.axi_violations, 0u) << (r.violation_messages.empty() ? "" : r.violation_messages[0]);
  EXPECT_TRUE(r.hash_matches);
  EXPECT_TRUE(r.id_matches);
  EXPECT_EQ(r.bad_length_error, 1u);  // ERR_BAD_LENGTH
  EXPECT_EQ(r.bad_length_ddr_reads, 0u);
  EXPECT_EQ(r.images_done, 60u);
  EXPECT_TRUE(r.passed());
  EXPECT_DOUBLE_EQ(r.accuracy, r.reference_accuracy);
  EXPECT_GT(r.latency_cycles, 784);  // the image must at least stream in
  EXPECT_GT(r.busy_cycles, 0u);
  EXPECT_LE(r.busy_cycles, std::uint32_t(r.batch_cycles));
  // Cannot beat the core's folding; with DDR gaps it still keeps the core mostly busy.
  EXPECT_LE(r.images_per_second(), r.core_ideal_images_per_second() * 1.001);
  EXPECT_GT(r.ideal_ratio(), 0.5);
  const auto j = nlohmann::json::parse(util::read_file_text(dir / "sim" / "system.json"));
  for (const char* key : {"images", "mismatches", "axi_violations", "images_per_second", "core_ideal_images_per_second",
                          "latency_us", "counters"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j["images"].get<std::size_t>(), 60u);
  EXPECT_EQ(j["counters"]["images_done"].get<std::uint32_t>(), 60u);
  (void)d;
}

// A core fast enough to need 8 pixels per beat and most of the HP port's bandwidth: the
// shell unpacks whole 64-bit words, keeps 8 read bursts in flight, and the batch runs
// near the core's rate with DDR at full speed (random latency only).
TEST(SystemSimulate, WideInputBeatsKeepUpThroughTheDma) {
  qmodel::SyntheticSpec spec = qmodel::mlp_w2a2_spec();
  spec.hidden = {32, 16};
  spec.calibration_images = 64;
  const qmodel::Model m = qmodel::make_synthetic_model(spec, 9);
  // 110 cycles/image: 8 pixels per beat, the whole 64-bit word, and 8 read bursts in
  // flight; 392: 2 pixels per beat, shifted out of each word in 4 beats, 4 bursts.
  for (auto [target, elems, bursts] : {std::tuple{110, 8, 8}, {392, 2, 4}}) {
    SCOPED_TRACE(elems);
    // Fixed folders: a rerun reuses the Verilator build.
    const fs::path dir = fs::temp_directory_path() / ("dorefa_hw_system_wide" + std::to_string(elems));
    FoldingGoal goal;
    goal.search = FoldingGoal::Search::kExact;
    goal.target_cycles = target;
    const DesignInfo d = compile_to(m, dir, goal);
    ASSERT_EQ(d.folding.input_elems, elems);
    EXPECT_EQ(load_system_design(dir).read_outstanding, bursts);
    const std::string top = util::read_file_text(dir / "system_top.v");
    EXPECT_NE(top.find(".ELEMS(" + std::to_string(elems) + ")"), std::string::npos);
    SystemSimOptions o;
    o.design_dir = dir;
    o.images = 120;
    o.class_only_images = 8;
    o.seed = 5;
    o.ddr_ready = 1.0;
    o.ddr_valid = 1.0;
    const SystemSimReport r = simulate_system(o);
    EXPECT_EQ(r.mismatches, 0u) << (r.first_mismatches.empty() ? "" : r.first_mismatches[0]);
    EXPECT_EQ(r.axi_violations, 0u) << (r.violation_messages.empty() ? "" : r.violation_messages[0]);
    EXPECT_EQ(r.images_done, 120u);
    EXPECT_GT(r.ideal_ratio(), 0.9) << r.images_per_second();
  }
}

}  // namespace
}  // namespace dorefa::hw
