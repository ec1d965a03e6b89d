#include "report/power_summary.hpp"

#include <fmt/format.h>

#include "report/power_model.hpp"

namespace dorefa::report {
using nlohmann::json;

json power_section(const json& summary, const json& activity) {
  if (!summary.contains("synthesis") || !summary["synthesis"].is_object()) return json::object();
  const json& r = summary["synthesis"].value("resources", json::object());
  PowerInputs pin;
  pin.luts = r.value("lut", 0.0);
  pin.ffs = r.value("ff", 0.0);
  pin.bram36 = r.value("bram36_equivalent", 0.0);
  pin.dsps = r.value("dsp48e1", 0.0);
  if (summary.contains("simulation") && summary["simulation"].is_object())
    pin.images_per_second = summary["simulation"].value("fps", 0.0);
  const PowerEstimate fixed = estimate_power(pin);
  json out = {{"model", "docs/power-model.md"}, {"fixed_toggle_rate", kDefaultToggleRate},
              {"fixed_toggle_total_w", fixed.total_w()}, {"bram_enable_rate", pin.bram_enable_rate}};
  PowerEstimate p = fixed;
  if (activity.is_object() && activity.contains("toggle_rate") && activity["toggle_rate"].is_number()) {
    pin.toggle_rate = activity["toggle_rate"].get<double>();
    p = estimate_power(pin);
    out["toggle_rate"] = pin.toggle_rate;
    out["toggle_source"] = fmt::format("measured: Verilator toggle coverage, {} {} images, {} cycles",
                                       activity.value("images", 0), activity.value("dataset", std::string("test")),
                                       activity.value("cycles", 0));
    out["activity_file"] = activity.value("file", std::string());
  } else {
    out["toggle_rate"] = kDefaultToggleRate;
    out["toggle_source"] = "not measured: XPE default 12.5 % (run `dorefa power DESIGN` to measure it)";
  }
  out["static_w"] = p.static_w;
  out["dynamic_w"] = p.dynamic_w;
  out["total_w"] = p.total_w();
  out["energy_per_image_uj"] = p.energy_per_image_uj;
  const BoardReference board;
  out["board_reference"] = {{"low_w", board.low_w}, {"high_w", board.high_w}, {"source", board.source}};
  return out;
}

}  // namespace dorefa::report
