// `dorefa train --nproc N`: data-parallel ranks on c10d/Gloo write one run in the usual
// checkpoint format, resume as a group, and a rank that dies stops the job with an error.
#include <algorithm>
#include <chrono>

#include "cli_runner.hpp"

namespace dorefa::cli_test {
namespace {

std::vector<std::string> tiny_train(const fs::path& out, const std::string& epochs) {
  return {"train", "--config", (fs::path(DOREFA_SOURCE_ROOT) / "tests" / "cli" / "tiny.toml").string(), "--out",
          out.string(), "--max-train", "2000", "--max-test", "300", "--epochs", epochs, "--nproc", "2"};
}

int lines_of(const fs::path& p) {
  const std::string s = slurp(p);
  return int(std::count(s.begin(), s.end(), '\n'));
}

TEST(DistributedTrain, TwoRanksWriteOneRunInTheUsualFormatAndResumeAsAGroup) {
  TempDir t;
  // Rank 1 dies in epoch 2 (36 steps an epoch: 1800 training images, batches of 50): the
  // job fails after rank 0 wrote epoch 1.
  CliResult r = run_dorefa(tiny_train(t / "run", "2"), {{"DOREFA_FAULT_DIE", "1:41"}});
  ASSERT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_TRUE(r.says("data-parallel: 2 ranks")) << r.err;
  EXPECT_EQ(lines_of(t / "run" / "train.log.jsonl"), 1);  // rank 0 alone writes
  // The group resumes from rank 0's last.pt and finishes.
  std::vector<std::string> resume = tiny_train(t / "run", "2");
  resume.push_back("--resume");
  r = run_dorefa(resume);
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_TRUE(r.says("resuming")) << r.err;
  EXPECT_EQ(lines_of(t / "run" / "train.log.jsonl"), 2);
  EXPECT_TRUE(r.says("best epoch")) << r.out;
  // The checkpoint is an ordinary one: eval and lower read it.
  r = run_dorefa({"eval", (t / "run" / "best.pt").string(), "--limit", "200"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  r = run_dorefa({"lower", (t / "run" / "best.pt").string(), "--out", (t / "m.dqm").string(), "--images", "300"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
}

TEST(DistributedTrain, ARankThatDiesStopsTheJobWithAClearErrorWithinTheTimeout) {
  TempDir t;
  const auto start = std::chrono::steady_clock::now();
  CliResult r = run_dorefa(tiny_train(t / "run", "2"), {{"DOREFA_FAULT_DIE", "1:5"}, {"DOREFA_DIST_TIMEOUT", "30"}});
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_TRUE(r.says("rank 1 of 2")) << r.err;
  EXPECT_TRUE(r.says("other ranks were stopped")) << r.err;
  EXPECT_LT(secs, 30.0 + 20.0);
  EXPECT_FALSE(fs::exists(t / "run" / "best.pt"));  // it died in the first epoch
}

TEST(DistributedTrain, BadRankEnvironmentIsNamed) {
  TempDir t;
  std::vector<std::string> args = tiny_train(t / "run", "1");
  args.resize(args.size() - 2);  // no --nproc: a rank of a job described by the environment
  CliResult r = run_dorefa(args, {{"WORLD_SIZE", "2"}, {"RANK", "5"}});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_TRUE(r.says("RANK")) << r.err;
  EXPECT_TRUE(r.says("expected an integer 0 .. 1, found '5'")) << r.err;
}

}  // namespace
}  // namespace dorefa::cli_test
