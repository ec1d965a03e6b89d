#include "data/idx.hpp"

#include <zlib.h>

#include <gtest/gtest.h>

#include "test_files.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"

namespace dorefa::data {
namespace {
namespace fs = std::filesystem;

class IdxCorruption : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::scratch_dir("idx");
    // The real test labels (10 008 bytes) and the first part of the real test images.
    labels_ = util::read_file_bytes(testing::mnist_file("t10k-labels-idx1-ubyte"));
    images_ = util::read_file_bytes(testing::mnist_file("t10k-images-idx3-ubyte"));
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write(const std::string& name, const std::vector<std::uint8_t>& bytes) {
    fs::path p = dir_ / name;
    util::write_file_atomic(p, bytes);
    return p;
  }
  // Expects read_idx to throw an Error whose message names the file and contains `needle`.
  void expect_error(const fs::path& p, int rank, const std::string& needle) {
    try {
      read_idx(p, rank);
      FAIL() << "expected an error for " << p;
    } catch (const Error& e) {
      std::string msg = e.what();
      EXPECT_NE(msg.find(p.string()), std::string::npos) << msg;
      EXPECT_NE(msg.find(needle), std::string::npos) << "message: " << msg << "\nwanted: " << needle;
    }
  }
  fs::path dir_;
  std::vector<std::uint8_t> labels_, images_;
};

TEST_F(IdxCorruption, RealFilesReadWithTheirShapes) {
  IdxArray labels = read_idx(testing::mnist_file("t10k-labels-idx1-ubyte"), 1);
  ASSERT_EQ(labels.dims, std::vector<std::uint32_t>{10000});
  EXPECT_EQ(labels.values[0], 7);  // the famous first test digit
  IdxArray images = read_idx(testing::mnist_file("t10k-images-idx3-ubyte"), 3);
  EXPECT_EQ(images.dims, (std::vector<std::uint32_t>{10000, 28, 28}));
  EXPECT_EQ(images.values.size(), 10000u * 28 * 28);
}

TEST_F(IdxCorruption, GzipFileReadsSameAsPlain) {
  // Compress the real label file in the test, then read both.
  std::vector<std::uint8_t> gz(compressBound(uLong(labels_.size())) + 64);
  z_stream zs{};
  ASSERT_EQ(deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  zs.next_in = labels_.data();
  zs.avail_in = uInt(labels_.size());
  zs.next_out = gz.data();
  zs.avail_out = uInt(gz.size());
  ASSERT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  gz.resize(zs.total_out);
  deflateEnd(&zs);
  auto a = read_idx(write("labels.gz", gz), 1);
  auto b = read_idx(testing::mnist_file("t10k-labels-idx1-ubyte"), 1);
  EXPECT_EQ(a.values, b.values);
  // A truncated gzip stream is its own error.
  gz.resize(gz.size() / 2);
  expect_error(write("half.gz", gz), 1, "truncated gzip");
}

TEST_F(IdxCorruption, MissingFile) { expect_error(dir_ / "nope", 1, "no such file"); }

TEST_F(IdxCorruption, EmptyFile) { expect_error(write("empty", {}), 1, "too short for an IDX header"); }

TEST_F(IdxCorruption, WrongMagicType) {
  auto bad = labels_;
  bad[2] = 0x0D;  // float type
  expect_error(write("float", bad), 1, "bad IDX magic 00 00 0d 01 (expected 00 00 08 01");
}

TEST_F(IdxCorruption, NonZeroMagicPrefix) {
  auto bad = labels_;
  bad[0] = 0x42;
  expect_error(write("prefix", bad), 1, "bad IDX magic 42");
}

TEST_F(IdxCorruption, WrongRank) {
  expect_error(testing::mnist_file("t10k-images-idx3-ubyte"), 1, "has 3 dimensions (expected 1)");
}

TEST_F(IdxCorruption, TruncatedHeader) {
  std::vector<std::uint8_t> bad(images_.begin(), images_.begin() + 10);
  expect_error(write("header", bad), 3, "header truncated: file is 10 bytes (expected at least 16)");
}

TEST_F(IdxCorruption, TruncatedData) {
  std::vector<std::uint8_t> bad(labels_.begin(), labels_.end() - 8);
  expect_error(write("short", bad), 1, "data truncated: header promises 10000 bytes, file holds 9992");
}

TEST_F(IdxCorruption, TrailingBytes) {
  auto bad = labels_;
  bad.push_back(1);
  bad.push_back(2);
  expect_error(write("long", bad), 1, "2 unexpected trailing bytes");
}

TEST_F(IdxCorruption, ZeroDimension) {
  std::vector<std::uint8_t> bad(images_.begin(), images_.begin() + 16);
  bad[8] = bad[9] = bad[10] = bad[11] = 0;  // rows = 0
  expect_error(write("zero", bad), 3, "dimension 1 is 0");
}

TEST_F(IdxCorruption, NotGzipDespiteMagic) {
  std::vector<std::uint8_t> bad = {0x1f, 0x8b, 0x08, 0x00, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x00, 0x01, 0x02};
  expect_error(write("fake.gz", bad), 1, "gzip");
}

}  // namespace
}  // namespace dorefa::data
