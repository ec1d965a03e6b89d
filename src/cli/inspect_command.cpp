// `dorefa inspect MODEL [--weights]`: load (with every check) and print an integer model as JSON.
#include <memory>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "qmodel/json_dump.hpp"
#include "qmodel/model_file.hpp"

namespace dorefa::cli {
namespace {

struct InspectArgs {
  std::string model;
  bool weights = false;
};

const CommandRegistration kRegistration(50, [](CLI::App& root) {
  auto a = std::make_shared<InspectArgs>();
  auto* cmd = root.add_subcommand("inspect", "Check an integer model file (.dqm) and print it as JSON");
  cmd->add_option("model", a->model, "Integer model file (.dqm)")->required();
  cmd->add_flag("--weights", a->weights, "Include every weight, threshold and multiplier");
  cmd->callback([a] { fmt::print("{}\n", qmodel::dump_json(qmodel::load_model(a->model), a->weights)); });
});

}  // namespace
}  // namespace dorefa::cli
