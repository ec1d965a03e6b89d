#include "hw/system_simulate.hpp"

#include <cstdio>
#include <cstring>
#include <future>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "data/registry.hpp"
#include "hw/generator.hpp"
#include "hw/process.hpp"
#include "hw/register_map.hpp"
#include "hw/sim_common.hpp"
#include "hw/system_generator.hpp"
#include "hw/system_harness.hpp"
#include "hw/verilator.hpp"
#include "qmodel/model_file.hpp"
#include "runtime/reference.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"
#include "util/progress.hpp"

namespace dorefa::hw {
namespace fs = std::filesystem;

namespace {

std::uint32_t constant(const std::vector<RegConstant>& table, const std::string& name) {
  for (const auto& c : table)
    if (c.name == name) return c.value;
  throw Error("register map", fmt::format("no constant '{}'", name), ErrorKind::kInternal);
}

VerilatorBuild build_system(const fs::path& design_dir, const SystemDesign& sys) {
  const fs::path sim_dir = design_dir / "sim";
  fs::create_directories(sim_dir);
  util::write_file_atomic(sim_dir / "system_harness.cpp", system_harness_source());
  VerilatorOptions vo;
  vo.top = sys.top;
  for (const auto& s : sys.sources) vo.sources.push_back(design_dir / s);
  vo.harness = sim_dir / "system_harness.cpp";
  vo.obj_dir = design_dir / "obj_dir_system";
  vo.binary_name = "Vsystem_top_sim";
  vo.extra_flags = {"-I" + (design_dir / sys.include_dir).string()};
  return build_verilator(vo);
}

}  // namespace

fs::path build_system_model(const fs::path& design_dir) {
  const fs::path dir = fs::absolute(design_dir);
  return fs::absolute(build_system(dir, load_system_design(dir)).binary);
}

std::vector<std::string> system_serve_argv(const fs::path& binary, const SystemServeOptions& o) {
  if (o.ddr_bytes == 0 || std::uint64_t(o.ddr_base) + o.ddr_bytes > 0x100000000ull || o.ddr_base % 4096)
    throw Error("--ddr-mb", fmt::format("a simulated DDR of {} bytes at {:#x} must be 4 KB aligned and end below 4 GB",
                                        o.ddr_bytes, o.ddr_base));
  return {binary.string(),
          "serve",
          std::to_string(o.ddr_base),
          std::to_string(o.ddr_bytes),
          std::to_string(o.seed),
          fmt::format("{}", o.ddr_ready),
          fmt::format("{}", o.ddr_valid),
          std::to_string(o.ddr_min_latency),
          std::to_string(o.ddr_max_latency)};
}

bool SystemSimReport::passed() const {
  const auto bad_length = constant(shell_register_map().error_codes, "ERR_BAD_LENGTH");
  return mismatches == 0 && axi_violations == 0 && axi_error_responses == 0 && hash_matches && id_matches &&
         bad_length_error == bad_length && bad_length_ddr_reads == 0 && batch_error == 0 && images_done == images;
}

SystemSimReport simulate_system(const SystemSimOptions& options, const qmodel::Model* given) {
  SystemSimOptions o = options;
  o.design_dir = fs::absolute(o.design_dir);
  if (!o.results_json.empty()) o.results_json = fs::absolute(o.results_json);
  const DesignInfo design = load_design(o.design_dir);
  const SystemDesign sys = load_system_design(o.design_dir);
  qmodel::Model loaded;
  const qmodel::Model& model = simulated_model(o.design_dir, design, given, loaded);
  const data::Dataset ds = simulated_images(o.dataset, o.split, o.images, model,
                                            [&](const data::Dataset& d) { return int(d.image_bytes()) == sys.pixels; });
  const std::size_t pixels = ds.image_bytes();
  const std::size_t n = ds.size();
  if (n > 0xFFFFFFFFu / std::size_t(sys.image_bytes))
    throw Error(o.dataset, fmt::format("{} images do not fit a 32-bit DDR address space", n));
  const std::size_t class_only = std::min(n, o.class_only_images);
  const std::size_t classes = std::size_t(sys.num_classes);

  auto reference = reference_async(model, ds);

  const fs::path sim_dir = o.design_dir / "sim";
  const VerilatorBuild build = build_system(o.design_dir, sys);

  // Images as the host lays them out in DDR: each padded with zeros to IMAGE_BYTES.
  std::vector<std::uint8_t> padded(n * std::size_t(sys.image_bytes), 0);
  for (std::size_t i = 0; i < n; ++i)
    std::memcpy(padded.data() + i * std::size_t(sys.image_bytes), ds.image(i).data(), pixels);
  util::write_file_atomic(sim_dir / "system_images.bin", std::span<const std::uint8_t>(padded));
  const fs::path results = sim_dir / "system_results.bin";
  const std::int64_t timeout =
      o.timeout_cycles > 0 ? o.timeout_cycles : std::max<std::int64_t>(500000, 100 * design.ideal_cycles);
  const std::vector<std::string> argv = {fs::absolute(build.binary).string(),
                                         (sim_dir / "system_images.bin").string(),
                                         results.string(),
                                         std::to_string(n),
                                         std::to_string(sys.image_bytes),
                                         std::to_string(classes),
                                         std::to_string(o.seed),
                                         fmt::format("{}", o.ddr_ready),
                                         fmt::format("{}", o.ddr_valid),
                                         std::to_string(o.ddr_min_latency),
                                         std::to_string(o.ddr_max_latency),
                                         std::to_string(timeout),
                                         std::to_string(class_only)};
  write_command_line(sim_dir / "system_command.txt", argv);

  SystemSimReport rep;
  rep.model_name = model.name;
  rep.design_hash = sys.design_hash;
  rep.images = n;
  rep.ideal_cycles = design.ideal_cycles;
  rep.clock_mhz = o.clock_mhz;
  rep.rebuilt = build.rebuilt;
  rep.build_seconds = build.seconds;
  std::map<std::string, std::uint64_t> stat, regs;
  util::Progress progress("simulate --system", n, "img");
  const ProcessResult r = run_harness(
      argv, sim_dir / "system_harness.log", o.design_dir, "system simulation of " + o.design_dir.string(), progress,
      "progress ", [&](const std::string& line) {
        char key[64] = {0};
        unsigned long long value = 0;
        if (std::sscanf(line.c_str(), "stat %63s %llu", key, &value) == 2) {
          stat[key] = value;
        } else if (std::sscanf(line.c_str(), "reg %63s %llu", key, &value) == 2) {
          regs[key] = value;
        } else if (line.rfind("violation ", 0) == 0) {
          if (rep.violation_messages.size() < 20) rep.violation_messages.push_back(line.substr(10));
        }
      });
  rep.sim_seconds = r.seconds;

  const RegisterMap& map = shell_register_map();
  rep.id_matches = regs["ID"] == constant(map.constants, "SHELL_ID") &&
                   regs["VERSION"] == constant(map.constants, "SHELL_VERSION") &&
                   regs["IMAGE_BYTES"] == std::uint64_t(sys.image_bytes) &&
                   regs["NUM_CLASSES"] == classes && regs["PIXELS"] == pixels;
  rep.hash_matches = fmt::format("{:08x}{:08x}", regs["DESIGN_HASH_HI"], regs["DESIGN_HASH_LO"]) == sys.design_hash;
  rep.axi_violations = stat["axi_violations"];
  rep.axi_error_responses = stat["axi_error_responses"];
  rep.bad_length_error = std::uint32_t(stat["bad_length_error"]);
  rep.bad_length_ddr_reads = stat["bad_length_ddr_reads"];
  rep.batch_error = std::uint32_t(stat["batch_error"] | stat["latency_error"] | stat["class_only_error"]);
  rep.latency_cycles = std::int64_t(stat["latency_cycles"]);
  rep.batch_cycles = std::int64_t(stat["batch_cycles"]);
  rep.busy_cycles = std::uint32_t(stat["busy_cycles"]);
  rep.images_done = std::uint32_t(stat["images_done"]);
  rep.in_stall_cycles = std::uint32_t(stat["in_stall_cycles"]);
  rep.out_stall_cycles = std::uint32_t(stat["out_stall_cycles"]);

  // Records: [latency batch: 1 record][all n records][class-only: class_only words].
  const std::vector<runtime::Inference> ref = reference.get();
  const auto bytes = util::read_file_bytes(results);
  const std::size_t rec = classes + 1;
  const std::size_t words = rec + n * rec + class_only;
  if (bytes.size() != words * 8)
    throw Error(results.string(), fmt::format("{} bytes, expected {}", bytes.size(), words * 8), ErrorKind::kInternal);
  std::vector<std::uint64_t> w(words);
  std::memcpy(w.data(), bytes.data(), bytes.size());
  auto mismatch = [&](const std::string& what) {
    ++rep.mismatches;
    if (rep.first_mismatches.size() < 10) rep.first_mismatches.push_back(what);
  };
  auto check_class = [&](std::uint64_t word, std::size_t i, const char* batch) {
    const std::uint64_t cls = word & 0xFFFFu, index = word >> 32;
    if (cls != std::uint64_t(ref[i].top1) || index != i || ((word >> 16) & 0xFFFFu) != 0)
      mismatch(fmt::format("{} image {}: class word {:016x}, expected class {} index {}", batch, i, word, ref[i].top1, i));
    return cls;
  };
  auto check_record = [&](const std::uint64_t* r0, std::size_t i, const char* batch) {
    for (std::size_t c = 0; c < classes; ++c)
      if (std::int64_t(r0[c]) != ref[i].scores[c]) {
        mismatch(fmt::format("{} image {}: score {} = {}, expected {}", batch, i, c, std::int64_t(r0[c]),
                             ref[i].scores[c]));
        break;
      }
    return check_class(r0[classes], i, batch);
  };
  check_record(w.data(), 0, "one-image batch");
  std::size_t correct = 0, ref_correct = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t cls = check_record(w.data() + rec + i * rec, i, "batch");
    correct += cls == ds.labels[i];
    ref_correct += std::size_t(ref[i].top1) == ds.labels[i];
  }
  for (std::size_t i = 0; i < class_only; ++i) check_class(w[rec + n * rec + i], i, "class-only batch");
  rep.accuracy = double(correct) / double(n);
  rep.reference_accuracy = double(ref_correct) / double(n);

  const fs::path json = o.results_json.empty() ? sim_dir / "system.json" : o.results_json;
  util::write_file_atomic(json, system_report_json(rep, o));
  return rep;
}

// Opens with the fields of sim_report_json (simulate.cpp) so tools read both files alike;
// the rest is this run's own, so each report keeps its own function.
std::string system_report_json(const SystemSimReport& r, const SystemSimOptions& o) {
  nlohmann::json j;
  j["design"] = fs::absolute(o.design_dir).string();
  j["model"] = r.model_name;
  j["dataset"] = o.dataset + "/" + o.split;
  j["images"] = r.images;
  j["passed"] = r.passed();
  j["mismatches"] = r.mismatches;
  j["first_mismatches"] = r.first_mismatches;
  j["axi_violations"] = r.axi_violations;
  j["axi_error_responses"] = r.axi_error_responses;
  j["violation_messages"] = r.violation_messages;
  j["design_hash"] = r.design_hash;
  j["design_hash_matches"] = r.hash_matches;
  j["id_version_match"] = r.id_matches;
  j["bad_length_check"] = {{"error_code", r.bad_length_error}, {"ddr_read_beats", r.bad_length_ddr_reads}};
  j["batch_error"] = r.batch_error;
  j["clock_mhz"] = r.clock_mhz;
  j["images_per_second"] = r.images_per_second();
  j["core_ideal_images_per_second"] = r.core_ideal_images_per_second();
  j["fraction_of_ideal"] = r.ideal_ratio();
  j["batch_cycles"] = r.batch_cycles;
  j["cycles_per_image"] = r.images ? double(r.batch_cycles) / double(r.images) : 0.0;
  j["ideal_cycles_per_image"] = r.ideal_cycles;
  j["latency_cycles"] = r.latency_cycles;
  j["latency_us"] = r.latency_us();
  j["counters"] = {{"busy_cycles", r.busy_cycles},
                   {"images_done", r.images_done},
                   {"in_stall_cycles", r.in_stall_cycles},
                   {"out_stall_cycles", r.out_stall_cycles}};
  j["accuracy"] = r.accuracy;
  j["reference_accuracy"] = r.reference_accuracy;
  j["ddr_model"] = {{"seed", o.seed},
                    {"p_addr_wready", o.ddr_ready},
                    {"p_rvalid_bvalid", o.ddr_valid},
                    {"latency_cycles", {o.ddr_min_latency, o.ddr_max_latency}}};
  j["class_only_images"] = std::min(r.images, o.class_only_images);
  j["verilator_rebuilt"] = r.rebuilt;
  j["build_seconds"] = r.build_seconds;
  j["sim_seconds"] = r.sim_seconds;
  return j.dump(2) + "\n";
}

}  // namespace dorefa::hw
