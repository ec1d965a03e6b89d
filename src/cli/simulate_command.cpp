// `dorefa simulate DIR --data mnist [--images N] [--seed S]`: cycle-accurate Verilator
// simulation of a compiled design on real images, checked bit for bit against the CPU.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>

#include <unistd.h>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "hw/simulate.hpp"
#include "hw/system_simulate.hpp"
#include "util/error.hpp"

namespace dorefa::cli {
namespace {

void run_simulate(const hw::SimOptions& o, bool require_exact) {
  hw::SimReport r = hw::simulate_design(o);
  fmt::print("design      {} (model '{}')\n", o.design_dir.string(), r.model_name);
  fmt::print("images      {} of {}/{} with random stalls (in {:.0f}%, out {:.0f}%, seed {}); {} outputs checked\n",
             r.images, o.dataset, o.split, 100 * o.stall_in, 100 * o.stall_out, o.seed, r.outputs_checked);
  fmt::print("mismatches  {} (class and all scores vs runtime::run_reference)\n", r.mismatches);
  for (const auto& m : r.first_mismatches)
    fmt::print("            phase {} image {}: hw class {}, reference {} ({})\n", m.phase, m.image, m.hw_class,
               m.ref_class, m.what);
  fmt::print("accuracy    {:.2f}% (reference {:.2f}%)\n", 100 * r.accuracy, 100 * r.reference_accuracy);
  fmt::print("latency     {} cycles = {:.2f} us at {:.0f} MHz (first pixel in -> class out, empty pipeline)\n",
             r.latency_cycles, r.latency_us(), r.clock_mhz);
  fmt::print("throughput  {:.1f} cycles/image = {:.2f} us, {:.0f} FPS at {:.0f} MHz (back-to-back, no stalls)\n",
             r.steady_cycles, r.steady_us(), r.fps(), r.clock_mhz);
  fmt::print("vs ideal    {} cycles/image from the folding: measured reaches {:.3f} of ideal\n", r.ideal_cycles,
             r.ideal_ratio());
  fmt::print("results     {}\n",
             (o.results_json.empty() ? o.design_dir / "sim" / "results.json" : o.results_json).string());
  if (require_exact && r.mismatches > 0)
    throw Error(o.design_dir.string(), fmt::format("{} outputs differ from the reference", r.mismatches),
                ErrorKind::kInternal);
}

// --system: shell + core against the DDR model, through the registers (docs/board/registers.md).
void run_system_simulate(const hw::SystemSimOptions& o, bool require_pass) {
  hw::SystemSimReport r = hw::simulate_system(o);
  fmt::print("design      {} (model '{}'), system_top = shell + core, design hash {} ({})\n",
             o.design_dir.string(), r.model_name, r.design_hash, r.hash_matches ? "matches" : "MISMATCH");
  fmt::print("images      {} of {}/{} in one batch, DDR model: READY {:.0f}%, VALID {:.0f}%, latency {}..{} cycles, "
             "seed {}\n",
             r.images, o.dataset, o.split, 100 * o.ddr_ready, 100 * o.ddr_valid, o.ddr_min_latency,
             o.ddr_max_latency, o.seed);
  fmt::print("mismatches  {} (every record vs runtime::run_reference: scores, class, image index)\n", r.mismatches);
  for (const auto& m : r.first_mismatches) fmt::print("            {}\n", m);
  fmt::print("axi         {} protocol violations, {} error responses\n", r.axi_violations, r.axi_error_responses);
  for (const auto& m : r.violation_messages) fmt::print("            {}\n", m);
  fmt::print("device      bad byte count -> ERROR {} with {} DDR reads; batch ERROR {}; IMAGES_DONE {}\n",
             r.bad_length_error, r.bad_length_ddr_reads, r.batch_error, r.images_done);
  fmt::print("accuracy    {:.2f}% (reference {:.2f}%)\n", 100 * r.accuracy, 100 * r.reference_accuracy);
  fmt::print("throughput  {:.0f} images/s end to end at {:.0f} MHz = {:.3f} of the core's ideal {:.0f}\n",
             r.images_per_second(), r.clock_mhz, r.ideal_ratio(), r.core_ideal_images_per_second());
  fmt::print("latency     {} cycles = {:.2f} us (START write -> DONE, one image)\n", r.latency_cycles, r.latency_us());
  fmt::print("counters    busy {} cycles, input stalls {}, output stalls {}\n", r.busy_cycles, r.in_stall_cycles,
             r.out_stall_cycles);
  fmt::print("results     {}\n",
             (o.results_json.empty() ? o.design_dir / "sim" / "system.json" : o.results_json).string());
  if (require_pass && !r.passed())
    throw Error(o.design_dir.string(),
                fmt::format("system simulation failed: {} mismatches, {} AXI violations, {} error responses{}",
                            r.mismatches, r.axi_violations, r.axi_error_responses,
                            r.hash_matches && r.id_matches ? "" : ", identification registers wrong"),
                ErrorKind::kInternal);
}

// --serve: the Verilated system_top as a device on stdin/stdout (hw/system_harness.hpp) for
// host code and the Python driver's tests. exec, so the pipes are the simulator's own.
void serve_system(const std::string& dir, const hw::SystemServeOptions& o) {
  const std::filesystem::path binary = hw::build_system_model(dir);
  const std::vector<std::string> argv = hw::system_serve_argv(binary, o);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::fflush(stdout);
  // $readmemh paths in the generated Verilog are relative to the design folder.
  if (::chdir(dir.c_str()) != 0)
    throw Error(dir, fmt::format("cannot enter the design folder: {}", std::strerror(errno)));
  ::execv(args[0], args.data());
  throw Error(args[0], fmt::format("cannot start the simulation server: {}", std::strerror(errno)), ErrorKind::kInternal);
}

const CommandRegistration kRegistration(61, [](CLI::App& root) {
  auto o = std::make_shared<hw::SimOptions>();
  auto exact = std::make_shared<bool>(true);
  auto dir = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto* cmd = root.add_subcommand("simulate", "Simulate a compiled design with Verilator on real images");
  add_design_image_options(*cmd, *dir, o->dataset, o->split, o->images, "First N images (0 = all)");
  cmd->add_option("--seed", o->seed, "Seed of the random stalls")->capture_default_str();
  cmd->add_option("--stall-in", o->stall_in, "Probability input valid is withheld per cycle")->capture_default_str();
  cmd->add_option("--stall-out", o->stall_out, "Probability output ready is withheld per cycle")->capture_default_str();
  cmd->add_option("--steady-images", o->steady_images, "Back-to-back images for the throughput measurement")
      ->capture_default_str();
  cmd->add_option("--results", *out, "Results JSON (default DIR/sim/results.json)");
  cmd->add_flag("!--allow-mismatch", *exact, "Exit 0 even when outputs differ from the reference");
  auto system = std::make_shared<bool>(false);
  auto so = std::make_shared<hw::SystemSimOptions>();
  cmd->add_flag("--system", *system, "Simulate the board top (system shell + core) against a DDR model")
      ->group("System simulation");
  cmd->add_option("--ddr-ready", so->ddr_ready, "With --system: probability DDR's ARREADY/AWREADY/WREADY is high")
      ->check(CLI::Range(0.01, 1.0))->capture_default_str()->group("System simulation");
  cmd->add_option("--ddr-valid", so->ddr_valid, "With --system: probability DDR offers a ready RVALID/BVALID")
      ->check(CLI::Range(0.01, 1.0))->capture_default_str()->group("System simulation");
  cmd->add_option("--ddr-max-latency", so->ddr_max_latency, "With --system: largest DDR latency per burst (cycles)")
      ->check(CLI::Range(0, 100000))->capture_default_str()->group("System simulation");
  auto serve = std::make_shared<bool>(false);
  auto serve_opts = std::make_shared<hw::SystemServeOptions>();
  auto ddr_mb = std::make_shared<std::size_t>(64);
  cmd->add_flag("--serve", *serve,
                "Run the board top as a device server on stdin/stdout for host code (protocol: "
                "src/hw/system_harness.hpp); --seed and --ddr-* apply")
      ->group("System simulation");
  cmd->add_option("--ddr-mb", *ddr_mb, "With --serve: size of the simulated DDR window at 0x10000000 (MB)")
      ->check(CLI::Range(1, 3840))->capture_default_str()->group("System simulation");
  cmd->callback([o, exact, dir, out, system, so, serve, serve_opts, ddr_mb] {
    if (*serve) {
      serve_opts->seed = o->seed;
      serve_opts->ddr_bytes = *ddr_mb << 20;
      serve_opts->ddr_ready = so->ddr_ready;
      serve_opts->ddr_valid = so->ddr_valid;
      serve_opts->ddr_max_latency = so->ddr_max_latency;
      serve_opts->ddr_min_latency = std::min(serve_opts->ddr_min_latency, so->ddr_max_latency);
      serve_system(*dir, *serve_opts);
      return;
    }
    if (*system) {
      so->design_dir = *dir;
      so->results_json = *out;
      so->dataset = o->dataset;
      so->split = o->split;
      so->images = o->images;
      so->seed = o->seed;
      if (so->ddr_max_latency < so->ddr_min_latency) so->ddr_min_latency = so->ddr_max_latency;
      run_system_simulate(*so, *exact);
      return;
    }
    o->design_dir = *dir;
    o->results_json = *out;
    run_simulate(*o, *exact);
  });
});

}  // namespace
}  // namespace dorefa::cli
