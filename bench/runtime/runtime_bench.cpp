// images/s at batch 1 and 256: the integer engine (W1A2 and W8A8 synthetic lenets with the
// shapes of configs/lenet.toml), the reference interpreter, and libtorch's float forward of
// the same layer shapes, all in this process with the same thread count.
// bench/runtime/run.sh runs it and prints the engine/torch ratios.
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include <cstdlib>
#include <map>

#include "data/registry.hpp"
#include "qmodel/synthetic.hpp"
#include "runtime/engine.hpp"

namespace {
using namespace dorefa;

int bench_threads() {
  const char* t = std::getenv("DOREFA_BENCH_THREADS");
  return t ? std::atoi(t) : 2;
}

const data::Dataset& images() {
  static const data::Dataset ds = data::load_dataset("mnist", "test").head(256);
  return ds;
}

const qmodel::Model& model(const std::string& name) {
  static std::map<std::string, qmodel::Model> cache;
  auto it = cache.find(name);
  if (it != cache.end()) return it->second;
  qmodel::SyntheticSpec s = name == "w1a2" ? qmodel::lenet_w1a2_spec() : qmodel::lenet_w8a8_spec();
  s.calibration_images = 128;
  return cache.emplace(name, qmodel::make_synthetic_model(s, 1)).first->second;
}

void set_rate(benchmark::State& state, std::size_t batch) {
  state.counters["images/s"] = benchmark::Counter(double(state.iterations() * batch), benchmark::Counter::kIsRate);
}

void BM_Engine(benchmark::State& state, const std::string& name) {
  const std::size_t batch = std::size_t(state.range(0));
  runtime::Engine engine(model(name), {.threads = bench_threads()});
  std::span<const std::uint8_t> in(images().images.data(), batch * images().image_bytes());
  for (auto _ : state) benchmark::DoNotOptimize(engine.run_batch(in));
  set_rate(state, batch);
  state.SetLabel(engine.describe());
}

void BM_EngineGeneric(benchmark::State& state, const std::string& name) {
  const std::size_t batch = std::size_t(state.range(0));
  runtime::Engine engine(model(name), {.threads = bench_threads(), .simd = false});
  std::span<const std::uint8_t> in(images().images.data(), batch * images().image_bytes());
  for (auto _ : state) benchmark::DoNotOptimize(engine.run_batch(in));
  set_rate(state, batch);
}

void BM_Reference(benchmark::State& state, const std::string& name) {
  for (auto _ : state) benchmark::DoNotOptimize(runtime::run_reference(model(name), images().image(0)));
  set_rate(state, 1);
}

// The float network of the same shapes: conv5 16 -> clip -> pool -> conv5 64 -> clip -> pool
// -> dense 128 -> clip -> dense 10 (batch-norm folded away, as in deployment).
struct FloatLenetImpl : torch::nn::Module {
  FloatLenetImpl()
      : conv1(register_module("conv1", torch::nn::Conv2d(torch::nn::Conv2dOptions(1, 16, 5)))),
        conv2(register_module("conv2", torch::nn::Conv2d(torch::nn::Conv2dOptions(16, 64, 5)))),
        fc1(register_module("fc1", torch::nn::Linear(1024, 128))),
        fc2(register_module("fc2", torch::nn::Linear(128, 10))) {}
  torch::Tensor forward(torch::Tensor x) {
    x = torch::max_pool2d(torch::clamp(conv1->forward(x), 0, 1), 2);
    x = torch::max_pool2d(torch::clamp(conv2->forward(x), 0, 1), 2);
    x = torch::clamp(fc1->forward(x.flatten(1)), 0, 1);
    return fc2->forward(x);
  }
  torch::nn::Conv2d conv1, conv2;
  torch::nn::Linear fc1, fc2;
};
TORCH_MODULE(FloatLenet);

void BM_TorchFloat(benchmark::State& state) {
  const std::int64_t batch = state.range(0);
  torch::set_num_threads(bench_threads());
  torch::NoGradGuard no_grad;
  FloatLenet net;
  net->eval();
  // The same pixels as float (conversion outside the timed loop, in torch's favour).
  torch::Tensor x = torch::from_blob(const_cast<std::uint8_t*>(images().images.data()), {batch, 1, 28, 28}, torch::kUInt8)
                        .to(torch::kFloat32)
                        .div(255.0);
  for (auto _ : state) benchmark::DoNotOptimize(net->forward(x));
  set_rate(state, std::size_t(batch));
}

BENCHMARK_CAPTURE(BM_Engine, w1a2, std::string("w1a2"))->Arg(1)->Arg(256)->UseRealTime();
BENCHMARK_CAPTURE(BM_Engine, w8a8, std::string("w8a8"))->Arg(1)->Arg(256)->UseRealTime();
BENCHMARK_CAPTURE(BM_EngineGeneric, w1a2, std::string("w1a2"))->Arg(256)->UseRealTime();
BENCHMARK_CAPTURE(BM_EngineGeneric, w8a8, std::string("w8a8"))->Arg(256)->UseRealTime();
BENCHMARK_CAPTURE(BM_Reference, w1a2, std::string("w1a2"))->UseRealTime();
BENCHMARK(BM_TorchFloat)->Arg(1)->Arg(256)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
