// libFuzzer target for the .dqm loader. The first input byte picks whether the checksum is
// recomputed (odd) so the fuzzer also explores everything behind it. A model that loads
// must be runnable: small ones are run by the reference and the engine, which must agree.
#include <cstdint>
#include <vector>

#include "qmodel/model_file.hpp"
#include "runtime/engine.hpp"
#include "runtime/reference.hpp"
#include "util/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  std::vector<std::uint8_t> bytes(data + 1, data + size);
  if (data[0] & 1) dorefa::qmodel::reseal_checksum(bytes);
  dorefa::qmodel::Model m;
  try {
    m = dorefa::qmodel::decode_model(bytes, "fuzz");
  } catch (const dorefa::Error&) {
    return 0;  // rejected with a message: the expected outcome for most inputs
  }
  std::int64_t macs = 0;
  for (const auto& l : m.layers) macs += l.output.elements() * (l.has_weights() ? l.fan_in() : l.kernel * l.kernel);
  if (macs > 2'000'000) return 0;
  std::vector<std::uint8_t> image(std::size_t(m.input.elements()));
  const int top = (1 << m.input_bits) - 1;
  for (std::size_t i = 0; i < image.size(); ++i) image[i] = std::uint8_t((i * 37 + size) % std::size_t(top + 1));
  const dorefa::runtime::Inference ref = dorefa::runtime::run_reference(m, image);
  dorefa::runtime::Engine engine(m, {.threads = 1});
  if (!(engine.run(image) == ref)) __builtin_trap();  // engine and reference disagree
  return 0;
}
