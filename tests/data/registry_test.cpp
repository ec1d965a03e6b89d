#include "data/registry.hpp"

#include <cstdlib>

#include <gtest/gtest.h>

#include "test_files.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"

namespace dorefa::data {
namespace {

TEST(Registry, LoadsMnistAndFashionMnist) {
  Dataset m = load_dataset("mnist", "test");
  EXPECT_EQ(m.size(), 10000u);
  Dataset f = load_dataset("fashion-mnist", "test");  // gzip files from Debian
  EXPECT_EQ(f.size(), 10000u);
  EXPECT_EQ(f.num_classes, 10);
  EXPECT_EQ(f.class_histogram()[3], 1000u);  // Fashion-MNIST test is balanced
}

TEST(Registry, UnknownNameListsKnownOnes) {
  try {
    load_dataset("cifar", "train");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("expected one of: mnist, fashion-mnist"), std::string::npos);
  }
  EXPECT_THROW(load_dataset("mnist", "validation"), Error);
}

TEST(Registry, WrongImageSizeIsRejected) {
  // A 10000-image file whose images are 14x56 has the right byte count but wrong shape.
  auto dir = testing::scratch_dir("shape");
  auto images = util::read_file_bytes(testing::mnist_file("t10k-images-idx3-ubyte"));
  images[11] = 14;
  images[15] = 56;
  util::write_file_atomic(dir / "t10k-images-idx3-ubyte", images);
  util::write_file_atomic(dir / "t10k-labels-idx1-ubyte",
                          util::read_file_bytes(testing::mnist_file("t10k-labels-idx1-ubyte")));
  ::setenv("DOREFA_FASHION_MNIST_DIR", dir.c_str(), 1);
  auto info = dataset_info("fashion-mnist");
  ::unsetenv("DOREFA_FASHION_MNIST_DIR");
  EXPECT_EQ(info.folder, dir);
  try {
    load_idx_pair(dir / "t10k-images-idx3-ubyte", dir / "t10k-labels-idx1-ubyte", "x", "test", 10);
  } catch (...) {
    FAIL() << "the pair itself is consistent";
  }
  std::filesystem::rename(dir / "t10k-images-idx3-ubyte", dir / "t10k-images-idx3-ubyte.gz");
  std::filesystem::rename(dir / "t10k-labels-idx1-ubyte", dir / "t10k-labels-idx1-ubyte.gz");
  ::setenv("DOREFA_FASHION_MNIST_DIR", dir.c_str(), 1);
  try {
    load_dataset("fashion-mnist", "test");
    ::unsetenv("DOREFA_FASHION_MNIST_DIR");
    FAIL();
  } catch (const Error& e) {
    ::unsetenv("DOREFA_FASHION_MNIST_DIR");
    EXPECT_NE(std::string(e.what()).find("images are 14x56 (expected 28x28"), std::string::npos) << e.what();
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace dorefa::data

namespace dorefa::data {
namespace {

// An IDX file of unsigned bytes with the given dimensions and values.
void write_idx(const std::filesystem::path& file, const std::vector<std::uint32_t>& dims,
               const std::vector<std::uint8_t>& values) {
  std::vector<std::uint8_t> b = {0, 0, 0x08, std::uint8_t(dims.size())};
  for (auto d : dims)
    for (int s = 24; s >= 0; s -= 8) b.push_back(std::uint8_t(d >> s));
  b.insert(b.end(), values.begin(), values.end());
  util::write_file_atomic(file, b);
}

TEST(Registry, IdxPrefixLoadsAnyPairAndCountsClassesFromTheTrainingLabels) {
  const auto dir = testing::scratch_dir("idxprefix");
  write_idx(dir / "kmnist-train-images-idx3-ubyte", {3, 2, 2}, std::vector<std::uint8_t>(12, 5));
  write_idx(dir / "kmnist-train-labels-idx1-ubyte", {3}, {0, 4, 2});
  write_idx(dir / "kmnist-test-images-idx3-ubyte", {1, 2, 2}, {1, 2, 3, 4});
  write_idx(dir / "kmnist-test-labels-idx1-ubyte", {1}, {3});
  const Dataset train = load_dataset("idx:" + (dir / "kmnist-").string(), "train");
  EXPECT_EQ(train.size(), 3u);
  EXPECT_EQ(train.num_classes, 5);
  EXPECT_EQ(train.rows, 2);
  const Dataset test = load_dataset("idx:" + (dir / "kmnist-").string(), "test");
  EXPECT_EQ(test.labels, (std::vector<std::uint8_t>{3}));
  EXPECT_EQ(test.num_classes, 5);
  // A test label beyond the training labels' classes, and a missing file.
  write_idx(dir / "kmnist-test-labels-idx1-ubyte", {1}, {7});
  try {
    load_dataset("idx:" + (dir / "kmnist-").string(), "test");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("label 7 at index 0 is out of range (expected 0..4)"), std::string::npos)
        << e.what();
  }
  try {
    load_dataset("idx:" + dir.string(), "train");  // the folder, no file prefix: no such files
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no train labels-idx1 file (looked for " + dir.string() + "/train-labels"),
              std::string::npos)
        << e.what();
  }
}

TEST(Registry, CropTakesTheCentreOfEveryImageOfAnyDataset) {
  const auto dir = testing::scratch_dir("crop");
  // 4x5 images whose pixel value encodes its position: 10 * row + column (+ 100 for image 1).
  std::vector<std::uint8_t> pixels;
  for (int i = 0; i < 2; ++i)
    for (int y = 0; y < 4; ++y)
      for (int x = 0; x < 5; ++x) pixels.push_back(std::uint8_t(100 * i + 10 * y + x));
  write_idx(dir / "train-images-idx3-ubyte", {2, 4, 5}, pixels);
  write_idx(dir / "train-labels-idx1-ubyte", {2}, {1, 0});
  const std::string inner = "idx:" + dir.string();
  const Dataset c = load_dataset("crop:2x3:" + inner, "train");
  EXPECT_EQ(c.rows, 2);
  EXPECT_EQ(c.cols, 3);
  EXPECT_EQ(c.name, "crop:2x3:" + inner);
  EXPECT_EQ(c.labels, (std::vector<std::uint8_t>{1, 0}));
  EXPECT_EQ(c.images, (std::vector<std::uint8_t>{11, 12, 13, 21, 22, 23, 111, 112, 113, 121, 122, 123}));
  // N alone is N x N; an odd margin keeps the extra row/column at the bottom/right.
  const Dataset s = load_dataset("crop:3:" + inner, "train");
  EXPECT_EQ(std::vector<std::uint8_t>(s.images.begin(), s.images.begin() + 3), (std::vector<std::uint8_t>{1, 2, 3}));
  // A built-in set: its info already has the cropped size.
  const DatasetInfo info = dataset_info("crop:24x24:mnist");
  EXPECT_EQ(info.rows, 24);
  EXPECT_EQ(info.num_classes, 10);
  const Dataset m = load_dataset("crop:24x24:mnist", "test");
  const Dataset full = load_dataset("mnist", "test");
  ASSERT_EQ(m.size(), full.size());
  EXPECT_EQ(m.image(7)[0], full.image(7)[2 * 28 + 2]);
  EXPECT_EQ(m.image(7)[23 * 24 + 23], full.image(7)[25 * 28 + 25]);
  for (const char* bad : {"crop:30x30:mnist", "crop:0x4:mnist", "crop:24:", "crop:axb:mnist", "crop:24"}) {
    try {
      load_dataset(bad, "test");
      FAIL() << bad;
    } catch (const Error& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find(bad), std::string::npos) << what;
      EXPECT_TRUE(what.find("larger than the 28x28") != std::string::npos ||
                  what.find("expected crop:HxW:DATASET") != std::string::npos)
          << what;
    }
  }
}

}  // namespace
}  // namespace dorefa::data
