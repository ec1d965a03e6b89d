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
  // 8-bit weights only: multiply lanes on DSP48s (true) or LUT shift-add (false);
  // unset: mvtu_uses_dsp (cost_model.hpp).
  std::optional<bool> dsp;
  // Why the search chose this PE x SIMD and arithmetic, for design.json and the
  // compile table ("cheapest meeting 1000 cycles/image; DSP48 multipliers", ...).
  std::string why;
};

// One entry per conv/dense layer, in model order.
struct Folding {
  std::vector<LayerFolding> layers;
  // Elements (8-bit pixel channels) per beat of the core's input stream: 1, 2, 4 or 8,
  // see input_elems_choices. One pixel per cycle bounds a design at H*W*C cycles/image
  // (784 on MNIST); the search widens the input only when the target needs it.
  int input_elems = 1;
  const LayerFolding* find(const std::string& layer) const;
};

// A user's request for one layer; unset fields keep the default folding's value.
struct FoldingOverride {
  std::string layer;
  std::optional<int> pe;
  std::optional<int> simd;
  std::optional<bool> dsp;
};

// What the default folding aims for and must stay within.
struct FoldingGoal {
  enum class Search {
    kRelax,    // target_cycles, relaxed until the design fits (the default)
    kExact,    // target_cycles must be met (`--fps`): else an error with the best that fits
    kFastest,  // the fewest cycles that fit (`--max-fps`); target_cycles is ignored
  };
  Search search = Search::kRelax;
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

// The legal widths of the input stream in elements per beat, ascending: 1, 2, 4 or 8
// (the system shell unpacks 64-bit DDR words, so a width divides 8) that divide the
// image's elements and, when the first layer is a conv or max-pool, its channels (a
// sliding window assembles pixels from whole beats; several pixels per beat would need a
// pixel-parallel window, which we do not have). A dense first layer takes any of them.
std::vector<int> input_elems_choices(const qmodel::Model& model);

// Cycles per image of the input stream at `elems` elements per beat.
std::int64_t input_cycles(const qmodel::Model& model, int elems);

// Cycles per image of one conv/dense layer at the given folding.
std::int64_t mvu_cycles(const qmodel::Layer& layer, int pe, int simd);

// Throws dorefa::Error if a layer is missing, unknown, or its PE/SIMD does not divide.
void validate_folding(const qmodel::Model& model, const Folding& folding);

// Reads a folding file: JSON {"conv1": {"pe": 8, "simd": 1}, ...} (optionally wrapped
// in {"layers": ...}, or a list [{"layer": "conv1", "pe": 8}, ...]) or the same document
// in TOML (*.toml), e.g. one table per layer ([conv1] pe = 8 simd = 1). An 8-bit layer
// may also set "dsp": true/false (multipliers on DSP48s or LUTs).
std::vector<FoldingOverride> read_folding_file(const std::filesystem::path& path);

// The default folding: per layer the cheapest (estimated LUTs) PE x SIMD meeting the
// target cycles, DSP48s for the 8-bit x 8-bit lanes while they last (largest layers
// first, LUT multipliers for the rest); the target is relaxed in 25 % steps, then
// bisected back to the least that fits the goal's budget. Throws dorefa::Error when even
// the slowest folding does not fit, naming the binding resource and the layer that uses
// most of it.
// goal.search kExact: the cheapest folding meeting target_cycles, or dorefa::Error naming
// what makes it unreachable (a layer's or the input stream's fastest rate, or the binding
// resource) and the best FPS that fits. kFastest: the search starts from the fastest rate
// every layer can reach.
Folding default_folding(const qmodel::Model& model, const Device& device, const FoldingGoal& goal = {});

// The fewest cycles per image any folding can reach: the input stream (at its widest
// legal beat) or the layer that is slowest at its full PE x SIMD; `what` names it.
std::int64_t fastest_cycles(const qmodel::Model& model, std::string* what = nullptr);

// Decides LayerFolding::dsp where it is unset: DSP48s for the multiply lanes of the layers
// where they pay (mvtu_uses_dsp), largest PE x SIMD first, while the DSPs left by the
// other users (logits, requant, layers already set) last; LUT multipliers for the rest.
void assign_dsp(const qmodel::Model& model, Folding& folding, const Device& device, const FoldingGoal& goal = {});

// Applies overrides to `base` (unknown layer names are an error), then validates.
Folding apply_overrides(const qmodel::Model& model, Folding base, const std::vector<FoldingOverride>& overrides,
                        const std::string& where = "folding");

}  // namespace dorefa::hw
