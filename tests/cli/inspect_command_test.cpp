// `dorefa inspect`: reads a model file; a damaged one is named with what is wrong.
#include "cli_runner.hpp"

namespace dorefa::cli_test {
namespace {

TEST(InspectCommand, PrintsTheFixtureModelAsJson) {
  CliResult r = run_dorefa({"inspect", (fixture() / "model.dqm").string()});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_TRUE(r.says("\"conv1\"")) << r.out;
  EXPECT_TRUE(r.says("\"fc2\"")) << r.out;
}

TEST(InspectCommand, TruncatedModelIsBadInputNamingTheFile) {
  TempDir t;
  fs::copy_file(fixture() / "model.dqm", t / "cut.dqm");
  fs::resize_file(t / "cut.dqm", fs::file_size(t / "cut.dqm") / 2);
  CliResult r = run_dorefa({"inspect", (t / "cut.dqm").string()});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_TRUE(r.says("cut.dqm")) << r.err;
}

}  // namespace
}  // namespace dorefa::cli_test
