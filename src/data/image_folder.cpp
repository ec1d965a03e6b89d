#include "data/image_folder.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "data/image_codec.hpp"
#include "util/error.hpp"

namespace dorefa::data {
namespace fs = std::filesystem;

namespace {

constexpr int kTestEvery = 5;  // one set: every 5th file of a class is a test image

bool is_image_file(const fs::directory_entry& e) {
  if (!e.is_regular_file()) return false;
  const std::string name = e.path().filename().string();
  if (name.empty() || name[0] == '.') return false;
  std::string ext = e.path().extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return ext == ".png" || ext == ".jpg" || ext == ".jpeg";
}

std::vector<std::string> class_dirs(const fs::path& root) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(root))
    if (e.is_directory() && e.path().filename().string()[0] != '.') names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<fs::path> images_in(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (is_image_file(e)) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  if (files.empty())
    throw Error(dir.string(), "empty class folder (expected at least one .png, .jpg or .jpeg image)");
  return files;
}

bool has_splits(const fs::path& dir) { return fs::is_directory(dir / "train") && fs::is_directory(dir / "test"); }

// The per-class file lists of `split`.
std::vector<std::vector<fs::path>> split_files(const fs::path& dir, const std::string& split,
                                               const std::vector<std::string>& classes) {
  std::vector<std::vector<fs::path>> out;
  if (has_splits(dir)) {
    const fs::path root = dir / split;
    for (const auto& c : classes) {
      if (!fs::is_directory(root / c))
        throw Error((root / c).string(), fmt::format("class folder missing from the {} split (the train split has "
                                                     "classes {})",
                                                     split, fmt::join(classes, ", ")));
      out.push_back(images_in(root / c));
    }
    for (const auto& c : class_dirs(root))
      if (!std::binary_search(classes.begin(), classes.end(), c))
        throw Error((root / c).string(), fmt::format("class '{}' is not in the train split (classes {})", c,
                                                     fmt::join(classes, ", ")));
    return out;
  }
  for (const auto& c : classes) {
    std::vector<fs::path> all = images_in(dir / c), mine;
    for (std::size_t i = 0; i < all.size(); ++i)
      if ((i % kTestEvery == kTestEvery - 1) == (split == "test")) mine.push_back(all[i]);
    if (mine.empty())
      throw Error((dir / c).string(), fmt::format("{} image(s): too few for a {} split (every {}th image is a test "
                                                  "image; give at least {}, or train/ and test/ folders)",
                                                  all.size(), split, kTestEvery, kTestEvery));
    out.push_back(std::move(mine));
  }
  return out;
}

}  // namespace

std::vector<std::string> image_folder_classes(const fs::path& dir) {
  if (!fs::is_directory(dir)) throw Error(dir.string(), "not a folder (expected one sub-folder of images per class)");
  const fs::path root = has_splits(dir) ? dir / "train" : dir;
  std::vector<std::string> classes = class_dirs(root);
  if (classes.empty())
    throw Error(root.string(), "no class folders (expected one sub-folder of images per class, e.g. cat/ and dog/, "
                               "optionally under train/ and test/)");
  if (classes.size() > 256)
    throw Error(root.string(), fmt::format("{} class folders (at most 256: labels are one byte)", classes.size()));
  return classes;
}

Dataset load_image_folder(const fs::path& dir, const std::string& split, std::optional<ImageShape> shape) {
  if (split != "train" && split != "test")
    throw Error("folder:" + dir.string(), "unknown split '" + split + "' (expected train or test)");
  const std::vector<std::string> classes = image_folder_classes(dir);
  const auto files = split_files(dir, split, classes);
  if (!shape) {
    // The training split decides, so that both splits get the same shape.
    const auto train = split == "train" ? files : split_files(dir, "train", classes);
    const Image first = read_image(train[0][0]);
    int channels = first.channels;
    for (const auto& c : train) channels = std::max(channels, read_image(c[0]).channels);
    shape = ImageShape{first.rows, first.cols, channels};
  }
  Dataset ds;
  ds.name = "folder:" + dir.string();
  ds.split = split;
  ds.rows = shape->rows;
  ds.cols = shape->cols;
  ds.channels = shape->channels;
  ds.num_classes = int(classes.size());
  for (std::size_t c = 0; c < files.size(); ++c) {
    for (const auto& f : files[c]) {
      const Image img = read_image(f);
      const Image fitted = (img.rows == shape->rows && img.cols == shape->cols && img.channels == shape->channels)
                               ? img
                               : fit_image(img, shape->rows, shape->cols, shape->channels);
      ds.images.insert(ds.images.end(), fitted.pixels.begin(), fitted.pixels.end());
      ds.labels.push_back(std::uint8_t(c));
    }
  }
  return ds;
}

}  // namespace dorefa::data
