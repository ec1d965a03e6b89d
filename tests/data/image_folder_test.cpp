#include "data/image_folder.hpp"

#include <cmath>

#include <gtest/gtest.h>

#include "data/image_codec.hpp"
#include "data/registry.hpp"
#include "test_files.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"
#include "error_of.hpp"

namespace dorefa::data {
namespace {
namespace fs = std::filesystem;

using test_support::error_of;

// A rows x cols image whose every pixel is `value` (grey) or (value, 255 - value, 7) (RGB).
Image flat(int rows, int cols, int channels, std::uint8_t value) {
  Image im{rows, cols, channels, {}};
  for (int i = 0; i < rows * cols; ++i) {
    im.pixels.push_back(value);
    if (channels == 3) {
      im.pixels.push_back(std::uint8_t(255 - value));
      im.pixels.push_back(7);
    }
  }
  return im;
}

TEST(ImageCodec, PngRoundTripsExactlyAndJpegClosely) {
  if (!image_codecs_available()) GTEST_SKIP() << "built without libpng/libjpeg";
  const fs::path dir = testing::scratch_dir("codec");
  Image im{3, 4, 3, {}};
  for (int i = 0; i < 3 * 4 * 3; ++i) im.pixels.push_back(std::uint8_t(i * 7));
  write_png(dir / "a.png", im);
  const Image back = read_image(dir / "a.png");
  EXPECT_EQ(back.rows, 3);
  EXPECT_EQ(back.cols, 4);
  EXPECT_EQ(back.channels, 3);
  EXPECT_EQ(back.pixels, im.pixels);
  // JPEG is lossy: a flat grey image stays within a few levels.
  write_jpeg(dir / "b.jpg", flat(16, 16, 1, 100));
  const Image j = read_image(dir / "b.jpg");
  ASSERT_EQ(j.channels, 1);
  for (auto v : j.pixels) EXPECT_NEAR(int(v), 100, 3);
}

TEST(ImageCodec, FitScalesToCoverThenCropsTheCentreAndConvertsChannels) {
  // 2 x 4: left half 0, right half 200. Fitted to 2 x 2: scale 1 (covers), crop the
  // centre columns 1 and 2: one dark and one bright column.
  Image im{2, 4, 1, {0, 0, 200, 200, 0, 0, 200, 200}};
  Image f = fit_image(im, 2, 2, 1);
  EXPECT_EQ(f.pixels, (std::vector<std::uint8_t>{0, 200, 0, 200}));
  // Up-scaling a flat image keeps it flat; grey -> RGB copies, RGB -> grey is BT.601 luma.
  Image up = fit_image(flat(3, 3, 1, 50), 7, 7, 3);
  EXPECT_EQ(up.pixels.size(), 7u * 7 * 3);
  for (auto v : up.pixels) EXPECT_EQ(v, 50);
  Image g = fit_image(flat(2, 2, 3, 200), 2, 2, 1);
  for (auto v : g.pixels) EXPECT_EQ(int(v), int(std::lround(0.299 * 200 + 0.587 * 55 + 0.114 * 7)));
}

TEST(ImageFolder, LoadsClassesInNameOrderFromTrainAndTestFolders) {
  if (!image_codecs_available()) GTEST_SKIP() << "built without libpng/libjpeg";
  const fs::path dir = testing::scratch_dir("folder_ok");
  // Classes "cat" and "dog"; images of several sizes and both formats.
  for (const char* split : {"train", "test"}) {
    fs::create_directories(dir / split / "dog");
    fs::create_directories(dir / split / "cat");
    write_png(dir / split / "cat" / "a.png", flat(10, 10, 1, 20));
    write_jpeg(dir / split / "dog" / "x.JPG", flat(20, 12, 3, 220));
    util::write_file_atomic(dir / split / "dog" / "notes.txt", "not an image: skipped");
  }
  write_png(dir / "train" / "cat" / "b.png", flat(5, 8, 3, 30));
  const ImageShape shape{8, 8, 1};
  const Dataset train = load_dataset("folder:" + dir.string(), "train", shape);
  EXPECT_EQ(train.num_classes, 2);
  EXPECT_EQ(train.labels, (std::vector<std::uint8_t>{0, 0, 1}));  // cat a, cat b, dog x
  EXPECT_EQ(train.rows, 8);
  EXPECT_EQ(train.channels, 1);
  EXPECT_EQ(int(train.image(0)[0]), 20);
  EXPECT_NEAR(int(train.image(2)[10]), int(std::lround(0.299 * 220 + 0.587 * 35 + 0.114 * 7)), 4);
  EXPECT_EQ(image_folder_classes(dir), (std::vector<std::string>{"cat", "dog"}));
  const Dataset test = load_dataset("folder:" + dir.string(), "test", shape);
  EXPECT_EQ(test.labels, (std::vector<std::uint8_t>{0, 1}));
  // No shape given: the first training image's size, colour if any class starts in colour.
  const Dataset own = load_dataset("folder:" + dir.string(), "test");
  EXPECT_EQ(own.rows, 10);
  EXPECT_EQ(own.cols, 10);
  EXPECT_EQ(own.channels, 3);
}

TEST(ImageFolder, OneSetIsSplitEveryFifthImageToTest) {
  if (!image_codecs_available()) GTEST_SKIP() << "built without libpng/libjpeg";
  const fs::path dir = testing::scratch_dir("folder_one");
  for (const char* c : {"a", "b"}) {
    fs::create_directories(dir / c);
    for (int i = 0; i < 10; ++i) write_png(dir / c / ("img" + std::to_string(i) + ".png"), flat(4, 4, 1, std::uint8_t(i)));
  }
  const Dataset train = load_dataset("folder:" + dir.string(), "train");
  const Dataset test = load_dataset("folder:" + dir.string(), "test");
  EXPECT_EQ(train.size(), 16u);
  ASSERT_EQ(test.size(), 4u);
  // img4 and img9 of each class are the test images; no image is in both.
  EXPECT_EQ(int(test.image(0)[0]), 4);
  EXPECT_EQ(int(test.image(1)[0]), 9);
  for (std::size_t i = 0; i < train.size(); ++i) EXPECT_NE(int(train.image(i)[0]) % 5, 4);
}

TEST(ImageFolder, MalformedFoldersAndImagesNameTheFileAndWhatWasExpected) {
  if (!image_codecs_available()) GTEST_SKIP() << "built without libpng/libjpeg";
  const fs::path dir = testing::scratch_dir("folder_bad");
  // No class folders at all.
  std::string msg = error_of([&] { load_dataset("folder:" + dir.string(), "train"); });
  EXPECT_NE(msg.find("no class folders"), std::string::npos) << msg;
  // An empty class folder.
  fs::create_directories(dir / "train" / "a");
  fs::create_directories(dir / "train" / "b");
  fs::create_directories(dir / "test" / "a");
  write_png(dir / "train" / "a" / "1.png", flat(4, 4, 1, 1));
  write_png(dir / "test" / "a" / "1.png", flat(4, 4, 1, 1));
  msg = error_of([&] { load_dataset("folder:" + dir.string(), "train"); });
  EXPECT_NE(msg.find((dir / "train" / "b").string()), std::string::npos) << msg;
  EXPECT_NE(msg.find("empty class folder"), std::string::npos) << msg;
  // A class of the train split missing from the test split.
  write_png(dir / "train" / "b" / "1.png", flat(4, 4, 1, 2));
  msg = error_of([&] { load_dataset("folder:" + dir.string(), "test"); });
  EXPECT_NE(msg.find("class folder missing from the test split"), std::string::npos) << msg;
  // An image that is neither PNG nor JPEG.
  fs::create_directories(dir / "test" / "b");
  util::write_file_atomic(dir / "test" / "b" / "2.png", "GIF89a....");
  msg = error_of([&] { load_dataset("folder:" + dir.string(), "test"); });
  EXPECT_NE(msg.find((dir / "test" / "b" / "2.png").string()), std::string::npos) << msg;
  EXPECT_NE(msg.find("not a PNG or JPEG image"), std::string::npos) << msg;
  // A truncated PNG and a truncated JPEG.
  write_png(dir / "test" / "b" / "2.png", flat(16, 16, 3, 9));
  auto bytes = util::read_file_bytes(dir / "test" / "b" / "2.png");
  bytes.resize(bytes.size() / 2);
  util::write_file_atomic(dir / "test" / "b" / "2.png", bytes);
  msg = error_of([&] { load_dataset("folder:" + dir.string(), "test"); });
  EXPECT_NE(msg.find("PNG image"), std::string::npos) << msg;
  fs::remove(dir / "test" / "b" / "2.png");
  write_jpeg(dir / "test" / "b" / "3.jpg", flat(16, 16, 3, 9));
  bytes = util::read_file_bytes(dir / "test" / "b" / "3.jpg");
  bytes.resize(40);
  util::write_file_atomic(dir / "test" / "b" / "3.jpg", bytes);
  msg = error_of([&] { load_dataset("folder:" + dir.string(), "test"); });
  EXPECT_NE(msg.find("corrupt JPEG image"), std::string::npos) << msg;
  // Unknown kind and missing path.
  msg = error_of([&] { load_dataset("png:" + dir.string(), "test"); });
  EXPECT_NE(msg.find("unknown dataset kind 'png'"), std::string::npos) << msg;
  msg = error_of([&] { load_dataset("folder:", "test"); });
  EXPECT_NE(msg.find("no path after 'folder:'"), std::string::npos) << msg;
}

}  // namespace
}  // namespace dorefa::data
