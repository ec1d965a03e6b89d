#include "data/cifar10.hpp"

#include <fmt/format.h>

#include "data/idx.hpp"
#include "util/error.hpp"

namespace dorefa::data {
namespace fs = std::filesystem;

namespace {

// Appends one batch file's records to `ds` (planar CHW -> HWC).
void read_batch(const fs::path& file, Dataset& ds) {
  const std::vector<std::uint8_t> bytes = read_maybe_gzip(file);
  if (bytes.empty() || bytes.size() % kCifarRecordBytes != 0)
    throw Error(file.string(),
                fmt::format("{} bytes is not a whole number of CIFAR-10 records (expected a multiple of {}: 1 label "
                            "byte + 32x32x3 pixels; a truncated download, or another layout such as CIFAR-100's "
                            "two label bytes)",
                            bytes.size(), kCifarRecordBytes));
  const std::size_t n = bytes.size() / kCifarRecordBytes;
  const std::size_t plane = std::size_t(kCifarSide) * kCifarSide;
  const std::size_t first = ds.labels.size();
  ds.labels.resize(first + n);
  ds.images.resize((first + n) * plane * 3);
  for (std::size_t r = 0; r < n; ++r) {
    const std::uint8_t* rec = bytes.data() + r * kCifarRecordBytes;
    if (rec[0] >= kCifarClasses)
      throw Error(file.string(), fmt::format("record {} (byte offset {}): label {} is out of range (expected 0..{})", r,
                                             r * kCifarRecordBytes, rec[0], kCifarClasses - 1));
    ds.labels[first + r] = rec[0];
    std::uint8_t* out = ds.images.data() + (first + r) * plane * 3;
    for (std::size_t p = 0; p < plane; ++p)
      for (std::size_t c = 0; c < 3; ++c) out[p * 3 + c] = rec[1 + c * plane + p];
  }
}

}  // namespace

Dataset load_cifar10(const fs::path& dir_in, const std::string& split) {
  if (split != "train" && split != "test")
    throw Error("cifar10:" + dir_in.string(), "unknown split '" + split + "' (expected train or test)");
  if (!fs::is_directory(dir_in))
    throw Error(dir_in.string(), "not a folder (expected the CIFAR-10 binary batches, cifar-10-batches-bin)");
  fs::path dir = dir_in;
  if (!fs::exists(dir / "test_batch.bin") && fs::is_directory(dir / "cifar-10-batches-bin"))
    dir = dir / "cifar-10-batches-bin";
  Dataset ds;
  ds.name = "cifar10:" + dir_in.string();
  ds.split = split;
  ds.rows = ds.cols = kCifarSide;
  ds.channels = 3;
  ds.num_classes = kCifarClasses;
  if (split == "test") {
    const fs::path f = dir / "test_batch.bin";
    if (!fs::exists(f)) throw Error(f.string(), "CIFAR-10 test batch missing (expected test_batch.bin in this folder)");
    read_batch(f, ds);
  } else {
    const fs::path f1 = dir / "data_batch_1.bin";
    if (!fs::exists(f1))
      throw Error(f1.string(), "CIFAR-10 training batch missing (expected data_batch_1.bin ... data_batch_5.bin)");
    for (int b = 1; fs::exists(dir / fmt::format("data_batch_{}.bin", b)); ++b)
      read_batch(dir / fmt::format("data_batch_{}.bin", b), ds);
  }
  return ds;
}

}  // namespace dorefa::data
