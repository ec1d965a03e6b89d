#include "report/html_report.hpp"

#include <gtest/gtest.h>

namespace dorefa::report {
namespace {
using nlohmann::json;

json full_summary() {
  return json::parse(R"({
    "title": "lenet <w1a2> & co",
    "training": {"epochs": 30, "best_val_acc": 99.34, "test_acc": 99.44, "mean_epoch_seconds": 46.7},
    "lowering": {"images": 10000, "same_top1": 9998, "agreement_pct": 99.98,
                 "trained_accuracy_pct": 99.44, "integer_accuracy_pct": 99.43, "runtime_images_per_second": 5000},
    "design": {"ideal_cycles_per_image": 1280, "bottleneck": "conv2",
               "layers": [{"layer": "conv1", "kind": "conv", "pe": 8, "simd": 25, "cycles": 1152},
                          {"layer": "conv2", "kind": "conv", "pe": 16, "simd": 80, "cycles": 1280}]},
    "simulation": {"images": 1000, "accuracy": 0.995, "mismatches": 0, "outputs_checked": 11000,
                   "steady_cycles_per_image": 1300, "ideal_over_measured": 0.985, "fps": 76923,
                   "latency_cycles": 4000, "latency_us": 40.0},
    "synthesis": {"resources": {"lut": 20000, "ff": 15000, "bram36_equivalent": 5.5, "dsp48e1": 100},
                  "capacity": {"lut": 53200, "ff": 106400, "bram36": 140, "dsp48e1": 220},
                  "percent": {"lut": 37.6, "ff": 14.1, "bram36": 3.9, "dsp48e1": 45.5},
                  "critical_path_ns": 7.5},
    "power": {"static_w": 0.12, "dynamic_w": 0.3, "total_w": 0.42, "energy_per_image_uj": 5.46}
  })");
}

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto p = text.find(needle); p != std::string::npos; p = text.find(needle, p + 1)) ++n;
  return n;
}

TEST(HtmlReport, ShowsEveryStageWithItsNumbers) {
  std::string html = render_html(full_summary());
  EXPECT_NE(html.find("lenet &lt;w1a2&gt; &amp; co"), std::string::npos);  // escaped title
  EXPECT_EQ(html.find("<w1a2>"), std::string::npos);
  EXPECT_NE(html.find("76923"), std::string::npos);          // FPS tile
  EXPECT_NE(html.find("99.50%"), std::string::npos);         // FPGA accuracy from the fraction
  EXPECT_NE(html.find("9998 of 10000"), std::string::npos);  // lowering agreement
  EXPECT_NE(html.find("0 mismatches in 11000"), std::string::npos);
  EXPECT_NE(html.find("bottleneck <b>conv2</b>"), std::string::npos);
  EXPECT_NE(html.find("20000 / 53200 (37.6%)"), std::string::npos);
  EXPECT_NE(html.find("5.5 / 140"), std::string::npos);
  EXPECT_NE(html.find("7.50 ns"), std::string::npos);
  EXPECT_EQ(count(html, "<svg"), count(html, "</svg>"));
  EXPECT_EQ(count(html, "<svg"), 3u);  // accuracy, cycles, resources
  EXPECT_EQ(html.find("<script"), std::string::npos);  // self-contained, static
}

TEST(HtmlReport, LeavesOutStagesThatDidNotRun) {
  json s = full_summary();
  s.erase("simulation");
  s.erase("synthesis");
  s.erase("power");
  std::string html = render_html(s);
  EXPECT_EQ(html.find("Resources on the XC7Z020"), std::string::npos);
  EXPECT_EQ(html.find("Power"), std::string::npos);
  EXPECT_NE(html.find("Dataflow pipeline"), std::string::npos);
  EXPECT_EQ(count(html, "<svg"), 2u);
}

TEST(MarkdownReport, TableHasTheHeadlineFigures) {
  std::string md = render_markdown(full_summary());
  EXPECT_NE(md.find("| integer vs trained, same top-1 | 9998/10000 (99.980%) |"), std::string::npos) << md;
  EXPECT_NE(md.find("| RTL vs integer runtime mismatches | 0 of 11000 outputs |"), std::string::npos) << md;
  EXPECT_NE(md.find("76923 FPS"), std::string::npos);
}

}  // namespace
}  // namespace dorefa::report
