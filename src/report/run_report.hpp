#pragma once
// `dorefa report RUN_DIR`: regenerates a run's report.html/report.md from its summary.json,
// recomputing the power section (with DESIGN/power/activity.json when `dorefa power` has
// measured the design's activity) and, given a meter log, adding the measured board power
// (RUN_DIR/power/measured.json, which later `dorefa run`s keep showing), and, given the
// overlay folder of a board build, Vivado's utilization, timing and power beside the Yosys
// estimates (RUN_DIR/vivado/reports.json, which later `dorefa report`s keep showing), and,
// given an evaluation matrix, its table and chart (RUN_DIR/eval/, likewise kept).
#include <filesystem>
#include <optional>

#include <nlohmann/json.hpp>

#include "report/eval_matrix.hpp"
#include "report/measured_power.hpp"
#include "report/vivado_reports.hpp"

namespace dorefa::report {

struct RunReportOptions {
  std::filesystem::path run_dir;
  std::filesystem::path power_log;  // USB meter CSV; empty: no new measurement
  std::filesystem::path board_log;  // board run log; empty: RUN_DIR/board/run.json
  // overlay/ of a board build (its .rpt files); empty: none new. `= {}` keeps the
  // {run, log, board} initializations written before it free of -Wmissing-field-initializers.
  std::filesystem::path vivado_dir = {};
  // The evaluation matrix JSON (bench/eval/matrix.sh); empty: none new. Kept as
  // RUN_DIR/eval/matrix.json, with its table (matrix.md) and chart (matrix.svg) beside it.
  std::filesystem::path matrix_file = {};
};

struct RunReport {
  std::filesystem::path summary_json, report_html, report_md;
  nlohmann::json summary;
  std::optional<MeasuredPower> measured;  // when a meter log was given
  std::optional<VivadoReports> vivado;    // when a Vivado report folder was given
  std::optional<EvalMatrix> matrix;       // when an evaluation matrix was given
};

// Everything is read and checked before anything is written: a bad or misaligned log
// throws dorefa::Error (bad input) and leaves the existing report as it was.
RunReport regenerate_report(const RunReportOptions& options);

// The files the power section reads, relative to a run folder.
std::filesystem::path activity_file(const std::filesystem::path& run_dir);  // design/power/activity.json
std::filesystem::path measured_file(const std::filesystem::path& run_dir);  // power/measured.json
std::filesystem::path vivado_file(const std::filesystem::path& run_dir);    // vivado/reports.json
std::filesystem::path matrix_file(const std::filesystem::path& run_dir);    // eval/matrix.json

}  // namespace dorefa::report
