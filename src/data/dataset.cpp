#include "data/dataset.hpp"

#include <fmt/format.h>

#include "data/idx.hpp"
#include "util/error.hpp"
#include "util/sha256.hpp"

namespace dorefa::data {

Dataset Dataset::subset(std::span<const std::size_t> indices, std::string split_name) const {
  Dataset out;
  out.name = name;
  out.split = std::move(split_name);
  out.rows = rows;
  out.cols = cols;
  out.channels = channels;
  out.num_classes = num_classes;
  out.images.reserve(indices.size() * image_bytes());
  out.labels.reserve(indices.size());
  for (std::size_t i : indices) {
    auto img = image(i);
    out.images.insert(out.images.end(), img.begin(), img.end());
    out.labels.push_back(labels[i]);
  }
  return out;
}

Dataset Dataset::head(std::size_t n) const {
  n = std::min(n, size());
  Dataset out = *this;
  out.images.resize(n * image_bytes());
  out.labels.resize(n);
  return out;
}

std::string Dataset::checksum() const {
  util::Sha256 h;
  h.update(images);
  h.update(labels);
  return h.finish_hex();
}

std::vector<std::size_t> Dataset::class_histogram() const {
  std::vector<std::size_t> hist(std::size_t(num_classes), 0);
  for (auto l : labels) ++hist[l];
  return hist;
}

Dataset load_idx_pair(const std::filesystem::path& images, const std::filesystem::path& labels,
                      std::string name, std::string split, int num_classes) {
  IdxArray img = read_idx(images, 3);
  IdxArray lab = read_idx(labels, 1);
  if (img.dims[0] != lab.dims[0]) {
    throw Error(images.string() + " + " + labels.string(),
                fmt::format("image/label count mismatch: {} images but {} labels (expected equal counts)",
                            img.dims[0], lab.dims[0]));
  }
  for (std::size_t i = 0; i < lab.values.size(); ++i) {
    if (lab.values[i] >= num_classes) {
      throw Error(labels.string(), fmt::format("label {} at index {} is out of range (expected 0..{})",
                                               lab.values[i], i, num_classes - 1));
    }
  }
  Dataset ds;
  ds.name = std::move(name);
  ds.split = std::move(split);
  ds.rows = int(img.dims[1]);
  ds.cols = int(img.dims[2]);
  ds.channels = 1;
  ds.num_classes = num_classes;
  ds.images = std::move(img.values);
  ds.labels = std::move(lab.values);
  return ds;
}

}  // namespace dorefa::data
