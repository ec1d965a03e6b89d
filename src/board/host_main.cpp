// `dorefa-board`: the host program for the accelerator, built for the board's ARM
// (build-armhf/) and natively (tests, simulation). Same code on both; the backend is the
// board (/dev/mem + CMA) unless a simulation server command follows `--`.
//   dorefa-board info BUNDLE_OR_DESIGN [options] [-- SIM_SERVER...]
//   dorefa-board run  BUNDLE [options] [-- SIM_SERVER...]
// Exit status: 0 every result bit-exact; 1 a mismatch or a device/internal fault; 2 bad input.
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "board/accelerator.hpp"
#include "board/board_run.hpp"
#include "board/sim_backend.hpp"
#include "board/zynq_backend.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"

namespace fs = std::filesystem;
using namespace dorefa;
using namespace dorefa::board;

namespace {

constexpr const char* kUsage = R"(usage:
  dorefa-board info BUNDLE_OR_DESIGN [options] [-- SIM_SERVER...]
  dorefa-board run  BUNDLE           [options] [-- SIM_SERVER...]
Checks the device against the bundle's design (ID, version, design hash); `run` classifies
the bundle's sample/ through the device, checks every result bit for bit against the
expected records, measures images/s and latency, and writes a run log.
options:
  --design DIR          design folder (default BUNDLE/design, or the argument itself)
  --sample DIR          sample folder (default BUNDLE/sample)
  --log FILE            run log (default BUNDLE/logs/run-<UTC time>.json)
  --idle-seconds S      idle interval before the busy one, for a power meter (default 0)
  --busy-seconds S      repeat the sample for at least S seconds (default 0: once)
  --timeout S           device time without DONE before a batch is aborted (default 10)
  --register-base ADDR  the shell's AXI4-Lite window (default 0x43C00000)
  --buffers KIND        DMA buffers: auto, xlnk (PYNQ v2.6 CMA), udmabuf (default auto)
  -- SIM_SERVER...      use the simulated device this command serves (e.g. `dorefa simulate
                        DESIGN --serve`) instead of the board
)";

struct Args {
  std::string command, target;
  fs::path design, sample, log;
  BoardRunOptions run;
  ZynqOptions zynq;
  std::vector<std::string> sim;
};

double number(const std::string& opt, const char* text) {
  char* end = nullptr;
  const double v = std::strtod(text, &end);
  if (!end || *end || v < 0) throw Error(opt, fmt::format("'{}' is not a non-negative number", text));
  return v;
}

Args parse(int argc, char** argv) {
  Args a;
  if (argc < 3) throw Error("command line", std::string("missing arguments\n") + kUsage);
  a.command = argv[1];
  if (a.command != "info" && a.command != "run")
    throw Error("command line", fmt::format("unknown command '{}'\n{}", a.command, kUsage));
  a.target = argv[2];
  for (int i = 3; i < argc; ++i) {
    const std::string opt = argv[i];
    if (opt == "--") {
      for (++i; i < argc; ++i) a.sim.push_back(argv[i]);
      if (a.sim.empty()) throw Error("command line", "'--' must be followed by the simulation server's command");
      break;
    }
    if (i + 1 >= argc) throw Error(opt, "expects a value");
    const char* v = argv[++i];
    if (opt == "--design") a.design = v;
    else if (opt == "--sample") a.sample = v;
    else if (opt == "--log") a.log = v;
    else if (opt == "--idle-seconds") a.run.idle_seconds = number(opt, v);
    else if (opt == "--busy-seconds") a.run.busy_seconds = number(opt, v);
    else if (opt == "--timeout") a.run.timeout_s = number(opt, v);
    else if (opt == "--register-base") a.zynq.register_base = std::strtoull(v, nullptr, 0);
    else if (opt == "--buffers") {
      const std::string k = v;
      if (k == "auto") a.zynq.buffers = BufferSource::kAuto;
      else if (k == "xlnk") a.zynq.buffers = BufferSource::kXlnk;
      else if (k == "udmabuf") a.zynq.buffers = BufferSource::kUdmabuf;
      else throw Error(opt, fmt::format("'{}': expected auto, xlnk or udmabuf", k));
    } else {
      throw Error(opt, fmt::format("unknown option\n{}", kUsage));
    }
  }
  const fs::path target = a.target;
  if (a.design.empty()) a.design = fs::exists(target / "design" / "design.json") ? target / "design" : target;
  if (a.sample.empty()) a.sample = target / "sample";
  return a;
}

int run(const Args& a) {
  const DesignIdentity design = load_design_identity(a.design);
  std::unique_ptr<Backend> backend;
  if (!a.sim.empty()) backend = std::make_unique<SimBackend>(a.sim, fs::path{}, design.clock_mhz);
  else backend = std::make_unique<ZynqBackend>(a.zynq);
  Accelerator acc(*backend, design);
  fmt::print("device      {}\n", acc.device());
  fmt::print("design      model '{}', hash {} (matches {}), {} pixels/image, {} classes\n", design.model_name,
             design.design_hash, design.source.string(), design.pixels, design.num_classes);
  if (a.command == "info") return 0;

  const SampleSet sample = load_sample(a.sample, design);
  fmt::print("sample      {} images from {}\n", sample.images, a.sample.string());
  std::fflush(stdout);
  const BoardRunReport r = run_sample(acc, sample, a.run);
  fmt::print("results     {} mismatches (every score and class word vs the integer runtime's records)\n", r.mismatches);
  for (const auto& m : r.first_mismatches) fmt::print("            {}\n", m);
  fmt::print("accuracy    {:.2f}% on the sample's labels\n", 100 * r.accuracy());
  fmt::print("throughput  {:.0f} images/s device time (START -> DONE, {} images); {:.0f} images/s host, class only "
             "({} images)\n",
             r.device_images_per_s(), r.images, r.busy_images_per_s, r.busy_images);
  fmt::print("latency     {:.2f} us (one image, START -> DONE)\n", r.latency_s * 1e6);
  fmt::print("counters    busy {} cycles, input stalls {}, output stalls {}\n", r.counters.busy_cycles,
             r.counters.in_stall_cycles, r.counters.out_stall_cycles);
  fs::path log = a.log;
  if (log.empty()) {
    std::string stamp = iso_utc_now();
    for (char& c : stamp)
      if (c == ':') c = '-';
    log = fs::path(a.target) / "logs" / ("run-" + stamp + ".json");
  }
  if (!log.parent_path().empty()) fs::create_directories(log.parent_path());
  util::write_file_atomic(log, board_run_json(r, acc));
  fmt::print("log         {}\n", log.string());
  if (auto* sim = dynamic_cast<SimBackend*>(backend.get())) {
    const SimEnd end = sim->finish();
    fmt::print("simulation  {} AXI protocol violations, {} error responses\n", end.axi_violations, end.error_responses);
    if (end.axi_violations) return 1;
  }
  return r.mismatches ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(parse(argc, argv));
  } catch (const Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return e.kind() == ErrorKind::kBadInput ? 2 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
