// `dorefa power DIR --images N`: measures the design's switching activity in a Verilator
// toggle-coverage simulation of real images (DIR/power/activity.json) and prints the PL
// power estimate it gives beside the fixed-toggle-rate one.
#include <filesystem>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "hw/activity.hpp"
#include "report/power_summary.hpp"
#include "util/atomic_file.hpp"

namespace dorefa::cli {
namespace {
namespace fs = std::filesystem;

void run_power(const hw::ActivityOptions& o) {
  hw::Activity a = hw::measure_activity(o);
  fmt::print("activity  {:.2f}% toggles per bit per cycle over {} cycles, {} {} images\n", 100 * a.toggle_rate,
             a.cycles, a.images, a.dataset);
  for (const auto& m : a.modules)
    fmt::print("  {:<22} {:>6.2f}%  ({:.0f} instances x {} bits)\n", m.name, 100 * m.toggle_rate, m.instances, m.bits);
  // With synthesis results the estimate itself (throughput from the simulation, if any).
  nlohmann::json summary;
  const fs::path synth = o.design_dir / "synth" / "results.json", sim = o.design_dir / "sim" / "results.json";
  if (fs::exists(synth)) summary["synthesis"] = nlohmann::json::parse(util::read_file_text(synth));
  if (fs::exists(sim)) summary["simulation"] = nlohmann::json::parse(util::read_file_text(sim));
  nlohmann::json activity = a.to_json();
  const nlohmann::json p = report::power_section(summary, activity);
  const fs::path activity_file = o.out_json.empty() ? o.design_dir / "power" / "activity.json" : o.out_json;
  if (!p.empty()) {
    fmt::print("PL power  {:.3f} W estimated with the measured activity ({:.3f} W at the fixed 12.5 %), an estimate\n",
               p.value("total_w", 0.0), p.value("fixed_toggle_total_w", 0.0));
    // Beside the activity, for scripts (bench/hw/records.sh) that chart designs outside a run.
    util::write_file_atomic(activity_file.parent_path() / "estimate.json", p.dump(1) + "\n");
    fmt::print("estimate  {}\n", (activity_file.parent_path() / "estimate.json").string());
  } else
    fmt::print("PL power  run `dorefa synth {}` for the resources the estimate needs\n", o.design_dir.string());
  fmt::print("results   {}\n", activity_file.string());
}

const CommandRegistration kRegistration(64, [](CLI::App& root) {
  auto o = std::make_shared<hw::ActivityOptions>();
  auto dir = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto* cmd = root.add_subcommand("power", "Measure a design's switching activity in simulation for the power estimate");
  add_design_image_options(*cmd, *dir, o->dataset, o->split, o->images, "First N images");
  cmd->add_option("--out", *out, "Activity JSON (default DIR/power/activity.json)");
  cmd->callback([o, dir, out] {
    o->design_dir = *dir;
    o->out_json = *out;
    run_power(*o);
  });
});

}  // namespace
}  // namespace dorefa::cli
