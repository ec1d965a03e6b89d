#pragma once
// The run report: one self-contained HTML page (inline CSS and SVG, no scripts, no
// network) and a Markdown twin, rendered from the run summary JSON that `dorefa run`
// assembles from its stages. Sections whose stage did not run are left out.
//
// Summary fields read (all optional): title, dataset, model{name, macs, config_toml},
// training{epochs, best_val_acc, test_acc, mean_epoch_seconds}, lowering{LowerReport},
// design{design.json}, simulation{sim results}, synthesis{synth results}, power{...},
// vivado{VivadoReports::to_json: the board build's utilization, timing, power}.
#include <string>

#include <nlohmann/json.hpp>

namespace dorefa::report {

std::string render_html(const nlohmann::json& summary);
// Text for HTML and SVG: <, >, & and " as entities (the report and its charts).
std::string html_escape(const std::string& text);
std::string render_markdown(const nlohmann::json& summary);

}  // namespace dorefa::report
