// Writes a few small valid models (one byte of fuzzer control + the .dqm bytes) as seeds.
#include <cstdio>
#include <string>

#include "qmodel/model_file.hpp"
#include "qmodel/synthetic.hpp"
#include "util/atomic_file.hpp"

int main(int argc, char** argv) {
  using namespace dorefa::qmodel;
  if (argc != 2) return 2;
  const std::string dir = argv[1];
  auto small = [](SyntheticSpec s) {
    s.conv_channels = {4, 8};
    s.kernel = 3;
    s.hidden = {16};
    s.calibration_images = 16;
    return s;
  };
  SyntheticSpec w8 = small(lenet_w8a8_spec());
  SyntheticSpec w2 = small(lenet_w1a2_spec());
  w2.weight_bits = 2;
  w2.padding = 1;
  SyntheticSpec mlp = mlp_w2a2_spec();
  mlp.hidden = {16, 8};
  mlp.calibration_images = 16;
  const SyntheticSpec specs[] = {small(lenet_w1a2_spec()), w8, w2, mlp};
  int i = 0;
  for (const auto& s : specs) {
    std::vector<std::uint8_t> bytes = encode_model(make_synthetic_model(s, std::uint64_t(i)));
    bytes.insert(bytes.begin(), std::uint8_t(i % 2));
    dorefa::util::write_file_atomic(dir + "/seed" + std::to_string(i) + ".bin", bytes);
    ++i;
  }
  std::printf("wrote %d seeds to %s\n", i, dir.c_str());
  return 0;
}
