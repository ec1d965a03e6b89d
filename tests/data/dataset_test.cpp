#include "data/dataset.hpp"

#include <gtest/gtest.h>

#include "test_files.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"

namespace dorefa::data {
namespace {
namespace fs = std::filesystem;

TEST(Dataset, LoadsRealMnistTestPair) {
  Dataset ds = load_idx_pair(testing::mnist_file("t10k-images-idx3-ubyte"),
                             testing::mnist_file("t10k-labels-idx1-ubyte"), "mnist", "test", 10);
  EXPECT_EQ(ds.size(), 10000u);
  EXPECT_EQ(ds.rows, 28);
  auto hist = ds.class_histogram();
  EXPECT_EQ(hist[0], 980u);  // MNIST test digits per class are well known
  EXPECT_EQ(hist[1], 1135u);
  EXPECT_EQ(ds.checksum().size(), 64u);
}

TEST(Dataset, CountMismatchNamesBothFiles) {
  fs::path dir = testing::scratch_dir("mismatch");
  auto labels = util::read_file_bytes(testing::mnist_file("t10k-labels-idx1-ubyte"));
  // Header says 9999 labels and holds 9999.
  labels[6] = 0x27;
  labels[7] = 0x0F;
  labels.pop_back();
  util::write_file_atomic(dir / "labels", labels);
  try {
    load_idx_pair(testing::mnist_file("t10k-images-idx3-ubyte"), dir / "labels", "mnist", "test", 10);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("10000 images but 9999 labels"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find((dir / "labels").string()), std::string::npos);
  }
  fs::remove_all(dir);
}

TEST(Dataset, LabelOutOfRange) {
  fs::path dir = testing::scratch_dir("range");
  auto labels = util::read_file_bytes(testing::mnist_file("t10k-labels-idx1-ubyte"));
  labels[8 + 123] = 17;
  util::write_file_atomic(dir / "labels", labels);
  try {
    load_idx_pair(testing::mnist_file("t10k-images-idx3-ubyte"), dir / "labels", "mnist", "test", 10);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("label 17 at index 123 is out of range (expected 0..9)"), std::string::npos)
        << e.what();
  }
  fs::remove_all(dir);
}

TEST(Dataset, SubsetAndHeadKeepPixelsAndLabels) {
  Dataset ds = load_idx_pair(testing::mnist_file("t10k-images-idx3-ubyte"),
                             testing::mnist_file("t10k-labels-idx1-ubyte"), "mnist", "test", 10);
  std::vector<std::size_t> idx = {5, 2};
  Dataset sub = ds.subset(idx, "sub");
  ASSERT_EQ(sub.size(), 2u);
  EXPECT_EQ(sub.labels[0], ds.labels[5]);
  EXPECT_TRUE(std::equal(sub.image(1).begin(), sub.image(1).end(), ds.image(2).begin()));
  EXPECT_EQ(ds.head(3).size(), 3u);
  EXPECT_EQ(ds.head(3).labels[2], ds.labels[2]);
}

}  // namespace
}  // namespace dorefa::data
