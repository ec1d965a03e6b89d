#include "report/eval_matrix.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "report/html_report.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"

namespace dorefa::report {
namespace fs = std::filesystem;
using nlohmann::json;

const std::vector<ReferencePoint>& published_references() {
  static const std::vector<ReferencePoint> kRefs = {
      {"BNN-PYNQ LFC-W1A2", 98.47, 118883.0, "Xilinx BNN-PYNQ, PYNQ-Z1/Z2 board, 10k MNIST test images"},
      {"FINN TFC-W1A1", 92.96, 958413.0, "FINN (Umuroglu et al. 2017), Pynq-Z1, 100 MHz"},
      {"hls4ml MNIST CNN", std::nullopt, 1e6 / 87.0, "hls4ml on PYNQ-Z2, 87 us per image; accuracy not given"},
  };
  return kRefs;
}

namespace {

// --- reading, every field named on error ---------------------------------------------
struct Reader {
  const std::string& source;
  [[noreturn]] void fail(const std::string& field, const std::string& what) const {
    throw Error(source, fmt::format("field '{}': {}", field, what));
  }
  const json& at(const json& j, const std::string& path, const char* key) const {
    if (!j.is_object() || !j.contains(key)) fail(path + key, "missing");
    return j[key];
  }
  double number(const json& j, const std::string& path, const char* key) const {
    const json& v = at(j, path, key);
    if (!v.is_number()) fail(path + key, fmt::format("expected a number, found {}", v.type_name()));
    return v.get<double>();
  }
  std::string text(const json& j, const std::string& path, const char* key) const {
    const json& v = at(j, path, key);
    if (!v.is_string()) fail(path + key, fmt::format("expected a string, found {}", v.type_name()));
    return v.get<std::string>();
  }
  bool boolean(const json& j, const std::string& path, const char* key) const {
    const json& v = at(j, path, key);
    if (!v.is_boolean()) fail(path + key, fmt::format("expected true or false, found {}", v.type_name()));
    return v.get<bool>();
  }
  std::string text_or(const json& j, const char* key, const std::string& fallback) const {
    return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : fallback;
  }
};

EvalFabric read_fabric(const Reader& r, const json& f, const std::string& p) {
  EvalFabric out;
  out.cycles_per_image = r.number(f, p, "cycles_per_image");
  out.fps = r.number(f, p, "fps");
  out.latency_us = r.number(f, p, "latency_us");
  out.lut = r.number(f, p, "lut");
  out.ff = r.number(f, p, "ff");
  out.bram36 = r.number(f, p, "bram36");
  out.dsp = r.number(f, p, "dsp");
  out.power_w = r.number(f, p, "power_w");
  out.energy_per_image_uj = r.number(f, p, "energy_per_image_uj");
  out.power_activity_measured = r.boolean(f, p, "power_activity_measured");
  out.sim_images = (long long)r.number(f, p, "sim_images");
  out.mismatches = (long long)r.number(f, p, "mismatches");
  out.fits = r.boolean(f, p, "fits");
  if (!(out.fps > 0)) r.fail(p + "fps", fmt::format("expected > 0, found {}", out.fps));
  return out;
}

// --- formatting ----------------------------------------------------------------------
std::string thousands(double v, int decimals = 0) {
  std::string s = fmt::format("{:.{}f}", std::abs(v), decimals);
  const auto dot = s.find('.');
  const std::string digits = s.substr(0, dot), tail = dot == std::string::npos ? "" : s.substr(dot);
  std::string head = v < 0 ? "-" : "";
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) head += ',';
    head += digits[i];
  }
  return head + tail;
}

std::string bytes_text(double b) {
  if (b >= 1024 * 1024) return fmt::format("{:.2f} MiB", b / (1024 * 1024));
  if (b >= 1024) return fmt::format("{:.1f} KiB", b / 1024);
  return fmt::format("{:.0f} B", b);
}

std::string dataset_label(const std::string& d) {
  if (d == "mnist") return "MNIST";
  if (d == "fashion-mnist") return "Fashion-MNIST";
  return d;
}

const char* family_color(const std::string& family) {
  if (family == "w8a8") return "#e8710a";
  if (family == "w2a2") return "#2ca02c";
  if (family == "w1a2") return "#2f7ed8";
  return "#6b7785";
}

// The table's cells for one row: the same strings in Markdown and HTML.
std::vector<std::string> cells(const EvalRow& r) {
  std::vector<std::string> c = {dataset_label(r.dataset), r.label, fmt::format("{:.2f} %", r.test_acc_pct),
                                bytes_text(r.model_bytes),
                                r.cpu_us_per_image ? fmt::format("{:.1f}", *r.cpu_us_per_image) : "—"};
  if (!r.fabric) {
    for (int i = 0; i < 9; ++i) c.push_back("—");
    return c;
  }
  const EvalFabric& f = *r.fabric;
  c.push_back(thousands(f.cycles_per_image));
  c.push_back(thousands(f.fps));
  c.push_back(fmt::format("{:.1f}", f.latency_us));
  c.push_back(thousands(f.lut) + (f.fits ? "" : " (does not fit)"));
  c.push_back(thousands(f.ff));
  c.push_back(fmt::format("{:g}", f.bram36));
  c.push_back(thousands(f.dsp));
  c.push_back(fmt::format("{:.3f}{}", f.power_w, f.power_activity_measured ? "" : "*"));
  c.push_back(fmt::format("{:.2f}", f.energy_per_image_uj));
  return c;
}

const std::vector<std::string> kHead = {"dataset", "variant", "test acc. (10k)", "model size",
                                        "CPU x86 µs/image", "cycles/image", "FPS @100 MHz", "latency µs",
                                        "LUT", "FF", "BRAM36", "DSP", "PL power W (est.)", "µJ/image (est.)"};

std::vector<std::string> notes(const EvalMatrix& m) {
  std::vector<std::string> n;
  bool sims = false, default_power = false;
  long long min_sim = 0, max_sim = 0;
  for (const auto& r : m.rows) {
    if (!r.fabric) continue;
    min_sim = sims ? std::min(min_sim, r.fabric->sim_images) : r.fabric->sim_images;
    max_sim = sims ? std::max(max_sim, r.fabric->sim_images) : r.fabric->sim_images;
    sims = true;
    default_power |= !r.fabric->power_activity_measured;
  }
  if (sims)
    n.push_back(fmt::format("Fabric figures: Verilator, cycle-accurate, at 100 MHz, bit-exact against the integer "
                            "runtime on {} test images with random stalls (plus the latency and steady-state "
                            "phases); Yosys synth_xilinx for the XC7Z020 (53,200 LUT, 106,400 FF, 140 BRAM36, 220 "
                            "DSP); power is the first-order PL estimate of docs/power-model.md, not a measurement.",
                            min_sim == max_sim ? thousands(double(min_sim)) : fmt::format("{}-{}", min_sim, max_sim)));
  if (default_power) n.push_back("* toggle rate not measured for this design: the XPE default 12.5 %.");
  if (!m.cpu_note.empty()) n.push_back(m.cpu_note);
  if (!m.arm_note.empty()) n.push_back(m.arm_note);
  std::string pending;
  for (const auto& p : m.pending)
    pending += fmt::format("{}{} {} ({})", pending.empty() ? "" : "; ", dataset_label(p.dataset), p.variant, p.reason);
  if (!pending.empty()) n.push_back("Not measured: " + pending + ".");
  if (!m.settings.empty()) n.push_back(m.settings);
  return n;
}

// --- the chart -----------------------------------------------------------------------
// One panel per dataset; x = log10 FPS, y = log10 of the test error (so 99.0 and 99.5 %
// sit apart), labelled as accuracy. The published points are MNIST designs: MNIST panel only.
struct Panel {
  double x0, y0, w, h;        // plot area in SVG units
  double lx0, lx1, le0, le1;  // log10 FPS and log10 error ranges (le0 = smallest error, top)
  double x(double fps) const { return x0 + w * (std::log10(fps) - lx0) / (lx1 - lx0); }
  double y(double acc) const {
    const double e = std::log10(std::max(100.0 - acc, 1e-3));
    return y0 + h * (e - le0) / (le1 - le0);
  }
};

std::string marker(double x, double y, const std::string& color, bool hollow, bool square) {
  const std::string fill = hollow ? "#ffffff" : color;
  if (square)
    return fmt::format(R"(<rect x="{:.1f}" y="{:.1f}" width="10" height="10" fill="{}" stroke="{}" stroke-width="2"/>)",
                       x - 5, y - 5, fill, color);
  return fmt::format(R"(<circle cx="{:.1f}" cy="{:.1f}" r="5.5" fill="{}" stroke="{}" stroke-width="2"/>)", x, y, fill,
                     color);
}

std::string panel_svg(const EvalMatrix& m, const std::string& dataset, double x0, double width, double height,
                      bool with_refs) {
  std::vector<const EvalRow*> points;
  const EvalRow* float_row = nullptr;
  for (const auto& r : m.rows) {
    if (r.dataset != dataset) continue;
    if (r.fabric) points.push_back(&r);
    else if (r.family == "float") float_row = &r;
  }
  double fmin = 1e300, fmax = 0, emin = 1e300, emax = 0;
  auto take = [&](std::optional<double> acc, std::optional<double> fps) {
    if (fps) fmin = std::min(fmin, *fps), fmax = std::max(fmax, *fps);
    if (acc) emin = std::min(emin, std::max(100.0 - *acc, 0.01)), emax = std::max(emax, std::max(100.0 - *acc, 0.01));
  };
  for (const EvalRow* r : points) take(r->test_acc_pct, r->fabric->fps);
  if (float_row) take(float_row->test_acc_pct, std::nullopt);
  if (with_refs)
    for (const auto& ref : published_references()) take(ref.accuracy_pct, ref.fps);
  if (fmax <= 0) fmin = 1e3, fmax = 1e6;
  if (emax <= 0) emin = 0.5, emax = 10;
  Panel p{x0 + 58, 34, width - 58 - 14, height - 34 - 48, std::floor(std::log10(fmin) - 0.15),
          std::ceil(std::log10(fmax) + 0.15), std::log10(emin) - 0.3, std::log10(emax) + 0.15};
  std::string s;
  s += fmt::format(R"(<text x="{:.1f}" y="18" class="title">{}</text>)", p.x0, html_escape(dataset_label(dataset)));
  s += fmt::format(R"(<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="#f7f9fb" stroke="#d5dde6"/>)",
                   p.x0, p.y0, p.w, p.h);
  // FPS grid: decades labelled, 2x and 5x as faint lines.
  for (int d = int(p.lx0); d <= int(p.lx1); ++d) {
    for (double k : {1.0, 2.0, 5.0}) {
      const double fps = k * std::pow(10.0, d);
      if (std::log10(fps) > p.lx1 + 1e-9) break;
      const double x = p.x(fps);
      s += fmt::format(R"(<line x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}" stroke="{}"/>)", x, p.y0, x, p.y0 + p.h,
                       k == 1.0 ? "#d5dde6" : "#e9eef3");
      if (k == 1.0) {
        const std::string label = d >= 6 ? fmt::format("{}M", thousands(fps / 1e6)) : d >= 3 ? fmt::format("{}k", thousands(fps / 1e3)) : thousands(fps);
        s += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" class="tick" text-anchor="middle">{}</text>)", x,
                         p.y0 + p.h + 15, label);
      }
    }
  }
  s += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" class="axis" text-anchor="middle">images/s at 100 MHz (log)</text>)",
                   p.x0 + p.w / 2, p.y0 + p.h + 34);
  // Accuracy grid at round error values, none closer than 16 px to the last one drawn.
  double last_y = -1e9;
  for (double e : {50.0, 30.0, 20.0, 15.0, 10.0, 7.0, 5.0, 3.0, 2.0, 1.5, 1.0, 0.7, 0.5, 0.3, 0.2, 0.1, 0.05}) {
    const double le = std::log10(e);
    if (le < p.le0 || le > p.le1) continue;
    const double y = p.y(100.0 - e);
    if (std::abs(y - last_y) < 16) continue;
    last_y = y;
    s += fmt::format(R"(<line x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}" stroke="#e1e7ee"/>)", p.x0, y, p.x0 + p.w, y);
    s += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" class="tick" text-anchor="end">{:g} %</text>)", p.x0 - 6, y + 4,
                     100.0 - e);
  }
  s += fmt::format(
      R"~(<text transform="translate({:.1f},{:.1f}) rotate(-90)" class="axis" text-anchor="middle">test accuracy (log error scale)</text>)~",
      x0 + 14, p.y0 + p.h / 2);

  // Labels go where they overlap no marker and no other label (first free of: right, left,
  // below, above); the boxes are estimates from the character count.
  struct Box {
    double x0, y0, x1, y1;
  };
  std::vector<Box> taken;
  auto free = [&](const Box& b) {
    if (b.x0 < p.x0 + 2 || b.x1 > p.x0 + p.w - 2 || b.y0 < p.y0 + 2 || b.y1 > p.y0 + p.h - 2) return false;
    for (const Box& t : taken)
      if (b.x0 < t.x1 && t.x0 < b.x1 && b.y0 < t.y1 && t.y0 < b.y1) return false;
    return true;
  };
  auto place = [&](double x, double y, const std::string& text, const char* cls) {
    const double w = 6.8 * double(text.size()), h = 13;
    const Box options[] = {{x + 9, y - 7, x + 9 + w, y - 7 + h},          {x - 9 - w, y - 7, x - 9, y - 7 + h},
                           {x - w / 2, y + 9, x + w / 2, y + 9 + h},      {x - w / 2, y - 9 - h, x + w / 2, y - 9},
                           {x + 9, y + 5, x + 9 + w, y + 5 + h},          {x + 9, y - 19, x + 9 + w, y - 19 + h},
                           {x - 9 - w, y + 5, x - 9, y + 5 + h},          {x - 9 - w, y - 19, x - 9, y - 19 + h},
                           {x + 9, y + 17, x + 9 + w, y + 17 + h},        {x + 9, y - 31, x + 9 + w, y - 31 + h},
                           {x - w / 2, y + 21, x + w / 2, y + 21 + h},    {x - w / 2, y - 21 - h, x + w / 2, y - 21}};
    Box b = options[0];
    for (const Box& o : options)
      if (free(o)) {
        b = o;
        break;
      }
    taken.push_back(b);
    return fmt::format(R"(<text x="{:.1f}" y="{:.1f}" class="{}">{}</text>)", b.x0, b.y1 - 2, cls, html_escape(text));
  };
  for (const EvalRow* r : points) {
    const double x = p.x(r->fabric->fps), y = p.y(r->test_acc_pct);
    taken.push_back({x - 7, y - 7, x + 7, y + 7});
  }
  if (with_refs) {
    std::vector<ReferencePoint> refs = published_references();
    std::stable_partition(refs.begin(), refs.end(), [](const ReferencePoint& r) { return !r.accuracy_pct; });
    for (const auto& ref : refs) {
      const double x = p.x(ref.fps);
      if (!ref.accuracy_pct) {
        // Throughput only: a vertical line, its label along it.
        s += fmt::format(
            R"(<line x1="{0:.1f}" y1="{1:.1f}" x2="{0:.1f}" y2="{2:.1f}" stroke="#8a6bbf" stroke-width="1.5" stroke-dasharray="3 3" class="ref"/>)",
            x, p.y0, p.y0 + p.h);
        s += fmt::format(
            R"~(<text transform="translate({:.1f},{:.1f}) rotate(-90)" class="ref">{} ({})</text>)~", x - 4,
            p.y0 + p.h - 6, html_escape(ref.label), "accuracy not given");
        taken.push_back({x - 14, p.y0 + p.h - 6 - 6.4 * 38, x + 2, p.y0 + p.h - 6});
        continue;
      }
      const double y = p.y(*ref.accuracy_pct);
      s += fmt::format(R"(<path d="M{0:.1f} {1:.1f} l7 7 l-7 7 l-7 -7 z" fill="#8a6bbf" class="ref"/>)", x, y - 7);
      taken.push_back({x - 7, y - 7, x + 7, y + 7});
      s += place(x, y, fmt::format("{} {:.2f} %", ref.label, *ref.accuracy_pct), "ref");
    }
  }
  for (const EvalRow* r : points) {
    const double x = p.x(r->fabric->fps), y = p.y(r->test_acc_pct);
    s += fmt::format(R"(<g class="point"><title>{}: {:.2f} %, {} FPS</title>)", html_escape(r->label), r->test_acc_pct,
                     thousands(r->fabric->fps));
    s += marker(x, y, family_color(r->family), r->pruned, false);
    s += place(x, y, r->label, "label") + "</g>";
  }
  if (float_row) {
    // A dashed line across the panel; its label where it hides nothing (after the points').
    const double y = p.y(float_row->test_acc_pct);
    s += fmt::format(R"(<line x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}" stroke="#6b7785" stroke-dasharray="6 4"/>)",
                     p.x0, y, p.x0 + p.w, y);
    const std::string text = fmt::format("float {:.2f} % (CPU only)", float_row->test_acc_pct);
    const double w = 6.4 * double(text.size());
    const double right = p.x0 + p.w - 6 - w, left = p.x0 + 6;
    const Box options[] = {{right, y - 15, right + w, y - 3}, {right, y + 3, right + w, y + 15},
                           {left, y - 15, left + w, y - 3},   {left, y + 3, left + w, y + 15}};
    Box b = {left, p.y0 + 4, left + w + 40, p.y0 + 16};  // crowded line: a note in the corner
    for (const Box& o : options)
      if (free(o)) {
        b = o;
        break;
      }
    const bool corner = b.y0 == p.y0 + 4;
    taken.push_back(b);
    s += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" class="note">{}{}</text>)", b.x0, b.y1 - 2,
                     corner ? "dashed line: " : "", html_escape(text));
  }
  return s;
}

}  // namespace

EvalMatrix parse_eval_matrix(const json& j, const std::string& source) {
  Reader r{source};
  if (!j.is_object()) r.fail("(top level)", "expected a JSON object");
  const std::string format = r.text(j, "", "format");
  if (format != kEvalMatrixFormat) r.fail("format", fmt::format("expected \"{}\", found \"{}\"", kEvalMatrixFormat, format));
  EvalMatrix m;
  m.source = source;
  m.settings = r.text_or(j, "settings", "");
  m.cpu_note = r.text_or(j, "cpu_note", "");
  m.arm_note = r.text_or(j, "arm_note", "");
  const json& rows = r.at(j, "", "rows");
  if (!rows.is_array()) r.fail("rows", "expected an array");
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const json& row = rows[i];
    const std::string p = fmt::format("rows[{}].", i);
    EvalRow e;
    e.dataset = r.text(row, p, "dataset");
    e.variant = r.text(row, p, "variant");
    e.label = r.text(row, p, "label");
    e.family = r.text(row, p, "family");
    e.pruned = r.boolean(row, p, "pruned");
    e.test_acc_pct = r.number(row, p, "test_acc_pct");
    e.test_images = (long long)r.number(row, p, "test_images");
    e.macs = r.number(row, p, "macs");
    e.model_bytes = r.number(row, p, "model_bytes");
    const json& cpu = r.at(row, p, "cpu_us_per_image");
    if (!cpu.is_null()) e.cpu_us_per_image = r.number(row, p, "cpu_us_per_image");
    const json& fabric = r.at(row, p, "fabric");
    if (!fabric.is_null()) {
      if (!fabric.is_object()) r.fail(p + "fabric", "expected an object or null");
      e.fabric = read_fabric(r, fabric, p + "fabric.");
    }
    if (e.family != "float" && !e.fabric) r.fail(p + "fabric", "missing for a quantized variant (only float has none)");
    if (std::find(m.datasets.begin(), m.datasets.end(), e.dataset) == m.datasets.end()) m.datasets.push_back(e.dataset);
    m.rows.push_back(std::move(e));
  }
  if (j.contains("pending")) {
    const json& pending = j["pending"];
    if (!pending.is_array()) r.fail("pending", "expected an array");
    for (std::size_t i = 0; i < pending.size(); ++i) {
      const std::string p = fmt::format("pending[{}].", i);
      m.pending.push_back({r.text(pending[i], p, "dataset"), r.text(pending[i], p, "variant"),
                           r.text(pending[i], p, "reason")});
      if (std::find(m.datasets.begin(), m.datasets.end(), m.pending.back().dataset) == m.datasets.end())
        m.datasets.push_back(m.pending.back().dataset);
    }
  }
  return m;
}

EvalMatrix load_eval_matrix(const fs::path& path) {
  if (!fs::is_regular_file(path)) throw Error(path.string(), "evaluation matrix not found (bench/eval/matrix.sh writes it)");
  json j = json::parse(util::read_file_text(path), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) throw Error(path.string(), "not valid JSON");
  return parse_eval_matrix(j, path.string());
}

std::string eval_matrix_markdown(const EvalMatrix& m) {
  std::string md = "|";
  for (const auto& h : kHead) md += " " + h + " |";
  md += "\n|";
  for (std::size_t i = 0; i < kHead.size(); ++i) md += i < 2 ? " --- |" : " ---: |";
  md += "\n";
  for (const auto& r : m.rows) {
    md += "|";
    for (const auto& c : cells(r)) md += " " + c + " |";
    md += "\n";
  }
  md += "\n";
  for (const auto& n : notes(m)) md += n + "\n\n";
  return md;
}

std::string eval_matrix_svg(const EvalMatrix& m) {
  const double panel_w = 440, panel_h = 360, legend_h = 94;
  // At least two panels wide: the legend and the reference notes below need that room
  // even when the matrix has one dataset.
  const double width = panel_w * double(std::max<std::size_t>(m.datasets.size(), 2));
  std::string s = fmt::format(
      R"(<svg xmlns="http://www.w3.org/2000/svg" class="eval-chart" viewBox="0 0 {:.0f} {:.0f}" width="{:.0f}" height="{:.0f}" role="img" font-family="system-ui,-apple-system,'Segoe UI',sans-serif">)",
      width, panel_h + legend_h, width, panel_h + legend_h);
  s += "<title>Test accuracy against throughput on the XC7Z020 at 100 MHz</title>";
  s += "<style>.title{font-size:14px;font-weight:650;fill:#1d2733}.tick{font-size:11px;fill:#5b6b7c}"
       ".axis{font-size:11.5px;fill:#3d4b5a}.label{font-size:11px;fill:#1d2733}.note{font-size:10.5px;fill:#5b6b7c}"
       ".ref{font-size:10.5px;fill:#6a4c9c}.legend{font-size:11px;fill:#3d4b5a}</style>";
  for (std::size_t i = 0; i < m.datasets.size(); ++i)
    s += panel_svg(m, m.datasets[i], double(i) * panel_w, panel_w, panel_h, m.datasets[i] == "mnist");
  // Legend: colour = bits, hollow = pruned, purple = published.
  double x = 20;
  const double y = panel_h + 18;
  for (const auto& [family, label] : std::vector<std::pair<std::string, std::string>>{
           {"w8a8", "W8A8 (PTQ, QAT)"}, {"w2a2", "DoReFa W2A2"}, {"w1a2", "DoReFa W1A2"}}) {
    s += marker(x, y, family_color(family), false, false);
    s += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" class="legend">{}</text>)", x + 10, y + 4, label);
    x += 30 + 7.0 * double(label.size());
  }
  s += marker(x, y, "#3d4b5a", true, false);
  s += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" class="legend">pruned (≥ 50 % MACs removed)</text>)", x + 10, y + 4);
  x += 210;
  s += fmt::format(R"(<path d="M{:.1f} {:.1f} l6 6 l-6 6 l-6 -6 z" fill="#8a6bbf"/>)", x, y - 6);
  s += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" class="legend">published XC7Z020 MNIST designs (their figures)</text>)",
                   x + 10, y + 4);
  s += fmt::format(R"(<text x="20" y="{:.1f}" class="note">Ours: Verilator, cycle-accurate at 100 MHz; accuracy of the integer model on the 10k test set.</text>)",
                   y + 24);
  double line_y = y + 38;
  for (const auto& r : published_references()) {
    s += fmt::format(R"(<text x="20" y="{:.1f}" class="note">{}{}: {}.</text>)", line_y,
                     line_y == y + 38 ? "References, as published: " : "", html_escape(r.label), html_escape(r.source));
    line_y += 14;
  }
  return s + "</svg>\n";
}

std::string eval_matrix_html(const EvalMatrix& m) {
  std::string out = "<h2>Evaluation matrix: float, 8-bit and DoReFa low-bit on the fabric</h2>";
  out += R"(<div style="overflow-x:auto">)" + eval_matrix_svg(m) + "</div>";
  out += R"(<div style="overflow-x:auto"><table><tr>)";
  for (const auto& h : kHead) out += "<th>" + html_escape(h) + "</th>";
  out += "</tr>";
  for (const auto& r : m.rows) {
    out += fmt::format(R"(<tr style="border-left:4px solid {}">)", family_color(r.family));
    for (const auto& c : cells(r)) out += "<td>" + html_escape(c) + "</td>";
    out += "</tr>";
  }
  out += "</table></div>";
  for (const auto& n : notes(m)) out += "<p>" + html_escape(n) + "</p>";
  out += "<p>" + html_escape("From " + m.source + ".") + "</p>";
  return out;
}

}  // namespace dorefa::report
