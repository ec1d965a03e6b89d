#pragma once
// The run summary's "power" section (docs/power-model.md): the PL estimate from the
// synthesized resources, driven by the toggle rate measured in simulation when an
// activity file (hw/activity.hpp, DESIGN/power/activity.json) is given, else by the XPE
// default; beside it the fixed-default estimate and the published board-level figure.
#include <nlohmann/json.hpp>

namespace dorefa::report {

// Empty object when the summary has no synthesis section. `activity` may be null/empty.
nlohmann::json power_section(const nlohmann::json& summary, const nlohmann::json& activity);

}  // namespace dorefa::report
