#pragma once
// The integer model: plain data describing an integer-only network (see
// docs/integer-model.md for the exact arithmetic). Shared by runtime/ and hw/; no libtorch.
#include <cstdint>
#include <string>
#include <vector>

namespace dorefa::qmodel {

enum class LayerKind : std::uint8_t { kConv = 1, kDense = 2, kMaxPool = 3 };
enum class WeightKind : std::uint8_t { kBinary = 1, kDorefa = 2, kSymmetric = 3 };
enum class OutputKind : std::uint8_t { kThresholds = 1, kRequant = 2, kLogits = 3 };

// Activation tensor shape of one image, HWC. (train::TensorShape is its CHW twin on the
// training side, kept apart so the integer model does not depend on train/.)
struct Shape {
  int height = 1;
  int width = 1;
  int channels = 1;
  std::int64_t elements() const { return std::int64_t(height) * width * channels; }
  bool operator==(const Shape&) const = default;
};

struct Layer {
  std::string name;  // from the training config, e.g. "conv1"
  LayerKind kind = LayerKind::kConv;
  Shape input;       // what this layer reads (dense: any shape, read flattened HWC)
  Shape output;      // dense: {1, 1, out_features}
  int input_bits = 8;  // levels 0 .. 2^input_bits - 1

  // conv and maxpool geometry (square kernels); dense uses kernel 1, stride 1, padding 0.
  int kernel = 1;
  int stride = 1;
  int padding = 0;

  // conv / dense weights: conv [out][ky][kx][in], dense [out][in] (in = HWC flat index).
  WeightKind weight_kind = WeightKind::kBinary;
  int weight_bits = 1;
  std::vector<std::int8_t> weights;

  // conv / dense output stage.
  OutputKind output_kind = OutputKind::kThresholds;
  int output_bits = 2;                      // thresholds/requant: levels 0 .. 2^output_bits - 1
  std::vector<std::int32_t> thresholds;     // [out][2^output_bits - 1], non-decreasing per channel
  std::vector<std::int32_t> requant_bias;   // [out]
  std::vector<std::int32_t> requant_mult;   // [out], > 0
  std::vector<std::int32_t> requant_shift;  // [out], 1 .. 62
  std::vector<std::int32_t> logit_mul;      // [out]
  std::vector<std::int64_t> logit_add;      // [out]

  bool has_weights() const { return kind != LayerKind::kMaxPool; }
  int out_channels() const { return output.channels; }
  // Weights per output channel: kernel*kernel*input.channels (conv) or input.elements() (dense).
  std::int64_t fan_in() const {
    return kind == LayerKind::kConv ? std::int64_t(kernel) * kernel * input.channels : input.elements();
  }
  int threshold_count() const { return (1 << output_bits) - 1; }
};

struct Model {
  std::string name;       // e.g. "lenet-w1a2"
  Shape input;            // e.g. {28, 28, 1}
  int input_bits = 8;     // raw pixels
  int num_classes = 10;
  std::vector<Layer> layers;  // in execution order; the last one has OutputKind::kLogits
  std::string metadata_json;  // provenance: training config, dataset checksum, accuracies
};

}  // namespace dorefa::qmodel
