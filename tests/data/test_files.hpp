#pragma once
// Helpers for data tests: the real MNIST files and scratch copies made in the test.
#include <filesystem>
#include <string>
#include <unistd.h>

#include "data/registry.hpp"

namespace dorefa::data::testing {

inline std::filesystem::path scratch_dir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("dorefa_data_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir;
}

inline std::filesystem::path mnist_file(const std::string& file) { return dataset_info("mnist").folder / file; }

}  // namespace dorefa::data::testing
