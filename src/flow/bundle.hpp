#pragma once
// `dorefa bundle DIR --out B`: the one folder a PYNQ-Z2 owner copies to the board
// (docs/board/README.md): the design and the Vivado script that builds its bitstream, the
// armhf host program, the PYNQ driver and notebook, the model file, a sample of the test
// set with the integer runtime's expected records, and run_on_board.sh.
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace dorefa::flow {

struct BundleOptions {
  std::filesystem::path design_dir;   // a design folder from `dorefa compile`, or a run folder holding design/
  std::filesystem::path out;          // the bundle folder (replaced only when complete)
  std::string dataset = "mnist";
  std::string split = "test";
  std::size_t images = 10000;         // the first N of the split (0 = all)
  std::filesystem::path host_binary;  // armhf dorefa-board; empty: the ARM build's (build-armhf/)
  std::filesystem::path source_root;  // board/ files; empty: the repository this binary was built from
};

struct BundleReport {
  std::filesystem::path out;
  std::string model_name, design_hash;
  std::size_t images = 0;
  double reference_accuracy = 0;
  std::vector<std::string> files;  // relative to out, sorted
  std::size_t bytes = 0;
};

// The armhf host binary a bundle uses by default (may not exist).
std::filesystem::path default_armhf_host_binary();

// Builds the bundle in a temp folder beside `out` and moves it into place; throws
// dorefa::Error (bad input) for a missing design, model or host binary, a host binary that
// is not a 32-bit ARM executable, or a dataset that does not fit the model.
BundleReport make_bundle(const BundleOptions& options);

}  // namespace dorefa::flow
