#include "runtime/image_file.hpp"

#include <unistd.h>

#include <gtest/gtest.h>

#include "data/registry.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"

namespace dorefa::runtime {
namespace {
namespace fs = std::filesystem;

class PgmFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("dorefa_pgm_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path write(const std::string& name, const std::string& bytes) {
    util::write_file_atomic(dir_ / name, bytes);
    return dir_ / name;
  }
  std::string error_of(const fs::path& p) {
    try {
      read_pgm(p);
    } catch (const Error& e) {
      return e.what();
    }
    return "no error";
  }
  fs::path dir_;
};

TEST_F(PgmFile, BinaryPgmOfARealDigitReadsBackItsPixels) {
  const data::Dataset test = data::load_dataset("mnist", "test").head(1);
  std::string bytes = "P5\n# a comment\n28 28\n255\n";
  bytes.append(reinterpret_cast<const char*>(test.images.data()), 784);
  GreyImage img = read_pgm(write("d.pgm", bytes));
  EXPECT_EQ(img.width, 28);
  EXPECT_EQ(img.height, 28);
  EXPECT_EQ(img.pixels, test.images);
}

TEST_F(PgmFile, AsciiPgm) {
  GreyImage img = read_pgm(write("a.pgm", "P2 3 1 15\n0 7 15\n"));
  EXPECT_EQ(img.pixels, (std::vector<std::uint8_t>{0, 7, 15}));
  EXPECT_EQ(img.maxval, 15);
}

TEST_F(PgmFile, RejectsPngTruncatedDataAndBadHeaders) {
  EXPECT_NE(error_of(write("x.png", std::string("\x89PNG\r\n\x1a\n", 8) + "rest")).find("PNG, which is not supported"),
            std::string::npos);
  EXPECT_NE(error_of(write("t.pgm", "P5 28 28 255\n" + std::string(700, 'x'))).find("pixel data: expected 784 bytes"),
            std::string::npos);
  EXPECT_NE(error_of(write("m.pgm", "P6 1 1 255\nabc")).find("magic"), std::string::npos);
  EXPECT_NE(error_of(write("v.pgm", "P5 1 1 65535\nab")).find("maxval"), std::string::npos);
  EXPECT_NE(error_of(write("h.pgm", "P5 1 x")).find("height"), std::string::npos);
  EXPECT_NE(error_of(write("p.pgm", "P2 2 1 15\n3 16\n")).find("found 16 at pixel 1"), std::string::npos);
}

}  // namespace
}  // namespace dorefa::runtime
