// `dorefa simulate`: any RTL output that differs from the integer runtime stops the line.
#include "cli_runner.hpp"

#include <cctype>

namespace dorefa::cli_test {
namespace {

// A copy of the fixture design (obj_dir too: Verilator's build is reused when unchanged).
fs::path copy_design(const TempDir& t) {
  fs::copy(fixture() / "design", t / "d", fs::copy_options::recursive);
  return t / "d";
}

TEST(SimulateCommand, BrokenWeightMemoryImageIsAnInternalFault) {
  TempDir t;
  const fs::path d = copy_design(t);
  CliResult good = run_dorefa({"simulate", d.string(), "--images", "20"});
  ASSERT_EQ(good.exit_code, 0) << describe(good);
  EXPECT_TRUE(good.says("mismatches  0")) << good.out;
  // Flip every bit of the last layer's weights: the RTL computes other scores.
  const fs::path mem = d / "mem" / "fc2_weights.hex";
  std::string hex = slurp(mem);
  for (char& c : hex)
    if (std::isxdigit(static_cast<unsigned char>(c))) c = "fedcba9876543210"[std::stoi(std::string(1, c), nullptr, 16)];
  write_text(mem, hex);
  CliResult bad = run_dorefa({"simulate", d.string(), "--images", "20"});
  EXPECT_EQ(bad.exit_code, 1) << describe(bad);
  EXPECT_TRUE(bad.says("differ from the reference")) << bad.err;
}

TEST(SimulateCommand, NotADesignFolderIsBadInput) {
  TempDir t;
  CliResult r = run_dorefa({"simulate", t.path().string()});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_TRUE(r.says("design.json")) << r.err;
}

TEST(SimulateCommand, MissingVerilatorIsAnInternalFault) {
  TempDir t;
  fs::create_directories(t / "d");
  for (const auto& e : fs::directory_iterator(fixture() / "design"))
    if (e.path().filename() != "obj_dir") fs::copy(e.path(), t / "d" / e.path().filename(), fs::copy_options::recursive);
  CliResult r = run_dorefa({"simulate", (t / "d").string(), "--images", "2"}, {{"PATH", path_without("verilator")}});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_TRUE(r.says("verilator")) << r.err;
}

// A W8A8 model from `dorefa synthetic` through compile and simulate: the requant stages
// and the 8 x 8-bit lanes (DSP48 and LUT) bit-exact against the runtime. A slow folding
// keeps the Verilator build small; a few images keep it short.
TEST(SimulateCommand, SyntheticW8A8ModelCompilesAndSimulatesBitExact) {
  TempDir t;
  CliResult m = run_dorefa({"synthetic", "lenet-w8a8", "--out", (t / "w8a8.dqm").string(), "--seed", "3"});
  ASSERT_EQ(m.exit_code, 0) << describe(m);
  write_text(t / "fold.toml",
             "[conv1]\npe = 2\nsimd = 25\n[conv2]\npe = 4\nsimd = 16\ndsp = false\n"
             "[fc1]\npe = 2\nsimd = 32\n[fc2]\npe = 1\nsimd = 16\n");
  CliResult c = run_dorefa({"compile", (t / "w8a8.dqm").string(), "--out", (t / "d").string(), "--folding",
                            (t / "fold.toml").string()});
  ASSERT_EQ(c.exit_code, 0) << describe(c);
  const std::string design = slurp(t / "d" / "design.json");
  EXPECT_NE(design.find("\"output_stage\": \"requant\""), std::string::npos);
  CliResult s = run_dorefa({"simulate", (t / "d").string(), "--images", "6", "--steady-images", "3"});
  ASSERT_EQ(s.exit_code, 0) << describe(s);
  EXPECT_TRUE(s.says("mismatches  0")) << s.out;
}

}  // namespace
}  // namespace dorefa::cli_test
