// `dorefa data info NAME`: counts, shape, class histogram and checksum of a dataset.
#include <cstdio>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "data/image_folder.hpp"
#include "data/registry.hpp"

namespace dorefa::cli {
namespace {

void print_info(const std::string& name) {
  data::DatasetInfo info = data::dataset_info(name);
  fmt::print("dataset   {}: {}\n", info.name, info.description);
  fmt::print("folder    {}\n", info.folder.string());
  if (name.rfind("folder:", 0) == 0) {
    const auto classes = data::image_folder_classes(info.folder);
    std::string line;
    for (std::size_t c = 0; c < classes.size(); ++c) line += fmt::format(" {}:{}", c, classes[c]);
    fmt::print("labels   {}\n", line);
  }
  for (const char* split : {"train", "test"}) {
    data::Dataset ds = data::load_dataset(name, split);
    fmt::print("{:<9} {} images, {}x{}x{} uint8, {} classes, sha256 {}\n", split, ds.size(), ds.rows, ds.cols,
               ds.channels, ds.num_classes, ds.checksum());
    auto hist = ds.class_histogram();
    std::string line;
    for (std::size_t c = 0; c < hist.size(); ++c) line += fmt::format(" {}:{}", c, hist[c]);
    fmt::print("          classes{}\n", line);
  }
}

const CommandRegistration kRegistration(10, [](CLI::App& root) {
  auto* data = root.add_subcommand("data", "Inspect datasets (built-in or by path)");
  data->require_subcommand(1);
  auto* info = data->add_subcommand("info", "Counts, shape, class histogram and checksum of a dataset");
  auto name = std::make_shared<std::string>("mnist");
  info->add_option("name", *name,
                   "Dataset: mnist, fashion-mnist, or by path: cifar10:DIR, folder:DIR (one sub-folder of PNG/JPEG "
                   "per class), idx:PREFIX")
      ->capture_default_str();
  info->callback([name] { print_info(*name); });
  auto* list = data->add_subcommand("list", "List the dataset names");
  list->callback([] {
    for (const auto& n : data::dataset_names()) fmt::print("{}\n", n);
  });
});

}  // namespace
}  // namespace dorefa::cli
