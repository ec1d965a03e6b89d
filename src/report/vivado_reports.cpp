#include "report/vivado_reports.hpp"

#include <charconv>
#include <cmath>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "util/atomic_file.hpp"
#include "util/error.hpp"

namespace dorefa::report {
namespace fs = std::filesystem;
namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text) {
    if (c == '\n') {
      out.push_back(cur);
      cur.clear();
    } else if (c != '\r') {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

// The cells of a table row "| a | b | c |", trimmed; empty when the line is not a row.
std::vector<std::string> row_cells(const std::string& line) {
  const std::string t = trim(line);
  if (t.size() < 2 || t.front() != '|' || t.back() != '|') return {};
  std::vector<std::string> cells;
  std::size_t start = 1;
  for (std::size_t i = 1; i < t.size(); ++i) {
    if (t[i] == '|') {
      cells.push_back(trim(t.substr(start, i - start)));
      start = i + 1;
    }
  }
  return cells;
}

// A whole cell as a number ("1234", "4.5", "-0.123"); nullopt otherwise.
std::optional<double> number(const std::string& s) {
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

// The number a cell starts with: "1.689 (Junction temp exceeded!)" -> 1.689.
std::optional<double> leading_number(const std::string& s) {
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::string at_line(const fs::path& file, std::size_t index) { return fmt::format("{}:{}", file.string(), index + 1); }

// Columns of a fixed-width header: names separated by two or more spaces.
std::vector<std::string> header_columns(const std::string& line) {
  std::vector<std::string> cols;
  std::string cur;
  int spaces = 0;
  for (char c : trim(line) + "  ") {
    if (c == ' ') {
      ++spaces;
      if (spaces >= 2 && !cur.empty()) {
        cols.push_back(trim(cur));
        cur.clear();
      } else if (!cur.empty()) {
        cur += c;
      }
    } else {
      spaces = 0;
      cur += c;
    }
  }
  return cols;
}

std::vector<std::string> words(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : line + " ") {
    if (c == ' ' || c == '\t') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  return out;
}

}  // namespace

VivadoUtilization parse_vivado_utilization(const std::string& text, const fs::path& file) {
  struct Wanted {
    const char* name;
    VivadoResource* out;
    bool found = false;
  };
  VivadoUtilization u;
  Wanted wanted[] = {{"Slice LUTs", &u.lut}, {"Slice Registers", &u.ff}, {"Block RAM Tile", &u.bram_tile},
                     {"DSPs", &u.dsp}};
  const auto lines = lines_of(text);
  int col_used = -1, col_avail = -1;  // of the table being read: each table has its own header
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto cells = row_cells(lines[i]);
    if (cells.empty()) continue;
    int used = -1, avail = -1;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      if (cells[c] == "Used") used = int(c);
      if (cells[c] == "Available") avail = int(c);
    }
    if (used >= 0 && avail >= 0) {
      col_used = used, col_avail = avail;
      continue;
    }
    std::string name = cells[0];
    while (!name.empty() && name.back() == '*') name.pop_back();  // "Slice LUTs*" after synthesis
    for (auto& w : wanted) {
      if (w.found || name != w.name) continue;
      if (col_used < 0 || std::max(col_used, col_avail) >= int(cells.size()))
        throw Error(at_line(file, i), fmt::format("'{}' row outside a table with Used and Available columns", w.name));
      const auto u_val = number(cells[std::size_t(col_used)]), a_val = number(cells[std::size_t(col_avail)]);
      if (!u_val || !a_val)
        throw Error(at_line(file, i), fmt::format("'{}': expected numbers in the Used and Available columns, found "
                                                  "'{}' and '{}'",
                                                  w.name, cells[std::size_t(col_used)], cells[std::size_t(col_avail)]));
      *w.out = {*u_val, *a_val};
      w.found = true;
    }
  }
  for (const auto& w : wanted)
    if (!w.found)
      throw Error(file.string(), fmt::format("expected a '{}' row (Used, Available) as report_utilization writes it, "
                                             "found none",
                                             w.name));
  return u;
}

VivadoTiming parse_vivado_timing_summary(const std::string& text, const fs::path& file) {
  const auto lines = lines_of(text);
  VivadoTiming t;
  bool table = false;
  for (std::size_t i = 0; i < lines.size() && !table; ++i) {
    const auto w = words(lines[i]);
    if (w.size() < 2 || w[0] != "WNS(ns)" || w[1] != "TNS(ns)") continue;  // the Design Timing Summary head
    const auto cols = header_columns(lines[i]);
    std::size_t v = i + 1;
    while (v < lines.size() && (trim(lines[v]).empty() || trim(lines[v]).find_first_not_of("- ") == std::string::npos))
      ++v;
    if (v == lines.size())
      throw Error(at_line(file, i), "expected a row of figures under the WNS(ns) TNS(ns) ... header, found the end");
    const auto vals = words(lines[v]);
    if (vals.size() != cols.size())
      throw Error(at_line(file, v), fmt::format("expected {} figures under the Design Timing Summary header, found {}",
                                                cols.size(), vals.size()));
    auto field = [&](const char* name, double& out) {
      for (std::size_t c = 0; c < cols.size(); ++c) {
        if (cols[c] != name) continue;
        const auto x = number(vals[c]);
        if (!x)
          throw Error(at_line(file, v), fmt::format("{}: expected a number, found '{}' (no timed paths?)", name, vals[c]));
        out = *x;
        return;
      }
      throw Error(at_line(file, i), fmt::format("expected a {} column in the Design Timing Summary", name));
    };
    field("WNS(ns)", t.wns_ns);
    field("TNS(ns)", t.tns_ns);
    field("WHS(ns)", t.whs_ns);
    field("THS(ns)", t.ths_ns);
    table = true;
  }
  if (!table)
    throw Error(file.string(), "expected the Design Timing Summary table (WNS(ns) TNS(ns) ... as report_timing_summary "
                               "writes it), found none");
  const bool met = text.find("All user specified timing constraints are met.") != std::string::npos;
  const bool not_met = text.find("Timing constraints are not met.") != std::string::npos;
  if (met == not_met)
    throw Error(file.string(), "expected one verdict line, 'All user specified timing constraints are met.' or "
                               "'Timing constraints are not met.', found " + std::string(met ? "both" : "neither"));
  t.constraints_met = met;
  return t;
}

VivadoPower parse_vivado_power(const std::string& text, const fs::path& file) {
  VivadoPower p;
  struct Wanted {
    const char* name;
    double* out;
    bool found = false;
  };
  Wanted wanted[] = {{"Total On-Chip Power (W)", &p.total_w}, {"Dynamic (W)", &p.dynamic_w},
                     {"Device Static (W)", &p.static_w}};
  const auto lines = lines_of(text);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto cells = row_cells(lines[i]);
    if (cells.size() < 2) continue;
    for (auto& w : wanted) {
      if (w.found || cells[0] != w.name) continue;
      const auto x = leading_number(cells[1]);
      if (!x) throw Error(at_line(file, i), fmt::format("'{}': expected watts, found '{}'", w.name, cells[1]));
      *w.out = *x;
      w.found = true;
    }
  }
  for (const auto& w : wanted)
    if (!w.found)
      throw Error(file.string(), fmt::format("expected a '{}' row in the summary table as report_power writes it, "
                                             "found none",
                                             w.name));
  return p;
}

VivadoReports load_vivado_reports(const fs::path& dir) {
  if (!fs::is_directory(dir))
    throw Error(dir.string(), "Vivado report folder not found (the bundle's overlay/ after build_bitstream.tcl ran)");
  auto read = [&](const char* name) {
    const fs::path f = dir / name;
    if (!fs::is_regular_file(f))
      throw Error(f.string(), "not found: board/vivado/build_bitstream.tcl writes it beside dorefa.bit");
    return std::make_pair(util::read_file_text(f), f);
  };
  VivadoReports r;
  r.dir = dir;
  const auto [util_text, util_file] = read("utilization.rpt");
  r.utilization = parse_vivado_utilization(util_text, util_file);
  const auto [timing_text, timing_file] = read("timing_summary.rpt");
  r.timing = parse_vivado_timing_summary(timing_text, timing_file);
  const auto [power_text, power_file] = read("power.rpt");
  r.power = parse_vivado_power(power_text, power_file);
  return r;
}

nlohmann::json VivadoReports::to_json() const {
  auto res = [](const VivadoResource& x) {
    return nlohmann::json{{"used", x.used}, {"available", x.available}, {"percent", x.percent()}};
  };
  return {{"dir", dir.string()},
          {"utilization",
           {{"lut", res(utilization.lut)},
            {"ff", res(utilization.ff)},
            {"bram_tile", res(utilization.bram_tile)},
            {"dsp", res(utilization.dsp)}}},
          {"timing",
           {{"wns_ns", timing.wns_ns},
            {"tns_ns", timing.tns_ns},
            {"whs_ns", timing.whs_ns},
            {"ths_ns", timing.ths_ns},
            {"constraints_met", timing.constraints_met},
            {"met", timing.met()}}},
          {"power", {{"total_w", power.total_w}, {"dynamic_w", power.dynamic_w}, {"static_w", power.static_w}}},
          {"what", "Vivado post-route reports of the board build (board/vivado/build_bitstream.tcl)"}};
}

}  // namespace dorefa::report
