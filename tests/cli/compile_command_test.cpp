// `dorefa compile`: a bad folding is named before anything is written; a missing RTL
// library is an internal fault.
#include "cli_runner.hpp"

namespace dorefa::cli_test {
namespace {

TEST(CompileCommand, FixtureDesignHasItsParts) {
  EXPECT_TRUE(fs::exists(fixture() / "design" / "top.sv"));
  EXPECT_TRUE(fs::exists(fixture() / "design" / "design.json"));
  EXPECT_TRUE(fs::exists(fixture() / "design" / "model.dqm"));
}

TEST(CompileCommand, BadFoldingFieldIsNamedAndExistingDesignIsLeftAlone) {
  TempDir t;
  write_text(t / "d" / "top.sv", "previous");
  write_text(t / "fold.json", R"({"conv1": {"pe": 3, "simd": 1}})");  // 3 does not divide conv1's 4 channels
  CliResult r = run_dorefa({"compile", (fixture() / "model.dqm").string(), "--out", (t / "d").string(), "--folding",
                            (t / "fold.json").string()});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_TRUE(r.says("conv1")) << r.err;
  EXPECT_TRUE(r.says("pe") || r.says("PE")) << r.err;
  EXPECT_EQ(slurp(t / "d" / "top.sv"), "previous");
}

TEST(CompileCommand, MissingRtlLibraryIsAnInternalFault) {
  TempDir t;
  CliResult r = run_dorefa({"compile", (fixture() / "model.dqm").string(), "--out", (t / "d").string()},
                           {{"DOREFA_RTL_DIR", (t / "no-rtl").string()}});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_TRUE(r.says("DOREFA_RTL_DIR")) << r.err;
}

}  // namespace
}  // namespace dorefa::cli_test
