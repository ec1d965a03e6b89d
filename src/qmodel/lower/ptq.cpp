#include "qmodel/lower/ptq.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "qmodel/lower/fold.hpp"
#include "qmodel/lower/network_walk.hpp"
#include "util/error.hpp"

namespace dorefa::qmodel::lower {
namespace {

// Per layer index: the calibrated activation range of its output.
std::vector<double> calibrate_ranges(const train::Network& network, const data::Dataset& calibration,
                                     const PtqOptions& options) {
  const std::size_t count = std::min(options.calibration_images, calibration.size());
  if (count == 0) throw Error("calibration set '" + calibration.name + "'", "no images (expected at least 1)");
  torch::NoGradGuard no_grad;
  train::Network net = network;  // shared handle; forward is non-const
  net->eval();
  std::vector<std::vector<torch::Tensor>> outputs(net->layers().size());
  const std::int64_t batch = 250;
  for (std::size_t start = 0; start < count; start += std::size_t(batch)) {
    const std::int64_t n = std::min<std::int64_t>(batch, std::int64_t(count - start));
    auto images = torch::from_blob(const_cast<std::uint8_t*>(calibration.image(start).data()),
                                   {n, calibration.rows, calibration.cols, calibration.channels}, torch::kUInt8);
    net->forward_observed(images, [&](std::size_t i, const torch::Tensor& x) {
      const auto& h = net->layers()[i];
      if (h.has_weights() && !h.config.last) outputs[i].push_back(x.detach().flatten().clone());
    });
  }
  std::vector<double> ranges(outputs.size(), 0.0);
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    if (outputs[i].empty()) continue;
    torch::Tensor all = torch::cat(outputs[i]);
    if (options.calibration == Calibration::kMinMax) {
      ranges[i] = all.max().item<double>();
    } else {
      auto k = std::int64_t(std::ceil(options.percentile / 100.0 * double(all.numel())));
      k = std::clamp<std::int64_t>(k, 1, all.numel());
      ranges[i] = std::get<0>(all.kthvalue(k)).item<double>();
    }
  }
  return ranges;
}

}  // namespace

Calibration parse_calibration(const std::string& text) {
  if (text == "minmax") return Calibration::kMinMax;
  if (text == "percentile") return Calibration::kPercentile;
  throw Error("--calibration", "unknown calibration '" + text + "' (expected minmax or percentile)");
}

Model post_training_quantize(const train::Network& network, const data::Dataset& calibration,
                             const PtqOptions& options, const std::string& name) {
  if (!(options.percentile > 0.0 && options.percentile <= 100.0)) {
    throw Error("--percentile", fmt::format("{} is not a percentile (expected 0 < p <= 100)", options.percentile));
  }
  const std::vector<double> ranges = calibrate_ranges(network, calibration, options);
  // The same walk as lower_network (lower.cpp): NetworkWalk holds the shared steps (geometry,
  // integer weights, logits, requant stages); the loops differ in each hidden layer's output
  // stage (calibrated requantization here, thresholds or QAT requant there).
  NetworkWalk walk(network);
  const auto& layers = network->layers();
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const train::LayerHandle& handle = layers[i];
    if (!walk.visit_geometry(handle)) continue;
    IntegerWeights weights = walk.integer_weights(handle, /*symmetric8=*/true);
    Layer& layer = walk.emit_weight_layer(handle, weights);
    if (handle.config.last) {
      walk.set_logits(layer, handle, weights);
      continue;
    }
    // Output level n stands for n * s_out; a range of 0 (a dead layer) keeps any scale.
    const double s_out = ranges[i] > 0.0 ? ranges[i] / 255.0 : 1.0 / 255.0;
    walk.set_requant(layer, handle, weights, s_out);
  }
  return walk.finish(name);
}

}  // namespace dorefa::qmodel::lower
