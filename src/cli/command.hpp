#pragma once
// Subcommand registry: each `*_command.cpp` registers itself with a static
// CommandRegistration, so adding a command is adding one file (no edits to main.cpp).
#include <cstddef>
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

// The arguments of the commands that stream real images through a compiled design
// (simulate, power): the design folder, --data, --split and --images (`images_help`).
void add_design_image_options(CLI::App& cmd, std::string& dir, std::string& dataset, std::string& split,
                              std::size_t& images, const std::string& images_help);

}  // namespace dorefa::cli
