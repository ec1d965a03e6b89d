#include "util/atomic_file.hpp"

#include <filesystem>

#include <gtest/gtest.h>

#include "util/error.hpp"

namespace dorefa::util {
namespace {
namespace fs = std::filesystem;

fs::path fresh_dir(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / ("dorefa_atomic_" + name + std::to_string(::getpid()));
  fs::remove_all(dir);
  return dir;
}

TEST(AtomicFile, WritesAndReplacesWithoutLeavingTempFiles) {
  fs::path dir = fresh_dir("replace");
  fs::path file = dir / "nested" / "out.txt";
  write_file_atomic(file, std::string_view("first"));
  write_file_atomic(file, std::string_view("second"));
  EXPECT_EQ(read_file_text(file), "second");
  EXPECT_EQ(std::distance(fs::directory_iterator(file.parent_path()), fs::directory_iterator{}), 1);
  fs::remove_all(dir);
}

TEST(AtomicFile, FailingWriterKeepsOldContentAndRemovesTemp) {
  fs::path dir = fresh_dir("fail");
  fs::path file = dir / "out.txt";
  write_file_atomic(file, std::string_view("kept"));
  EXPECT_THROW(write_via_temp(file, [](const fs::path& temp) {
                 write_file_atomic(temp, std::string_view("partial"));
                 throw Error(temp.string(), "simulated crash");
               }),
               Error);
  EXPECT_EQ(read_file_text(file), "kept");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator{}), 1);
  fs::remove_all(dir);
}

TEST(AtomicFile, MissingFileErrorNamesThePath) {
  try {
    read_file_bytes("/nonexistent/dorefa/file.bin");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/dorefa/file.bin"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("no such file"), std::string::npos);
  }
}

}  // namespace
}  // namespace dorefa::util
