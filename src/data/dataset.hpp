#pragma once
// An image-classification dataset held as raw uint8 pixels: the accelerator's input is
// the raw 8-bit pixel, so nothing here converts to float.
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace dorefa::data {

struct Dataset {
  std::string name;        // registry name, e.g. "mnist"
  std::string split;       // "train", "test", "val", ...
  int rows = 0;            // image height
  int cols = 0;            // image width
  int channels = 1;        // 1 for the grey-scale sets we ship
  int num_classes = 0;
  std::vector<std::uint8_t> images;  // size() * rows * cols * channels, HWC per image
  std::vector<std::uint8_t> labels;  // size() entries, each < num_classes

  std::size_t size() const { return labels.size(); }
  std::size_t image_bytes() const { return std::size_t(rows) * cols * channels; }
  std::span<const std::uint8_t> image(std::size_t i) const {
    return {images.data() + i * image_bytes(), image_bytes()};
  }
  // Copy of the images/labels at `indices`, in that order.
  Dataset subset(std::span<const std::size_t> indices, std::string split_name) const;
  // The first `n` examples (or all if fewer).
  Dataset head(std::size_t n) const;
  // SHA-256 over the images then the labels: identifies exactly what a model saw.
  std::string checksum() const;
  // Count of each label, num_classes entries.
  std::vector<std::size_t> class_histogram() const;
};

// Builds a dataset from an image IDX file (rank 3) and a label IDX file (rank 1),
// checking that counts match and every label is < num_classes.
Dataset load_idx_pair(const std::filesystem::path& images, const std::filesystem::path& labels,
                      std::string name, std::string split, int num_classes);

}  // namespace dorefa::data
