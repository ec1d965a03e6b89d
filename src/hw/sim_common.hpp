#pragma once
// What the two simulations of a compiled design share (simulate.cpp: the core alone on
// streams; system_simulate.cpp: shell + core against a DDR model): the model and images
// they run and check, the CPU reference, and running the harness in the design folder.
#include <cstddef>
#include <filesystem>
#include <functional>
#include <future>
#include <string>
#include <vector>

#include "data/dataset.hpp"
#include "hw/generator.hpp"
#include "hw/process.hpp"
#include "qmodel/model.hpp"
#include "runtime/reference.hpp"
#include "util/progress.hpp"

namespace dorefa::hw {

// `given`, else DIR/model.dqm read into `storage`; throws unless it is the model the
// design was compiled from.
const qmodel::Model& simulated_model(const std::filesystem::path& design_dir, const DesignInfo& design,
                                     const qmodel::Model* given, qmodel::Model& storage);

// The first `images` (0: all) of dataset/split; throws unless each image has the model's
// input size and `fits` (the caller's further shape check) holds, or when none is selected.
data::Dataset simulated_images(const std::string& dataset, const std::string& split, std::size_t images,
                               const qmodel::Model& model, const std::function<bool(const data::Dataset&)>& fits);

// run_reference over every image, on another core while Verilator builds and simulates.
std::future<std::vector<runtime::Inference>> reference_async(const qmodel::Model& model, const data::Dataset& ds);

// Writes argv as one line to `file` (to rerun the harness by hand).
void write_command_line(const std::filesystem::path& file, const std::vector<std::string>& argv);

// Runs the harness with `workdir` as working directory ($readmemh paths in the generated
// Verilog are relative to the design folder), its stderr in `log`. Stdout lines
// "<progress_prefix><done>" advance `progress`; the others go to `on_line`. Throws
// dorefa::Error (internal, naming `what`) when the harness exits non-zero.
ProcessResult run_harness(const std::vector<std::string>& argv, const std::filesystem::path& log,
                          const std::filesystem::path& workdir, const std::string& what, util::Progress& progress,
                          const std::string& progress_prefix, const std::function<void(const std::string&)>& on_line);

}  // namespace dorefa::hw
