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

TEST(CompileCommand, FpsOutOfReachNamesWhatBindsAndWritesNothing) {
  TempDir t;
  // The fixture's input is 28x28 pixels at one per cycle: 784 cycles, 127.5k FPS at most.
  CliResult r = run_dorefa({"compile", (fixture() / "model.dqm").string(), "--out", (t / "d").string(), "--fps",
                            "200000"});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_TRUE(r.says("out of reach")) << r.err;
  EXPECT_TRUE(r.says("input stream")) << r.err;
  EXPECT_FALSE(fs::exists(t / "d" / "top.sv"));
  r = run_dorefa({"compile", (fixture() / "model.dqm").string(), "--out", (t / "d").string(), "--fps", "1000",
                  "--max-fps"});
  EXPECT_NE(r.exit_code, 0) << describe(r);  // one goal at a time
}

TEST(CompileCommand, MaxFpsIsAtLeastAsFastAsAReachableFpsGoalAndSaysWhy) {
  TempDir t;
  CliResult r = run_dorefa({"compile", (fixture() / "model.dqm").string(), "--out", (t / "fps").string(), "--fps",
                            "20000"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const std::string fps = slurp(t / "fps" / "design.json");
  r = run_dorefa({"compile", (fixture() / "model.dqm").string(), "--out", (t / "max").string(), "--max-fps"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_TRUE(r.says("why")) << r.out;
  const std::string max = slurp(t / "max" / "design.json");
  auto number_after = [](const std::string& text, const std::string& key) {
    const auto p = text.find("\"" + key + "\": ");
    EXPECT_NE(p, std::string::npos) << key;
    return std::stod(text.substr(p + key.size() + 4));
  };
  EXPECT_GE(number_after(fps, "ideal_fps"), 20000.0);
  EXPECT_GE(number_after(max, "ideal_fps"), number_after(fps, "ideal_fps"));
  EXPECT_NE(fps.find("\"search\": \"fps\""), std::string::npos) << fps;
  EXPECT_NE(max.find("\"search\": \"max-fps\""), std::string::npos) << max;
  EXPECT_NE(max.find("\"why\": \""), std::string::npos) << max;
}

}  // namespace
}  // namespace dorefa::cli_test
