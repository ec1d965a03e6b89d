#include "flow/pipeline.hpp"

#include <unistd.h>

#include <chrono>
#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "util/atomic_file.hpp"
#include "util/error.hpp"

namespace dorefa::flow {
namespace {
namespace fs = std::filesystem;

// The CLI tests' tiny network (tests/cli/tiny.toml): small enough to train, simulate and
// check in a test, with every kind of layer the default has.
const std::filesystem::path kTinyConfig = std::filesystem::path(DOREFA_SOURCE_ROOT) / "tests" / "cli" / "tiny.toml";
TEST(Pipeline, TrainedModelIntegerRuntimeAndRtlAgreeImageByImage) {
  const fs::path dir = fs::temp_directory_path() / ("dorefa_flow_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::copy_file(kTinyConfig, dir / "tiny.toml");
  PipelineOptions o;
  o.config = dir / "tiny.toml";
  o.out_dir = dir / "run";
  o.max_train = 3000;
  o.verify_images = 500;
  o.sim_images = 40;
  o.synthesize = false;  // covered by tests/hw; Yosys on every change would double this test
  PipelineResult r = run_pipeline(o);

  auto summary = nlohmann::json::parse(util::read_file_text(r.summary_json));
  const auto& lowering = summary["lowering"];
  EXPECT_GT(lowering["trained_accuracy_pct"].get<double>(), 60.0);  // it learned (chance: 10%)
  EXPECT_TRUE(lowering["gate"]["passed"].get<bool>());             // the documented 99.9 % gate
  EXPECT_GE(lowering["agreement_pct"].get<double>(), 99.9);
  EXPECT_TRUE(summary["gates"]["simulation"]["passed"].get<bool>());
  const auto& sim = summary["simulation"];
  EXPECT_EQ(sim["images"].get<int>(), 40);
  EXPECT_EQ(sim["mismatches"].get<int>(), 0);  // RTL == integer runtime, bit for bit
  EXPECT_GT(sim["fps"].get<double>(), 0.0);
  EXPECT_TRUE(fs::exists(r.report_html));
  EXPECT_NE(util::read_file_text(r.report_html).find("Dataflow pipeline"), std::string::npos);

  // A rerun resumes: nothing is retrained, re-lowered or re-simulated.
  auto stages_before = util::read_file_text(o.out_dir / "stages.json");
  auto lower_time = fs::last_write_time(o.out_dir / "lower.json");
  auto start = std::chrono::steady_clock::now();
  run_pipeline(o);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(util::read_file_text(o.out_dir / "stages.json"), stages_before);
  EXPECT_EQ(fs::last_write_time(o.out_dir / "lower.json"), lower_time);
  EXPECT_LT(seconds, 60.0);

  // A lowering broken on purpose (a flipped threshold stage) stops the line: an internal
  // fault, the model file left as it was, the report showing the failed gate in red.
  const auto model_before = util::read_file_bytes(o.out_dir / "model.dqm");
  PipelineOptions broken = o;
  broken.lower_fault = LowerFault::kFlipThreshold;
  try {
    run_pipeline(broken);
    ADD_FAILURE() << "a flipped threshold passed the lowering gate";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInternal);
    EXPECT_NE(std::string(e.what()).find("lowering gate failed"), std::string::npos) << e.what();
  }
  EXPECT_EQ(util::read_file_bytes(o.out_dir / "model.dqm"), model_before);
  EXPECT_EQ(util::read_file_text(o.out_dir / "stages.json"), stages_before);  // nothing recorded
  const std::string html = util::read_file_text(r.report_html);
  EXPECT_NE(html.find("Verification gate failed: lowering"), std::string::npos);
  EXPECT_EQ(html.find("integer model accuracy"), std::string::npos);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace dorefa::flow
