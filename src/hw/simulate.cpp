#include "hw/simulate.hpp"

#include <cstdio>
#include <cstring>
#include <future>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "data/registry.hpp"
#include "hw/generator.hpp"
#include "hw/process.hpp"
#include "hw/sim_common.hpp"
#include "hw/sim_harness.hpp"
#include "hw/verilator.hpp"
#include "qmodel/model_file.hpp"
#include "runtime/reference.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"
#include "util/progress.hpp"

namespace dorefa::hw {
namespace fs = std::filesystem;

SimReport simulate_design(const SimOptions& options, const qmodel::Model* given) {
  // The harness runs with the design folder as working directory: make every path absolute.
  SimOptions o = options;
  o.design_dir = fs::absolute(o.design_dir);
  if (!o.results_json.empty()) o.results_json = fs::absolute(o.results_json);
  DesignInfo design = load_design(o.design_dir);
  qmodel::Model loaded;
  const qmodel::Model& model = simulated_model(o.design_dir, design, given, loaded);
  const data::Dataset ds = simulated_images(o.dataset, o.split, o.images, model,
                                            [&](const data::Dataset& d) { return d.rows == model.input.height; });
  const std::size_t pixels = ds.image_bytes();
  const std::size_t n = ds.size();
  // The reference runs on another core while Verilator builds and the simulation runs.
  auto reference = reference_async(model, ds);

  const fs::path sim_dir = o.design_dir / "sim";
  fs::create_directories(sim_dir);
  util::write_file_atomic(sim_dir / "harness.cpp", sim_harness_source());
  VerilatorOptions vo;
  vo.top = design.top;
  for (const auto& s : design.sources) vo.sources.push_back(o.design_dir / s);
  vo.harness = sim_dir / "harness.cpp";
  vo.obj_dir = o.design_dir / "obj_dir";
  VerilatorBuild build = build_verilator(vo);

  util::write_file_atomic(sim_dir / "images.bin", std::span<const std::uint8_t>(ds.images));
  const fs::path results = sim_dir / "results.bin";
  const std::size_t steady = std::min(n, std::max<std::size_t>(2, o.steady_images));
  const std::int64_t timeout =
      o.timeout_cycles > 0 ? o.timeout_cycles : std::max<std::int64_t>(200000, 50 * design.ideal_cycles);
  std::vector<std::string> argv = {fs::absolute(build.binary).string(),
                                   fs::absolute(sim_dir / "images.bin").string(),
                                   fs::absolute(results).string(),
                                   std::to_string(n),
                                   std::to_string(pixels),
                                   std::to_string(model.num_classes),
                                   std::to_string(steady),
                                   fmt::format("{}", o.stall_in),
                                   fmt::format("{}", o.stall_out),
                                   std::to_string(o.seed),
                                   std::to_string(timeout),
                                   std::to_string(design.folding.input_elems)};
  write_command_line(sim_dir / "command.txt", argv);
  util::Progress progress("simulate", n, "img");
  const ProcessResult r = run_harness(argv, sim_dir / "harness.log", o.design_dir,
                                      "simulation of " + o.design_dir.string(), progress, "progress 2 ",
                                      [](const std::string&) {});

  SimReport rep;
  rep.model_name = model.name;
  rep.images = n;
  rep.ideal_cycles = design.ideal_cycles;
  rep.clock_mhz = o.clock_mhz;
  rep.rebuilt = build.rebuilt;
  rep.build_seconds = build.seconds;
  rep.sim_seconds = r.seconds;
  const std::vector<runtime::Inference> ref = reference.get();

  const auto bytes = util::read_file_bytes(results);
  const std::size_t rec_size = sizeof(SimRecord) + sizeof(std::int64_t) * std::size_t(model.num_classes);
  if (bytes.size() % rec_size != 0) throw Error(results.string(), "truncated results file", ErrorKind::kInternal);
  std::map<int, std::vector<bool>> seen;
  std::map<int, std::vector<std::int64_t>> done_at;
  std::size_t correct = 0, ref_correct = 0;
  std::int64_t phase2_first = -1, phase2_last = 0;
  for (std::size_t off = 0; off < bytes.size(); off += rec_size) {
    SimRecord rec;
    std::memcpy(&rec, bytes.data() + off, sizeof rec);
    std::vector<std::int64_t> scores(std::size_t(model.num_classes));
    std::memcpy(scores.data(), bytes.data() + off + sizeof rec, scores.size() * sizeof(std::int64_t));
    const std::size_t i = std::size_t(rec.image);
    if (i >= n) throw Error(results.string(), "image index out of range", ErrorKind::kInternal);
    auto& s = seen[rec.phase];
    s.resize(n, false);
    s[i] = true;
    auto& d = done_at[rec.phase];
    d.resize(n, -1);
    d[i] = rec.last_out;
    ++rep.outputs_checked;
    const bool class_ok = rec.class_index == ref[i].top1;
    const bool scores_ok = scores == ref[i].scores;
    if (!class_ok || !scores_ok) {
      ++rep.mismatches;
      if (rep.first_mismatches.size() < 10)
        rep.first_mismatches.push_back({rec.phase, i, rec.class_index, ref[i].top1, class_ok ? "scores" : "class"});
    }
    if (rec.phase == 0) rep.latency_cycles = rec.last_out - rec.first_in;
    if (rec.phase == 2) {
      if (phase2_first < 0) phase2_first = rec.first_in;
      phase2_last = std::max(phase2_last, rec.last_out);
      correct += rec.class_index == ds.labels[i];
      ref_correct += ref[i].top1 == ds.labels[i];
    }
    rep.total_cycles = std::max(rep.total_cycles, rec.last_out);
  }
  // Every image must have come out of every phase: image 0 alone (0), the first `steady`
  // back to back (1), all n with random stalls (2).
  const std::size_t expected[3] = {1, steady, n};
  for (int phase = 0; phase < 3; ++phase) {
    auto& sp = seen[phase];
    sp.resize(n, false);
    for (std::size_t i = 0; i < expected[phase]; ++i)
      if (!sp[i]) {
        ++rep.mismatches;
        if (rep.first_mismatches.size() < 10) rep.first_mismatches.push_back({phase, i, -1, ref[i].top1, "missing"});
      }
  }
  rep.accuracy = double(correct) / double(n);
  rep.reference_accuracy = double(ref_correct) / double(n);
  // Steady state: completion interval over the second half of the back-to-back run.
  auto& d1 = done_at[1];
  if (d1.size() >= 2) {
    const std::size_t m = std::min(steady, d1.size());
    const std::size_t k = m >= 4 ? m / 2 : 0;
    rep.steady_cycles = double(d1[m - 1] - d1[k]) / double(m - 1 - k);
  }
  if (phase2_first >= 0) rep.stalled_cycles_per_image = double(phase2_last - phase2_first) / double(n);

  const fs::path json = o.results_json.empty() ? sim_dir / "results.json" : o.results_json;
  util::write_file_atomic(json, sim_report_json(rep, o));
  return rep;
}

// Its first fields open system_report_json too (system_simulate.cpp); the rest differs.
std::string sim_report_json(const SimReport& r, const SimOptions& o) {
  nlohmann::json j;
  j["design"] = fs::absolute(o.design_dir).string();
  j["model"] = r.model_name;
  j["dataset"] = o.dataset + "/" + o.split;
  j["images"] = r.images;
  j["seed"] = o.seed;
  j["stall_probability"] = {{"input_valid", o.stall_in}, {"output_ready", o.stall_out}};
  j["outputs_checked"] = r.outputs_checked;
  j["mismatches"] = r.mismatches;
  nlohmann::json mm = nlohmann::json::array();
  for (const auto& m : r.first_mismatches)
    mm.push_back({{"phase", m.phase}, {"image", m.image}, {"hw_class", m.hw_class}, {"ref_class", m.ref_class},
                  {"what", m.what}});
  j["first_mismatches"] = mm;
  j["bit_exact"] = r.mismatches == 0;
  j["accuracy"] = r.accuracy;
  j["reference_accuracy"] = r.reference_accuracy;
  j["clock_mhz"] = r.clock_mhz;
  j["latency_cycles"] = r.latency_cycles;
  j["latency_us"] = r.latency_us();
  j["steady_cycles_per_image"] = r.steady_cycles;
  j["steady_us_per_image"] = r.steady_us();
  j["fps"] = r.fps();
  j["ideal_cycles_per_image"] = r.ideal_cycles;
  j["ideal_over_measured"] = r.ideal_ratio();
  j["stalled_run_cycles_per_image"] = r.stalled_cycles_per_image;
  j["total_cycles"] = r.total_cycles;
  j["verilator_rebuilt"] = r.rebuilt;
  j["build_seconds"] = r.build_seconds;
  j["sim_seconds"] = r.sim_seconds;
  return j.dump(2) + "\n";
}

}  // namespace dorefa::hw
