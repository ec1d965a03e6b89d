// `dorefa infer`: CPU inference; the fast kernels agree with the reference.
#include "cli_runner.hpp"

namespace dorefa::cli_test {
namespace {

TEST(InferCommand, CompareFindsNoDifferenceOnRealImages) {
  CliResult r = run_dorefa({"infer", (fixture() / "model.dqm").string(), "--data", "mnist", "--images", "200",
                            "--compare"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
}

TEST(InferCommand, ImageOfTheWrongSizeIsBadInputNamingTheFile) {
  TempDir t;
  std::string pgm = "P5\n10 10\n255\n" + std::string(100, '\x80');
  write_text(t / "small.pgm", pgm);
  CliResult r = run_dorefa({"infer", (fixture() / "model.dqm").string(), "--image", (t / "small.pgm").string()});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_TRUE(r.says("small.pgm")) << r.err;
}

TEST(InferCommand, UnknownDatasetIsBadInputNamingIt) {
  TempDir t;
  CliResult s = run_dorefa({"synthetic", "mlp-w2a2", "--out", (t / "mlp.dqm").string()});
  ASSERT_EQ(s.exit_code, 0) << describe(s);
  CliResult r = run_dorefa({"infer", (t / "mlp.dqm").string(), "--data", "no-such-set"});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_TRUE(r.says("no-such-set")) << r.err;
}

}  // namespace
}  // namespace dorefa::cli_test
