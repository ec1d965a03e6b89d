// `dorefa train`: good configs train (the fixture), bad ones are named precisely.
#include "cli_runner.hpp"

namespace dorefa::cli_test {
namespace {

TEST(TrainCommand, FixtureTrainedACheckpointThatLearned) {
  // make_fixture.sh ran `dorefa train` (exit 0 or the fixture fails); check what it left.
  ASSERT_TRUE(fs::exists(fixture() / "train" / "best.pt"));
  CliResult r = run_dorefa({"eval", (fixture() / "train" / "best.pt").string(), "--limit", "500"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const auto at = r.out.find("accuracy ");
  ASSERT_NE(at, std::string::npos) << r.out;
  EXPECT_GT(std::stod(r.out.substr(at + 9)), 60.0) << r.out;  // chance is 10 %
}

TEST(TrainCommand, MissingConfigIsBadInputNamingTheFile) {
  TempDir t;
  CliResult r = run_dorefa({"train", "--config", (t / "absent.toml").string(), "--out", (t / "run").string()});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_TRUE(r.says("absent.toml")) << r.err;
  EXPECT_FALSE(fs::exists(t / "run" / "best.pt"));
}

TEST(TrainCommand, BadFieldIsNamedAndExistingRunIsLeftAlone) {
  TempDir t;
  std::string text = slurp(fixture() / "tiny.toml");
  const std::string from = "channels = 16", to = "channels = -16";
  text.replace(text.find(from), from.size(), to);
  write_text(t / "bad.toml", text);
  write_text(t / "run" / "best.pt", "previous");
  CliResult r = run_dorefa({"train", "--config", (t / "bad.toml").string(), "--out", (t / "run").string()});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_TRUE(r.says("bad.toml")) << r.err;
  EXPECT_TRUE(r.says("channels")) << r.err;
  EXPECT_EQ(slurp(t / "run" / "best.pt"), "previous");
}

}  // namespace
}  // namespace dorefa::cli_test
