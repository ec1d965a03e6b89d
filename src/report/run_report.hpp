#pragma once
// `dorefa report RUN_DIR`: regenerates a run's report.html/report.md from its summary.json,
// recomputing the power section (with DESIGN/power/activity.json when `dorefa power` has
// measured the design's activity) and, given a meter log, adding the measured board power
// (RUN_DIR/power/measured.json, which later `dorefa run`s keep showing).
#include <filesystem>
#include <optional>

#include <nlohmann/json.hpp>

#include "report/measured_power.hpp"

namespace dorefa::report {

struct RunReportOptions {
  std::filesystem::path run_dir;
  std::filesystem::path power_log;  // USB meter CSV; empty: no new measurement
  std::filesystem::path board_log;  // board run log; empty: RUN_DIR/board/run.json
};

struct RunReport {
  std::filesystem::path summary_json, report_html, report_md;
  nlohmann::json summary;
  std::optional<MeasuredPower> measured;  // when a meter log was given
};

// Everything is read and checked before anything is written: a bad or misaligned log
// throws dorefa::Error (bad input) and leaves the existing report as it was.
RunReport regenerate_report(const RunReportOptions& options);

// The files the power section reads, relative to a run folder.
std::filesystem::path activity_file(const std::filesystem::path& run_dir);  // design/power/activity.json
std::filesystem::path measured_file(const std::filesystem::path& run_dir);  // power/measured.json

}  // namespace dorefa::report
