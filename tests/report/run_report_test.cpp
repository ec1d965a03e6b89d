#include "report/run_report.hpp"

#include <cstdio>
#include <filesystem>

#include <gtest/gtest.h>

#include "util/atomic_file.hpp"
#include "util/error.hpp"

namespace dorefa::report {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

// A run folder as `dorefa run` leaves it, with a report that must survive bad logs.
fs::path make_run(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("dorefa_report_run_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir / "board");
  json s = json::parse(R"({"title": "t", "simulation": {"fps": 70000, "accuracy": 0.99},
      "synthesis": {"resources": {"lut": 20000, "ff": 15000, "bram36_equivalent": 5.5, "dsp48e1": 10},
                    "capacity": {"lut": 53200, "ff": 106400, "bram36": 140, "dsp48e1": 220}}})");
  util::write_file_atomic(dir / "summary.json", s.dump());
  util::write_file_atomic(dir / "report.html", "<p>the previous report</p>");
  util::write_file_atomic(dir / "report.md", "previous");
  // The board: idle 10 s from 2026-12-01T05:00:00Z, then 20 s classifying 200000 images.
  util::write_file_atomic(dir / "board" / "run.json", R"({"format": "dorefa-board-run/1", "intervals": [
      {"kind": "idle", "start": "2026-12-01T05:00:00Z", "end": "2026-12-01T05:00:10Z"},
      {"kind": "busy", "start": "2026-12-01T05:00:12Z", "end": "2026-12-01T05:00:32Z", "images": 200000}]})");
  return dir;
}

// A USB meter export sampling once a second from 05:00:00 + `from` s: 5.0 V, 0.32 A
// (1.60 W) until 05:00:11, then 0.37 A (1.85 W).
fs::path write_meter(const fs::path& dir, int from = 0, const std::string& extra = "") {
  std::string csv = "Time,Voltage(V),Current(A)\n";
  for (int k = from; k < from + 35; ++k) {
    char line[96];
    std::snprintf(line, sizeof line, "2026-12-01T%02d:%02d:%02dZ,5.00,%s\n", 5 + k / 3600, k / 60 % 60, k % 60,
                  k <= 11 ? "0.32" : "0.37");
    csv += line;
  }
  const fs::path file = dir / "meter.csv";
  util::write_file_atomic(file, csv + extra);
  return file;
}

TEST(RunReport, EstimateOnlyIsLabelledAndUsesTheActivityWhenMeasured) {
  const fs::path dir = make_run("estimate");
  RunReport r = regenerate_report({dir, {}, {}});
  EXPECT_FALSE(r.measured);
  const std::string fixed_html = util::read_file_text(dir / "report.html");
  EXPECT_NE(fixed_html.find("Estimate, not a measurement"), std::string::npos);
  EXPECT_NE(fixed_html.find("not measured"), std::string::npos);
  EXPECT_NE(fixed_html.find("Board-level view (estimate"), std::string::npos);
  const double fixed_w = r.summary["power"]["total_w"].get<double>();

  fs::create_directories(activity_file(dir).parent_path());
  util::write_file_atomic(activity_file(dir), R"({"toggle_rate": 0.04, "images": 8, "cycles": 20000, "dataset": "mnist/test"})");
  r = regenerate_report({dir, {}, {}});
  EXPECT_LT(r.summary["power"]["total_w"].get<double>(), fixed_w);  // quieter than the default
  const std::string html = util::read_file_text(dir / "report.html");
  EXPECT_NE(html.find("measured: Verilator toggle coverage, 8 mnist/test images"), std::string::npos);
  EXPECT_NE(html.find("4.0%"), std::string::npos);
}

TEST(RunReport, MeterLogGivesMeasuredBoardPowerBesideTheEstimate) {
  const fs::path dir = make_run("measured");
  RunReport r = regenerate_report({dir, write_meter(dir), {}});
  ASSERT_TRUE(r.measured);
  EXPECT_NEAR(r.measured->idle_w, 1.60, 1e-9);
  EXPECT_NEAR(r.measured->busy_w, 1.85, 1e-9);
  EXPECT_NEAR(r.measured->inference_w(), 0.25, 1e-9);
  // 0.25 W for 20 s over 200000 images: 25 µJ per image above idle.
  EXPECT_NEAR(r.measured->inference_energy_per_image_uj(), 25, 1e-6);
  const std::string html = util::read_file_text(dir / "report.html");
  EXPECT_NE(html.find("Measured: whole board"), std::string::npos);
  EXPECT_NE(html.find("1.850 W"), std::string::npos);
  EXPECT_NE(html.find("Estimate: programmable logic only"), std::string::npos);  // side by side
  EXPECT_NE(util::read_file_text(dir / "report.md").find("1.600 / 1.850 / 0.250 W"), std::string::npos);
  // Kept: a later regeneration without a log still shows the measurement.
  EXPECT_TRUE(fs::exists(measured_file(dir)));
  RunReport again = regenerate_report({dir, {}, {}});
  EXPECT_NEAR(again.summary["measured_power"]["busy_w"].get<double>(), 1.85, 1e-9);
}

// Each bad log is a bad-input error naming the meter file; the previous report stays.
void expect_rejected(const std::string& name, int from, const std::string& extra, const std::string& needle) {
  const fs::path dir = make_run(name);
  const fs::path meter = write_meter(dir, from, extra);
  try {
    regenerate_report({dir, meter, {}});
    ADD_FAILURE() << name << ": expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kBadInput);
    EXPECT_NE(std::string(e.what()).find(meter.string()), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
  EXPECT_EQ(util::read_file_text(dir / "report.html"), "<p>the previous report</p>") << name;
  EXPECT_EQ(util::read_file_text(dir / "report.md"), "previous") << name;
  EXPECT_FALSE(fs::exists(measured_file(dir))) << name;
  EXPECT_EQ(json::parse(util::read_file_text(dir / "summary.json")).count("measured_power"), 0u) << name;
}

TEST(RunReport, MalformedOrMisalignedMeterLogIsAnErrorAndTheReportStays) {
  expect_rejected("misaligned", 3600, "", "no samples");  // an hour off: nothing inside
  expect_rejected("backwards", 0, "2026-12-01T05:00:20Z,5.00,0.37\n", ":37");      // time goes back, line 37
  expect_rejected("badnumber", 0, "2026-12-01T05:01:00Z,5.00,zero\n", "field 'Current(A)'");
  expect_rejected("missing", 0, "2026-12-01T05:01:00Z,5.00\n", ":37");
}

TEST(RunReport, MissingSummaryIsAnError) {
  const fs::path dir = fs::temp_directory_path() / "dorefa_report_run_none";
  fs::remove_all(dir);
  fs::create_directories(dir);
  EXPECT_THROW(regenerate_report({dir, {}, {}}), Error);
}

}  // namespace
}  // namespace dorefa::report
