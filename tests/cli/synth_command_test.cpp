// `dorefa synth`: Yosys on a compiled design; a folder that is not a design is bad input;
// no Yosys is an internal fault.
#include "cli_runner.hpp"

#include <nlohmann/json.hpp>

namespace dorefa::cli_test {
namespace {

TEST(SynthCommand, FixtureDesignFitsTheDevice) {
  TempDir t;
  fs::create_directories(t / "d");
  for (const auto& e : fs::directory_iterator(fixture() / "design"))
    if (e.path().filename() != "obj_dir") fs::copy(e.path(), t / "d" / e.path().filename(), fs::copy_options::recursive);
  CliResult r = run_dorefa({"synth", (t / "d").string(), "--no-sta"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  auto j = nlohmann::json::parse(slurp(t / "d" / "synth" / "results.json"));
  EXPECT_TRUE(j["fits"].get<bool>());
  EXPECT_GT(j["resources"]["lut"].get<long>(), 0);
}

TEST(SynthCommand, NotADesignFolderIsBadInput) {
  TempDir t;
  CliResult r = run_dorefa({"synth", t.path().string()});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_TRUE(r.says("design.json")) << r.err;
}

TEST(SynthCommand, MissingYosysIsAnInternalFaultAndLeavesResultsAlone) {
  TempDir t;
  fs::create_directories(t / "d");
  for (const auto& e : fs::directory_iterator(fixture() / "design"))
    if (e.path().filename() != "obj_dir") fs::copy(e.path(), t / "d" / e.path().filename(), fs::copy_options::recursive);
  write_text(t / "d" / "synth" / "results.json", "previous");
  CliResult r = run_dorefa({"synth", (t / "d").string()}, {{"PATH", path_without("yosys")}});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_TRUE(r.says("yosys")) << r.err;
  EXPECT_EQ(slurp(t / "d" / "synth" / "results.json"), "previous");
}

}  // namespace
}  // namespace dorefa::cli_test
