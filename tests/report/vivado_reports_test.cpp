#include "report/vivado_reports.hpp"

#include <filesystem>
#include <string>

#include <unistd.h>

#include <gtest/gtest.h>

#include "report/html_report.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"

namespace dorefa::report {
namespace {
namespace fs = std::filesystem;

// Sample reports in Vivado's formats (written for this test, numbers of our own).
const fs::path kSamples = fs::path(DOREFA_SOURCE_ROOT) / "tests" / "report" / "vivado";

std::string sample(const char* name) { return util::read_file_text(kSamples / name); }

// `text` with the first occurrence of `from` replaced by `to` (the test fails if absent).
std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << "sample lacks '" << from << "'";
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

// The Error's message for `f`, or "" when it does not throw.
template <typename F>
std::string error_of(F f) {
  try {
    f();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kBadInput);
    return e.what();
  }
  return "";
}

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("dorefa_vivado_reports_" + std::to_string(::getpid()));
  TempDir() {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

TEST(VivadoReports, ReadsTheThreeSampleReports) {
  const VivadoReports r = load_vivado_reports(kSamples);
  EXPECT_DOUBLE_EQ(r.utilization.lut.used, 21407);
  EXPECT_DOUBLE_EQ(r.utilization.lut.available, 53200);
  EXPECT_DOUBLE_EQ(r.utilization.ff.used, 17322);
  EXPECT_DOUBLE_EQ(r.utilization.ff.available, 106400);
  EXPECT_DOUBLE_EQ(r.utilization.bram_tile.used, 12.5);
  EXPECT_DOUBLE_EQ(r.utilization.bram_tile.available, 140);
  EXPECT_DOUBLE_EQ(r.utilization.dsp.used, 6);
  EXPECT_DOUBLE_EQ(r.utilization.dsp.available, 220);
  EXPECT_NEAR(r.utilization.lut.percent(), 40.24, 0.01);
  EXPECT_DOUBLE_EQ(r.timing.wns_ns, 1.873);
  EXPECT_DOUBLE_EQ(r.timing.tns_ns, 0.0);
  EXPECT_DOUBLE_EQ(r.timing.whs_ns, 0.031);
  EXPECT_TRUE(r.timing.constraints_met);
  EXPECT_TRUE(r.timing.met());
  EXPECT_DOUBLE_EQ(r.power.total_w, 1.742);
  EXPECT_DOUBLE_EQ(r.power.dynamic_w, 1.603);
  EXPECT_DOUBLE_EQ(r.power.static_w, 0.139);
  const auto j = r.to_json();
  EXPECT_DOUBLE_EQ(j["utilization"]["lut"]["used"].get<double>(), 21407);
  EXPECT_TRUE(j["timing"]["met"].get<bool>());
}

TEST(VivadoReports, UtilizationColumnsAreFoundByTheirHeaders) {
  // Before 2021 the tables had no "Prohibited" column: Available is one column further left.
  const std::string old_style = R"(
+----------------------------+------+-------+-----------+-------+
|          Site Type         | Used | Fixed | Available | Util% |
+----------------------------+------+-------+-----------+-------+
| Slice LUTs*                | 5542 |     0 |     53200 | 10.42 |
| Slice Registers            | 8305 |     0 |    106400 |  7.81 |
+----------------------------+------+-------+-----------+-------+
+-------------------+------+-------+-----------+-------+
|     Site Type     | Used | Fixed | Available | Util% |
+-------------------+------+-------+-----------+-------+
| Block RAM Tile    |    4 |     0 |       140 |  2.86 |
+-------------------+------+-------+-----------+-------+
| DSPs           |    0 |     0 |       220 |  0.00 |
)";
  const VivadoUtilization u = parse_vivado_utilization(old_style, "old.rpt");
  EXPECT_DOUBLE_EQ(u.lut.used, 5542);  // "Slice LUTs*" (a synthesized design) counts too
  EXPECT_DOUBLE_EQ(u.lut.available, 53200);
  EXPECT_DOUBLE_EQ(u.ff.available, 106400);
  EXPECT_DOUBLE_EQ(u.bram_tile.used, 4);
  EXPECT_DOUBLE_EQ(u.dsp.available, 220);
}

TEST(VivadoReports, EachMissingUtilizationRowIsNamed) {
  for (const char* row : {"| Slice LUTs ", "| Slice Registers ", "| Block RAM Tile ", "| DSPs "}) {
    const std::string text = replaced(sample("utilization.rpt"), row, "| Something else ");
    const std::string msg = error_of([&] { parse_vivado_utilization(text, "u.rpt"); });
    std::string name = std::string(row).substr(2);
    name.pop_back();
    EXPECT_NE(msg.find("u.rpt"), std::string::npos) << msg;
    EXPECT_NE(msg.find("'" + name + "'"), std::string::npos) << row << ": " << msg;
  }
  const std::string bad = replaced(sample("utilization.rpt"), "| Slice LUTs                 | 21407 |",
                                   "| Slice LUTs                 |  many |");
  EXPECT_NE(error_of([&] { parse_vivado_utilization(bad, "u.rpt"); }).find("u.rpt:"), std::string::npos);
}

TEST(VivadoReports, EachMissingTimingFieldIsNamed) {
  const std::string good = sample("timing_summary.rpt");
  // No Design Timing Summary table at all.
  std::string msg = error_of([&] { parse_vivado_timing_summary("nothing here\n", "t.rpt"); });
  EXPECT_NE(msg.find("Design Timing Summary"), std::string::npos) << msg;
  // A column renamed away: WHS, THS (TNS shares the head the table is found by).
  for (const char* col : {"WHS(ns)", "THS(ns)"}) {
    msg = error_of([&] { parse_vivado_timing_summary(replaced(good, col, "XXX(ns)"), "t.rpt"); });
    EXPECT_NE(msg.find(col), std::string::npos) << col << ": " << msg;
  }
  // WNS given as NA (no timed paths).
  msg = error_of([&] { parse_vivado_timing_summary(replaced(good, "      1.873        0.000", "         NA        0.000"), "t.rpt"); });
  EXPECT_NE(msg.find("WNS(ns)"), std::string::npos) << msg;
  // No verdict line.
  msg = error_of([&] {
    parse_vivado_timing_summary(replaced(good, "All user specified timing constraints are met.", ""), "t.rpt");
  });
  EXPECT_NE(msg.find("verdict"), std::string::npos) << msg;
  // A short row of figures.
  msg = error_of([&] { parse_vivado_timing_summary(replaced(good, "0.031        0.000", "0.031"), "t.rpt"); });
  EXPECT_NE(msg.find("figures"), std::string::npos) << msg;
}

TEST(VivadoReports, FailedTimingIsReadAsNotMet) {
  std::string text = replaced(sample("timing_summary.rpt"), "      1.873        0.000                      0",
                              "     -0.412      -37.905                    211");
  text = replaced(text, "All user specified timing constraints are met.", "Timing constraints are not met.");
  const VivadoTiming t = parse_vivado_timing_summary(text, "t.rpt");
  EXPECT_DOUBLE_EQ(t.wns_ns, -0.412);
  EXPECT_DOUBLE_EQ(t.tns_ns, -37.905);
  EXPECT_FALSE(t.constraints_met);
  EXPECT_FALSE(t.met());
  // A negative WNS under a (contradictory) "met" line still counts as failed.
  const VivadoTiming odd = parse_vivado_timing_summary(
      replaced(sample("timing_summary.rpt"), "      1.873", "     -0.001"), "t.rpt");
  EXPECT_TRUE(odd.constraints_met);
  EXPECT_FALSE(odd.met());
}

TEST(VivadoReports, EachMissingPowerRowIsNamed) {
  for (const char* row : {"Total On-Chip Power (W)", "Dynamic (W)", "Device Static (W)"}) {
    const std::string msg =
        error_of([&] { parse_vivado_power(replaced(sample("power.rpt"), std::string("| ") + row, "| Other"), "p.rpt"); });
    EXPECT_NE(msg.find(row), std::string::npos) << row << ": " << msg;
    EXPECT_NE(msg.find("p.rpt"), std::string::npos) << msg;
  }
  // A value with Vivado's warning after it is still read.
  const VivadoPower p = parse_vivado_power(
      replaced(sample("power.rpt"), "| 1.742        |", "| 9.742 (Junction temp exceeded!) |"), "p.rpt");
  EXPECT_DOUBLE_EQ(p.total_w, 9.742);
  const std::string msg = error_of(
      [&] { parse_vivado_power(replaced(sample("power.rpt"), "| 1.603        |", "| NA           |"), "p.rpt"); });
  EXPECT_NE(msg.find("Dynamic (W)"), std::string::npos) << msg;
}

TEST(VivadoReports, MissingFileOrFolderIsNamed) {
  TempDir t;
  EXPECT_NE(error_of([&] { load_vivado_reports(t.path / "nope"); }).find("nope"), std::string::npos);
  for (const char* f : {"utilization.rpt", "timing_summary.rpt", "power.rpt"})
    util::write_file_atomic(t.path / f, sample(f));
  EXPECT_NO_THROW(load_vivado_reports(t.path));
  for (const char* f : {"utilization.rpt", "timing_summary.rpt", "power.rpt"}) {
    const std::string keep = sample(f);
    fs::remove(t.path / f);
    EXPECT_NE(error_of([&] { load_vivado_reports(t.path); }).find(f), std::string::npos) << f;
    util::write_file_atomic(t.path / f, keep);
  }
}

TEST(VivadoReports, ReportShowsVivadoBesideYosysAndFlagsFailedTiming) {
  nlohmann::json s = {{"title", "t"},
                      {"synthesis", {{"resources", {{"lut", 19113}, {"ff", 15000}, {"bram36_equivalent", 11.5}, {"dsp48e1", 6}}},
                                     {"capacity", {{"lut", 53200}, {"ff", 106400}, {"bram36", 140}, {"dsp48e1", 220}}},
                                     {"critical_path_ns", 6.2}}}};
  s["vivado"] = load_vivado_reports(kSamples).to_json();
  std::string html = render_html(s);
  EXPECT_NE(html.find("Vivado (board build)"), std::string::npos);
  EXPECT_NE(html.find("21407 / 53200"), std::string::npos);  // Vivado's LUTs ...
  EXPECT_NE(html.find("19113"), std::string::npos);          // ... beside Yosys's
  EXPECT_NE(html.find("1.873 ns"), std::string::npos);
  EXPECT_NE(html.find("1.742 W"), std::string::npos);
  EXPECT_EQ(html.find("Timing not met"), std::string::npos);
  EXPECT_NE(render_markdown(s).find("WNS 1.873 ns"), std::string::npos);
  s["vivado"]["timing"]["wns_ns"] = -0.4;
  s["vivado"]["timing"]["met"] = false;
  html = render_html(s);
  EXPECT_NE(html.find("Timing not met"), std::string::npos);
  EXPECT_NE(render_markdown(s).find("NOT met"), std::string::npos);
}

}  // namespace
}  // namespace dorefa::report
