// `dorefa eval`: accuracy of a checkpoint; a file that is not one is named.
#include "cli_runner.hpp"

namespace dorefa::cli_test {
namespace {

TEST(EvalCommand, PrintsAccuracyOfTheFixture) {
  CliResult r = run_dorefa({"eval", (fixture() / "train" / "best.pt").string(), "--limit", "200"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  // "... accuracy 93.50% ...": the tiny net learned (chance is 10 %).
  const auto at = r.out.find("accuracy ");
  ASSERT_NE(at, std::string::npos) << r.out;
  EXPECT_GT(std::stod(r.out.substr(at + 9)), 60.0) << r.out;
}

TEST(EvalCommand, NotACheckpointIsBadInputNamingTheFile) {
  TempDir t;
  write_text(t / "fake.pt", "this is not a checkpoint");
  CliResult r = run_dorefa({"eval", (t / "fake.pt").string()});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_TRUE(r.says("fake.pt")) << r.err;
}

}  // namespace
}  // namespace dorefa::cli_test
