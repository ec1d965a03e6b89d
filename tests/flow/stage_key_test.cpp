#include "flow/stage_key.hpp"

#include <unistd.h>

#include <functional>

#include <gtest/gtest.h>

#include "flow/pipeline.hpp"
#include "hw/generator.hpp"
#include "qmodel/model_file.hpp"
#include "qmodel/synthetic.hpp"
#include "util/atomic_file.hpp"

namespace dorefa::flow {
namespace {
namespace fs = std::filesystem;

class StageKeyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("dorefa_stage_key_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  // Appends a byte to a file (a change of content, not of name).
  static void touch(const fs::path& p) { util::write_file_atomic(p, util::read_file_text(p) + " "); }
  // A compiled design of a small synthetic model, as `dorefa compile` writes it.
  fs::path compiled_design() {
    qmodel::Model m = qmodel::make_synthetic_model(qmodel::mlp_w2a2_spec(), 3);
    qmodel::save_model(m, dir_ / "m.dqm");
    hw::CompileOptions co;
    co.out_dir = dir_ / "design";
    co.model_file = dir_ / "m.dqm";
    hw::compile_design(m, co);
    return co.out_dir;
  }
  fs::path dir_;
};

TEST_F(StageKeyTest, SameInputsSameKeyAndEachPartCounts) {
  util::write_file_atomic(dir_ / "a", std::string_view("alpha"));
  auto key = [&](const std::string& option) { return StageKey().file("a", dir_ / "a").text("opt", option).hex(); };
  const std::string k = key("x");
  EXPECT_EQ(key("x"), k);
  EXPECT_NE(key("y"), k);
  touch(dir_ / "a");
  EXPECT_NE(key("x"), k);
  fs::remove(dir_ / "a");
  EXPECT_NE(key("x"), k);  // a missing file is a state of its own
  // The part's name is part of the key: the same bytes under another role differ.
  util::write_file_atomic(dir_ / "a", std::string_view("alpha"));
  EXPECT_NE(StageKey().text("opt", "x").file("a", dir_ / "a").hex(), k);
}

TEST_F(StageKeyTest, FolderCoversContentNamesAndNewFilesButNotSkippedOutputs) {
  util::write_file_atomic(dir_ / "d" / "x.sv", std::string_view("module x; endmodule"));
  util::write_file_atomic(dir_ / "d" / "mem" / "w.hex", std::string_view("00\n"));
  util::write_file_atomic(dir_ / "d" / "sim" / "results.json", std::string_view("{}"));
  auto key = [&] { return StageKey().folder("d", dir_ / "d", {"sim"}).hex(); };
  const std::string k = key();
  util::write_file_atomic(dir_ / "d" / "sim" / "results.json", std::string_view("{\"other\": 1}"));
  EXPECT_EQ(key(), k);  // outputs of the stage are not its inputs
  util::write_file_atomic(dir_ / "d" / "mem" / "w.hex", std::string_view("01\n"));
  EXPECT_NE(key(), k);
  util::write_file_atomic(dir_ / "d" / "mem" / "w.hex", std::string_view("00\n"));
  EXPECT_EQ(key(), k);
  fs::rename(dir_ / "d" / "x.sv", dir_ / "d" / "y.sv");
  EXPECT_NE(key(), k);
  fs::rename(dir_ / "d" / "y.sv", dir_ / "d" / "x.sv");
  util::write_file_atomic(dir_ / "d" / "extra.sv", std::string_view(""));
  EXPECT_NE(key(), k);
}

TEST_F(StageKeyTest, SimulationAndSynthesisRerunWhenAnyDesignInputChanges) {
  const fs::path d = compiled_design();
  hw::SimOptions so;
  so.design_dir = d;
  so.images = 100;
  const std::string harness = "harness v1", verilator = "Verilator 5.006", script = "synth_xilinx", yosys = "Yosys 0.23";
  auto sim = [&] { return simulate_stage_key(d, so, harness, verilator); };
  auto syn = [&] { return synth_stage_key(d, script, yosys); };
  const std::string s0 = sim(), y0 = syn();
  // Outputs written into the design folder by the stages themselves change nothing.
  util::write_file_atomic(d / "sim" / "results.json", std::string_view("{}"));
  util::write_file_atomic(d / "synth" / "results.json", std::string_view("{}"));
  util::write_file_atomic(d / "obj_dir" / "Vtop_sim", std::string_view("binary"));
  EXPECT_EQ(sim(), s0);
  EXPECT_EQ(syn(), y0);

  // Every design input: the model, a memory image, an RTL source, the top, design.json.
  std::vector<fs::path> inputs = {d / "model.dqm", d / "top.sv", d / "design.json"};
  for (const auto& e : fs::directory_iterator(d / "mem")) inputs.push_back(e.path());
  for (const auto& e : fs::directory_iterator(d / "rtl")) inputs.push_back(e.path());
  ASSERT_GE(inputs.size(), 6u);
  for (const auto& p : inputs) {
    const std::string before = util::read_file_text(p);
    touch(p);
    EXPECT_NE(sim(), s0) << p;
    EXPECT_NE(syn(), y0) << p;
    util::write_file_atomic(p, before);
    EXPECT_EQ(sim(), s0) << p;
  }
  // The harness, the tool versions, the synthesis script and every simulation option.
  EXPECT_NE(simulate_stage_key(d, so, "harness v2", verilator), s0);
  EXPECT_NE(simulate_stage_key(d, so, harness, "Verilator 5.020"), s0);
  EXPECT_NE(synth_stage_key(d, script + " -abc9", yosys), y0);
  EXPECT_NE(synth_stage_key(d, script, "Yosys 0.40"), y0);
  const std::vector<std::function<void(hw::SimOptions&)>> changes = {
      [](hw::SimOptions& o) { o.images = 101; },      [](hw::SimOptions& o) { o.seed = 2; },
      [](hw::SimOptions& o) { o.stall_in = 0.5; },    [](hw::SimOptions& o) { o.stall_out = 0.5; },
      [](hw::SimOptions& o) { o.dataset = "fashion-mnist"; }, [](hw::SimOptions& o) { o.split = "train"; },
      [](hw::SimOptions& o) { o.steady_images = 4; },        [](hw::SimOptions& o) { o.clock_mhz = 125; },
      [](hw::SimOptions& o) { o.timeout_cycles = 1000; }};
  for (std::size_t i = 0; i < changes.size(); ++i) {
    hw::SimOptions o = so;
    changes[i](o);
    EXPECT_NE(simulate_stage_key(d, o, harness, verilator), s0) << "option change " << i;
  }

  // The activity measurement: design inputs, images, Verilator; not its own outputs.
  hw::ActivityOptions ao;
  ao.design_dir = d;
  const std::string a0 = activity_stage_key(d, ao, verilator);
  util::write_file_atomic(d / "power" / "activity.json", std::string_view("{}"));
  util::write_file_atomic(d / "obj_dir_activity" / "Vtop_sim", std::string_view("binary"));
  EXPECT_EQ(activity_stage_key(d, ao, verilator), a0);
  hw::ActivityOptions more = ao;
  more.images = ao.images + 1;
  EXPECT_NE(activity_stage_key(d, more, verilator), a0);
  EXPECT_NE(activity_stage_key(d, ao, "Verilator 5.020"), a0);
  touch(d / "top.sv");
  EXPECT_NE(activity_stage_key(d, ao, verilator), a0);
}

TEST_F(StageKeyTest, CompileAndLowerRerunWhenTheirInputsOrCodeChange) {
  const fs::path d = compiled_design();
  const fs::path rtl = hw::default_rtl_dir();
  // A copy of the RTL library, so that one source can be changed.
  fs::copy(rtl, dir_ / "rtl", fs::copy_options::recursive);
  const std::string c0 = compile_stage_key(dir_ / "m.dqm", dir_ / "rtl", "generator v1");
  EXPECT_EQ(compile_stage_key(dir_ / "m.dqm", dir_ / "rtl", "generator v1"), c0);
  EXPECT_NE(compile_stage_key(dir_ / "m.dqm", dir_ / "rtl", "generator v2"), c0);
  touch(dir_ / "rtl" / "mvtu.sv");
  EXPECT_NE(compile_stage_key(dir_ / "m.dqm", dir_ / "rtl", "generator v1"), c0);
  util::write_file_atomic(dir_ / "m2.dqm", std::span<const std::uint8_t>(util::read_file_bytes(dir_ / "m.dqm")));
  touch(dir_ / "m2.dqm");
  EXPECT_NE(compile_stage_key(dir_ / "m2.dqm", dir_ / "rtl", "generator v1"), c0);
  (void)d;

  util::write_file_atomic(dir_ / "best.pt", std::string_view("checkpoint bytes"));
  LowerOptions lo;
  lo.max_images = 500;
  const std::string l0 = lower_stage_key(dir_ / "best.pt", lo, "lowering v1");
  EXPECT_NE(lower_stage_key(dir_ / "best.pt", lo, "lowering v2"), l0);
  LowerOptions more = lo;
  more.max_images = 0;
  EXPECT_NE(lower_stage_key(dir_ / "best.pt", more, "lowering v1"), l0);
  LowerOptions gate = lo;
  gate.min_agreement = 90;
  EXPECT_NE(lower_stage_key(dir_ / "best.pt", gate, "lowering v1"), l0);
  LowerOptions calib = lo;
  calib.percentile = 99.0;
  EXPECT_NE(lower_stage_key(dir_ / "best.pt", calib, "lowering v1"), l0);
  LowerOptions fault = lo;
  fault.fault = LowerFault::kFlipThreshold;
  EXPECT_NE(lower_stage_key(dir_ / "best.pt", fault, "lowering v1"), l0);
  touch(dir_ / "best.pt");
  EXPECT_NE(lower_stage_key(dir_ / "best.pt", lo, "lowering v1"), l0);
}

TEST(ToolVersion, NamesAMissingToolInsteadOfFailing) {
  EXPECT_EQ(tool_version("dorefa-no-such-tool", "--version"), "dorefa-no-such-tool not found");
  EXPECT_FALSE(executable_identity().empty());
  EXPECT_EQ(executable_identity().size(), 64u);
}

}  // namespace
}  // namespace dorefa::flow
