#pragma once
// Post-training quantization to W8A8 (the "whole net 8-bit" mode): a float-trained network
// (hidden w/a bits 32) becomes an integer model with 8-bit symmetric per-channel weights,
// uint8 activations with per-layer scales calibrated on real images, and fixed-point
// requantization (gemmlowp/TFLite style multiplier + shift, round half up).
#include <string>

#include "data/dataset.hpp"
#include "qmodel/model.hpp"
#include "train/network.hpp"

namespace dorefa::qmodel::lower {

// PTQ's gate (docs/integer-model.md, "Agreement gate"): the float model is not the
// quantized one, so the agreement bounds what 8-bit quantization may change.
inline constexpr double kMinAgreementPtqPct = 99.0;

enum class Calibration {
  kMinMax,      // activation range = the largest value seen
  kPercentile,  // activation range = the given percentile of values seen (clips outliers)
};

struct PtqOptions {
  Calibration calibration = Calibration::kPercentile;
  double percentile = 99.99;          // kPercentile only, in (0, 100]
  std::size_t calibration_images = 1000;  // taken from the front of the calibration set
};

// Throws dorefa::Error naming the layer if the network has a layer PTQ cannot express.
Model post_training_quantize(const train::Network& network, const data::Dataset& calibration,
                             const PtqOptions& options, const std::string& name);

// Parses "minmax" or "percentile"; throws dorefa::Error otherwise.
Calibration parse_calibration(const std::string& text);

}  // namespace dorefa::qmodel::lower
