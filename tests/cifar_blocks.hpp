#pragma once
// CIFAR-10-format batches written by a test: `n` records, label i % 10, each channel a 4x4 grid
// of random 8x8 blocks plus noise, so that 3-channel networks see structure (edges, colours)
// without the real data set, which tests may not download.
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

namespace dorefa::test_support {

inline void write_cifar_block_batch(const std::filesystem::path& file, int n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string bytes;
  for (int i = 0; i < n; ++i) {
    bytes += char(i % 10);
    for (int c = 0; c < 3; ++c) {
      int base[16];
      for (int& b : base) b = int(rng() % 256);
      for (int y = 0; y < 32; ++y)
        for (int x = 0; x < 32; ++x) bytes += char((base[(y / 8) * 4 + x / 8] + int(rng() % 32)) % 256);
    }
  }
  std::filesystem::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary) << bytes;
}

}  // namespace dorefa::test_support
