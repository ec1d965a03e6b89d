// design.json as the host reads it (src/board/design_identity.*) and the bundle's sample
// files (src/board/board_run.*): every malformed field or file is an error naming it. Runs
// natively and, in the ARM build, under qemu-arm.
#include "board/design_identity.hpp"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "board/board_run.hpp"
#include "util/error.hpp"
#include "expect_error.hpp"

namespace dorefa::board {
namespace {
namespace fs = std::filesystem;

const char* kGood = R"({"model": {"name": "m"}, "ideal_cycles_per_image": 5, "clock_mhz": 100, "system": {"design_hash":
    "0123456789abcdef", "pixels": 10, "image_bytes": 16, "num_classes": 3}})";

TEST(DesignIdentity, MissingOrMalformedFieldsAreNamed) {
  const fs::path dir = fs::temp_directory_path() / ("dorefa_identity_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  auto write = [&](const std::string& text) {
    std::ofstream(dir / "design.json") << text;
    return expect_error([&] { load_design_identity(dir); });
  };
  EXPECT_NE(std::string(write("{").what()).find("not valid JSON"), std::string::npos);
  EXPECT_NE(std::string(write(R"({"model": {"name": "m"}})").what()).find("'system'"), std::string::npos);
  const Error hash = write(R"({"model": {"name": "m"}, "ideal_cycles_per_image": 5, "system": {"design_hash": "xyz",
      "pixels": 784, "image_bytes": 784, "num_classes": 10}})");
  EXPECT_NE(std::string(hash.what()).find("16 lowercase hex"), std::string::npos) << hash.what();
  const Error pad = write(R"({"model": {"name": "m"}, "ideal_cycles_per_image": 5, "system": {"design_hash":
      "0123456789abcdef", "pixels": 784, "image_bytes": 780, "num_classes": 10}})");
  EXPECT_NE(std::string(pad.what()).find("multiple of 8"), std::string::npos) << pad.what();
  EXPECT_NE(std::string(pad.what()).find((dir / "design.json").string()), std::string::npos) << pad.what();
  fs::remove_all(dir);
}

TEST(DesignIdentity, ReadsTheFieldsTheHostNeeds) {
  const fs::path dir = fs::temp_directory_path() / ("dorefa_identity_ok_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "design.json") << kGood;
  const DesignIdentity d = load_design_identity(dir);
  EXPECT_EQ(d.design_hash, "0123456789abcdef");
  EXPECT_EQ(d.pixels, 10u);
  EXPECT_EQ(d.image_bytes, 16u);
  EXPECT_EQ(d.num_classes, 3u);
  EXPECT_EQ(d.record_words(true), 4u);
  EXPECT_EQ(d.record_words(false), 1u);
  EXPECT_EQ(load_design_identity(dir / "design.json").model_name, "m");
  fs::remove_all(dir);
}

TEST(Sample, FilesThatDoNotFitTheDesignAreNamed) {
  const fs::path dir = fs::temp_directory_path() / ("dorefa_sample_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "design.json") << kGood;
  const DesignIdentity d = load_design_identity(dir);
  auto write = [&](const char* name, std::size_t bytes) {
    std::ofstream(dir / name, std::ios::binary) << std::string(bytes, '\0');
  };
  EXPECT_NE(std::string(expect_error([&] { load_sample(dir, d); }).what()).find("images.bin"), std::string::npos);
  write("images.bin", 25);  // 2.5 images
  EXPECT_NE(std::string(expect_error([&] { load_sample(dir, d); }).what()).find("whole number"), std::string::npos);
  write("images.bin", 30);
  write("labels.bin", 3);
  write("expected_classes.bin", 6);
  write("expected_records.bin", 3 * 4 * 8 - 8);  // one word short
  const Error e = expect_error([&] { load_sample(dir, d); });
  EXPECT_NE(std::string(e.what()).find("expected_records.bin"), std::string::npos) << e.what();
  EXPECT_NE(std::string(e.what()).find("96"), std::string::npos) << e.what();
  write("expected_records.bin", 3 * 4 * 8);
  const SampleSet s = load_sample(dir, d);
  EXPECT_EQ(s.images, 3u);
  EXPECT_EQ(s.expected_records.size(), 12u);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace dorefa::board
