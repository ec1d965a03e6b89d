#pragma once
// IDX files (LeCun's MNIST format): big-endian magic 0x0000TTNN (TT = 0x08 unsigned
// byte, NN = number of dimensions), NN big-endian uint32 sizes, then the data. Plain or
// gzip-compressed (detected by the gzip magic, not the file name).
#include <cstdint>
#include <filesystem>
#include <vector>

namespace dorefa::data {

struct IdxArray {
  std::vector<std::uint32_t> dims;   // e.g. {60000, 28, 28} or {60000}
  std::vector<std::uint8_t> values;  // row-major, product(dims) bytes
};

// Reads an unsigned-byte IDX file with `expected_rank` dimensions. Every fault (missing
// file, bad gzip, wrong magic, wrong rank, zero size, truncated or trailing data) throws
// dorefa::Error naming the file, what was found and what was expected.
IdxArray read_idx(const std::filesystem::path& path, int expected_rank);

// The bytes of a file, gunzipped if they start with the gzip magic.
std::vector<std::uint8_t> read_maybe_gzip(const std::filesystem::path& path);

}  // namespace dorefa::data
