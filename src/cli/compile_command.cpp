// `dorefa compile MODEL --out DIR [--folding FILE | --fps N | --max-fps | --target-cycles N]
// [--lut-budget F ...]`: the Verilog accelerator for a model.
#include <cmath>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "hw/generator.hpp"
#include "util/error.hpp"
#include "qmodel/model_file.hpp"

namespace dorefa::cli {
namespace {

struct CompileArgs {
  std::string model;
  std::string out;
  std::string folding;
  std::int64_t target_cycles = 2000;
  std::optional<double> fps;
  bool max_fps = false;
  hw::FoldingGoal budget;  // the fractions only
  int fifo_depth = 32;
};

void run_compile(const CompileArgs& a) {
  qmodel::Model model = qmodel::load_model(a.model);
  hw::CompileOptions o;
  o.out_dir = a.out;
  o.folding_file = a.folding;
  o.model_file = a.model;
  o.goal = a.budget;
  o.goal.target_cycles = a.target_cycles;
  if (a.fps) {
    o.goal.search = hw::FoldingGoal::Search::kExact;
    // The cycles per image that give at least the asked rate at the clock.
    o.goal.target_cycles = std::int64_t(std::floor(o.device.clock_mhz * 1e6 / *a.fps));
    if (o.goal.target_cycles < 1)
      throw Error("--fps", fmt::format("{} images/s is more than one image per clock cycle at {:.0f} MHz", *a.fps,
                                       o.device.clock_mhz));
  } else if (a.max_fps) {
    o.goal.search = hw::FoldingGoal::Search::kFastest;
  }
  o.fifo_depth = a.fifo_depth;
  hw::DesignInfo d = hw::compile_design(model, o);
  fmt::print("compiled '{}' into {}\n", model.name, d.dir.string());
  fmt::print("{:<12} {:<8} {:>4} {:>5} {:>4} {:>9} {:>8} {:>7} {:>5}  {}\n", "layer", "kind", "PE", "SIMD", "ACC",
             "cycles", "~LUT", "~BRAM36", "~DSP", "why");
  for (const auto& c : d.estimate.layers) {
    const hw::LayerFolding* lf = d.folding.find(c.layer);
    fmt::print("{:<12} {:<8} {:>4} {:>5} {:>4} {:>9} {:>8.0f} {:>7.1f} {:>5.0f}  {}\n", c.layer, c.kind,
               c.pe ? std::to_string(c.pe) : "", c.simd ? std::to_string(c.simd) : "",
               c.acc_bits ? std::to_string(c.acc_bits) : "", c.cycles, c.resources.lut, c.resources.bram36,
               c.resources.dsp, c.pe && lf ? lf->why : "");
  }
  const auto cap = o.device.capacity;
  const auto& t = d.estimate.total;
  fmt::print("estimate    {:.0f} LUT ({:.1f}%), {:.0f} FF ({:.1f}%), {:.1f} BRAM36 ({:.1f}%), {:.0f} DSP ({:.1f}%) of {}\n",
             t.lut, 100 * t.lut / cap.lut, t.ff, 100 * t.ff / cap.ff, t.bram36, 100 * t.bram36 / cap.bram36, t.dsp,
             100 * t.dsp / cap.dsp, o.device.name);
  fmt::print("ideal       {} cycles/image (bottleneck {}): {:.1f} us, {:.0f} FPS at {:.0f} MHz\n", d.ideal_cycles,
             d.bottleneck, double(d.ideal_cycles) / o.device.clock_mhz, d.estimate.fps(o.device.clock_mhz),
             o.device.clock_mhz);
}

const CommandRegistration kRegistration(60, [](CLI::App& root) {
  auto a = std::make_shared<CompileArgs>();
  auto* cmd = root.add_subcommand("compile", "Generate the Verilog streaming accelerator for an integer model");
  cmd->add_option("model", a->model, "Integer model file (.dqm)")->required()->check(CLI::ExistingFile);
  cmd->add_option("--out", a->out, "Output design folder (top.sv, rtl/, mem/, design.json)")->required();
  cmd->add_option("--folding", a->folding, "PE/SIMD per layer: JSON {\"conv1\": {\"pe\": 8, \"simd\": 5}} or TOML")
      ->check(CLI::ExistingFile);
  auto* target = cmd->add_option("--target-cycles", a->target_cycles,
                                 "Default folding's goal in cycles per image (relaxed until the design fits)")
                      ->capture_default_str();
  auto* fps = cmd->add_option("--fps", a->fps,
                              "Reach this many images/s at the clock with the cheapest folding (an error if the "
                              "budget cannot)")
                  ->check(CLI::PositiveNumber);
  auto* max_fps = cmd->add_flag("--max-fps", a->max_fps, "The fastest folding that fits the budget");
  fps->excludes(max_fps)->excludes(target);
  max_fps->excludes(target);
  auto fraction = CLI::Range(0.0, 1.0);
  cmd->add_option("--lut-budget", a->budget.max_lut_fraction, "Fraction of the device's LUTs the folding may use")
      ->check(fraction)->capture_default_str();
  cmd->add_option("--ff-budget", a->budget.max_ff_fraction, "Fraction of its flip-flops")
      ->check(fraction)->capture_default_str();
  cmd->add_option("--bram-budget", a->budget.max_bram_fraction, "Fraction of its BRAM36")
      ->check(fraction)->capture_default_str();
  cmd->add_option("--dsp-budget", a->budget.max_dsp_fraction, "Fraction of its DSP48s")
      ->check(fraction)->capture_default_str();
  cmd->add_option("--fifo-depth", a->fifo_depth, "Depth of the FIFOs between engines")->capture_default_str();
  cmd->callback([a] { run_compile(*a); });
});

}  // namespace
}  // namespace dorefa::cli
