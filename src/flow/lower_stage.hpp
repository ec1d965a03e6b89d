#pragma once
// The lowering stage of the flow: checkpoint -> integer model file, checked image by image
// against the trained model's own forward pass on the test set (`dorefa lower`).
#include <cstddef>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace dorefa::flow {

struct LowerOptions {
  std::filesystem::path checkpoint;
  std::filesystem::path out;           // the .dqm file to write
  bool ptq = false;                    // W8A8 post-training quantization of a float model
  std::string calibration = "percentile";
  double percentile = 99.99;
  std::size_t calibration_images = 1000;
  std::string dataset;                 // "" = the checkpoint's own dataset
  std::size_t max_images = 0;          // test images to verify on (0 = all)
};

struct LowerReport {
  std::filesystem::path model_file;
  std::string dataset;
  std::size_t images = 0;
  std::size_t same_top1 = 0;        // integer model and trained model agree
  double trained_accuracy = 0;      // percent, trained model's own forward
  double integer_accuracy = 0;      // percent, integer runtime
  double agreement = 0;             // percent of images with the same top-1
  double runtime_images_per_second = 0;
  nlohmann::json to_json() const;
};

// Lowers (or post-training quantizes), saves the model atomically, verifies on the test set.
LowerReport lower_and_verify(const LowerOptions& options);

}  // namespace dorefa::flow
