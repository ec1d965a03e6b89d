#pragma once
// The evaluation matrix (bench/eval/matrix.sh, docs/evaluation.md): one network as float,
// W8A8 (PTQ, QAT, pruned) and DoReFa low-bit (W2A2, W1A2, W1A2 pruned) on each dataset,
// side by side: accuracy, model size, CPU time, and on the fabric cycles, FPS, latency,
// resources and estimated power. Read from the JSON the script collects (format
// "dorefa-eval-matrix/1"), rendered as a Markdown table (the doc), an HTML section (the
// run report, `dorefa report RUN_DIR --matrix FILE`) and an accuracy-vs-FPS chart (SVG,
// log FPS axis) with the published XC7Z020 MNIST designs as labelled references.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace dorefa::report {

inline constexpr const char* kEvalMatrixFormat = "dorefa-eval-matrix/1";

// A variant's figures on the fabric (Verilator at 100 MHz, Yosys, power model).
struct EvalFabric {
  double cycles_per_image = 0, fps = 0, latency_us = 0;
  double lut = 0, ff = 0, bram36 = 0, dsp = 0;
  double power_w = 0, energy_per_image_uj = 0;
  bool power_activity_measured = false;  // toggle rate from `dorefa power`, else the XPE default
  long long sim_images = 0, mismatches = 0;
  bool fits = true;
};

struct EvalRow {
  std::string dataset, variant, label;  // e.g. "mnist", "w1a2-pruned", "W1A2 pruned"
  std::string family;                   // float | w8a8 | w2a2 | w1a2: the chart's colour
  bool pruned = false;
  double test_acc_pct = 0;              // on `test_images` test images
  long long test_images = 0;
  double macs = 0;
  double model_bytes = 0;
  std::optional<double> cpu_us_per_image;  // x86 integer runtime; none for float
  std::optional<EvalFabric> fabric;        // none for float
};

// A variant the script did not measure (not run yet, or failed), with the reason.
struct EvalPending {
  std::string dataset, variant, reason;
};

struct EvalMatrix {
  std::string source;                  // the file it came from
  std::vector<std::string> datasets;   // in the order of the table
  std::vector<EvalRow> rows;
  std::vector<EvalPending> pending;
  std::string settings;                // how the figures were produced (epochs, images, command)
  std::string cpu_note;                // what the CPU column measures
  std::string arm_note;                // the Cortex-A9 column's status
};

// A published XC7Z020 MNIST design plotted beside ours; accuracy absent when not published.
struct ReferencePoint {
  std::string label;
  std::optional<double> accuracy_pct;
  double fps = 0;
  std::string source;
};
const std::vector<ReferencePoint>& published_references();

// Throws dorefa::Error (bad input) naming `source` and the field (rows[3].fabric.fps) on a
// missing or mistyped field.
EvalMatrix parse_eval_matrix(const nlohmann::json& j, const std::string& source);
EvalMatrix load_eval_matrix(const std::filesystem::path& path);

std::string eval_matrix_markdown(const EvalMatrix& m);  // the table, notes below it
std::string eval_matrix_svg(const EvalMatrix& m);       // standalone accuracy-vs-FPS chart
std::string eval_matrix_html(const EvalMatrix& m);      // report section: chart + table

}  // namespace dorefa::report
