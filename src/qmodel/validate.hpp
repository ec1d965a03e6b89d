#pragma once
// Checks that an integer model is well formed: every field within range, shapes consistent
// along the chain, weights within their encoding, thresholds monotone, and no intermediate
// value that can overflow the integer widths docs/integer-model.md prescribes.
#include <cstdint>
#include <string>

#include "qmodel/model.hpp"

namespace dorefa::qmodel {

// Throws dorefa::Error naming `where` (a file path or "in-memory model"), the layer and the
// field, with the expected vs. found value, for the first problem found.
void validate(const Model& model, const std::string& where);

// Exact accumulator range of a conv/dense layer over all inputs with levels
// 0 .. 2^input_bits - 1: per channel, positive weights times the top level bound the
// maximum and negative ones the minimum. The hardware sizes accumulators from this.
struct AccumulatorRange {
  std::int64_t min = 0;
  std::int64_t max = 0;
};
AccumulatorRange accumulator_range(const Layer& layer, int out_channel);
AccumulatorRange accumulator_range(const Layer& layer);  // union over the channels
// Largest |acc| over all inputs and channels: max(range.max, -range.min) of the union.
// The hardware sizes its accumulators from this (hw::accumulator_bits).
std::int64_t accumulator_bound(const Layer& layer);

// Output spatial size of a conv (with padding) or maxpool (without) along one axis;
// 0 when the window does not fit.
int window_output_size(int in, int kernel, int stride, int padding);

// Human-readable names, used by error messages and the JSON dump.
const char* to_string(LayerKind kind);
const char* to_string(WeightKind kind);
const char* to_string(OutputKind kind);

}  // namespace dorefa::qmodel
