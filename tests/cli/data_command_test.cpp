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

// CIFAR-10 batches of `n` records with labels 0, 1, 2, ... (pixels zero).
void write_cifar_batch(const fs::path& file, int n) {
  std::string bytes;
  for (int i = 0; i < n; ++i) {
    bytes += char(i % 10);
    bytes += std::string(3072, '\0');
  }
  write_text(file, bytes);
}

TEST(DataCommand, InfoOnCifar10ByPathAndTrainingRejectsItsShapeForAGreyModel) {
  TempDir t;
  write_cifar_batch(t / "c" / "data_batch_1.bin", 12);
  write_cifar_batch(t / "c" / "test_batch.bin", 3);
  CliResult r = run_dorefa({"data", "info", "cifar10:" + (t / "c").string()});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_TRUE(r.says("12 images, 32x32x3 uint8, 10 classes")) << r.out;
  EXPECT_TRUE(r.says("3 images")) << r.out;
  // The default config is 28x28x1: a clear error before any training.
  r = run_dorefa({"train", "--config", (fs::path(DOREFA_SOURCE_ROOT) / "configs" / "lenet.toml").string(), "--out",
                  (t / "run").string(), "--data", "cifar10:" + (t / "c").string(), "--epochs", "1"});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_TRUE(r.says("shape mismatch")) << r.err;
  EXPECT_TRUE(r.says("3x32x32")) << r.err;
  // A truncated batch names the file.
  write_text(t / "c" / "test_batch.bin", std::string(3000, '\0'));
  r = run_dorefa({"data", "info", "cifar10:" + (t / "c").string()});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_TRUE(r.says("test_batch.bin")) << r.err;
}

}  // namespace
}  // namespace dorefa::cli_test
