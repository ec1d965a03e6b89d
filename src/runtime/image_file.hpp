#pragma once
// Single images from files for `dorefa infer --image`: binary (P5) and ASCII (P2) PGM,
// 8-bit grey. PNG is not read (no decoder dependency); the error says how to convert.
#include <cstdint>
#include <filesystem>
#include <vector>

namespace dorefa::runtime {

struct GreyImage {
  int width = 0;
  int height = 0;
  int maxval = 255;
  std::vector<std::uint8_t> pixels;  // row-major, height * width
};

// Throws dorefa::Error naming the file and the field (magic, size, maxval, pixel data).
GreyImage read_pgm(const std::filesystem::path& path);

}  // namespace dorefa::runtime
