#pragma once
// Valid random integer models of a chosen topology, for the runtime and the hardware to
// test against before (and beside) trained models. Weights are random in their encoding;
// output stages are fitted to accumulator statistics on real images so that every layer's
// activations spread over their levels instead of sticking at 0 or the top level.
#include <cstdint>
#include <string>
#include <vector>

#include "qmodel/model.hpp"

namespace dorefa::qmodel {

enum class SyntheticTopology {
  kLenet,  // convs (a max-pool after every convs_per_pool of them), then dense layers
  kCnv,    // as kLenet; named "cnv" in the model's metadata
  kMlp,    // dense layers only
};

struct SyntheticSpec {
  SyntheticTopology topology = SyntheticTopology::kLenet;
  std::string name;                   // empty: derived, e.g. "synthetic-lenet-w1a2"
  int first_weight_bits = 8;          // first layer (reads raw 8-bit pixels)
  int weight_bits = 1;                // hidden layers: 1 binary, 2..7 dorefa, 8 symmetric
  int last_weight_bits = 8;           // the logits layer
  int activation_bits = 2;            // every hidden activation
  bool requant = false;               // hidden outputs by requant (W8A8 style) instead of thresholds
  int w8a8_layers = 0;                // mixed nets: the first N hidden conv/dense layers are W8A8
                                      // (8-bit weights, requant to 8-bit levels), the rest as above
  std::vector<int> conv_channels = {16, 64};  // lenet: output channels of the convs (configs/lenet.toml)
  int kernel = 5;                     // lenet conv kernel
  int padding = 0;                    // lenet conv padding
  int pool = 2;                       // lenet max-pool kernel = stride (1: no pooling layers)
  int convs_per_pool = 1;             // lenet: a max-pool after every N convs, while the map is at
                                      // least `pool` wide (CNV: 2, and none after its 1x1 conv6)
  std::vector<int> hidden = {128};    // dense hidden widths (lenet: after the convs; mlp: all)
  std::string dataset = "mnist";      // calibration images come from its train split
  std::size_t calibration_images = 256;
};

// Shorthands for the shapes the benchmarks and the hardware tests use.
// The lenet shapes follow configs/lenet.toml: 28x28x1 -> conv5 16 -> pool2 -> conv5 64 -> pool2
// -> dense 128 -> dense 10 (about 2.0M MACs).
SyntheticSpec lenet_w1a2_spec();   // 8-bit first conv, binary weights, 2-bit activations
SyntheticSpec lenet_w8a8_spec();   // 8-bit everything, requant outputs
SyntheticSpec lenet_mixed_spec();  // conv1 W8A8 (requant to 8 bits), then W1A2 as lenet_w1a2
SyntheticSpec mlp_w2a2_spec();     // 784-128-64-10, 2-bit dorefa weights and activations
// FINN's CNV (configs/cnv-rgb.toml shapes) on a 32x32 input: conv3 64, 64, pool, 128, 128,
// pool, 256, 256 (no padding: 32 -> 30 -> 28 -> 14 -> 12 -> 10 -> 5 -> 3 -> 1), dense 512,
// 512, classes; 8-bit first and last layers, binary weights and 2-bit activations between.
SyntheticSpec cnv_w1a2_spec();

// Builds a model that passes validate(); the same spec and seed give the same model.
Model make_synthetic_model(const SyntheticSpec& spec, std::uint64_t seed);

}  // namespace dorefa::qmodel
