// `dorefa report RUN_DIR [--power-log F] [--board-log B]`: regenerates a run's report,
// with the measured board power when a USB meter log is given (docs/power-model.md).
#include <memory>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "report/run_report.hpp"

namespace dorefa::cli {
namespace {

void run_report(const report::RunReportOptions& o) {
  report::RunReport r = report::regenerate_report(o);
  const auto& p = r.summary.contains("power") ? r.summary["power"] : nlohmann::json::object();
  if (!p.empty())
    fmt::print("PL power (estimate)  {:.3f} W, toggle rate {:.1f}% ({})\n", p.value("total_w", 0.0),
               100 * p.value("toggle_rate", 0.0), p.value("toggle_source", std::string()));
  if (r.measured)
    fmt::print("board (measured)     idle {:.3f} W, busy {:.3f} W, inference {:.3f} W, {:.2f} µJ/image above idle "
               "({} images, {:.1f} s)\n",
               r.measured->idle_w, r.measured->busy_w, r.measured->inference_w(),
               r.measured->inference_energy_per_image_uj(), r.measured->images, r.measured->busy_seconds);
  fmt::print("report: {}\n", r.report_html.string());
}

const CommandRegistration kRegistration(90, [](CLI::App& root) {
  auto o = std::make_shared<report::RunReportOptions>();
  auto dir = std::make_shared<std::string>();
  auto log = std::make_shared<std::string>();
  auto board = std::make_shared<std::string>();
  auto* cmd = root.add_subcommand("report", "Regenerate a run's report, with measured board power from a meter log");
  cmd->add_option("run_dir", *dir, "Run folder of `dorefa run` (holds summary.json)")->required()->check(CLI::ExistingDirectory);
  cmd->add_option("--power-log", *log, "USB power meter CSV (time + W, or time + V + A)");
  cmd->add_option("--board-log", *board, "Board run log (default RUN_DIR/board/run.json)");
  cmd->callback([o, dir, log, board] {
    o->run_dir = *dir;
    o->power_log = *log;
    o->board_log = *board;
    run_report(*o);
  });
});

}  // namespace
}  // namespace dorefa::cli
