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

}  // namespace
}  // namespace dorefa::data
