#pragma once
// Folding: how much of each conv/dense layer's matrix-vector work the hardware does per
// clock. PE (processing elements) compute PE output channels in parallel and must divide
// the out channels; SIMD lanes per PE consume SIMD inputs in parallel and must divide the
// fan-in (see simd_divides). Cycles per image per layer (FINN's MVAU folding):
//   out_pixels * (fan_in / SIMD) * (out_channels / PE).
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "hw/device.hpp"
#include "qmodel/model.hpp"

namespace dorefa::hw {

struct LayerFolding {
  std::string layer;  // layer name in the model
  int index = 0;      // position in model.layers
  int pe = 1;
  int simd = 1;
};

// One entry per conv/dense layer, in model order.
struct Folding {
  std::vector<LayerFolding> layers;
  const LayerFolding* find(const std::string& layer) const;
};

// A user's request for one layer; unset fields keep the default folding's value.
struct FoldingOverride {
  std::string layer;
  std::optional<int> pe;
  std::optional<int> simd;
};

// What the default folding aims for and must stay within.
struct FoldingGoal {
  std::int64_t target_cycles = 2000;  // per image: 50k FPS at 100 MHz
  double max_lut_fraction = 0.70;     // of the device's LUTs
  double max_bram_fraction = 0.80;    // of its BRAM36
  double max_dsp_fraction = 1.0;
  double max_ff_fraction = 1.0;
};

// Throws dorefa::Error naming the first layer the hardware cannot run (kind, bits,
// output stage, geometry), before anything is generated.
void check_supported(const qmodel::Model& model);

// Whether SIMD is a legal input parallelism for the layer: it divides the fan-in (conv:
// K*K*C_in, the sliding window then presents any number of kernel taps per beat).
bool simd_divides(const qmodel::Layer& layer, int simd);
// The legal PE and SIMD values of a conv/dense layer, ascending.
std::vector<int> pe_choices(const qmodel::Layer& layer);
std::vector<int> simd_choices(const qmodel::Layer& layer);

// Cycles per image of one conv/dense layer at the given folding.
std::int64_t mvu_cycles(const qmodel::Layer& layer, int pe, int simd);

// Throws dorefa::Error if a layer is missing, unknown, or its PE/SIMD does not divide.
void validate_folding(const qmodel::Model& model, const Folding& folding);

// Reads a folding file: JSON {"conv1": {"pe": 8, "simd": 1}, ...} (optionally wrapped
// in {"layers": ...}, or a list [{"layer": "conv1", "pe": 8}, ...]) or the same document
// in TOML (*.toml), e.g. one table per layer ([conv1] pe = 8 simd = 1).
std::vector<FoldingOverride> read_folding_file(const std::filesystem::path& path);

// The default folding: per layer the cheapest (estimated LUTs) PE x SIMD meeting the
// target cycles; the target is relaxed step by step until the estimate fits the goal's
// budget. Throws dorefa::Error when even the slowest folding does not fit.
Folding default_folding(const qmodel::Model& model, const Device& device, const FoldingGoal& goal = {});

// Applies overrides to `base` (unknown layer names are an error), then validates.
Folding apply_overrides(const qmodel::Model& model, Folding base, const std::vector<FoldingOverride>& overrides,
                        const std::string& where = "folding");

}  // namespace dorefa::hw
