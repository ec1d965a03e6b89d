// `dorefa compile MODEL --out DIR [--folding FILE]`: the Verilog accelerator for a model.
#include <memory>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "hw/generator.hpp"
#include "qmodel/model_file.hpp"

namespace dorefa::cli {
namespace {

struct CompileArgs {
  std::string model;
  std::string out;
  std::string folding;
  std::int64_t target_cycles = 2000;
  int fifo_depth = 32;
};

void run_compile(const CompileArgs& a) {
  qmodel::Model model = qmodel::load_model(a.model);
  hw::CompileOptions o;
  o.out_dir = a.out;
  o.folding_file = a.folding;
  o.model_file = a.model;
  o.goal.target_cycles = a.target_cycles;
  o.fifo_depth = a.fifo_depth;
  hw::DesignInfo d = hw::compile_design(model, o);
  fmt::print("compiled '{}' into {}\n", model.name, d.dir.string());
  fmt::print("{:<12} {:<8} {:>4} {:>5} {:>4} {:>9} {:>8} {:>7} {:>5}\n", "layer", "kind", "PE", "SIMD", "ACC",
             "cycles", "~LUT", "~BRAM36", "~DSP");
  for (const auto& c : d.estimate.layers)
    fmt::print("{:<12} {:<8} {:>4} {:>5} {:>4} {:>9} {:>8.0f} {:>7.1f} {:>5.0f}\n", c.layer, c.kind,
               c.pe ? std::to_string(c.pe) : "", c.simd ? std::to_string(c.simd) : "",
               c.acc_bits ? std::to_string(c.acc_bits) : "", c.cycles, c.resources.lut, c.resources.bram36,
               c.resources.dsp);
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
  cmd->add_option("--target-cycles", a->target_cycles, "Default folding's goal in cycles per image")
      ->capture_default_str();
  cmd->add_option("--fifo-depth", a->fifo_depth, "Depth of the FIFOs between engines")->capture_default_str();
  cmd->callback([a] { run_compile(*a); });
});

}  // namespace
}  // namespace dorefa::cli
