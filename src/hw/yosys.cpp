#include "hw/yosys.hpp"

#include <cstdio>
#include <fstream>
#include <regex>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "hw/process.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"

namespace dorefa::hw {
namespace fs = std::filesystem;

namespace {

// LUTs taken by each distributed-RAM / shift-register primitive (7-series).
long lutram_luts_of(const std::string& cell) {
  static const std::map<std::string, long> kLuts = {
      {"RAM16X1S", 1}, {"RAM32X1S", 1}, {"RAM64X1S", 1},   {"RAM128X1S", 2}, {"RAM256X1S", 4},
      {"RAM16X1D", 2}, {"RAM32X1D", 2}, {"RAM64X1D", 2},   {"RAM128X1D", 4}, {"RAM32M", 4},
      {"RAM64M", 4},   {"RAM32M16", 8}, {"RAM64M8", 8},     {"SRL16E", 1},    {"SRLC16E", 1},
      {"SRLC32E", 1},  {"RAM32X16DR8", 8}, {"RAM64X8SW", 8}};
  auto it = kLuts.find(cell);
  return it == kLuts.end() ? 0 : it->second;
}

std::string quote(const fs::path& p) { return "\"" + p.string() + "\""; }

// The last "N.M. Executing X pass" line in the final 256 KB of a Yosys log.
std::string last_pass(const fs::path& log) {
  std::ifstream in(log, std::ios::binary);
  if (!in) return {};
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  const std::streamoff start = std::max<std::streamoff>(0, size - (256 << 10));
  in.seekg(start);
  std::string buf(std::size_t(size - start), '\0');
  in.read(buf.data(), std::streamsize(buf.size()));
  const auto pos = buf.rfind("Executing ");
  if (pos == std::string::npos) return {};
  const auto begin = buf.rfind('\n', pos);
  const auto end = buf.find('\n', pos);
  return buf.substr(begin == std::string::npos ? 0 : begin + 1,
                    (end == std::string::npos ? buf.size() : end) - (begin == std::string::npos ? 0 : begin + 1));
}

}  // namespace

SynthStats parse_yosys_stat(const std::string& text) {
  // Keep only the last "=== name ===" block (the flattened top).
  auto pos = text.rfind("=== ");
  std::string block = pos == std::string::npos ? text : text.substr(pos);
  SynthStats s;
  std::istringstream in(block);
  std::string line;
  bool in_cells = false;
  static const std::regex kCell(R"(^\s+([A-Za-z_$][\w$]*)\s+(\d+)\s*$)");
  while (std::getline(in, line)) {
    if (line.find("Number of cells:") != std::string::npos) {
      in_cells = true;
      continue;
    }
    if (!in_cells) continue;
    std::smatch m;
    if (std::regex_match(line, m, kCell)) {
      s.cells[m[1]] += std::stol(m[2]);
    } else if (!line.empty() && line.find_first_not_of(" \t") != std::string::npos) {
      break;  // end of the cell list
    }
  }
  for (const auto& [cell, n] : s.cells) {
    if (cell.size() == 4 && cell.rfind("LUT", 0) == 0 && cell[3] >= '1' && cell[3] <= '6') s.lut_logic += n;
    else if (cell == "FDRE" || cell == "FDSE" || cell == "FDCE" || cell == "FDPE" || cell == "LDCE" || cell == "LDPE")
      s.ff += n;
    else if (cell == "RAMB36E1") s.bram36 += n;
    else if (cell == "RAMB18E1") s.bram18 += n;
    else if (cell == "DSP48E1") s.dsp += n;
    else if (cell == "CARRY4") s.carry4 += n;
    else s.lutram_luts += lutram_luts_of(cell) * n;
  }
  return s;
}

std::optional<double> parse_sta_arrival_ns(const std::string& text) {
  static const std::regex kArrival(R"(Latest arrival time in '[^']*' is (\d+))");
  std::smatch m;
  std::optional<double> out;
  auto begin = text.cbegin();
  while (std::regex_search(begin, text.cend(), m, kArrival)) {
    out = std::stod(m[1]) / 1000.0;
    begin = m.suffix().first;
  }
  return out;
}

std::string yosys_script(const SynthOptions& o) {
  std::string script;
  for (const auto& s : o.sources) script += "read_verilog -sv " + quote(fs::absolute(s)) + "\n";
  // -noiopad: the accelerator sits inside the PL behind the DMA, not on package pins.
  script += fmt::format("synth_xilinx -family xc7 -top {} -flatten -noiopad\n", o.top);
  // tee -o and write_verilog take the path verbatim (no quote removal): no spaces allowed.
  script += "tee -o " + fs::absolute(o.work_dir / "stat.txt").string() + " stat\n";
  script += "write_verilog -noattr " + fs::absolute(o.work_dir / "netlist.v").string() + "\n";
  return script;
}

SynthReport synthesize(const SynthOptions& o) {
  if (o.sources.empty()) throw Error("synth", "no source files given");
  for (const auto& s : o.sources)
    if (!fs::exists(s)) throw Error(s.string(), "source file not found");
  fs::create_directories(o.work_dir);
  SynthReport rep;
  rep.top = o.top;
  rep.device = o.device;
  rep.log = o.work_dir / "yosys.log";

  util::write_file_atomic(o.work_dir / "synth.ys", yosys_script(o));

  fs::path cwd = o.include_dirs.empty() ? o.work_dir : o.include_dirs.front();
  std::fprintf(stderr, "synth: yosys synth_xilinx on %s (log %s)\n", o.top.c_str(), rep.log.c_str());
  // Heartbeat: the pass Yosys is in (the log's last "Executing ..." line), not its last
  // line, which is often one of thousands of repeated warnings.
  const fs::path log_path = rep.log;
  auto beat = [log_path](double t, const std::string& line) {
    std::string pass = last_pass(log_path);
    std::fprintf(stderr, "synth: %4.0fs  %s\n", t, (pass.empty() ? line : pass).substr(0, 110).c_str());
  };
  ProcessResult r = run_logged({"yosys", "-q", "-l", fs::absolute(rep.log).string(), "-s",
                                fs::absolute(o.work_dir / "synth.ys").string()},
                               o.work_dir / "yosys.stdout", cwd, beat, o.heartbeat_seconds);
  rep.seconds = r.seconds;
  if (r.exit_code != 0)
    throw Error("yosys", fmt::format("synthesis failed (exit {}); last lines of {}:\n{}", r.exit_code,
                                     rep.log.string(), tail_lines(rep.log, 15) + tail_lines(o.work_dir / "yosys.stdout", 5)),
                ErrorKind::kInternal);
  rep.stats = parse_yosys_stat(util::read_file_text(o.work_dir / "stat.txt"));
  const Resources u = rep.stats.resources();
  rep.fits = u.lut <= o.device.capacity.lut && u.ff <= o.device.capacity.ff &&
             u.bram36 <= o.device.capacity.bram36 && u.dsp <= o.device.capacity.dsp;

  if (o.run_sta) {
    std::string sta_script = "read_verilog -lib -specify +/xilinx/cells_sim.v\nread_verilog " +
                             quote(fs::absolute(o.work_dir / "netlist.v")) + "\nhierarchy -top " + o.top +
                             "\nsta\n";
    util::write_file_atomic(o.work_dir / "sta.ys", sta_script);
    fs::path sta_log = o.work_dir / "sta.log";
    std::fprintf(stderr, "synth: yosys sta (logic delay only, no placement/routing)\n");
    ProcessResult sr = run_logged({"yosys", "-s", fs::absolute(o.work_dir / "sta.ys").string()}, sta_log, cwd,
                                  beat, o.heartbeat_seconds);
    std::string text = fs::exists(sta_log) ? util::read_file_text(sta_log) : "";
    if (sr.exit_code == 0) rep.critical_path_ns = parse_sta_arrival_ns(text);
    if (rep.critical_path_ns) {
      auto p = text.find("Latest arrival time");
      if (p != std::string::npos) {
        auto e = text.find("Warning", p);
        rep.critical_path = text.substr(p, e == std::string::npos ? std::string::npos : e - p);
      }
    } else {
      rep.sta_note = fmt::format("yosys sta gave no estimate (exit {}); see {}", sr.exit_code, sta_log.string());
    }
  } else {
    rep.sta_note = "sta not run";
  }
  return rep;
}

std::string synth_report_json(const SynthReport& rep) {
  nlohmann::json j;
  const auto& s = rep.stats;
  const auto& cap = rep.device.capacity;
  auto pct = [](double v, double c) { return c > 0 ? 100.0 * v / c : 0.0; };
  j["tool"] = "yosys 0.23 synth_xilinx -family xc7 -flatten -noiopad";
  j["device"] = rep.device.name;
  j["top"] = rep.top;
  j["resources"] = {
      {"lut", s.luts()},
      {"lut_logic", s.lut_logic},
      {"lutram_luts", s.lutram_luts},
      {"ff", s.ff},
      {"bram36", s.bram36},
      {"bram18", s.bram18},
      {"bram36_equivalent", s.bram36_equivalent()},
      {"dsp48e1", s.dsp},
      {"carry4", s.carry4},
  };
  j["capacity"] = {{"lut", cap.lut}, {"ff", cap.ff}, {"bram36", cap.bram36}, {"dsp48e1", cap.dsp}};
  j["percent"] = {{"lut", pct(double(s.luts()), cap.lut)},
                  {"ff", pct(double(s.ff), cap.ff)},
                  {"bram36", pct(s.bram36_equivalent(), cap.bram36)},
                  {"dsp48e1", pct(double(s.dsp), cap.dsp)}};
  j["fits"] = rep.fits;
  j["cells"] = s.cells;
  if (rep.critical_path_ns) {
    j["critical_path_ns"] = *rep.critical_path_ns;
    j["fmax_mhz_estimate"] = 1000.0 / *rep.critical_path_ns;
  } else {
    j["critical_path_ns"] = nullptr;
  }
  j["timing_caveat"] = "Yosys sta: logic delay of the mapped netlist only, no placement or routing; Vivado will differ";
  if (!rep.sta_note.empty()) j["sta_note"] = rep.sta_note;
  j["seconds"] = rep.seconds;
  j["log"] = rep.log.string();
  return j.dump(2) + "\n";
}

}  // namespace dorefa::hw
