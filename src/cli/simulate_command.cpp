// `dorefa simulate DIR --data mnist [--images N] [--seed S]`: cycle-accurate Verilator
// simulation of a compiled design on real images, checked bit for bit against the CPU.
#include <memory>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "hw/simulate.hpp"
#include "util/error.hpp"

namespace dorefa::cli {
namespace {

void run_simulate(const hw::SimOptions& o, bool require_exact) {
  hw::SimReport r = hw::simulate_design(o);
  fmt::print("design      {} (model '{}')\n", o.design_dir.string(), r.model_name);
  fmt::print("images      {} of {}/{} with random stalls (in {:.0f}%, out {:.0f}%, seed {}); {} outputs checked\n",
             r.images, o.dataset, o.split, 100 * o.stall_in, 100 * o.stall_out, o.seed, r.outputs_checked);
  fmt::print("mismatches  {} (class and all scores vs runtime::run_reference)\n", r.mismatches);
  for (const auto& m : r.first_mismatches)
    fmt::print("            phase {} image {}: hw class {}, reference {} ({})\n", m.phase, m.image, m.hw_class,
               m.ref_class, m.what);
  fmt::print("accuracy    {:.2f}% (reference {:.2f}%)\n", 100 * r.accuracy, 100 * r.reference_accuracy);
  fmt::print("latency     {} cycles = {:.2f} us at {:.0f} MHz (first pixel in -> class out, empty pipeline)\n",
             r.latency_cycles, r.latency_us(), r.clock_mhz);
  fmt::print("throughput  {:.1f} cycles/image = {:.2f} us, {:.0f} FPS at {:.0f} MHz (back-to-back, no stalls)\n",
             r.steady_cycles, r.steady_us(), r.fps(), r.clock_mhz);
  fmt::print("vs ideal    {} cycles/image from the folding: measured reaches {:.3f} of ideal\n", r.ideal_cycles,
             r.ideal_ratio());
  fmt::print("results     {}\n",
             (o.results_json.empty() ? o.design_dir / "sim" / "results.json" : o.results_json).string());
  if (require_exact && r.mismatches > 0)
    throw Error(o.design_dir.string(), fmt::format("{} outputs differ from the reference", r.mismatches),
                ErrorKind::kInternal);
}

const CommandRegistration kRegistration(61, [](CLI::App& root) {
  auto o = std::make_shared<hw::SimOptions>();
  auto exact = std::make_shared<bool>(true);
  auto dir = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto* cmd = root.add_subcommand("simulate", "Simulate a compiled design with Verilator on real images");
  cmd->add_option("dir", *dir, "Design folder from `dorefa compile`")->required()->check(CLI::ExistingDirectory);
  cmd->add_option("--data", o->dataset, "Dataset (mnist, fashion-mnist)")->capture_default_str();
  cmd->add_option("--split", o->split, "Split to stream")->capture_default_str();
  cmd->add_option("--images", o->images, "First N images (0 = all)")->capture_default_str();
  cmd->add_option("--seed", o->seed, "Seed of the random stalls")->capture_default_str();
  cmd->add_option("--stall-in", o->stall_in, "Probability input valid is withheld per cycle")->capture_default_str();
  cmd->add_option("--stall-out", o->stall_out, "Probability output ready is withheld per cycle")->capture_default_str();
  cmd->add_option("--steady-images", o->steady_images, "Back-to-back images for the throughput measurement")
      ->capture_default_str();
  cmd->add_option("--results", *out, "Results JSON (default DIR/sim/results.json)");
  cmd->add_flag("!--allow-mismatch", *exact, "Exit 0 even when outputs differ from the reference");
  cmd->callback([o, exact, dir, out] {
    o->design_dir = *dir;
    o->results_json = *out;
    run_simulate(*o, *exact);
  });
});

}  // namespace
}  // namespace dorefa::cli
