// `dorefa report`: regenerates a run's report; a bad meter log is named and the report kept.
#include "cli_runner.hpp"

namespace dorefa::cli_test {
namespace {

// A run folder holding what `dorefa run` leaves for the report: summary.json.
fs::path make_run(const TempDir& t) {
  const fs::path run = t / "run";
  write_text(run / "summary.json",
             R"({"title": "tiny on mnist", "lowering": )" + slurp(fixture() / "lower.json") +
                 R"(, "synthesis": {"resources": {"lut": 2000, "ff": 1500, "bram36_equivalent": 1.0, "dsp48e1": 2},
                     "percent": {"lut": 3.8}}, "simulation": {"fps": 50000, "accuracy": 0.9, "images": 20}})");
  return run;
}

TEST(ReportCommand, RegeneratesTheReportFromTheSummary) {
  TempDir t;
  const fs::path run = make_run(t);
  CliResult r = run_dorefa({"report", run.string()});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const std::string html = slurp(run / "report.html");
  EXPECT_NE(html.find("tiny on mnist"), std::string::npos);
  EXPECT_NE(html.find("estimate"), std::string::npos);  // the power figure is labelled an estimate
}

TEST(ReportCommand, MalformedMeterLogIsBadInputAndTheReportIsKept) {
  TempDir t;
  const fs::path run = make_run(t);
  ASSERT_EQ(run_dorefa({"report", run.string()}).exit_code, 0);
  const std::string before = slurp(run / "report.html");
  write_text(t / "meter.csv", "time,W\n1796101200.0,1.6\n1796101200.5,not-a-number\n");
  write_text(run / "board" / "run.json", "{}");
  CliResult r = run_dorefa({"report", run.string(), "--power-log", (t / "meter.csv").string()});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_TRUE(r.says("meter.csv") || r.says("run.json")) << r.err;
  EXPECT_EQ(slurp(run / "report.html"), before);
}

// A board build's overlay folder: the sample Vivado reports of tests/report/vivado/.
fs::path make_overlay(const TempDir& t) {
  const fs::path overlay = t / "overlay";
  for (const char* f : {"utilization.rpt", "timing_summary.rpt", "power.rpt"})
    write_text(overlay / f, slurp(fs::path(DOREFA_SOURCE_ROOT) / "tests" / "report" / "vivado" / f));
  return overlay;
}

TEST(ReportCommand, VivadoReportsAppearBesideTheEstimatesAndAreKept) {
  TempDir t;
  const fs::path run = make_run(t);
  CliResult r = run_dorefa({"report", run.string(), "--vivado", make_overlay(t).string()});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_TRUE(r.says("Vivado (board build) 21407 LUT")) << r.out;
  std::string html = slurp(run / "report.html");
  EXPECT_NE(html.find("Vivado (board build)"), std::string::npos);
  EXPECT_NE(html.find("21407 / 53200"), std::string::npos);
  EXPECT_TRUE(fs::exists(run / "vivado" / "reports.json"));
  // A later report without --vivado keeps showing them.
  ASSERT_EQ(run_dorefa({"report", run.string()}).exit_code, 0);
  EXPECT_NE(slurp(run / "report.html").find("21407 / 53200"), std::string::npos);
}

TEST(ReportCommand, VivadoFolderMissingAReportIsBadInputAndTheReportIsKept) {
  TempDir t;
  const fs::path run = make_run(t);
  ASSERT_EQ(run_dorefa({"report", run.string()}).exit_code, 0);
  const std::string before = slurp(run / "report.html");
  const fs::path overlay = make_overlay(t);
  fs::remove(overlay / "power.rpt");
  CliResult r = run_dorefa({"report", run.string(), "--vivado", overlay.string()});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_TRUE(r.says("power.rpt")) << r.err;
  EXPECT_EQ(slurp(run / "report.html"), before);
  EXPECT_FALSE(fs::exists(run / "vivado" / "reports.json"));
}

TEST(ReportCommand, FolderWithoutSummaryIsBadInput) {
  TempDir t;
  CliResult r = run_dorefa({"report", t.path().string()});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_TRUE(r.says("summary.json")) << r.err;
}

}  // namespace
}  // namespace dorefa::cli_test
