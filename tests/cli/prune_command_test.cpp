// `dorefa prune`: budgets are checked before any work; existing results are kept.
#include "cli_runner.hpp"

namespace dorefa::cli_test {
namespace {

TEST(PruneCommand, PrunesTheFixtureToASmallerCheckpoint) {
  TempDir t;
  CliResult r = run_dorefa({"prune", (fixture() / "train" / "best.pt").string(), "--out", (t / "p").string(), "--ratio",
                            "0.25", "--multiple", "1", "--min-channels", "1", "--finetune-epochs", "0", "--limit-test",
                            "200"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_TRUE(fs::exists(t / "p" / "best.pt"));
  EXPECT_LT(fs::file_size(t / "p" / "best.pt"), fs::file_size(fixture() / "train" / "best.pt"));
}

TEST(PruneCommand, ImpossibleBudgetIsBadInputNamingTheOption) {
  TempDir t;
  CliResult r = run_dorefa({"prune", (fixture() / "train" / "best.pt").string(), "--out", (t / "p").string(), "--macs",
                            "150%"});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_TRUE(r.says("--macs")) << r.err;
  EXPECT_FALSE(fs::exists(t / "p" / "best.pt"));
}

TEST(PruneCommand, ExistingResultIsNotReplacedWithoutForce) {
  TempDir t;
  write_text(t / "p" / "best.pt", "previous");
  CliResult r = run_dorefa({"prune", (fixture() / "train" / "best.pt").string(), "--out", (t / "p").string(), "--ratio",
                            "0.25", "--finetune-epochs", "0"});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_TRUE(r.says("--force")) << r.err;
  EXPECT_EQ(slurp(t / "p" / "best.pt"), "previous");
}

}  // namespace
}  // namespace dorefa::cli_test
