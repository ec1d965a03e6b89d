#pragma once
// Small MNIST configs for the pruning tests, written inline so the tests do not depend on
// the zoo files: a LeNet-like chain with a conv->conv edge, a conv->pool->conv edge, a
// conv->flatten->dense edge and a dense->dense edge.
#include <string>

#include "train/config.hpp"

namespace dorefa::prune::testing {

inline std::string chain_toml(int w_bits = 1, int a_bits = 2) {
  return R"([model]
name = "chain"
input = [1, 28, 28]
classes = 10
w_bits = )" + std::to_string(w_bits) +
         "\na_bits = " + std::to_string(a_bits) + R"(
g_bits = 32

[[layers]]
name = "conv1"
type = "conv"
channels = 12
kernel = 3

[[layers]]
name = "conv2"
type = "conv"
channels = 16
kernel = 3

[[layers]]
name = "pool1"
type = "maxpool"
kernel = 2

[[layers]]
name = "conv3"
type = "conv"
channels = 16
kernel = 3

[[layers]]
name = "pool2"
type = "maxpool"
kernel = 2

[[layers]]
name = "fc1"
type = "dense"
channels = 32

[[layers]]
name = "fc2"
type = "dense"
channels = 10

[train]
batch_size = 100
lr = 0.001
val_size = 500
)";
}

inline train::ModelConfig chain_config(int w_bits = 1, int a_bits = 2) {
  return train::parse_config(chain_toml(w_bits, a_bits), "chain.toml");
}

}  // namespace dorefa::prune::testing
