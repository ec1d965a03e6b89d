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

}  // namespace
}  // namespace dorefa::cli_test
