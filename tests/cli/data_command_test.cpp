// `dorefa data`: the dataset registry as a user sees it.
#include "cli_runner.hpp"

namespace dorefa::cli_test {
namespace {

TEST(DataCommand, InfoOnMnistPrintsBothSplits) {
  CliResult r = run_dorefa({"data", "info", "mnist"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_TRUE(r.says("60000 images")) << r.out;
  EXPECT_TRUE(r.says("10000 images")) << r.out;
}

TEST(DataCommand, UnknownDatasetIsBadInputNamingIt) {
  CliResult r = run_dorefa({"data", "info", "no-such-set"});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_TRUE(r.says("no-such-set")) << r.err;
}

TEST(DataCommand, CorruptDatasetFileIsBadInputNamingTheFile) {
  TempDir t;
  // A copy of the data cache whose MNIST test images are cut short.
  const fs::path src = fs::path(std::getenv("HOME")) / ".cache" / "dorefa-pynq" / "mnist";
  const char* env_dir = std::getenv("DOREFA_DATA_DIR");
  const fs::path mnist = env_dir ? fs::path(env_dir) / "mnist" : src;
  ASSERT_TRUE(fs::exists(mnist / "t10k-images-idx3-ubyte")) << mnist;
  fs::create_directories(t / "mnist");
  for (const auto& e : fs::directory_iterator(mnist)) fs::copy_file(e.path(), t / "mnist" / e.path().filename());
  fs::resize_file(t / "mnist" / "t10k-images-idx3-ubyte", 1000);
  CliResult r = run_dorefa({"data", "info", "mnist"}, {{"DOREFA_DATA_DIR", t.path().string()}});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_TRUE(r.says("t10k-images-idx3-ubyte")) << r.err;
}

}  // namespace
}  // namespace dorefa::cli_test
