#pragma once
// A readable JSON view of an integer model, for `dorefa inspect` and for diffing models.
#include <string>

#include <nlohmann/json.hpp>

#include "qmodel/model.hpp"

namespace dorefa::qmodel {

// Header, per-layer geometry, bit widths, parameter counts, accumulator ranges and output
// stage summaries; with `with_weights` also every weight, threshold and multiplier.
nlohmann::ordered_json to_json(const Model& model, bool with_weights = false);

// to_json(...).dump(2).
std::string dump_json(const Model& model, bool with_weights = false);

}  // namespace dorefa::qmodel
