#pragma once
// The lowering stage of the flow: checkpoint -> integer model file, checked image by image
// against the trained model's own forward pass on the test set (`dorefa lower`).
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "qmodel/lower/lower.hpp"
#include "qmodel/lower/ptq.hpp"

namespace dorefa::flow {

// The verification gates: qmodel::lower::kMinAgreementQatPct and kMinAgreementPtqPct.
using qmodel::lower::kMinAgreementPtqPct;
using qmodel::lower::kMinAgreementQatPct;

// Deliberate breakage of the lowered model, for testing that the gate stops the line.
enum class LowerFault { kNone, kFlipThreshold };
LowerFault parse_lower_fault(const std::string& name);  // "", "none", "flip-threshold"

struct LowerOptions {
  std::filesystem::path checkpoint;
  std::filesystem::path out;           // the .dqm file to write
  bool ptq = false;                    // W8A8 post-training quantization of a float model
  std::string calibration = "percentile";
  double percentile = 99.99;
  std::size_t calibration_images = 1000;
  std::string dataset;                 // "" = the checkpoint's own dataset
  std::size_t max_images = 0;          // test images to verify on (0 = all)
  int threads = 0;                     // integer engine threads for the verification (0 = all cores); not in the stage key: results do not depend on it
  double min_agreement = -1;           // percent; < 0: the documented gate for the mode
  LowerFault fault = LowerFault::kNone;
  std::filesystem::path report_json;   // optional: the verification as JSON, written before the model
  double gate() const { return min_agreement >= 0 ? min_agreement : ptq ? kMinAgreementPtqPct : kMinAgreementQatPct; }
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
  double min_agreement = 0;                     // the gate applied, percent
  bool passed = false;                          // agreement >= min_agreement
  bool model_written = false;                   // only when the gate passed
  std::vector<std::size_t> first_differences;   // up to 10 test image indices
  nlohmann::json to_json() const;
  std::string gate_message() const;             // the failure, with count and first images
};

// Lowers (or post-training quantizes) and verifies on the test set; saves the model
// atomically only when the gate passes (a failed lowering leaves an existing file as it was).
LowerReport lower_and_verify(const LowerOptions& options);

// Throws dorefa::Error (internal fault) with report.gate_message() unless the gate passed.
void enforce_lower_gate(const LowerReport& report);

}  // namespace dorefa::flow
