#pragma once
// The accelerator generator: from an integer model and a folding, writes a self-contained
// design folder (`dorefa compile MODEL --out DIR`):
//   DIR/top.sv        the streaming top level instantiating the rtl/ engines
//   DIR/rtl/*.sv      copies of the rtl/ modules it uses
//   DIR/mem/*.hex     weight, threshold and logit memory images ($readmemh, paths
//                     relative to DIR: run simulators and synthesis with cwd = DIR)
//   DIR/design.json   folding, cost estimate, ideal cycles per image, interface, sources
//   DIR/model.dqm     the model file the design was built from (when given)
// Top-level interface (docs/hw.md): clk, rst_n; s_axis 8-bit raw pixels, one per beat,
// tlast on an image's last pixel; m_axis 64-bit: NUM_CLASSES scores (int64), then the
// class index, tlast on the class beat.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "hw/cost_model.hpp"
#include "hw/device.hpp"
#include "hw/folding.hpp"
#include "qmodel/model.hpp"

namespace dorefa::hw {

struct CompileOptions {
  std::filesystem::path out_dir;
  std::filesystem::path folding_file;  // optional PE/SIMD overrides (JSON or TOML)
  std::filesystem::path model_file;    // optional: copied to DIR/model.dqm
  std::filesystem::path rtl_dir;       // empty: default_rtl_dir()
  Device device = xc7z020();
  FoldingGoal goal;
  int fifo_depth = 32;  // axis_fifo between engines
};

// What a design folder holds, as recorded in DIR/design.json.
struct DesignInfo {
  std::filesystem::path dir;
  std::string top = "top";
  std::string model_name;
  std::vector<std::filesystem::path> sources;  // relative to dir, top.sv last
  std::int64_t ideal_cycles = 0;               // per image, from the folding
  std::string bottleneck;
  int num_classes = 0;
  qmodel::Shape input;
  bool emits_scores = true;
  int output_bits = 64;
  std::filesystem::path model_file;  // DIR/model.dqm, empty if not copied
  Folding folding;
  CostEstimate estimate;
};

// $DOREFA_RTL_DIR if set, else <source root>/rtl.
std::filesystem::path default_rtl_dir();

// The rtl/ module names a design needs, in dependency order.
std::vector<std::string> required_modules(const qmodel::Model& model);

// Checks the model and folding (errors before anything is written), then writes DIR.
DesignInfo compile_design(const qmodel::Model& model, const CompileOptions& options);

// The folding compile_design would use: default, then the file's overrides, validated and
// checked against the device capacity.
Folding choose_folding(const qmodel::Model& model, const CompileOptions& options);

// Reads DIR/design.json; throws dorefa::Error if DIR is not a compiled design.
DesignInfo load_design(const std::filesystem::path& dir);

// The dataset the design's model was trained on (its model.dqm's training metadata), e.g.
// "crop:24x24:mnist"; nullopt when the design has no model file or it does not say (a
// synthetic model). Commands that stream images default to it.
std::optional<std::string> trained_dataset(const std::filesystem::path& dir);

}  // namespace dorefa::hw
