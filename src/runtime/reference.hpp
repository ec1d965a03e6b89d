#pragma once
// The reference interpreter: docs/integer-model.md in plain loops, obviously right and
// slow. Every optimized kernel and the hardware are tested bit for bit against it.
#include <cstdint>
#include <span>
#include <vector>

#include "qmodel/model.hpp"

namespace dorefa::runtime {

// The result of one image: the integer class scores of the logits stage and their argmax
// (lowest index on ties).
struct Inference {
  std::vector<std::int64_t> scores;
  int top1 = -1;
  bool operator==(const Inference&) const = default;
};

// Runs `model` on one image (raw levels, HWC, model.input.elements() bytes). Throws
// dorefa::Error if the image has the wrong size or a level above 2^input_bits - 1.
Inference run_reference(const qmodel::Model& model, std::span<const std::uint8_t> image);

// Every layer's output, HWC: activation levels for thresholds/requant/maxpool layers and
// the raw int32 accumulators for the logits layer (the scores follow in `inference`).
struct Trace {
  std::vector<std::vector<std::int32_t>> layers;
  Inference inference;
};
Trace run_reference_trace(const qmodel::Model& model, std::span<const std::uint8_t> image);

// The single-layer pieces, for layer-level cross-checks (e.g. one RTL module at a time).
namespace reference {
// conv/dense accumulators, HWC over layer.output.
std::vector<std::int32_t> accumulate(const qmodel::Layer& layer, std::span<const std::int32_t> input);
// thresholds/requant stage applied to accumulators (levels), HWC.
std::vector<std::int32_t> output_stage(const qmodel::Layer& layer, std::span<const std::int32_t> acc);
// logits stage: scores and top-1.
Inference logits(const qmodel::Layer& layer, std::span<const std::int32_t> acc);
// max-pool on levels.
std::vector<std::int32_t> maxpool(const qmodel::Layer& layer, std::span<const std::int32_t> input);
// Argmax with the lowest index winning ties.
int argmax(std::span<const std::int64_t> scores);
}  // namespace reference

// Checks an image against the model's input (size and level range); throws dorefa::Error.
void check_image(const qmodel::Model& model, std::span<const std::uint8_t> image);

}  // namespace dorefa::runtime
