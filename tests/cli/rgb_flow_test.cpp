// RGB end to end: a 3-channel network on CIFAR-10-format batches (written here, random block
// images, tests/cifar_blocks.hpp) through train -> lower (agreement gate) -> compile ->
// Verilator, bit-exact.
#include "cifar_blocks.hpp"
#include "cli_runner.hpp"

namespace dorefa::cli_test {
namespace {

TEST(RgbFlow, ThreeChannelNetworkTrainsLowersCompilesAndSimulatesBitExactly) {
  TempDir t;
  test_support::write_cifar_block_batch(t / "cifar" / "data_batch_1.bin", 300, 1);
  test_support::write_cifar_block_batch(t / "cifar" / "test_batch.bin", 60, 2);
  write_text(t / "rgb.toml", R"(
[model]
name = "tiny-rgb"
input = [3, 32, 32]
classes = 10
w_bits = 1
a_bits = 2
g_bits = 32
[[layers]]
name = "conv1"
type = "conv"
channels = 4
kernel = 4
stride = 4
[[layers]]
name = "conv2"
type = "conv"
channels = 8
kernel = 3
[[layers]]
name = "pool2"
type = "maxpool"
kernel = 2
[[layers]]
name = "fc1"
type = "dense"
channels = 10
[train]
dataset = "cifar10:)" + (t / "cifar").string() + R"("
optimizer = "adam"
lr = 0.005
batch_size = 50
epochs = 1
seed = 3
val_size = 50
)");
  CliResult r = run_dorefa({"train", "--config", (t / "rgb.toml").string(), "--out", (t / "train").string()});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  r = run_dorefa({"lower", (t / "train" / "best.pt").string(), "--out", (t / "rgb.dqm").string()});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  r = run_dorefa({"inspect", (t / "rgb.dqm").string()});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_TRUE(r.says("\"input\": [\n    32,\n    32,\n    3\n  ]")) << r.out;
  r = run_dorefa({"compile", (t / "rgb.dqm").string(), "--out", (t / "d").string()});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  r = run_dorefa({"simulate", (t / "d").string(), "--data", "cifar10:" + (t / "cifar").string(), "--images", "60"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_TRUE(r.says("60 of cifar10:")) << r.out;
  EXPECT_TRUE(r.says("mismatches  0")) << r.out;
}

}  // namespace
}  // namespace dorefa::cli_test
