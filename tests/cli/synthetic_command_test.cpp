// `dorefa synthetic`: random valid models; an unknown kind writes nothing.
#include "cli_runner.hpp"

namespace dorefa::cli_test {
namespace {

TEST(SyntheticCommand, WritesAModelThatInspectReads) {
  TempDir t;
  CliResult r = run_dorefa({"synthetic", "lenet-w8a8", "--out", (t / "m.dqm").string(), "--seed", "5"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  CliResult i = run_dorefa({"inspect", (t / "m.dqm").string()});
  EXPECT_EQ(i.exit_code, 0) << describe(i);
}

TEST(SyntheticCommand, UnknownKindIsBadInputAndLeavesTheFileAlone) {
  TempDir t;
  write_text(t / "m.dqm", "previous");
  CliResult r = run_dorefa({"synthetic", "resnet-50", "--out", (t / "m.dqm").string()});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_TRUE(r.says("resnet-50")) << r.err;
  EXPECT_EQ(slurp(t / "m.dqm"), "previous");
}

}  // namespace
}  // namespace dorefa::cli_test
