// `dorefa run`: the one-command flow on the built-in default (MNIST). Each stage of the
// pipeline that exists runs in order; this grows with the toolchain.
#include <fmt/format.h>

#include "cli/command.hpp"
#include "data/registry.hpp"

namespace dorefa::cli {
namespace {

struct RunOptions {
  std::string dataset = "mnist";
};

void run(const RunOptions& opt) {
  fmt::print("== dorefa run: dataset {}\n", opt.dataset);
  for (const char* split : {"train", "test"}) {
    data::Dataset ds = data::load_dataset(opt.dataset, split);
    auto hist = ds.class_histogram();
    std::string line;
    for (std::size_t c = 0; c < hist.size(); ++c) line += fmt::format(" {}:{}", c, hist[c]);
    fmt::print("{:<5} {} images {}x{} uint8, classes{}\n", split, ds.size(), ds.rows, ds.cols, line);
  }
}

const CommandRegistration kRegistration(0, [](CLI::App& root) {
  auto opt = std::make_shared<RunOptions>();
  auto* cmd = root.add_subcommand("run", "Run the whole pipeline on the built-in default (MNIST)");
  cmd->add_option("--data", opt->dataset, "Dataset name")->capture_default_str();
  cmd->callback([opt] { run(*opt); });
});

}  // namespace
}  // namespace dorefa::cli
