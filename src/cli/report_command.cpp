// `dorefa report RUN_DIR [--power-log F] [--board-log B] [--vivado DIR] [--matrix FILE]`: regenerates a run's
// report, with the measured board power when a USB meter log is given (docs/power-model.md),
// Vivado's figures when a board build's overlay folder is given (docs/board/vivado.md), and
// the evaluation matrix's table and chart (docs/evaluation.md).
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
  if (r.vivado) {
    const auto& v = *r.vivado;
    fmt::print("Vivado (board build) {:.0f} LUT ({:.1f}%), {:.0f} FF, {:.1f} BRAM tiles, {:.0f} DSP; WNS {:.3f} ns, "
               "WHS {:.3f} ns ({}); {:.3f} W on chip\n",
               v.utilization.lut.used, v.utilization.lut.percent(), v.utilization.ff.used, v.utilization.bram_tile.used,
               v.utilization.dsp.used, v.timing.wns_ns, v.timing.whs_ns, v.timing.met() ? "met" : "NOT MET",
               v.power.total_w);
  }
  if (r.matrix)
    fmt::print("evaluation matrix    {} variants measured, {} not ({})\n", r.matrix->rows.size(), r.matrix->pending.size(),
               report::matrix_file(r.report_html.parent_path()).parent_path().string());
  fmt::print("report: {}\n", r.report_html.string());
}

const CommandRegistration kRegistration(90, [](CLI::App& root) {
  auto o = std::make_shared<report::RunReportOptions>();
  auto dir = std::make_shared<std::string>();
  auto log = std::make_shared<std::string>();
  auto board = std::make_shared<std::string>();
  auto vivado = std::make_shared<std::string>();
  auto matrix = std::make_shared<std::string>();
  auto* cmd = root.add_subcommand("report", "Regenerate a run's report, with measured board power from a meter log and a board build's Vivado reports");
  cmd->add_option("run_dir", *dir, "Run folder of `dorefa run` (holds summary.json)")->required()->check(CLI::ExistingDirectory);
  cmd->add_option("--power-log", *log, "USB power meter CSV (time + W, or time + V + A)");
  cmd->add_option("--board-log", *board, "Board run log (default RUN_DIR/board/run.json)");
  cmd->add_option("--vivado", *vivado,
                  "Overlay folder of a board build (utilization.rpt, timing_summary.rpt, power.rpt from "
                  "board/vivado/build_bitstream.tcl)");
  cmd->add_option("--matrix", *matrix, "Evaluation matrix JSON (bench/eval/matrix.sh): table and accuracy-vs-FPS chart");
  cmd->callback([o, dir, log, board, vivado, matrix] {
    o->run_dir = *dir;
    o->power_log = *log;
    o->board_log = *board;
    o->vivado_dir = *vivado;
    o->matrix_file = *matrix;
    run_report(*o);
  });
});

}  // namespace
}  // namespace dorefa::cli
