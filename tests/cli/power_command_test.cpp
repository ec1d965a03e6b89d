// `dorefa power`: switching activity of a compiled design (the measurement itself runs in
// tests/hw/activity_test.cpp; here the command's input checks).
#include "cli_runner.hpp"

namespace dorefa::cli_test {
namespace {

TEST(PowerCommand, NotADesignFolderIsBadInput) {
  TempDir t;
  CliResult r = run_dorefa({"power", t.path().string()});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_TRUE(r.says("design.json")) << r.err;
}

TEST(PowerCommand, MissingVerilatorIsAnInternalFault) {
  TempDir t;
  fs::create_directories(t / "d");
  for (const auto& e : fs::directory_iterator(fixture() / "design"))
    if (e.path().filename() != "obj_dir") fs::copy(e.path(), t / "d" / e.path().filename(), fs::copy_options::recursive);
  CliResult r = run_dorefa({"power", (t / "d").string(), "--images", "1"}, {{"PATH", path_without("verilator")}});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_TRUE(r.says("verilator")) << r.err;
  EXPECT_FALSE(fs::exists(t / "d" / "power" / "activity.json"));
}

}  // namespace
}  // namespace dorefa::cli_test
