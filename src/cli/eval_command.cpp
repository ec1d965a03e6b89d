// `dorefa eval CHECKPOINT`: top-1 test accuracy of a trained checkpoint.
#include <fmt/format.h>

#include "cli/command.hpp"
#include "train/trainer.hpp"

namespace dorefa::cli {
namespace {

struct EvalArgs {
  std::string checkpoint;
  std::string dataset;
  std::size_t limit = 0;
};

// Registration in the shape of every *_command.cpp (command.hpp): CLI11 option calls.
const CommandRegistration kRegistration(21, [](CLI::App& root) {
  auto a = std::make_shared<EvalArgs>();
  auto* cmd = root.add_subcommand("eval", "Top-1 test accuracy of a training checkpoint (.pt)");
  cmd->add_option("checkpoint", a->checkpoint, "Checkpoint file (e.g. runs/lenet-w1a2g32/best.pt)")->required();
  cmd->add_option("--data", a->dataset, "Dataset (default: the one it was trained on)");
  cmd->add_option("--limit", a->limit, "Evaluate only the first N test images");
  cmd->callback([a] {
    train::EvalResult r = train::evaluate_checkpoint(a->checkpoint, a->dataset, a->limit);
    fmt::print("{} on {} test: {}/{} correct, accuracy {:.2f}% ({:.1f} s)\n", a->checkpoint, r.dataset, r.correct,
               r.total, r.accuracy, r.seconds);
  });
});

}  // namespace
}  // namespace dorefa::cli
