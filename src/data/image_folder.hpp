#pragma once
// A dataset from a folder of images, one sub-folder per class (the layout torchvision's
// ImageFolder and Keras use):
//   DIR/train/CLASS/*.png|jpg|jpeg  and  DIR/test/CLASS/...   (both splits given), or
//   DIR/CLASS/...   (one set: per class, every 5th file in name order is "test", the rest
//                    "train", so the two never share an image)
// Classes are the sub-folder names in sorted order (label = position); the test split
// must have the same class folders as the train split. PNG and JPEG, grey or colour, any
// size: each image is fitted (data/image_codec.hpp: scale to cover, centre crop) to the
// requested shape. Files with other extensions and hidden files are skipped.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "data/dataset.hpp"

namespace dorefa::data {

struct ImageShape {
  int rows = 0, cols = 0, channels = 0;
};

// The class folder names, sorted (throws like load_image_folder on a bad layout).
std::vector<std::string> image_folder_classes(const std::filesystem::path& dir);

// `shape` unset: the first training image's size, and 3 channels if any image among the
// first of each class is colour, else 1. Throws dorefa::Error naming the folder or file:
// no class folders, an empty class folder, a class missing from the test split, an
// unreadable or corrupt image.
Dataset load_image_folder(const std::filesystem::path& dir, const std::string& split,
                          std::optional<ImageShape> shape = std::nullopt);

}  // namespace dorefa::data
