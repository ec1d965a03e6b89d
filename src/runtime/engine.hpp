#pragma once
// The fast CPU runtime: prepares each layer once (packed weights, chosen kernel) and runs
// batches of images on several threads. Bit-exact with run_reference (tests hold them
// equal on MNIST); see docs/integer-model.md for the arithmetic.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "qmodel/model.hpp"
#include "runtime/reference.hpp"

namespace dorefa::runtime {

struct EngineOptions {
  int threads = 0;    // worker threads for run_batch; 0: all hardware threads
  bool simd = true;   // false: the portable kernels only (for tests and comparisons)
  // Images each thread takes through the network layer by layer (one GEMM per layer over
  // all of them). 8 fills the 8-pixel tiles of igemm-avx512vnni in the dense layers and
  // keeps a chunk's conv1 int16 patches and int32 sums (8 x 67 KB) in L2.
  int chunk = 8;
};

class Engine {
 public:
  // Validates the model and packs every layer's weights for its kernel.
  explicit Engine(qmodel::Model model, EngineOptions options = {});
  ~Engine();
  Engine(Engine&&) noexcept;
  Engine& operator=(Engine&&) noexcept;

  // One image: model().input.elements() bytes of levels, HWC.
  Inference run(std::span<const std::uint8_t> image) const;
  // `images` holds n images back to back; results in the same order.
  std::vector<Inference> run_batch(std::span<const std::uint8_t> images) const;

  // Seconds spent in each layer (im2col, kernel, output stage) running `images` on this
  // thread in chunks, as run_batch does on each thread: for the roofline in docs/runtime.md.
  std::vector<double> profile_layers(std::span<const std::uint8_t> images) const;

  const qmodel::Model& model() const;
  // The kernel each layer runs, e.g. "conv1 igemm-avx2, pool1 maxpool, conv2 bgemm-popcnt W1A2, ...".
  std::string describe() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dorefa::runtime
