#pragma once
// CIFAR-10 in its binary form (https://www.cs.toronto.edu/~kriz/cifar.html, "binary
// version"): data_batch_1.bin ... data_batch_5.bin (train) and test_batch.bin (test), each
// a run of 3073-byte records: one label byte (0..9), then the 32x32 red plane, the green
// plane and the blue plane, row-major. Read into HWC (the accelerator's pixel order).
#include <filesystem>
#include <string>

#include "data/dataset.hpp"

namespace dorefa::data {

inline constexpr int kCifarSide = 32;
inline constexpr int kCifarClasses = 10;
inline constexpr std::size_t kCifarRecordBytes = 1 + 3 * kCifarSide * kCifarSide;

// `dir` is the folder holding the .bin files (cifar-10-batches-bin) or its parent. Train:
// data_batch_1.bin and every consecutively numbered one after it; test: test_batch.bin.
// Throws dorefa::Error naming the file on a missing batch, a size that is not a whole
// number of records (truncated, or another record layout such as CIFAR-100's two label
// bytes) and a label outside 0..9.
Dataset load_cifar10(const std::filesystem::path& dir, const std::string& split);

}  // namespace dorefa::data
