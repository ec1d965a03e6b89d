#pragma once
// Cycle and resource estimates of the streaming accelerator for a folding, used to pick a
// default folding and to reject designs that cannot fit before any tool runs. A layer's
// resources are the sum of the engines the generator builds for it (mvtu, output stage,
// sliding window or width converters, FIFOs); LUT/FF/DSP per engine are features of its
// parameters weighted by coefficients fitted against Yosys (cost_calibration.hpp, written
// by bench/hw/calibrate.py), BRAM36 follows Yosys's memory-mapping rule (docs/hw.md).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hw/device.hpp"
#include "hw/folding.hpp"
#include "hw/requant_stage.hpp"
#include "qmodel/model.hpp"

namespace dorefa::hw {

struct LayerCost {
  std::string layer;
  std::string kind;            // "input", "conv", "dense", "maxpool"
  int pe = 0, simd = 0;        // conv/dense only
  std::int64_t cycles = 0;     // per image at this stage's full rate
  int acc_bits = 0;            // conv/dense: signed accumulator width
  std::int64_t weight_depth = 0, weight_width = 0;  // weight memory words x bits
  std::string weight_memory;   // "bram", "logic" (LUTs) or "" (no weights)
  bool dsp = false;            // conv/dense: multiply lanes on DSP48s (USE_DSP)
  std::string output_stage;    // conv/dense: "thresholds", "requant" or "logits"
  RequantShape requant;        // output_stage "requant": rtl/requant.sv's parameters
  Resources resources;
};

struct CostEstimate {
  std::vector<LayerCost> layers;  // the input stream first, then one per model layer
  Resources total;
  std::int64_t ideal_cycles = 0;  // per image in steady state: the slowest stage
  std::string bottleneck;         // that stage's layer name
  double fps(double clock_mhz) const { return ideal_cycles > 0 ? clock_mhz * 1e6 / double(ideal_cycles) : 0.0; }
};

// Signed accumulator width A with 2^(A-1) >= qmodel::accumulator_bound(layer) + 2
// (docs/rtl/interfaces.md, mvtu).
int accumulator_bits(const qmodel::Layer& layer);

// The mvtu's W_BITS: 1 for binary (+-1 as one bit), k+1 for k-bit DoReFa (odd integers
// up to 2^k - 1 need a sign bit more), 8 for 8-bit symmetric.
int hw_weight_bits(const qmodel::Layer& layer);

// Whether a DSP48 per multiply lane pays for the layer's mvtu (USE_DSP): 8-bit weights
// with wide inputs. With inputs of 4 bits or fewer the shift-add LUT multiplier is a few
// adders and cheaper. The default folding gives these layers DSPs while they last
// (LayerFolding::dsp); the rest get LUT multipliers.
bool mvtu_uses_dsp(const qmodel::Layer& layer);

// Whether the layer at this folding multiplies on DSP48s: the folding's choice, else
// mvtu_uses_dsp.
bool folding_uses_dsp(const qmodel::Layer& layer, const LayerFolding& folding);

// Estimated cost of one conv/dense layer at PE x SIMD (pe/simd assumed valid); `dsp`
// unset: mvtu_uses_dsp(layer); `acc_bits` 0: accumulator_bits(layer) (which reads every
// weight: a folding search passes it in).
LayerCost estimate_mvu(const qmodel::Layer& layer, int pe, int simd, std::optional<bool> dsp = std::nullopt,
                       int acc_bits = 0);

// Estimated cycles and resources of the whole design at `folding`.
CostEstimate estimate_cost(const qmodel::Model& model, const Folding& folding);

// Names the resources whose estimate exceeds the device's capacity times `fraction`
// (empty when it fits).
std::string overflow(const Resources& estimate, const Device& device, const FoldingGoal& limits);

// For a design over the device's capacity times the limits: the first resource that
// overflows and the layer using most of it, e.g. "binding resource BRAM36: layer 'fc1'
// (#4) needs 58.0 of it (8-bit weights, 4096 x 256-bit words)"; empty when it fits.
std::string binding_resource(const qmodel::Model& model, const CostEstimate& estimate, const Device& device,
                             const FoldingGoal& limits);

// Throws dorefa::Error listing estimate vs. capacity when the design cannot fit the device.
void check_fits(const qmodel::Model& model, const CostEstimate& estimate, const Device& device,
                const std::string& where);

}  // namespace dorefa::hw
