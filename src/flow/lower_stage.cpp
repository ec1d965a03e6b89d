#include "flow/lower_stage.hpp"

#include <chrono>

#include <fmt/format.h>

#include "data/registry.hpp"
#include "qmodel/lower/lower.hpp"
#include "qmodel/lower/ptq.hpp"
#include "qmodel/model_file.hpp"
#include "runtime/engine.hpp"
#include "train/checkpoint.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"

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

// The sign error a wrong BN-gamma fold would make in the first thresholds stage: every
// channel compares -acc instead of acc. The result is still a valid model (thresholds
// non-decreasing), so only the image-by-image check can catch it.
void flip_first_threshold_stage(qmodel::Model& model) {
  for (auto& layer : model.layers) {
    if (layer.thresholds.empty()) continue;
    const std::size_t per_channel = (std::size_t(1) << layer.output_bits) - 1;
    for (std::size_t c = 0; c + per_channel <= layer.thresholds.size(); c += per_channel) {
      std::vector<std::int32_t> t(layer.thresholds.begin() + std::ptrdiff_t(c),
                                  layer.thresholds.begin() + std::ptrdiff_t(c + per_channel));
      for (std::size_t j = 0; j < per_channel; ++j) layer.thresholds[c + j] = -t[per_channel - 1 - j];
    }
    return;
  }
  throw Error("--inject-fault flip-threshold", "the model has no thresholds stage to flip");
}

}  // namespace

LowerFault parse_lower_fault(const std::string& name) {
  if (name.empty() || name == "none") return LowerFault::kNone;
  if (name == "flip-threshold") return LowerFault::kFlipThreshold;
  throw Error("--inject-fault", fmt::format("unknown fault '{}' (expected none or flip-threshold)", name));
}

nlohmann::json LowerReport::to_json() const {
  return {{"model_file", model_file.string()}, {"dataset", dataset},
          {"images", images},                  {"same_top1", same_top1},
          {"agreement_pct", agreement},        {"trained_accuracy_pct", trained_accuracy},
          {"integer_accuracy_pct", integer_accuracy},
          {"runtime_images_per_second", runtime_images_per_second},
          {"gate", {{"min_agreement_pct", min_agreement}, {"passed", passed}, {"message", passed ? "" : gate_message()}}},
          {"first_differences", first_differences},
          {"model_written", model_written}};
}

std::string LowerReport::gate_message() const {
  std::string first;
  for (std::size_t i = 0; i < first_differences.size(); ++i) first += fmt::format("{}{}", i ? ", " : "", first_differences[i]);
  return fmt::format(
      "integer model and trained model give the same top-1 on {} of {} {} test images ({:.3f}%), below the gate of "
      "{:.3f}%; {} differ{}; the model was not written (--min-agreement lowers the gate)",
      same_top1, images, dataset, agreement, min_agreement, images - same_top1,
      first.empty() ? "" : ", first at images " + first);
}

void enforce_lower_gate(const LowerReport& report) {
  if (!report.passed) throw Error(report.model_file.string(), report.gate_message(), ErrorKind::kInternal);
}

LowerReport lower_and_verify(const LowerOptions& options) {
  train::Checkpoint ckpt = train::load_checkpoint(options.checkpoint);
  const std::string dataset = options.dataset.empty() ? ckpt.config.train.dataset : options.dataset;
  data::Dataset test = data::load_dataset(dataset, "test");
  if (options.max_images > 0) test = test.head(options.max_images);

  const std::string name =
      fmt::format("{}-{}", ckpt.config.name, options.ptq ? std::string("w8a8") : train::bits_tag(ckpt.config));
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
  if (options.fault == LowerFault::kFlipThreshold) flip_first_threshold_stage(model);

  LowerReport report;
  report.model_file = options.out;
  report.dataset = dataset;
  report.images = test.size();
  std::vector<int> trained = network_top1(ckpt.network, test);
  runtime::Engine engine(model, {.threads = options.threads});
  auto start = std::chrono::steady_clock::now();
  std::vector<runtime::Inference> integer = engine.run_batch(test.images);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::size_t trained_correct = 0, integer_correct = 0;
  for (std::size_t i = 0; i < test.size(); ++i) {
    report.same_top1 += trained[i] == integer[i].top1;
    if (trained[i] != integer[i].top1 && report.first_differences.size() < 10) report.first_differences.push_back(i);
    trained_correct += trained[i] == test.labels[i];
    integer_correct += integer[i].top1 == test.labels[i];
  }
  const double n = double(std::max<std::size_t>(test.size(), 1));
  report.agreement = 100.0 * double(report.same_top1) / n;
  report.trained_accuracy = 100.0 * double(trained_correct) / n;
  report.integer_accuracy = 100.0 * double(integer_correct) / n;
  report.runtime_images_per_second = seconds > 0 ? double(test.size()) / seconds : 0;
  report.min_agreement = options.gate();
  report.passed = test.size() > 0 && report.agreement + 1e-9 >= report.min_agreement;
  if (report.passed) {
    // The report first: if it cannot be written, the model file is left as it was.
    report.model_written = true;
    if (!options.report_json.empty()) util::write_file_atomic(options.report_json, report.to_json().dump(2) + "\n");
    qmodel::save_model(model, options.out);
  }
  return report;
}

}  // namespace dorefa::flow
