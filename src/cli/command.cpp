#include "cli/command.hpp"

#include <algorithm>

#include "hw/generator.hpp"

namespace dorefa::cli {
namespace {

std::vector<std::pair<int, CommandInstaller>>& registry() {
  static std::vector<std::pair<int, CommandInstaller>> commands;
  return commands;
}

}  // namespace

CommandRegistration::CommandRegistration(int order, CommandInstaller installer) {
  registry().emplace_back(order, std::move(installer));
}

void install_commands(CLI::App& root) {
  auto commands = registry();
  std::stable_sort(commands.begin(), commands.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [order, install] : commands) install(root);
}

void add_design_image_options(CLI::App& cmd, std::string& dir, std::string& dataset, std::string& split,
                              std::size_t& images, const std::string& images_help) {
  cmd.add_option("dir", dir, "Design folder from `dorefa compile`")->required()->check(CLI::ExistingDirectory);
  CLI::Option* data = cmd.add_option("--data", dataset,
                                     "Dataset (default: the one the design's model was trained on, else mnist)");
  // Resolved once the design folder is known: a model trained on crop:24x24:mnist streams
  // those images unless told otherwise.
  cmd.parse_complete_callback([data, &dataset, &dir] {
    if (data->count() == 0)
      if (auto trained = hw::trained_dataset(dir)) dataset = *trained;
  });
  cmd.add_option("--split", split, "Split to stream")->capture_default_str();
  cmd.add_option("--images", images, images_help)->capture_default_str();
}

}  // namespace dorefa::cli
