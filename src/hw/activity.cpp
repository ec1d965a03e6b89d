#include "hw/activity.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

#include <fmt/format.h>

#include "data/registry.hpp"
#include "hw/generator.hpp"
#include "hw/process.hpp"
#include "hw/sim_harness.hpp"
#include "hw/verilator.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"

namespace dorefa::hw {
namespace fs = std::filesystem;

namespace {

// Signals that are not design activity: the clock counts instances, reset is static.
bool is_clock(const std::string& signal) { return signal == "clk"; }
bool is_reset(const std::string& signal) { return signal == "rst_n"; }

std::string module_of_page(const std::string& page) {
  std::string m = page.rfind("v_toggle/", 0) == 0 ? page.substr(9) : page;
  auto p = m.find("__");  // parameterized copies: "mvtu__W8_..."
  return p == std::string::npos ? m : m.substr(0, p);
}

}  // namespace

std::vector<TogglePoint> parse_toggle_coverage(const std::string& text, const std::string& file) {
  // Each point: C '<\1key\2value>...' COUNT ; keys f l n page o h (docs: verilator_coverage).
  std::vector<TogglePoint> points;
  std::size_t line_no = 0, pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    const auto q1 = line.find('\''), q2 = line.rfind('\'');
    if (line.rfind("C '", 0) != 0 || q2 == q1)
      throw Error(fmt::format("{}:{}", file, line_no), fmt::format("expected \"C '<keys>' COUNT\", found '{}'",
                                                                   line.substr(0, 60)));
    std::map<std::string, std::string> kv;
    const std::string keys = line.substr(q1 + 1, q2 - q1 - 1);
    for (std::size_t k = keys.find('\1'); k != std::string::npos;) {
      const std::size_t sep = keys.find('\2', k);
      const std::size_t next = keys.find('\1', k + 1);
      if (sep == std::string::npos || (next != std::string::npos && sep > next)) break;
      kv[keys.substr(k + 1, sep - k - 1)] = keys.substr(sep + 1, next == std::string::npos ? std::string::npos : next - sep - 1);
      k = next;
    }
    if (kv["page"].rfind("v_toggle", 0) != 0) continue;
    TogglePoint p;
    p.module = module_of_page(kv["page"]);
    p.hier = kv["h"];
    p.signal = kv["o"];
    try {
      p.count = std::stod(line.substr(q2 + 1));
    } catch (const std::exception&) {
      throw Error(fmt::format("{}:{}", file, line_no), fmt::format("expected a count, found '{}'", line.substr(q2 + 1)));
    }
    points.push_back(std::move(p));
  }
  return points;
}

Activity summarize_activity(const std::vector<TogglePoint>& points, std::int64_t cycles) {
  if (cycles <= 0) throw Error("activity", fmt::format("expected a positive cycle count, found {}", cycles), ErrorKind::kInternal);
  // Instances merged under one hierarchy ("g_pe[*].u_sum") share one point per bit: the
  // clock's count (2 toggles per cycle per instance) says how many there are.
  struct Group {
    std::string module;
    double clock = 0, toggles = 0;
    std::int64_t bits = 0;
  };
  std::map<std::string, Group> groups;  // by hierarchy
  for (const auto& p : points) {
    Group& g = groups[p.hier];
    g.module = p.module;
    if (is_clock(p.signal)) g.clock += p.count;
    else if (!is_reset(p.signal)) g.toggles += p.count, ++g.bits;
  }
  Activity a;
  a.cycles = cycles;
  std::map<std::string, ModuleActivity> by_module;
  std::map<std::string, double> module_toggles;
  double toggles = 0;
  for (const auto& [hier, g] : groups) {
    if (g.bits == 0) continue;
    if (g.clock <= 0)
      throw Error("activity", fmt::format("no clock toggles for {} (module {}): cannot count its instances", hier, g.module),
                  ErrorKind::kInternal);
    const double instances = g.clock / (2.0 * double(cycles));
    ModuleActivity m{hier, instances, g.bits, g.toggles / (instances * double(g.bits) * double(cycles))};
    a.instances.push_back(m);
    ModuleActivity& mm = by_module[g.module];
    mm.name = g.module;
    mm.instances += instances;
    mm.bits += std::int64_t(double(g.bits) * instances + 0.5);  // bit instances, rate below
    module_toggles[g.module] += g.toggles;
    toggles += g.toggles;
    a.bit_instances += double(g.bits) * instances;
  }
  for (auto& [name, m] : by_module) {
    m.toggle_rate = m.bits > 0 ? module_toggles[name] / (double(m.bits) * double(cycles)) : 0;
    m.bits = std::int64_t(double(m.bits) / std::max(1.0, m.instances) + 0.5);  // per instance
    a.modules.push_back(m);
  }
  auto busiest = [](const ModuleActivity& x, const ModuleActivity& y) { return x.toggle_rate > y.toggle_rate; };
  std::sort(a.modules.begin(), a.modules.end(), busiest);
  std::sort(a.instances.begin(), a.instances.end(), busiest);
  a.toggle_rate = a.bit_instances > 0 ? toggles / (a.bit_instances * double(cycles)) : 0;
  return a;
}

nlohmann::json Activity::to_json() const {
  auto list = [](const std::vector<ModuleActivity>& v) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& m : v)
      out.push_back({{"name", m.name}, {"instances", m.instances}, {"bits", m.bits}, {"toggle_rate", m.toggle_rate}});
    return out;
  };
  return {{"what", "toggles per signal bit per clock cycle, Verilator --coverage-toggle (clock and reset excluded)"},
          {"toggle_rate", toggle_rate},
          {"cycles", cycles},
          {"images", images},
          {"dataset", dataset},
          {"bit_instances", bit_instances},
          {"run", "sim harness: 1 image alone, then the N images back to back twice, no stalls"},
          {"modules", list(modules)},
          {"instances", list(instances)}};
}

Activity measure_activity(const ActivityOptions& options) {
  const fs::path dir = fs::absolute(options.design_dir);
  DesignInfo design = load_design(dir);
  data::Dataset ds = data::load_dataset(options.dataset, options.split);
  if (options.images == 0) throw Error("--images", "expected at least one image, found 0");
  ds = ds.head(options.images);
  if (std::int64_t(ds.image_bytes()) != design.input.elements())
    throw Error(options.dataset, fmt::format("images are {} bytes, the design expects {}", ds.image_bytes(),
                                             design.input.elements()));
  const std::size_t n = ds.size();
  const fs::path work = dir / "power";
  fs::create_directories(work);
  const fs::path coverage = work / "coverage.dat";
  util::write_file_atomic(work / "harness.cpp", sim_harness_source());
  // The harness ends with top->final(): this bound module's final block writes the counts.
  util::write_file_atomic(work / "activity_dump.sv",
                          fmt::format("// Generated by `dorefa power`: writes the toggle coverage at the end of the run.\n"
                                      "module dorefa_activity_dump;\n"
                                      "  final $c(\"vlSymsp->_vm_contextp__->coveragep()->write(\\\"{}\\\");\");\n"
                                      "endmodule\n"
                                      "bind {} dorefa_activity_dump u_dorefa_activity_dump();\n",
                                      coverage.string(), design.top));
  VerilatorOptions vo;
  vo.top = design.top;
  for (const auto& s : design.sources) vo.sources.push_back(dir / s);
  vo.sources.push_back(work / "activity_dump.sv");
  vo.harness = work / "harness.cpp";
  vo.obj_dir = dir / "obj_dir_activity";
  vo.extra_flags = {"--coverage-toggle"};
  VerilatorBuild build = build_verilator(vo);

  util::write_file_atomic(work / "images.bin", std::span<const std::uint8_t>(ds.images));
  if (fs::exists(coverage)) fs::remove(coverage);
  std::vector<std::string> argv = {fs::absolute(build.binary).string(), (work / "images.bin").string(),
                                   (work / "results.bin").string(), std::to_string(n), std::to_string(ds.image_bytes()),
                                   std::to_string(design.num_classes), std::to_string(n), "0", "0", "1",
                                   std::to_string(std::max<std::int64_t>(200000, 50 * design.ideal_cycles)),
                                   std::to_string(design.folding.input_elems)};
  std::int64_t cycles = 0;
  std::string failure;
  const fs::path cwd = fs::current_path();
  fs::current_path(dir);  // $readmemh paths are relative to the design folder
  ProcessResult r;
  try {
    r = run_streaming(argv, work / "harness.log", [&](const std::string& line) {
      long long c = 0;
      if (std::sscanf(line.c_str(), "done %lld cycles", &c) == 1) cycles = c;
      if (line.rfind("timeout", 0) == 0 || line.rfind("error", 0) == 0) failure = line;
    });
  } catch (...) {
    fs::current_path(cwd);
    throw;
  }
  fs::current_path(cwd);
  if (r.exit_code != 0 || !fs::exists(coverage))
    throw Error("activity run of " + dir.string(),
                fmt::format("harness failed (exit {}): {}{}", r.exit_code, failure.empty() ? "" : failure + "; ",
                            fs::exists(coverage) ? tail_lines(work / "harness.log", 5) : "no coverage.dat written"),
                ErrorKind::kInternal);
  Activity a = summarize_activity(parse_toggle_coverage(util::read_file_text(coverage), coverage.string()), cycles);
  a.images = n;
  a.dataset = options.dataset + "/" + options.split;
  nlohmann::json j = a.to_json();
  j["design"] = dir.string();
  j["file"] = (options.out_json.empty() ? work / "activity.json" : options.out_json).string();
  util::write_file_atomic(options.out_json.empty() ? work / "activity.json" : options.out_json, j.dump(2) + "\n");
  return a;
}

}  // namespace dorefa::hw
