// `dorefa lower`: the agreement gate stops the line (exit 1) and writes nothing.
#include "cli_runner.hpp"

#include <nlohmann/json.hpp>

namespace dorefa::cli_test {
namespace {

TEST(LowerCommand, FixturePassedTheDocumentedGate) {
  auto report = nlohmann::json::parse(slurp(fixture() / "lower.json"));
  EXPECT_TRUE(report["gate"]["passed"].get<bool>());
  EXPECT_DOUBLE_EQ(report["gate"]["min_agreement_pct"].get<double>(), 99.9);  // docs/integer-model.md
  EXPECT_GE(report["agreement_pct"].get<double>(), 99.9);
  EXPECT_TRUE(fs::exists(fixture() / "model.dqm"));
}

TEST(LowerCommand, FlippedThresholdFailsTheGateAndLeavesTheModelFileAlone) {
  TempDir t;
  write_text(t / "model.dqm", "previous");
  CliResult r = run_dorefa({"lower", (fixture() / "train" / "best.pt").string(), "--out", (t / "model.dqm").string(),
                            "--images", "300", "--report", (t / "lower.json").string(), "--inject-fault",
                            "flip-threshold"});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_TRUE(r.says("below the gate of 99.900%")) << r.err;
  EXPECT_TRUE(r.says("first at images")) << r.err;
  EXPECT_EQ(slurp(t / "model.dqm"), "previous");
  EXPECT_FALSE(fs::exists(t / "lower.json"));
}

TEST(LowerCommand, MinAgreementLowersTheGateExplicitly) {
  TempDir t;
  CliResult r = run_dorefa({"lower", (fixture() / "train" / "best.pt").string(), "--out", (t / "model.dqm").string(),
                            "--images", "300", "--inject-fault", "flip-threshold", "--min-agreement", "0"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_TRUE(fs::exists(t / "model.dqm"));
}

TEST(LowerCommand, NotACheckpointIsBadInputNamingTheFile) {
  TempDir t;
  write_text(t / "fake.pt", "junk");
  CliResult r = run_dorefa({"lower", (t / "fake.pt").string(), "--out", (t / "m.dqm").string()});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_TRUE(r.says("fake.pt")) << r.err;
  EXPECT_FALSE(fs::exists(t / "m.dqm"));
}

TEST(LowerCommand, GateOutsideZeroToHundredIsBadInput) {
  TempDir t;
  CliResult r = run_dorefa({"lower", (fixture() / "train" / "best.pt").string(), "--out", (t / "m.dqm").string(),
                            "--min-agreement", "120"});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_TRUE(r.says("--min-agreement")) << r.err;
}

}  // namespace
}  // namespace dorefa::cli_test
