// `dorefa synth DIR`: Yosys synth_xilinx of a compiled design, resources vs the XC7Z020.
#include <memory>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "hw/generator.hpp"
#include "hw/system_generator.hpp"
#include "hw/yosys.hpp"
#include "util/atomic_file.hpp"

namespace dorefa::cli {
namespace {

void run_synth(const std::string& dir, const std::string& out, bool sta, bool system) {
  hw::DesignInfo d = hw::load_design(dir);
  hw::SynthOptions o;
  o.top = d.top;
  for (const auto& s : d.sources) o.sources.push_back(std::filesystem::path(dir) / s);
  o.work_dir = std::filesystem::path(dir) / "synth";
  if (system) {  // the board top: system shell + core (system_top.v)
    const hw::SystemDesign sd = hw::load_system_design(dir);
    o.top = sd.top;
    o.sources.clear();
    for (const auto& s : sd.sources) o.sources.push_back(std::filesystem::path(dir) / s);
    o.work_dir = std::filesystem::path(dir) / "synth_system";
  }
  o.include_dirs = {std::filesystem::path(dir)};  // $readmemh paths are relative to DIR
  o.run_sta = sta;
  hw::SynthReport r = hw::synthesize(o);
  const std::filesystem::path json = out.empty() ? o.work_dir / "results.json" : std::filesystem::path(out);
  util::write_file_atomic(json, hw::synth_report_json(r));
  const auto& s = r.stats;
  const auto& c = r.device.capacity;
  fmt::print("design    {} (model '{}'), Yosys 0.23 synth_xilinx -family xc7, {:.0f} s\n", dir, d.model_name,
             r.seconds);
  fmt::print("LUT       {:>7} of {:>6.0f} ({:5.1f}%)  [logic {}, LUTRAM/SRL {}]\n", s.luts(), c.lut,
             100.0 * double(s.luts()) / c.lut, s.lut_logic, s.lutram_luts);
  fmt::print("FF        {:>7} of {:>6.0f} ({:5.1f}%)\n", s.ff, c.ff, 100.0 * double(s.ff) / c.ff);
  fmt::print("BRAM36    {:>7.1f} of {:>6.0f} ({:5.1f}%)  [{} RAMB36E1 + {} RAMB18E1]\n", s.bram36_equivalent(),
             c.bram36, 100.0 * s.bram36_equivalent() / c.bram36, s.bram36, s.bram18);
  fmt::print("DSP48E1   {:>7} of {:>6.0f} ({:5.1f}%)\n", s.dsp, c.dsp, 100.0 * double(s.dsp) / c.dsp);
  fmt::print("fits      {}\n", r.fits ? "yes" : "NO");
  if (r.critical_path_ns)
    fmt::print("timing    {:.2f} ns critical path (~{:.0f} MHz), Yosys sta: logic delay only, no placement or "
               "routing; Vivado will differ\n",
               *r.critical_path_ns, 1000.0 / *r.critical_path_ns);
  else
    fmt::print("timing    no estimate: {}\n", r.sta_note);
  fmt::print("results   {}\n", json.string());
}

const CommandRegistration kRegistration(62, [](CLI::App& root) {
  auto dir = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto sta = std::make_shared<bool>(true);
  auto* cmd = root.add_subcommand("synth", "Synthesize a compiled design with Yosys for the XC7Z020");
  cmd->add_option("dir", *dir, "Design folder from `dorefa compile`")->required()->check(CLI::ExistingDirectory);
  cmd->add_option("--results", *out, "Results JSON (default DIR/synth/results.json)");
  cmd->add_flag("!--no-sta", *sta, "Skip Yosys sta");
  auto system = std::make_shared<bool>(false);
  cmd->add_flag("--system", *system, "Synthesize the board top (system shell + core); results in DIR/synth_system/");
  cmd->callback([dir, out, sta, system] { run_synth(*dir, *out, *sta, *system); });
});

}  // namespace
}  // namespace dorefa::cli
