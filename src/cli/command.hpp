#pragma once
// Subcommand registry: each `*_command.cpp` registers itself with a static
// CommandRegistration, so adding a command is adding one file (no edits to main.cpp).
#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace dorefa::cli {

// Adds the subcommand (options and callback) to the root app.
using CommandInstaller = std::function<void(CLI::App& root)>;

struct CommandRegistration {
  // `order` sorts commands in --help by pipeline stage (data 10, train 20, ...).
  CommandRegistration(int order, CommandInstaller installer);
};

// Installs every registered command into `root`, in pipeline order.
void install_commands(CLI::App& root);

}  // namespace dorefa::cli
