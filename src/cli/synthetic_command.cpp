// `dorefa synthetic KIND --out FILE.dqm [--seed N] [--data D]`: a valid random integer model (weights
// random in their encoding, thresholds fitted on real images) to exercise the runtime and
// the hardware before a trained model exists.
#include <memory>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "qmodel/model_file.hpp"
#include "qmodel/synthetic.hpp"
#include "util/error.hpp"

namespace dorefa::cli {
namespace {

struct SyntheticArgs {
  std::string kind = "lenet-w1a2";
  std::string out;
  std::uint64_t seed = 1;
  std::string data = "mnist";
};

const CommandRegistration kRegistration(52, [](CLI::App& root) {
  auto a = std::make_shared<SyntheticArgs>();
  auto* cmd = root.add_subcommand("synthetic", "Write a random but valid integer model (.dqm) of a known topology");
  cmd->add_option("kind", a->kind,
                  "lenet-w1a2, lenet-w8a8 (8-bit weights and activations, requant stages), lenet-mixed "
                  "(conv1 W8A8, the rest W1A2), mlp-w2a2 (lenet: configs/lenet.toml shapes) or cnv-w1a2 "
                  "(configs/cnv-rgb.toml shapes; needs a 32x32 input such as cifar10:DIR)")
      ->check(CLI::IsMember({"lenet-w1a2", "lenet-w8a8", "lenet-mixed", "mlp-w2a2", "cnv-w1a2"}))
      ->capture_default_str();
  cmd->add_option("--out", a->out, "Output model file (.dqm)")->required();
  cmd->add_option("--seed", a->seed, "Random seed")->capture_default_str();
  cmd->add_option("--data", a->data,
                  "Dataset the model takes (its input shape) and fits thresholds on: mnist, fashion-mnist, "
                  "cifar10:DIR, folder:DIR, idx:PREFIX (32x32x3 CIFAR-10 gives an RGB model)")
      ->capture_default_str();
  cmd->callback([a] {
    qmodel::SyntheticSpec s = a->kind == "lenet-w1a2"   ? qmodel::lenet_w1a2_spec()
                              : a->kind == "lenet-w8a8" ? qmodel::lenet_w8a8_spec()
                              : a->kind == "lenet-mixed" ? qmodel::lenet_mixed_spec()
                              : a->kind == "cnv-w1a2"    ? qmodel::cnv_w1a2_spec()
                                                        : qmodel::mlp_w2a2_spec();
    s.dataset = a->data;
    qmodel::Model m = qmodel::make_synthetic_model(s, a->seed);
    qmodel::save_model(m, a->out);
    fmt::print("wrote {} ({} layers, sha256 {})\n", a->out, m.layers.size(), qmodel::model_digest(m));
  });
});

}  // namespace
}  // namespace dorefa::cli
