// images/s and single-image latency of the integer engine on MNIST test images, with no
// libtorch or Google Benchmark: the CPU baseline that builds for the board's ARM (static,
// build-armhf/bench/runtime/engine_rate) as well as here. Every result is checked against
// the reference interpreter first, so a number is only printed for bit-exact kernels.
//   engine_rate [w1a2|w2a2|w8a8] [images] [threads] [layers]   (defaults: w1a2 1000 0 = all cores)
// Prints one JSON line; with `layers`, a second one: each layer's microseconds per image on
// one thread (Engine::profile_layers, best of 3 passes), for bench/runtime/roofline.py. Under qemu-arm the numbers measure the emulator, not a Cortex-A9.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "data/registry.hpp"
#include "qmodel/synthetic.hpp"
#include "runtime/engine.hpp"
#include "util/error.hpp"

int main(int argc, char** argv) {
  using namespace dorefa;
  using Clock = std::chrono::steady_clock;
  const std::string name = argc > 1 ? argv[1] : "w1a2";
  const std::size_t n = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 1000;
  const int threads = argc > 3 ? std::atoi(argv[3]) : 0;
  if ((name != "w1a2" && name != "w2a2" && name != "w8a8") || n == 0) {
    std::fprintf(stderr, "usage: engine_rate [w1a2|w2a2|w8a8] [images > 0] [threads] [layers]\n");
    return 2;
  }
  try {
    qmodel::SyntheticSpec spec = name == "w8a8" ? qmodel::lenet_w8a8_spec() : qmodel::lenet_w1a2_spec();
    if (name == "w2a2") spec.weight_bits = 2;  // 2-bit DoReFa weights in the hidden layers
    spec.calibration_images = 64;
    const qmodel::Model model = qmodel::make_synthetic_model(spec, 1);
    const data::Dataset ds = data::load_dataset("mnist", "test").head(n);
    const runtime::Engine engine(model, {.threads = threads});

    const auto t0 = Clock::now();
    const std::vector<runtime::Inference> out = engine.run_batch(ds.images);
    const double batch_s = std::chrono::duration<double>(Clock::now() - t0).count();
    const std::size_t one = std::min<std::size_t>(n, 100);
    const auto t1 = Clock::now();
    for (std::size_t i = 0; i < one; ++i) (void)engine.run(ds.image(i));
    const double single_s = std::chrono::duration<double>(Clock::now() - t1).count();

    std::size_t mismatches = 0;
    for (std::size_t i = 0; i < n; ++i) mismatches += !(runtime::run_reference(model, ds.image(i)) == out[i]);
    if (mismatches) {
      std::fprintf(stderr, "error: %zu of %zu images differ from the reference (%s)\n", mismatches, n,
                   engine.describe().c_str());
      return 1;
    }
    std::printf("{\"model\": \"lenet-%s\", \"images\": %zu, \"threads\": %d, \"images_per_s\": %.1f, "
                "\"latency_ms\": %.3f, \"bit_exact\": true, \"kernels\": \"%s\"}\n",
                name.c_str(), n, threads, double(n) / batch_s, 1e3 * single_s / double(one),
                engine.describe().c_str());
    if (argc > 4 && std::string(argv[4]) == "layers") {
      std::vector<double> best;
      for (int pass = 0; pass < 3; ++pass) {
        const std::vector<double> s = engine.profile_layers(ds.images);
        if (best.empty()) best = s;
        for (std::size_t l = 0; l < s.size(); ++l) best[l] = std::min(best[l], s[l]);
      }
      std::printf("{\"layers\": [");
      for (std::size_t l = 0; l < best.size(); ++l)
      {
        const qmodel::Layer& ly = model.layers[l];
        const std::int64_t macs = ly.has_weights() ? ly.output.elements() * ly.fan_in() : 0;
        std::printf("%s{\"name\": \"%s\", \"macs\": %lld, \"weight_bits\": %d, \"input_bits\": %d, "
                    "\"us_per_image\": %.4f}",
                    l ? ", " : "", ly.name.c_str(), static_cast<long long>(macs), ly.has_weights() ? ly.weight_bits : 0,
                    ly.input_bits, 1e6 * best[l] / double(n));
      }
      std::printf("]}\n");
    }
  } catch (const Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
  return 0;
}
