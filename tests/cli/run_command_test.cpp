// `dorefa run`: the whole flow; a broken RTL memory image stops it with exit 1 and a
// report that shows the failed gate instead of the simulation's figures.
#include "cli_runner.hpp"

#include <nlohmann/json.hpp>

namespace dorefa::cli_test {
namespace {

TEST(RunCommand, BrokenMemoryImageStopsTheLineAndTheReportSaysSo) {
  TempDir t;
  // The fixture's finished training is resumed (not redone); lower, compile and simulate run.
  fs::create_directories(t / "run");
  fs::copy(fixture() / "train", t / "run" / "train", fs::copy_options::recursive);
  const std::vector<std::string> args = {"run",           "--config", (fixture() / "tiny.toml").string(),
                                         "--out",         (t / "run").string(),
                                         "--verify-images", "300",  "--sim-images", "20", "--no-synth", "--max-train", "3000"};
  CliResult good = run_dorefa(args);
  ASSERT_EQ(good.exit_code, 0) << describe(good);
  auto summary = nlohmann::json::parse(slurp(t / "run" / "summary.json"));
  EXPECT_TRUE(summary["gates"]["simulation"]["passed"].get<bool>());
  EXPECT_EQ(summary["simulation"]["mismatches"].get<int>(), 0);

  // Break one memory image of the design: only the simulate stage's key changes.
  const fs::path mem = t / "run" / "design" / "mem" / "fc2_logits.hex";
  std::string hex = slurp(mem);
  hex[0] = hex[0] == '1' ? '2' : '1';
  write_text(mem, hex);
  CliResult bad = run_dorefa(args);
  EXPECT_EQ(bad.exit_code, 1) << describe(bad);
  EXPECT_TRUE(bad.says("simulation gate failed")) << bad.err;
  EXPECT_TRUE(bad.says("unchanged since the last run")) << bad.out;  // lowering was not redone
  const std::string html = slurp(t / "run" / "report.html");
  EXPECT_NE(html.find("Verification gate failed: simulation"), std::string::npos);
  EXPECT_EQ(html.find("throughput at 100 MHz"), std::string::npos);  // no figures from a failed stage
  auto failed = nlohmann::json::parse(slurp(t / "run" / "summary.json"));
  EXPECT_FALSE(failed["gates"]["simulation"]["passed"].get<bool>());
  // The failed simulation is not recorded as done: a rerun checks again (and fails again).
  CliResult again = run_dorefa(args);
  EXPECT_EQ(again.exit_code, 1) << describe(again);
}

TEST(RunCommand, MissingConfigIsBadInputNamingTheFile) {
  TempDir t;
  CliResult r = run_dorefa({"run", "--config", (t / "absent.toml").string(), "--out", (t / "run").string()});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_TRUE(r.says("absent.toml")) << r.err;
}

}  // namespace
}  // namespace dorefa::cli_test
