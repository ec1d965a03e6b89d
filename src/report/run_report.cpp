#include "report/run_report.hpp"

#include <fmt/format.h>

#include "report/html_report.hpp"
#include "report/power_summary.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"

namespace dorefa::report {
namespace fs = std::filesystem;
using nlohmann::json;

fs::path activity_file(const fs::path& run_dir) { return run_dir / "design" / "power" / "activity.json"; }
fs::path measured_file(const fs::path& run_dir) { return run_dir / "power" / "measured.json"; }
fs::path vivado_file(const fs::path& run_dir) { return run_dir / "vivado" / "reports.json"; }
fs::path matrix_file(const fs::path& run_dir) { return run_dir / "eval" / "matrix.json"; }

namespace {
json read_json_file(const fs::path& path) {
  json j = json::parse(util::read_file_text(path), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) throw Error(path.string(), "expected a JSON object, found something else");
  return j;
}
}  // namespace

RunReport regenerate_report(const RunReportOptions& o) {
  RunReport r;
  r.summary_json = o.run_dir / "summary.json";
  r.report_html = o.run_dir / "report.html";
  r.report_md = o.run_dir / "report.md";
  if (!fs::is_regular_file(r.summary_json))
    throw Error(r.summary_json.string(), "run summary not found (`dorefa run` writes it)");
  r.summary = read_json_file(r.summary_json);
  const json activity = fs::exists(activity_file(o.run_dir)) ? read_json_file(activity_file(o.run_dir)) : json();
  json power = power_section(r.summary, activity);
  if (!power.empty()) r.summary["power"] = power;
  if (!o.power_log.empty()) {
    const fs::path board = o.board_log.empty() ? o.run_dir / "board" / "run.json" : o.board_log;
    r.measured = measure_power(load_meter_log(o.power_log), load_board_run_log(board));
    r.summary["measured_power"] = r.measured->to_json();
  } else if (fs::exists(measured_file(o.run_dir))) {
    r.summary["measured_power"] = read_json_file(measured_file(o.run_dir));
  }
  if (!o.vivado_dir.empty()) {
    r.vivado = load_vivado_reports(o.vivado_dir);
    r.summary["vivado"] = r.vivado->to_json();
  } else if (fs::exists(vivado_file(o.run_dir))) {
    r.summary["vivado"] = read_json_file(vivado_file(o.run_dir));
  }
  const fs::path kept_matrix = matrix_file(o.run_dir);
  if (!o.matrix_file.empty() || fs::exists(kept_matrix)) {
    const fs::path from = o.matrix_file.empty() ? kept_matrix : o.matrix_file;
    r.matrix = load_eval_matrix(from);
    r.summary["eval_matrix"] = read_json_file(from);
    r.summary["eval_matrix"]["source"] = from.string();
  }
  // Rendered in full before the first write.
  const std::string html = render_html(r.summary), md = render_markdown(r.summary);
  if (!o.matrix_file.empty()) {
    util::write_file_atomic(kept_matrix, util::read_file_text(o.matrix_file));
    util::write_file_atomic(kept_matrix.parent_path() / "matrix.md", eval_matrix_markdown(*r.matrix));
    util::write_file_atomic(kept_matrix.parent_path() / "matrix.svg", eval_matrix_svg(*r.matrix));
  }
  if (r.measured) util::write_file_atomic(measured_file(o.run_dir), r.summary["measured_power"].dump(2) + "\n");
  if (r.vivado) util::write_file_atomic(vivado_file(o.run_dir), r.summary["vivado"].dump(2) + "\n");
  util::write_file_atomic(r.summary_json, r.summary.dump(2) + "\n");
  util::write_file_atomic(r.report_html, html);
  util::write_file_atomic(r.report_md, md);
  return r;
}

}  // namespace dorefa::report
