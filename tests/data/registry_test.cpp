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
