#pragma once
// Model and training configuration: one human-editable TOML file per model (configs/*.toml)
// describing the layers with their W/A/G bits and the [train] hyper-parameters. No libtorch
// here, so the CLI and other parts can read configs cheaply.
//
// Block semantics (docs/training.md): conv/dense -> batch-norm -> quantize_k(clip(., 0, 1))
// for every weight layer except the last, which is a dense layer with 8-bit weights and a
// float bias (the logits). `maxpool` layers act on the quantized activations.
#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace dorefa::train {

enum class LayerType { kConv, kDense, kMaxPool };

// Bits value meaning "full precision" (the paper's k = 32).
inline constexpr int kFullPrecision = 32;

// Activation shape of one image, CHW (libtorch's order). Not qmodel::Shape (HWC, the
// integer model's order): the integer model must not depend on train/.
struct TensorShape {
  int channels = 1;
  int height = 1;
  int width = 1;
  std::int64_t elements() const { return std::int64_t(channels) * height * width; }
  bool operator==(const TensorShape&) const = default;
};

struct LayerConfig {
  std::string name;
  LayerType type = LayerType::kConv;
  int channels = 0;  // conv: output channels; dense: output features; maxpool: unused
  int kernel = 1;    // conv / maxpool: square kernel
  int stride = 1;    // conv default 1, maxpool default = kernel
  int padding = 0;   // conv only (zero padding, exact for levels: level 0 is real 0)
  int w_bits = kFullPrecision;  // weights: 1 (binary), 2..8 (DoReFa; 8 = symmetric on first/last), 32
  int a_bits = kFullPrecision;  // output activation bits (unused on the last layer)
  int g_bits = kFullPrecision;  // gradient bits of the quantizer placed after this layer
  // Derived by validation:
  TensorShape input;
  TensorShape output;
  bool first = false;  // first weight layer: reads raw pixels, 8-bit symmetric weights
  bool last = false;   // last layer: dense, 8-bit symmetric weights, float bias, no BN
  int input_bits = 8;  // bits of the activation this layer reads (8 = raw pixels)
};

struct TrainConfig {
  std::string dataset = "mnist";
  std::string optimizer = "adam";   // adam | sgd (with momentum)
  double lr = 1e-3;
  double momentum = 0.9;            // sgd only
  double weight_decay = 0.0;        // on latent weights only (not BN, not bias)
  std::string schedule = "cosine";  // cosine (per step, to 0) | step
  int step_epochs = 10;             // step schedule: multiply lr by step_gamma every step_epochs
  double step_gamma = 0.1;
  int batch_size = 100;
  int epochs = 10;
  std::uint64_t seed = 1;
  int augment_pad = 0;              // random shift by up to this many pixels; 0 = off
  int val_size = 5000;              // held out of the training set for model selection
};

struct ModelConfig {
  std::string name;
  std::string source;  // file the config came from (for error messages)
  TensorShape input{1, 28, 28};
  int num_classes = 10;
  std::vector<LayerConfig> layers;
  TrainConfig train;

  // Weight layers (conv/dense), in order.
  std::vector<const LayerConfig*> weight_layers() const;
  // Multiply-accumulates per image of the conv/dense layers.
  std::int64_t macs() const;
};

// Parses and validates a TOML config; every fault throws dorefa::Error naming the source,
// the layer and the field, with what was expected.
ModelConfig parse_config(const std::string& toml_text, const std::string& source);
ModelConfig load_config(const std::filesystem::path& path);

// Re-derives shapes and checks every field (after edits such as overrides).
void validate(ModelConfig& config);

// The config as TOML text that parse_config reads back to an equal config.
std::string to_toml(const ModelConfig& config);

// Sets the bits of every hidden weight layer (not the first/last layer's 8-bit weights,
// which stay as configured): W of hidden conv/dense, A of every layer but the last, G of
// every layer but the last. Used by --bits and --sweep.
void set_hidden_bits(ModelConfig& config, int w_bits, int a_bits, int g_bits);

// Parses "W,A,G" (e.g. "1,2,32"); throws dorefa::Error on anything else.
std::array<int, 3> parse_bits_triple(const std::string& text);

// "w1a2g32"-style tag of the hidden bits, for run names and tables.
std::string bits_tag(const ModelConfig& config);

std::string layer_type_name(LayerType type);

}  // namespace dorefa::train
