#include "report/html_report.hpp"

#include <algorithm>
#include <cmath>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "report/eval_matrix.hpp"

namespace dorefa::report {

std::string html_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

namespace {

using nlohmann::json;

double num(const json& j, const char* key, double fallback = 0) {
  return j.contains(key) && j[key].is_number() ? j[key].get<double>() : fallback;
}
std::string str(const json& j, const char* key, const std::string& fallback = "") {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : fallback;
}
const json& section(const json& j, const char* key) {
  static const json kEmpty = json::object();
  return j.contains(key) && j[key].is_object() ? j[key] : kEmpty;
}

// A headline figure: big number, unit, caption.
std::string tile(const std::string& value, const std::string& unit, const std::string& caption) {
  return fmt::format(R"(<div class="tile"><div class="v">{}<span class="u">{}</span></div><div class="c">{}</div></div>)",
                     html_escape(value), html_escape(unit), html_escape(caption));
}

// Horizontal bars: label, value, maximum (a full bar), value text; red past `warn` of max.
struct Bar {
  std::string label;
  double value = 0, max = 1;
  std::string text;
};
std::string bar_chart(const std::vector<Bar>& bars, double warn_fraction = 2.0) {
  const int row = 26, label_w = 110, bar_w = 380, text_w = 210;
  std::string svg = fmt::format(R"(<svg class="chart" viewBox="0 0 {} {}" role="img">)", label_w + bar_w + text_w,
                                row * int(bars.size()) + 4);
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const Bar& b = bars[i];
    double frac = b.max > 0 ? std::clamp(b.value / b.max, 0.0, 1.0) : 0.0;
    int y = int(i) * row + 2;
    const char* color = frac > warn_fraction ? "#d9534f" : "#2f7ed8";
    svg += fmt::format(R"(<text x="{}" y="{}" text-anchor="end" class="l">{}</text>)", label_w - 8, y + 16,
                       html_escape(b.label));
    svg += fmt::format(R"(<rect x="{}" y="{}" width="{}" height="18" rx="3" fill="#e8edf3"/>)", label_w, y, bar_w);
    svg += fmt::format(R"(<rect x="{}" y="{}" width="{:.1f}" height="18" rx="3" fill="{}"/>)", label_w, y,
                       frac * bar_w, color);
    svg += fmt::format(R"(<text x="{}" y="{}" class="t">{}</text>)", label_w + bar_w + 8, y + 14, html_escape(b.text));
  }
  return svg + "</svg>";
}

std::string table(const std::vector<std::string>& head, const std::vector<std::vector<std::string>>& rows) {
  std::string out = "<table><tr>";
  for (const auto& h : head) out += "<th>" + html_escape(h) + "</th>";
  out += "</tr>";
  for (const auto& r : rows) {
    out += "<tr>";
    for (const auto& c : r) out += "<td>" + html_escape(c) + "</td>";
    out += "</tr>";
  }
  return out + "</table>";
}

std::string pct(double v) { return fmt::format("{:.2f}%", v); }

// The verification gates that failed (summary "gates": {stage: {passed, message}}), by stage.
std::vector<std::pair<std::string, std::string>> failed_gates(const json& s) {
  std::vector<std::pair<std::string, std::string>> failed;
  const json& gates = section(s, "gates");
  for (auto it = gates.begin(); it != gates.end(); ++it)
    if (it->is_object() && !(it->contains("passed") && (*it)["passed"].is_boolean() && (*it)["passed"].get<bool>()))
      failed.emplace_back(it.key(), str(*it, "message"));  // a gate not clearly passed counts as failed
  return failed;
}

bool gate_failed(const json& s, const std::string& stage) {
  for (const auto& [name, message] : failed_gates(s))
    if (name == stage) return true;
  return false;
}

// Power: the PL estimate (toggle rate measured or default, said which), the published
// whole-board figure, and the board measurement when there is one (docs/power-model.md).
std::string power_html(const json& power, const json& measured) {
  std::string out = "<h2>Power</h2>";
  if (!power.empty()) {
    out += "<h3>Estimate: programmable logic only</h3>" +
           table({"static", "dynamic", "total (PL)", "energy / image", "toggle rate", "same at fixed 12.5 %"},
                 {{fmt::format("{:.3f} W", num(power, "static_w")), fmt::format("{:.3f} W", num(power, "dynamic_w")),
                   fmt::format("{:.3f} W", num(power, "total_w")),
                   fmt::format("{:.2f} µJ", num(power, "energy_per_image_uj")),
                   fmt::format("{:.1f}%", 100 * num(power, "toggle_rate", 0.125)),
                   fmt::format("{:.3f} W", num(power, "fixed_toggle_total_w", num(power, "total_w")))}}) +
           "<p>" + html_escape("Estimate, not a measurement: a first-order model (docs/power-model.md); toggle rate " +
                          str(power, "toggle_source", "not measured (XPE default)") + ".") + "</p>";
    const json& board = section(power, "board_reference");
    if (!board.empty())
      out += "<p>" + html_escape(fmt::format("Board-level view (estimate, published figure for another network): "
                                        "{:.2f}-{:.2f} W for the whole PYNQ-Z2; {}.",
                                        num(board, "low_w"), num(board, "high_w"), str(board, "source"))) + "</p>";
  }
  if (!measured.empty()) {
    out += "<h3>Measured: whole board at its 5 V input</h3>" +
           table({"idle", "busy", "inference (busy - idle)", "energy / image (above idle)", "energy / image (board)",
                  "images"},
                 {{fmt::format("{:.3f} W", num(measured, "idle_w")), fmt::format("{:.3f} W", num(measured, "busy_w")),
                   fmt::format("{:.3f} W", num(measured, "inference_w")),
                   fmt::format("{:.2f} µJ", num(measured, "inference_energy_per_image_uj")),
                   fmt::format("{:.2f} µJ", num(measured, "board_energy_per_image_uj")),
                   fmt::format("{:.0f}", num(measured, "images"))}}) +
           "<p>" + html_escape(fmt::format("USB power meter log {} ({}), aligned with board run log {}: {} idle and {} busy "
                                      "samples over {:.1f} s busy.",
                                      str(measured, "meter_log"), str(measured, "meter_format"),
                                      str(measured, "board_run_log"), num(measured, "idle_samples"),
                                      num(measured, "busy_samples"), num(measured, "busy_seconds"))) + "</p>";
  }
  return out;
}

std::string power_markdown(const json& power, const json& measured) {
  std::string md;
  if (!power.empty()) {
    md += fmt::format("| PL power (estimate, toggle rate {:.1f}% {}) | {:.3f} W, {:.2f} µJ/image (fixed 12.5 %: {:.3f} W) |\n",
                      100 * num(power, "toggle_rate", 0.125),
                      str(power, "toggle_source").rfind("measured", 0) == 0 ? "measured" : "default",
                      num(power, "total_w"), num(power, "energy_per_image_uj"),
                      num(power, "fixed_toggle_total_w", num(power, "total_w")));
    const json& board = section(power, "board_reference");
    if (!board.empty())
      md += fmt::format("| whole board (estimate, published PYNQ-Z2 figure) | {:.2f}-{:.2f} W |\n", num(board, "low_w"),
                        num(board, "high_w"));
  }
  if (!measured.empty())
    md += fmt::format("| whole board, measured: idle / busy / inference | {:.3f} / {:.3f} / {:.3f} W, {:.2f} µJ/image above idle |\n",
                      num(measured, "idle_w"), num(measured, "busy_w"), num(measured, "inference_w"),
                      num(measured, "inference_energy_per_image_uj"));
  return md;
}

// The board build's Vivado reports (report/vivado_reports.hpp) beside the estimates of the
// same things: Yosys resources and critical path, the first-order PL power model.
std::string vivado_html(const json& v, const json& synth, const json& power) {
  const json& util = section(v, "utilization");
  const json& timing = section(v, "timing");
  const json& pw = section(v, "power");
  const json& yosys = section(synth, "resources");
  std::string out = "<h2>Vivado (board build)</h2>";
  const bool met = timing.contains("met") && timing["met"].is_boolean() && timing["met"].get<bool>();
  if (!met)
    out += fmt::format(R"(<div class="fail"><b>Timing not met</b> at 100 MHz: WNS {:.3f} ns, WHS {:.3f} ns. The bitstream of this build is not to be used.</div>)",
                       num(timing, "wns_ns"), num(timing, "whs_ns"));
  std::vector<std::vector<std::string>> rows;
  const std::tuple<const char*, const char*, const char*> kinds[] = {
      {"LUT", "lut", "lut"}, {"FF", "ff", "ff"}, {"BRAM tile (36 Kb)", "bram_tile", "bram36_equivalent"},
      {"DSP48E1", "dsp", "dsp48e1"}};
  for (const auto& [label, vk, yk] : kinds) {
    const json& r = section(util, vk);
    const int decimals = std::string(vk) == "bram_tile" ? 1 : 0;
    rows.push_back({label,
                    fmt::format("{:.{}f} / {:.0f} ({:.1f}%)", num(r, "used"), decimals, num(r, "available"),
                                num(r, "percent")),
                    yosys.contains(yk) ? fmt::format("{:.{}f}", num(yosys, yk), decimals) : "-"});
  }
  out += "<h3>Resources after place and route</h3>" + table({"", "Vivado (used / available)", "Yosys estimate"}, rows);
  out += "<h3>Timing at 100 MHz</h3>" +
         table({"WNS", "TNS", "WHS", "THS", "constraints", "Yosys sta estimate"},
               {{fmt::format("{:.3f} ns", num(timing, "wns_ns")), fmt::format("{:.3f} ns", num(timing, "tns_ns")),
                 fmt::format("{:.3f} ns", num(timing, "whs_ns")), fmt::format("{:.3f} ns", num(timing, "ths_ns")),
                 met ? "met" : "NOT met",
                 synth.contains("critical_path_ns") && synth["critical_path_ns"].is_number()
                     ? fmt::format("{:.2f} ns critical path", num(synth, "critical_path_ns"))
                     : "-"}});
  out += "<h3>Power (Vivado report_power, vectorless unless a SAIF was read)</h3>" +
         table({"total on chip", "dynamic", "device static", "PL estimate (this report's model)"},
               {{fmt::format("{:.3f} W", num(pw, "total_w")), fmt::format("{:.3f} W", num(pw, "dynamic_w")),
                 fmt::format("{:.3f} W", num(pw, "static_w")),
                 power.empty() ? "-" : fmt::format("{:.3f} W", num(power, "total_w"))}});
  out += "<p>" + html_escape("From Vivado's reports in " + str(v, "dir") +
                        " (board/vivado/build_bitstream.tcl). Vivado's total includes the Zynq PS; the PL estimate "
                        "does not.") + "</p>";
  return out;
}

std::string vivado_markdown(const json& v) {
  const json& util = section(v, "utilization");
  const json& timing = section(v, "timing");
  const bool met = timing.contains("met") && timing["met"].is_boolean() && timing["met"].get<bool>();
  return fmt::format("| LUT / FF / BRAM tile / DSP (Vivado, board build) | {:.0f} / {:.0f} / {:.1f} / {:.0f} |\n"
                     "| timing at 100 MHz (Vivado) | WNS {:.3f} ns, WHS {:.3f} ns, {} |\n"
                     "| on-chip power (Vivado) | {:.3f} W |\n",
                     num(section(util, "lut"), "used"), num(section(util, "ff"), "used"),
                     num(section(util, "bram_tile"), "used"), num(section(util, "dsp"), "used"), num(timing, "wns_ns"),
                     num(timing, "whs_ns"), met ? "met" : "NOT met", num(section(v, "power"), "total_w"));
}

}  // namespace

std::string render_html(const json& s) {
  static const json kNone = json::object();
  const json& model = section(s, "model");
  const json& training = section(s, "training");
  // A stage whose verification gate failed shows the failure, never its figures.
  const json& lowering = gate_failed(s, "lowering") ? kNone : section(s, "lowering");
  const json& design = section(s, "design");
  const json& sim = gate_failed(s, "simulation") ? kNone : section(s, "simulation");
  const json& synth = section(s, "synthesis");
  const json& power = section(s, "power");
  const json& measured = section(s, "measured_power");

  std::string body;
  for (const auto& [stage, message] : failed_gates(s))
    body += fmt::format(R"(<div class="fail"><b>Verification gate failed: {}.</b> {} The run stopped here; figures of this stage are withheld.</div>)",
                        html_escape(stage), html_escape(message));
  // Headline tiles: what a board owner asks first.
  std::string tiles;
  if (!sim.empty()) {
    tiles += tile(fmt::format("{:.2f}", 100 * num(sim, "accuracy")), "%", "accuracy on the FPGA (simulated)");
    tiles += tile(fmt::format("{:.0f}", num(sim, "fps")), " FPS", "throughput at 100 MHz");
    tiles += tile(fmt::format("{:.1f}", num(sim, "latency_us")), " µs", "latency, one image");
  } else if (!lowering.empty()) {
    tiles += tile(fmt::format("{:.2f}", num(lowering, "integer_accuracy_pct")), "%", "integer model accuracy");
  }
  if (!synth.empty()) {
    const json& pc = section(synth, "percent");
    tiles += tile(fmt::format("{:.0f}", num(pc, "lut")), "% LUT", "of the XC7Z020");
  }
  if (!power.empty()) {
    tiles += tile(fmt::format("{:.2f}", num(power, "total_w")), " W", "PL power (estimate, not measured)");
  }
  if (!measured.empty())
    tiles += tile(fmt::format("{:.2f}", num(measured, "busy_w")), " W", "whole board, measured while busy");
  body += R"(<div class="tiles">)" + tiles + "</div>";

  // Accuracy along the chain: trained -> integer -> hardware, the cross-check made visible.
  if (!lowering.empty() || !sim.empty()) {
    // Bars start at 90 %: the differences that matter are tenths of a point.
    auto acc_bar = [](const std::string& label, double v) { return Bar{label, std::max(0.0, v - 90.0), 10.0, pct(v)}; };
    std::vector<Bar> bars;
    if (!training.empty() && training.contains("test_acc"))
      bars.push_back(acc_bar("trained (best)", num(training, "test_acc")));
    if (!lowering.empty()) {
      bars.push_back(acc_bar("trained fwd", num(lowering, "trained_accuracy_pct")));
      bars.push_back(acc_bar("integer CPU", num(lowering, "integer_accuracy_pct")));
    }
    if (!sim.empty())
      bars.push_back(acc_bar(fmt::format("FPGA, {} img", sim.value("images", 0)), 100 * num(sim, "accuracy")));
    body += "<h2>Accuracy, stage by stage (axis from 90 %)</h2>" + bar_chart(bars);
    std::string notes;
    if (!lowering.empty())
      notes += fmt::format("Integer model vs trained model: same top-1 on {} of {} test images ({:.3f}%). ",
                           lowering.value("same_top1", 0), lowering.value("images", 0), num(lowering, "agreement_pct"));
    if (!sim.empty())
      notes += fmt::format("RTL vs integer runtime: {} mismatches in {} outputs checked (bit for bit, scores and class).",
                           sim.value("mismatches", 0), sim.value("outputs_checked", 0));
    body += "<p>" + html_escape(notes) + "</p>";
  }

  // Where the cycles go: per-layer cycles against the bottleneck.
  if (design.contains("layers") && design["layers"].is_array()) {
    double worst = 1;
    for (const auto& l : design["layers"]) worst = std::max(worst, num(l, "cycles"));
    std::vector<Bar> bars;
    std::vector<std::vector<std::string>> rows;
    for (const auto& l : design["layers"]) {
      bars.push_back({str(l, "layer"), num(l, "cycles"), worst, fmt::format("{:.0f} cycles", num(l, "cycles"))});
      rows.push_back({str(l, "layer"), str(l, "kind"), l.contains("pe") ? std::to_string(l["pe"].get<int>()) : "",
                      l.contains("simd") ? std::to_string(l["simd"].get<int>()) : "",
                      fmt::format("{:.0f}", num(l, "cycles")), fmt::format("{:.0f}", num(l, "est_lut")),
                      fmt::format("{:.1f}", num(l, "est_bram36")), fmt::format("{:.0f}", num(l, "est_dsp"))});
    }
    body += "<h2>Dataflow pipeline: cycles per image by layer</h2>" + bar_chart(bars, 0.999);
    body += fmt::format("<p>Ideal {} cycles/image (bottleneck <b>{}</b>)", design.value("ideal_cycles_per_image", 0),
                        html_escape(str(design, "bottleneck")));
    if (!sim.empty())
      body += fmt::format("; measured {:.0f} cycles/image in cycle-accurate simulation ({:.2f} of ideal)",
                          num(sim, "steady_cycles_per_image"), num(sim, "ideal_over_measured"));
    body += ".</p>" + table({"layer", "kind", "PE", "SIMD", "cycles", "~LUT", "~BRAM36", "~DSP"}, rows);
  }

  // Resources against the device.
  if (!synth.empty()) {
    const json& used = section(synth, "resources");
    const json& cap = section(synth, "capacity");
    std::vector<Bar> bars;
    const std::pair<const char*, const char*> kinds[] = {
        {"LUT", "lut"}, {"FF", "ff"}, {"BRAM36", "bram36"}, {"DSP48E1", "dsp48e1"}};
    for (const auto& [label, k] : kinds) {
      double u = std::string(k) == "bram36" ? num(used, "bram36_equivalent") : num(used, k), c = num(cap, k, 1);
      const int decimals = std::string(k) == "bram36" ? 1 : 0;  // BRAM18 halves
      bars.push_back({label, u, c, fmt::format("{:.{}f} / {:.0f} ({:.1f}%)", u, decimals, c, 100 * u / c)});
    }
    body += "<h2>Resources on the XC7Z020 (Yosys synth_xilinx)</h2>" + bar_chart(bars, 0.8);
    std::string timing = synth.contains("critical_path_ns") && synth["critical_path_ns"].is_number()
                             ? fmt::format("Yosys sta estimate: {:.2f} ns critical path (logic only, no placement or "
                                           "routing; Vivado will differ).",
                                           num(synth, "critical_path_ns"))
                             : "No timing estimate.";
    body += "<p>" + html_escape(timing) + "</p>";
  }

  const json& vivado = section(s, "vivado");
  if (!vivado.empty()) body += vivado_html(vivado, synth, power);

  if (!power.empty() || !measured.empty()) body += power_html(power, measured);

  if (const json& m = section(s, "eval_matrix"); !m.empty())
    body += eval_matrix_html(parse_eval_matrix(m, str(m, "source", "summary eval_matrix")));

  if (!training.empty() || !model.empty()) {
    std::vector<std::vector<std::string>> rows;
    if (model.contains("name")) rows.push_back({"model", str(model, "name")});
    if (model.contains("macs")) rows.push_back({"MACs / image", fmt::format("{:.2f} M", num(model, "macs") / 1e6)});
    if (training.contains("epochs")) rows.push_back({"epochs", fmt::format("{:.0f}", num(training, "epochs"))});
    if (training.contains("best_val_acc")) rows.push_back({"best validation", pct(num(training, "best_val_acc"))});
    if (training.contains("mean_epoch_seconds"))
      rows.push_back({"epoch time (2 cores)", fmt::format("{:.1f} s", num(training, "mean_epoch_seconds"))});
    if (!lowering.empty())
      rows.push_back({"integer runtime (CPU)", fmt::format("{:.0f} images/s", num(lowering, "runtime_images_per_second"))});
    body += "<h2>Model and training</h2>" + table({"", ""}, rows);
  }

  const std::string title = str(s, "title", "dorefa-pynq run");
  return fmt::format(R"(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{0}</title>
<style>
body{{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d2733;max-width:980px;margin:2em auto;padding:0 1em}}
h1{{font-size:1.6em;margin-bottom:.1em}} h2{{font-size:1.15em;margin-top:1.8em;border-bottom:1px solid #dde3ea;padding-bottom:.2em}}
.sub{{color:#5b6b7c;margin-top:0}}
.tiles{{display:flex;flex-wrap:wrap;gap:12px;margin:1.2em 0}}
.tile{{flex:1 1 150px;background:#f4f7fa;border-radius:8px;padding:12px 14px}}
.tile .v{{font-size:1.9em;font-weight:650}} .tile .u{{font-size:.55em;font-weight:500;color:#5b6b7c}} .tile .c{{color:#5b6b7c;font-size:.85em}}
.chart{{width:100%;max-width:760px;display:block}} .chart .l{{font-size:12px;fill:#1d2733}} .chart .t{{font-size:12px;fill:#5b6b7c}}
.fail{{background:#fbe3e2;border-left:5px solid #d9534f;color:#8a1f1b;padding:10px 14px;margin:1em 0;border-radius:4px}}
table{{border-collapse:collapse;margin:.6em 0}} td,th{{padding:3px 10px;border-bottom:1px solid #e6ebf0;text-align:left}} th{{color:#5b6b7c;font-weight:600}}
</style></head><body>
<h1>{0}</h1><p class="sub">{1}</p>
{2}
</body></html>
)",
                     html_escape(title), html_escape(str(s, "subtitle")), body);
}

// The section lookups of render_html, restated: each renderer names only what it shows,
// with the same rule that a failed gate hides a stage's figures.
std::string render_markdown(const json& s) {
  static const json kNone = json::object();
  const json& lowering = gate_failed(s, "lowering") ? kNone : section(s, "lowering");
  const json& design = section(s, "design");
  const json& sim = gate_failed(s, "simulation") ? kNone : section(s, "simulation");
  const json& synth = section(s, "synthesis");
  const json& power = section(s, "power");
  const json& training = section(s, "training");
  std::string md = "# " + str(s, "title", "dorefa-pynq run") + "\n\n" + str(s, "subtitle") + "\n\n";
  for (const auto& [stage, message] : failed_gates(s))
    md += fmt::format("> **Verification gate failed: {}.** {} The run stopped here.\n\n", stage, message);
  md += "| figure | value |\n| --- | --- |\n";
  if (training.contains("test_acc")) md += fmt::format("| trained model, test top-1 | {:.2f}% |\n", num(training, "test_acc"));
  if (!lowering.empty()) {
    md += fmt::format("| integer model, test top-1 | {:.2f}% |\n", num(lowering, "integer_accuracy_pct"));
    md += fmt::format("| integer vs trained, same top-1 | {}/{} ({:.3f}%) |\n", lowering.value("same_top1", 0),
                      lowering.value("images", 0), num(lowering, "agreement_pct"));
  }
  if (!design.empty())
    md += fmt::format("| ideal cycles / image | {} (bottleneck {}) |\n", design.value("ideal_cycles_per_image", 0),
                      str(design, "bottleneck"));
  if (!sim.empty()) {
    md += fmt::format("| FPGA (Verilator) top-1 | {:.2f}% on {} images |\n", 100 * num(sim, "accuracy"),
                      sim.value("images", 0));
    md += fmt::format("| RTL vs integer runtime mismatches | {} of {} outputs |\n", sim.value("mismatches", 0),
                      sim.value("outputs_checked", 0));
    md += fmt::format("| steady-state cycles / image | {:.0f} ({:.2f} of ideal) |\n",
                      num(sim, "steady_cycles_per_image"), num(sim, "ideal_over_measured"));
    md += fmt::format("| throughput at 100 MHz | {:.0f} FPS |\n| latency | {:.0f} cycles = {:.2f} µs |\n",
                      num(sim, "fps"), num(sim, "latency_cycles"), num(sim, "latency_us"));
  }
  if (!synth.empty()) {
    const json& used = section(synth, "resources");
    const json& pc = section(synth, "percent");
    md += fmt::format("| LUT / FF / BRAM36 / DSP (Yosys) | {:.0f} ({:.1f}%) / {:.0f} ({:.1f}%) / {:.1f} ({:.1f}%) / {:.0f} ({:.1f}%) |\n",
                      num(used, "lut"), num(pc, "lut"), num(used, "ff"), num(pc, "ff"), num(used, "bram36_equivalent"),
                      num(pc, "bram36"), num(used, "dsp48e1"), num(pc, "dsp48e1"));
  }
  if (!section(s, "vivado").empty()) md += vivado_markdown(section(s, "vivado"));
  md += power_markdown(power, section(s, "measured_power"));
  if (const json& m = section(s, "eval_matrix"); !m.empty())
    md += "\n## Evaluation matrix\n\n" + eval_matrix_markdown(parse_eval_matrix(m, str(m, "source", "summary eval_matrix")));
  return md;
}

}  // namespace dorefa::report
