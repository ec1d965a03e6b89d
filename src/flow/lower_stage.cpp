#include "flow/lower_stage.hpp"

#include <chrono>

#include <fmt/format.h>

#include "data/registry.hpp"
#include "qmodel/lower/lower.hpp"
#include "qmodel/lower/ptq.hpp"
#include "qmodel/model_file.hpp"
#include "runtime/engine.hpp"
#include "train/checkpoint.hpp"

namespace dorefa::flow {
namespace {

// The trained model's top-1 for every image, in batches.
std::vector<int> network_top1(train::Network network, const data::Dataset& ds) {
  torch::NoGradGuard no_grad;
  network->eval();
  std::vector<int> top1;
  top1.reserve(ds.size());
  const std::size_t batch = 500;
  for (std::size_t start = 0; start < ds.size(); start += batch) {
    auto n = std::int64_t(std::min(batch, ds.size() - start));
    auto images = torch::from_blob(const_cast<std::uint8_t*>(ds.image(start).data()),
                                   {n, ds.rows, ds.cols, ds.channels}, torch::kUInt8);
    auto pred = network->forward(images).argmax(1).contiguous();
    for (std::int64_t i = 0; i < n; ++i) top1.push_back(int(pred[i].item<std::int64_t>()));
  }
  return top1;
}

}  // namespace

nlohmann::json LowerReport::to_json() const {
  return {{"model_file", model_file.string()}, {"dataset", dataset},
          {"images", images},                  {"same_top1", same_top1},
          {"agreement_pct", agreement},        {"trained_accuracy_pct", trained_accuracy},
          {"integer_accuracy_pct", integer_accuracy},
          {"runtime_images_per_second", runtime_images_per_second}};
}

LowerReport lower_and_verify(const LowerOptions& options) {
  train::Checkpoint ckpt = train::load_checkpoint(options.checkpoint);
  const std::string dataset = options.dataset.empty() ? ckpt.config.train.dataset : options.dataset;
  data::Dataset test = data::load_dataset(dataset, "test");
  if (options.max_images > 0) test = test.head(options.max_images);

  const std::string name = ckpt.config.name + (options.ptq ? "-w8a8" : "-" + train::bits_tag(ckpt.config));
  qmodel::Model model;
  if (options.ptq) {
    qmodel::lower::PtqOptions ptq;
    ptq.calibration = qmodel::lower::parse_calibration(options.calibration);
    ptq.percentile = options.percentile;
    ptq.calibration_images = options.calibration_images;
    // Calibrate on training images: the test set stays unseen.
    model = qmodel::lower::post_training_quantize(ckpt.network, data::load_dataset(dataset, "train"), ptq, name);
  } else {
    model = qmodel::lower::lower_network(ckpt.network, name);
  }
  nlohmann::json meta = {{"source_checkpoint", options.checkpoint.string()},
                         {"mode", options.ptq ? "ptq-w8a8" : "qat"},
                         {"config_toml", train::to_toml(ckpt.config)},
                         {"training", ckpt.metadata}};
  model.metadata_json = meta.dump();
  qmodel::save_model(model, options.out);

  LowerReport report;
  report.model_file = options.out;
  report.dataset = dataset;
  report.images = test.size();
  std::vector<int> trained = network_top1(ckpt.network, test);
  runtime::Engine engine(model);
  auto start = std::chrono::steady_clock::now();
  std::vector<runtime::Inference> integer = engine.run_batch(test.images);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::size_t trained_correct = 0, integer_correct = 0;
  for (std::size_t i = 0; i < test.size(); ++i) {
    report.same_top1 += trained[i] == integer[i].top1;
    trained_correct += trained[i] == test.labels[i];
    integer_correct += integer[i].top1 == test.labels[i];
  }
  const double n = double(std::max<std::size_t>(test.size(), 1));
  report.agreement = 100.0 * double(report.same_top1) / n;
  report.trained_accuracy = 100.0 * double(trained_correct) / n;
  report.integer_accuracy = 100.0 * double(integer_correct) / n;
  report.runtime_images_per_second = seconds > 0 ? double(test.size()) / seconds : 0;
  return report;
}

}  // namespace dorefa::flow
