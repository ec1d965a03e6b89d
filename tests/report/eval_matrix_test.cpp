#include "report/eval_matrix.hpp"

#include <filesystem>

#include <gtest/gtest.h>

#include "report/html_report.hpp"
#include "report/run_report.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"

namespace dorefa::report {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

json fabric(double fps, double lut) {
  return {{"cycles_per_image", 1e8 / fps}, {"fps", fps}, {"latency_us", 40.5}, {"lut", lut}, {"ff", 7217},
          {"bram36", 4.5}, {"dsp", 202}, {"power_w", 0.321}, {"energy_per_image_uj", 4.11},
          {"power_activity_measured", true}, {"sim_images", 100}, {"mismatches", 0}, {"fits", true}};
}

json row(const std::string& dataset, const std::string& variant, const std::string& label, const std::string& family,
         bool pruned, double acc, json fab) {
  return {{"dataset", dataset}, {"variant", variant}, {"label", label}, {"family", family}, {"pruned", pruned},
          {"test_acc_pct", acc}, {"test_images", 10000}, {"macs", 2001152}, {"model_bytes", 20110},
          {"cpu_us_per_image", family == "float" ? json(nullptr) : json(23.4)}, {"fabric", fab}};
}

// A small matrix the way bench/eval/matrix.sh writes it: MNIST complete, Fashion-MNIST in part.
json small_matrix() {
  json rows = json::array({
      row("mnist", "float", "float", "float", false, 99.47, nullptr),
      row("mnist", "w8a8-ptq", "W8A8 PTQ", "w8a8", false, 99.46, fabric(12207, 40123)),
      row("mnist", "w8a8-qat", "W8A8 QAT", "w8a8", false, 99.41, fabric(12207, 40555)),
      row("mnist", "w8a8-pruned", "W8A8 pruned", "w8a8", true, 99.12, fabric(24414, 21000)),
      row("mnist", "w2a2", "W2A2", "w2a2", false, 99.41, fabric(78125, 19000)),
      row("mnist", "w1a2", "W1A2", "w1a2", false, 99.44, fabric(78125, 17735)),
      row("mnist", "w1a2-pruned", "W1A2 pruned", "w1a2", true, 99.02, fabric(156250, 9000)),
      row("fashion-mnist", "w1a2", "W1A2", "w1a2", false, 90.12, fabric(78125, 17800)),
  });
  return {{"format", kEvalMatrixFormat},
          {"settings", "EPOCHS=2 SIM_IMAGES=10 bench/eval/matrix.sh"},
          {"cpu_note", "CPU: integer runtime engine, x86, 2 threads"},
          {"arm_note", "Cortex-A9: not measured: no board; qemu-arm time is not the A9's."},
          {"rows", rows},
          {"pending", json::array({{{"dataset", "fashion-mnist"}, {"variant", "w8a8-qat"}, {"reason", "not run yet"}}})}};
}

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto p = text.find(needle); p != std::string::npos; p = text.find(needle, p + 1)) ++n;
  return n;
}

TEST(EvalMatrix, MarkdownTableHasEveryVariantAndThePendingOnes) {
  const EvalMatrix m = parse_eval_matrix(small_matrix(), "matrix.json");
  ASSERT_EQ(m.rows.size(), 8u);
  EXPECT_EQ(m.datasets, (std::vector<std::string>{"mnist", "fashion-mnist"}));
  const std::string md = eval_matrix_markdown(m);
  for (const char* label : {"| float |", "| W8A8 PTQ |", "| W8A8 QAT |", "| W8A8 pruned |", "| W2A2 |", "| W1A2 |",
                            "| W1A2 pruned |"})
    EXPECT_NE(md.find(label), std::string::npos) << label << "\n" << md;
  EXPECT_EQ(count(md, "\n| MNIST |"), 7u) << md;
  EXPECT_EQ(count(md, "\n| Fashion-MNIST |"), 1u) << md;
  // Float is not on the fabric: dashes, not zeros.
  EXPECT_NE(md.find("| MNIST | float | 99.47 % | 19.6 KiB | — | — |"), std::string::npos) << md;
  EXPECT_NE(md.find("| 78,125 |"), std::string::npos) << md;  // FPS with separators
  EXPECT_NE(md.find("| 17,735 |"), std::string::npos) << md;
  EXPECT_NE(md.find("Not measured: Fashion-MNIST w8a8-qat (not run yet)."), std::string::npos) << md;
  EXPECT_NE(md.find("qemu-arm time is not the A9's"), std::string::npos);
  EXPECT_NE(md.find("EPOCHS=2 SIM_IMAGES=10"), std::string::npos);
}

TEST(EvalMatrix, ChartHasTheReferencesAndOnePointPerFabricVariant) {
  const EvalMatrix m = parse_eval_matrix(small_matrix(), "matrix.json");
  const std::string svg = eval_matrix_svg(m);
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);  // a standalone file
  EXPECT_EQ(count(svg, "<svg"), count(svg, "</svg>"));
  EXPECT_EQ(count(svg, "<g class=\"point\">"), 7u);  // every row with a fabric, float excluded
  EXPECT_NE(svg.find("BNN-PYNQ LFC-W1A2 98.47 %"), std::string::npos);
  EXPECT_NE(svg.find("FINN TFC-W1A1 92.96 %"), std::string::npos);
  EXPECT_NE(svg.find("hls4ml MNIST CNN (accuracy not given)"), std::string::npos);
  EXPECT_EQ(count(svg, "class=\"ref\"/>"), 3u);  // two diamonds and the hls4ml FPS line, MNIST panel only
  EXPECT_NE(svg.find("float 99.47 %"), std::string::npos);  // the float line, not a point
  EXPECT_NE(svg.find(">Fashion-MNIST<"), std::string::npos);
  // The references sit where their FPS says on the log axis: FINN (958k) right of BNN-PYNQ
  // (119k); each diamond (path "M x y ...") is drawn just before its label.
  const auto x_of = [&](const std::string& label) {
    const auto at = svg.find(label);
    const auto x = svg.rfind("<path d=\"M", at);
    return std::stod(svg.substr(x + 10));
  };
  EXPECT_GT(x_of("FINN TFC-W1A1"), x_of("BNN-PYNQ LFC-W1A2"));
}

TEST(EvalMatrix, MissingOrMistypedFieldsAreNamedErrors) {
  auto message = [](json j) {
    try {
      parse_eval_matrix(j, "runs/eval/matrix.json");
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kBadInput);
      return std::string(e.what());
    }
    return std::string("no error");
  };
  json j = small_matrix();
  j["rows"][3]["fabric"].erase("fps");
  EXPECT_NE(message(j).find("runs/eval/matrix.json"), std::string::npos);
  EXPECT_NE(message(j).find("rows[3].fabric.fps"), std::string::npos) << message(j);
  j = small_matrix();
  j["rows"][0].erase("test_acc_pct");
  EXPECT_NE(message(j).find("rows[0].test_acc_pct"), std::string::npos) << message(j);
  j = small_matrix();
  j["rows"][2]["model_bytes"] = "20 KB";
  EXPECT_NE(message(j).find("rows[2].model_bytes': expected a number, found string"), std::string::npos) << message(j);
  j = small_matrix();
  j["rows"][5]["fabric"] = nullptr;  // a quantized variant must have its fabric figures
  EXPECT_NE(message(j).find("rows[5].fabric"), std::string::npos) << message(j);
  j = small_matrix();
  j["format"] = "something/2";
  EXPECT_NE(message(j).find("field 'format'"), std::string::npos) << message(j);
  j = small_matrix();
  j["pending"][0].erase("reason");
  EXPECT_NE(message(j).find("pending[0].reason"), std::string::npos) << message(j);
}

TEST(EvalMatrix, ReportShowsItAndKeepsItForLaterReports) {
  const fs::path dir = fs::temp_directory_path() / "dorefa_eval_matrix_report";
  fs::remove_all(dir);
  util::write_file_atomic(dir / "summary.json", R"({"title": "lenet on mnist"})");
  util::write_file_atomic(dir / "in.json", small_matrix().dump());
  RunReportOptions o;
  o.run_dir = dir;
  o.matrix_file = dir / "in.json";
  RunReport r = regenerate_report(o);
  ASSERT_TRUE(r.matrix);
  const std::string html = util::read_file_text(dir / "report.html");
  EXPECT_NE(html.find("Evaluation matrix"), std::string::npos);
  EXPECT_NE(html.find("BNN-PYNQ LFC-W1A2"), std::string::npos);
  EXPECT_NE(html.find("W1A2 pruned"), std::string::npos);
  EXPECT_TRUE(fs::exists(dir / "eval" / "matrix.svg"));
  EXPECT_NE(util::read_file_text(dir / "eval" / "matrix.md").find("| W8A8 QAT |"), std::string::npos);
  // A later report without --matrix keeps showing the kept copy.
  fs::remove(dir / "in.json");
  o.matrix_file.clear();
  regenerate_report(o);
  EXPECT_NE(util::read_file_text(dir / "report.md").find("## Evaluation matrix"), std::string::npos);
  // A bad matrix is refused before anything is written.
  util::write_file_atomic(dir / "bad.json", R"({"format": "dorefa-eval-matrix/1", "rows": [{"dataset": "mnist"}]})");
  o.matrix_file = dir / "bad.json";
  EXPECT_THROW(regenerate_report(o), Error);
  EXPECT_NE(util::read_file_text(dir / "eval" / "matrix.md").find("| W8A8 QAT |"), std::string::npos);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace dorefa::report
