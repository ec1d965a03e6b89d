// `dorefa bundle DIR --out B`: the folder a PYNQ-Z2 owner copies to the board
// (docs/board/README.md): design + Vivado script, armhf host, PYNQ driver, model, sample.
#include <memory>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "flow/bundle.hpp"

namespace dorefa::cli {
namespace {

void run_bundle(const flow::BundleOptions& o) {
  const flow::BundleReport r = flow::make_bundle(o);
  fmt::print("bundle      {} ({} files, {:.1f} MB)\n", r.out.string(), r.files.size(), double(r.bytes) / 1e6);
  fmt::print("design      model '{}', design hash {}\n", r.model_name, r.design_hash);
  fmt::print("sample      {} images of {}/{} with the integer runtime's records ({:.2f}% correct)\n", r.images,
             o.dataset, o.split, 100 * r.reference_accuracy);
  fmt::print("next        copy it to the board, build overlay/dorefa.bit with Vivado "
             "(vivado -mode batch -source vivado/build_bitstream.tcl -tclargs design overlay), then "
             "sudo ./run_on_board.sh (README.md)\n");
}

const CommandRegistration kRegistration(66, [](CLI::App& root) {
  auto o = std::make_shared<flow::BundleOptions>();
  auto dir = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto host = std::make_shared<std::string>();
  auto* cmd = root.add_subcommand("bundle", "Make the folder to copy to a PYNQ-Z2: design, Vivado script, host, driver, "
                                            "sample with expected results");
  cmd->add_option("dir", *dir, "Design folder from `dorefa compile` (or a run folder holding design/)")
      ->required()
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--out", *out, "Bundle folder (replaced only once the new one is complete)")->required();
  cmd->add_option("--data", o->dataset, "Dataset of the sample")->capture_default_str();
  cmd->add_option("--split", o->split, "Split of the sample")->capture_default_str();
  cmd->add_option("--images", o->images, "First N images of the split in the sample (0 = all)")->capture_default_str();
  cmd->add_option("--host-binary", *host,
                  fmt::format("The armhf dorefa-board to include (default {})", flow::default_armhf_host_binary().string()));
  cmd->callback([o, dir, out, host] {
    o->design_dir = *dir;
    o->out = *out;
    o->host_binary = *host;
    run_bundle(*o);
  });
});

}  // namespace
}  // namespace dorefa::cli
