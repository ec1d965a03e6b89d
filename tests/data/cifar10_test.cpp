#include "data/cifar10.hpp"

#include <gtest/gtest.h>

#include "data/registry.hpp"
#include "test_files.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"
#include "error_of.hpp"

namespace dorefa::data {
namespace {
namespace fs = std::filesystem;

// A record whose pixel (y, x) in channel c is (c * 80 + y + x) % 256: planes differ.
std::vector<std::uint8_t> record(std::uint8_t label) {
  std::vector<std::uint8_t> r(kCifarRecordBytes);
  r[0] = label;
  for (int c = 0; c < 3; ++c)
    for (int y = 0; y < 32; ++y)
      for (int x = 0; x < 32; ++x) r[std::size_t(1 + c * 1024 + y * 32 + x)] = std::uint8_t((c * 80 + y + x) % 256);
  return r;
}

void write_batch(const fs::path& file, const std::vector<std::uint8_t>& labels) {
  std::vector<std::uint8_t> bytes;
  for (auto l : labels) {
    auto r = record(l);
    bytes.insert(bytes.end(), r.begin(), r.end());
  }
  util::write_file_atomic(file, bytes);
}

using test_support::error_of;

TEST(Cifar10, ReadsEveryTrainingBatchAndTheTestBatchIntoHwc) {
  const fs::path dir = testing::scratch_dir("cifar_ok") / "cifar-10-batches-bin";
  fs::create_directories(dir);
  write_batch(dir / "data_batch_1.bin", {3, 9});
  write_batch(dir / "data_batch_2.bin", {0});
  write_batch(dir / "data_batch_4.bin", {1});  // not consecutive: not read
  write_batch(dir / "test_batch.bin", {7, 2, 5});
  // The parent folder works as well as the batches' own.
  const Dataset train = load_dataset("cifar10:" + dir.parent_path().string(), "train");
  ASSERT_EQ(train.size(), 3u);
  EXPECT_EQ(train.labels, (std::vector<std::uint8_t>{3, 9, 0}));
  EXPECT_EQ(train.rows, 32);
  EXPECT_EQ(train.cols, 32);
  EXPECT_EQ(train.channels, 3);
  EXPECT_EQ(train.num_classes, 10);
  // HWC: pixel (y=2, x=5) holds R, G, B = 7, 87, 167.
  const auto img = train.image(1);
  EXPECT_EQ(img[(2 * 32 + 5) * 3 + 0], 7);
  EXPECT_EQ(img[(2 * 32 + 5) * 3 + 1], 87);
  EXPECT_EQ(img[(2 * 32 + 5) * 3 + 2], 167);
  const Dataset test = load_dataset("cifar10:" + dir.string(), "test");
  EXPECT_EQ(test.labels, (std::vector<std::uint8_t>{7, 2, 5}));
}

TEST(Cifar10, MalformedBatchesNameTheFileAndWhatWasExpected) {
  const fs::path dir = testing::scratch_dir("cifar_bad");
  write_batch(dir / "data_batch_1.bin", {1, 2});
  // Missing test batch.
  std::string msg = error_of([&] { load_cifar10(dir, "test"); });
  EXPECT_NE(msg.find("test_batch.bin"), std::string::npos) << msg;
  // Truncated: one byte short.
  auto bytes = util::read_file_bytes(dir / "data_batch_1.bin");
  bytes.pop_back();
  util::write_file_atomic(dir / "test_batch.bin", bytes);
  msg = error_of([&] { load_cifar10(dir, "test"); });
  EXPECT_NE(msg.find("test_batch.bin"), std::string::npos) << msg;
  EXPECT_NE(msg.find("6145 bytes is not a whole number of CIFAR-10 records"), std::string::npos) << msg;
  // CIFAR-100's layout (coarse + fine label byte): 3074-byte records.
  bytes = util::read_file_bytes(dir / "data_batch_1.bin");
  bytes.insert(bytes.begin(), 0);
  bytes.insert(bytes.begin() + 3074, 0);
  util::write_file_atomic(dir / "test_batch.bin", bytes);
  msg = error_of([&] { load_cifar10(dir, "test"); });
  EXPECT_NE(msg.find("multiple of 3073"), std::string::npos) << msg;
  // A label outside 0..9.
  write_batch(dir / "test_batch.bin", {4, 10});
  msg = error_of([&] { load_cifar10(dir, "test"); });
  EXPECT_NE(msg.find("record 1 (byte offset 3073): label 10 is out of range (expected 0..9)"), std::string::npos) << msg;
  // No first training batch.
  fs::remove(dir / "data_batch_1.bin");
  msg = error_of([&] { load_cifar10(dir, "train"); });
  EXPECT_NE(msg.find("data_batch_1.bin"), std::string::npos) << msg;
  // Not a folder.
  msg = error_of([&] { load_dataset("cifar10:" + (dir / "nope").string(), "train"); });
  EXPECT_NE(msg.find("not a folder"), std::string::npos) << msg;
}

}  // namespace
}  // namespace dorefa::data
