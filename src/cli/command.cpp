#include "cli/command.hpp"

#include <algorithm>

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

}  // namespace dorefa::cli
