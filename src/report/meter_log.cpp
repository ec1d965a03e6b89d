#include "report/meter_log.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "util/atomic_file.hpp"
#include "util/error.hpp"

namespace dorefa::report {
namespace fs = std::filesystem;
namespace {

std::string trim(std::string s) {
  auto space = [](unsigned char c) { return std::isspace(c) || c == '"' || c == '\''; };
  while (!s.empty() && space(s.back())) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && space(s[i])) ++i;
  return s.substr(i);
}

std::string lower(std::string s) {
  for (auto& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::vector<std::string> split(const std::string& line, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : line) {
    if (c == sep) {
      out.push_back(trim(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(trim(cur));
  return out;
}

std::optional<double> parse_number(const std::string& s) {
  if (s.empty()) return std::nullopt;
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
long long days_from_civil(long long y, unsigned m, unsigned d) {
  y -= m <= 2;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = unsigned(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (long long)doe - 719468;
}

// "YYYY-MM-DD[T ]hh:mm:ss[.fff][Z|+hh:mm|-hh:mm]"
double parse_iso8601(const std::string& s) {
  const double nan = std::nan("");
  auto digits = [&](std::size_t pos, std::size_t n) -> int {
    if (pos + n > s.size()) return -1;
    int v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(s[i]))) return -1;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  if (s.size() < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') || s[13] != ':' || s[16] != ':')
    return nan;
  const int y = digits(0, 4), mo = digits(5, 2), d = digits(8, 2), h = digits(11, 2), mi = digits(14, 2),
            se = digits(17, 2);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 60)
    return nan;
  double t = double(days_from_civil(y, unsigned(mo), unsigned(d))) * 86400.0 + h * 3600.0 + mi * 60.0 + se;
  std::size_t pos = 19;
  if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
    double scale = 0.1;
    ++pos;
    if (pos >= s.size() || !std::isdigit(static_cast<unsigned char>(s[pos]))) return nan;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
      t += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
  }
  if (pos == s.size()) return t;
  if (s[pos] == 'Z' && pos + 1 == s.size()) return t;
  if ((s[pos] == '+' || s[pos] == '-') && pos + 6 == s.size() && s[pos + 3] == ':') {
    const int oh = digits(pos + 1, 2), om = digits(pos + 4, 2);
    if (oh < 0 || om < 0) return nan;
    const double offset = oh * 3600.0 + om * 60.0;
    return s[pos] == '+' ? t - offset : t + offset;
  }
  return nan;
}

enum class Column { kNone, kTime, kWatts, kVolts, kAmps };

// A header cell as (column, scale to SI): "Power(W)" -> watts 1, "Current [mA]" -> amps 1e-3.
std::pair<Column, double> classify(const std::string& cell) {
  std::string name = lower(cell), unit;
  for (char open : {'(', '['}) {
    auto p = name.find(open);
    if (p != std::string::npos) {
      auto q = name.find(open == '(' ? ')' : ']', p);
      unit = trim(name.substr(p + 1, q == std::string::npos ? std::string::npos : q - p - 1));
      name = trim(name.substr(0, p));
    }
  }
  for (const char* suffix : {"_w", "_v", "_a", "_ma", "_mw", "_s"}) {  // power_w, current_ma ...
    const std::string sfx(suffix);
    if (name.size() > sfx.size() && name.ends_with(sfx)) {
      unit = sfx.substr(1);
      name = name.substr(0, name.size() - sfx.size());
    }
  }
  const double milli = (unit == "mw" || unit == "ma" || unit == "mv") ? 1e-3 : 1.0;
  if (name == "time" || name == "timestamp" || name == "date" || name == "datetime" || name == "unix" || name == "t" ||
      name == "unix_time" || name == "epoch")
    return {Column::kTime, 1.0};
  if (name == "w" || name == "mw" || name == "watt" || name == "watts" || name == "power")
    return {Column::kWatts, name == "mw" ? 1e-3 : milli};
  if (name == "v" || name == "mv" || name == "volt" || name == "volts" || name == "voltage" || name == "vbus")
    return {Column::kVolts, name == "mv" ? 1e-3 : milli};
  if (name == "a" || name == "ma" || name == "amp" || name == "amps" || name == "ampere" || name == "amperes" ||
      name == "current" || name == "ibus")
    return {Column::kAmps, name == "ma" ? 1e-3 : milli};
  return {Column::kNone, 1.0};
}

std::string where(const fs::path& file, int line, const std::string& field) {
  return fmt::format("{}:{}{}", file.string(), line, field.empty() ? "" : ", field '" + field + "'");
}

}  // namespace

double parse_timestamp(const std::string& text) {
  const std::string s = trim(text);
  if (auto v = parse_number(s)) return *v;
  return parse_iso8601(s);
}

MeterLog parse_meter_log(const std::string& text, const fs::path& file) {
  MeterLog log;
  log.file = file;
  std::vector<std::string> lines;
  {
    std::string cur;
    for (char c : text) {
      if (c == '\n') {
        lines.push_back(cur);
        cur.clear();
      } else if (c != '\r') {
        cur += c;
      }
    }
    if (!cur.empty()) lines.push_back(cur);
  }
  std::size_t h = 0;
  while (h < lines.size() && trim(lines[h]).empty()) ++h;
  if (h == lines.size()) throw Error(file.string(), "expected a header line and samples, found an empty file");
  if (h == 0 && lines[0].size() >= 3 && lines[0].compare(0, 3, "\xEF\xBB\xBF") == 0) lines[0].erase(0, 3);  // BOM
  const std::string& header = lines[h];
  const char sep = header.find(';') != std::string::npos ? ';' : header.find('\t') != std::string::npos ? '\t' : ',';
  const std::vector<std::string> names = split(header, sep);
  int col_t = -1, col_w = -1, col_v = -1, col_a = -1;
  double scale_w = 1, scale_v = 1, scale_a = 1;
  for (std::size_t i = 0; i < names.size(); ++i) {
    auto [kind, scale] = classify(names[i]);
    int c = int(i);
    if (kind == Column::kTime && col_t < 0) col_t = c;
    if (kind == Column::kWatts && col_w < 0) col_w = c, scale_w = scale;
    if (kind == Column::kVolts && col_v < 0) col_v = c, scale_v = scale;
    if (kind == Column::kAmps && col_a < 0) col_a = c, scale_a = scale;
  }
  const bool have_power = col_w >= 0 || (col_v >= 0 && col_a >= 0);
  if (col_t < 0 || !have_power)
    throw Error(where(file, int(h) + 1, "header"),
                fmt::format("expected a time column and a watts column (or volts and amps columns), found '{}'{}",
                            header, col_t < 0 ? " (no time column)" : " (no power, or volts without amps)"));
  log.format = col_w >= 0 ? "time,W" : "time,V,A";
  const std::size_t needed = std::size_t(std::max({col_t, col_w, col_v, col_a})) + 1;
  for (std::size_t i = h + 1; i < lines.size(); ++i) {
    const int line_no = int(i) + 1;
    if (trim(lines[i]).empty()) continue;
    const std::vector<std::string> cells = split(lines[i], sep);
    if (cells.size() < needed)
      throw Error(where(file, line_no, ""), fmt::format("expected at least {} columns as in the header, found {}",
                                                        needed, cells.size()));
    MeterSample s;
    s.line = line_no;
    s.t = parse_timestamp(cells[std::size_t(col_t)]);
    if (std::isnan(s.t))
      throw Error(where(file, line_no, names[std::size_t(col_t)]),
                  fmt::format("expected an ISO-8601 timestamp or unix seconds, found '{}'", cells[std::size_t(col_t)]));
    auto number = [&](int col, double scale) {
      auto v = parse_number(cells[std::size_t(col)]);
      if (!v || *v < 0)
        throw Error(where(file, line_no, names[std::size_t(col)]),
                    fmt::format("expected a non-negative number, found '{}'", cells[std::size_t(col)]));
      return *v * scale;
    };
    s.watts = col_w >= 0 ? number(col_w, scale_w) : number(col_v, scale_v) * number(col_a, scale_a);
    if (!log.samples.empty() && !(s.t > log.samples.back().t))
      throw Error(where(file, line_no, names[std::size_t(col_t)]),
                  fmt::format("expected timestamps to increase, found '{}' after '{}' (line {})",
                              cells[std::size_t(col_t)], lines[std::size_t(log.samples.back().line - 1)].substr(0, 40),
                              log.samples.back().line));
    log.samples.push_back(s);
  }
  if (log.samples.empty()) throw Error(file.string(), "expected samples after the header, found none");
  return log;
}

MeterLog load_meter_log(const fs::path& file) {
  if (!fs::is_regular_file(file)) throw Error(file.string(), "power meter log not found");
  return parse_meter_log(util::read_file_text(file), file);
}

std::size_t BoardRunLog::images() const {
  std::size_t n = 0;
  for (const auto& i : intervals)
    if (i.kind == "busy") n += i.images;
  return n;
}

BoardRunLog parse_board_run_log(const std::string& text, const fs::path& file) {
  using nlohmann::json;
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) throw Error(file.string(), "expected a JSON object (dorefa-board-run/1)");
  if (j.value("format", "") != "dorefa-board-run/1")
    throw Error(file.string() + ", field 'format'",
                fmt::format("expected \"dorefa-board-run/1\", found {}", j.contains("format") ? j["format"].dump() : "none"));
  if (!j.contains("intervals") || !j["intervals"].is_array() || j["intervals"].empty())
    throw Error(file.string() + ", field 'intervals'", "expected a non-empty array of idle and busy intervals");
  BoardRunLog log;
  log.file = file;
  for (std::size_t k = 0; k < j["intervals"].size(); ++k) {
    const json& e = j["intervals"][k];
    const std::string at = fmt::format("{}, intervals[{}]", file.string(), k);
    if (!e.is_object()) throw Error(at, "expected an object {kind, start, end}");
    RunInterval r;
    r.kind = e.value("kind", "");
    if (r.kind != "idle" && r.kind != "busy")
      throw Error(at + ".kind", fmt::format("expected \"idle\" or \"busy\", found {}", e.contains("kind") ? e["kind"].dump() : "none"));
    auto stamp = [&](const char* key) {
      const std::string field = at + "." + key;
      if (!e.contains(key)) throw Error(field, "expected a timestamp, found none");
      double t = e[key].is_number() ? e[key].get<double>()
                 : e[key].is_string() ? parse_timestamp(e[key].get<std::string>())
                                      : std::nan("");
      if (std::isnan(t)) throw Error(field, fmt::format("expected ISO-8601 or unix seconds, found {}", e[key].dump()));
      return t;
    };
    r.start = stamp("start");
    r.end = stamp("end");
    if (!(r.end > r.start))
      throw Error(at, fmt::format("expected end after start, found {} .. {}", e["start"].dump(), e["end"].dump()));
    if (r.kind == "busy") {
      if (!e.contains("images") || !e["images"].is_number_integer() || e["images"].get<long long>() <= 0)
        throw Error(at + ".images", fmt::format("expected a positive image count, found {}",
                                                e.contains("images") ? e["images"].dump() : "none"));
      r.images = e["images"].get<std::size_t>();
    }
    log.intervals.push_back(r);
  }
  bool idle = false, busy = false;
  for (const auto& r : log.intervals) (r.kind == "idle" ? idle : busy) = true;
  if (!idle || !busy)
    throw Error(file.string() + ", field 'intervals'", fmt::format("expected at least one idle and one busy interval, found {}",
                                                                   idle ? "no busy one" : "no idle one"));
  return log;
}

BoardRunLog load_board_run_log(const fs::path& file) {
  if (!fs::is_regular_file(file)) throw Error(file.string(), "board run log not found");
  return parse_board_run_log(util::read_file_text(file), file);
}

}  // namespace dorefa::report
