// `dorefa bundle` (src/flow/bundle.cpp) and what the bundle does: its contents, the Tcl
// parses, the sample's expected records are the integer runtime's, and its run_on_board.sh
// runs end to end with the armhf host program under qemu-arm against the simulated device
// (the fixture's Verilated design), bit-exact; bad input gives clear errors.
#include <cstring>
#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "../cli/cli_runner.hpp"
#include "qmodel/model_file.hpp"
#include "runtime/reference.hpp"
#include "util/atomic_file.hpp"
#include "util/sha256.hpp"

namespace dorefa::cli_test {
namespace {

const fs::path kDesign = fs::path(BOARD_FIXTURE_DIR) / "design";
constexpr int kImages = 24;

std::string armhf_host() {
  if (const char* env = std::getenv("DOREFA_ARMHF_HOST"); env && *env) return env;
  return std::string(DOREFA_SOURCE_ROOT) + "/build-armhf/src/board/dorefa-board";
}

// One bundle for the tests that only read it (made by the first that needs it).
const fs::path& shared_bundle() {
  static const fs::path dir = [] {
    const fs::path d = fs::temp_directory_path() / ("dorefa_bundle_" + std::to_string(::getpid()));
    const CliResult r = run_dorefa({"bundle", kDesign.string(), "--out", d.string(), "--images", std::to_string(kImages),
                                    "--host-binary", armhf_host()});
    EXPECT_EQ(r.exit_code, 0) << describe(r);
    return d;
  }();
  return dir;
}

struct RemoveSharedBundle : ::testing::Environment {
  void TearDown() override { fs::remove_all(fs::temp_directory_path() / ("dorefa_bundle_" + std::to_string(::getpid()))); }
};
const auto* const kCleanup = ::testing::AddGlobalTestEnvironment(new RemoveSharedBundle);

std::map<std::string, std::string> simulated_board() {
  return {{"DOREFA_BOARD_SIM", std::string(DOREFA_CLI) + " simulate " + kDesign.string() + " --serve --ddr-mb 8"},
          {"DOREFA_BOARD_EXEC", "qemu-arm -cpu cortex-a9"}};
}

TEST(Bundle, HoldsEverythingTheBoardNeedsWithTheirHashes) {
  ASSERT_TRUE(fs::exists(armhf_host())) << armhf_host() << ": the ARM build (scripts/setup.sh builds build-armhf/)";
  const fs::path& b = shared_bundle();
  for (const char* f : {"design/system_top.v", "design/top.sv", "design/design.json", "design/model.dqm",
                        "design/filelist.txt", "design/host/regmap.json", "vivado/build_bitstream.tcl",
                        "bin/dorefa-board", "pynq/dorefa_overlay.py", "pynq/run_batch.py", "pynq/dorefa.ipynb",
                        "sample/images.bin", "sample/labels.bin", "sample/expected_classes.bin",
                        "sample/expected_records.bin", "sample/expected_scores.bin", "run_on_board.sh", "README.md"})
    EXPECT_TRUE(fs::exists(b / f)) << f;
  // No simulation or synthesis outputs.
  EXPECT_FALSE(fs::exists(b / "design" / "obj_dir_system"));
  EXPECT_FALSE(fs::exists(b / "design" / "sim"));
  EXPECT_NE(fs::status(b / "run_on_board.sh").permissions() & fs::perms::owner_exec, fs::perms::none);
  // Every file Vivado is told to read is in the bundle.
  std::istringstream list(slurp(b / "design" / "filelist.txt"));
  std::string line;
  int listed = 0;
  while (std::getline(list, line)) {
    if (line.empty() || line[0] == '#') continue;
    const std::string path = line.substr(line.find(' ') + 1);
    EXPECT_TRUE(fs::exists(b / "design" / path)) << path;
    ++listed;
  }
  EXPECT_GT(listed, 10);
  // bundle.json: every file with its SHA-256 and size.
  const auto j = nlohmann::json::parse(slurp(b / "bundle.json"));
  EXPECT_EQ(j["format"], "dorefa-bundle/1");
  EXPECT_EQ(j["design_hash"], nlohmann::json::parse(slurp(kDesign / "design.json"))["system"]["design_hash"]);
  std::size_t checked = 0;
  for (const auto& f : j["files"]) {
    const auto bytes = util::read_file_bytes(b / f["path"].get<std::string>());
    EXPECT_EQ(util::sha256_hex(bytes), f["sha256"]) << f["path"];
    ++checked;
  }
  EXPECT_GE(checked, 20u);
}

TEST(Bundle, TheHostIsAnArmExecutableAndTheTclParses) {
  const fs::path& b = shared_bundle();
  const auto elf = util::read_file_bytes(b / "bin" / "dorefa-board");
  ASSERT_GT(elf.size(), 20u);
  EXPECT_EQ(elf[4], 1) << "32-bit";
  EXPECT_EQ(elf[18], 40) << "EM_ARM";
  for (const auto& e : fs::directory_iterator(b / "vivado")) {
    if (e.path().extension() != ".tcl") continue;
    const fs::path check = fs::temp_directory_path() / ("dorefa_tclcheck_" + std::to_string(::getpid()) + ".tcl");
    write_text(check, "set f [open [lindex $argv 0]]; set t [read $f]; close $f\n"
                      "if {![info complete $t]} { puts stderr incomplete; exit 1 }\n");
    const CliResult p = run_program("tclsh", {check.string(), e.path().string()});
    EXPECT_EQ(p.exit_code, 0) << e.path() << describe(p);
    fs::remove(check);
  }
}

TEST(Bundle, TheSampleCarriesTheIntegerRuntimesRecords) {
  const fs::path& b = shared_bundle();
  const qmodel::Model model = qmodel::load_model(b / "design" / "model.dqm");
  const auto images = util::read_file_bytes(b / "sample" / "images.bin");
  const auto records = util::read_file_bytes(b / "sample" / "expected_records.bin");
  const std::size_t pixels = images.size() / kImages, classes = std::size_t(model.num_classes);
  ASSERT_EQ(records.size(), kImages * (classes + 1) * 8);
  for (std::size_t i = 0; i < kImages; ++i) {
    const runtime::Inference r = runtime::run_reference(model, std::span(images).subspan(i * pixels, pixels));
    std::int64_t word[64];
    std::memcpy(word, records.data() + i * (classes + 1) * 8, (classes + 1) * 8);
    for (std::size_t c = 0; c < classes; ++c) EXPECT_EQ(word[c], r.scores[c]) << i;
    EXPECT_EQ(std::uint64_t(word[classes]), (std::uint64_t(i) << 32) | std::uint64_t(r.top1)) << i;
  }
}

TEST(Bundle, RunOnBoardRunsBitExactWithTheArmHostAgainstTheSimulatedDevice) {
  const fs::path& b = shared_bundle();
  const CliResult r = run_program("bash", {(b / "run_on_board.sh").string()}, simulated_board());
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_TRUE(r.says("0 mismatches")) << describe(r);
  EXPECT_TRUE(r.says("0 AXI protocol violations")) << describe(r);
  // The run log: the interval format the report reads, and the figures.
  fs::path log;
  for (const auto& e : fs::directory_iterator(b / "logs")) log = e.path();
  ASSERT_FALSE(log.empty());
  const auto j = nlohmann::json::parse(slurp(log));
  EXPECT_EQ(j["format"], "dorefa-board-run/1");
  EXPECT_EQ(j["passed"], true);
  EXPECT_EQ(j["images"], kImages);
  EXPECT_EQ(j["intervals"].back()["images"], kImages);
  EXPECT_GT(j["latency_us"].get<double>(), 0);
  EXPECT_GT(j["device_images_per_second"].get<double>(), 0);
}

TEST(Bundle, AWrongExpectedRecordFailsTheRunNamingTheImage) {
  TempDir t;
  const fs::path b = t / "bundle";
  fs::copy(shared_bundle(), b, fs::copy_options::recursive);
  auto records = util::read_file_bytes(b / "sample" / "expected_records.bin");
  records[8 * 11 * 5 + 8] ^= 1;  // image 5, score 1 (10-class records: 11 words)
  util::write_file_atomic(b / "sample" / "expected_records.bin", std::span<const std::uint8_t>(records));
  const CliResult r = run_program("bash", {(b / "run_on_board.sh").string()}, simulated_board());
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_TRUE(r.says("image 5: score 1")) << describe(r);
}

TEST(Bundle, ADeviceWithAnotherDesignIsRefused) {
  TempDir t;
  const fs::path b = t / "bundle";
  fs::copy(shared_bundle(), b, fs::copy_options::recursive);
  auto j = nlohmann::json::parse(slurp(b / "design" / "design.json"));
  const std::string real = j["system"]["design_hash"];
  j["system"]["design_hash"] = "00000000deadbeef";
  write_text(b / "design" / "design.json", j.dump(2));
  const CliResult r = run_program("bash", {(b / "run_on_board.sh").string()}, simulated_board());
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_TRUE(r.says("DESIGN_HASH")) << describe(r);
  EXPECT_TRUE(r.says(real)) << describe(r);
  EXPECT_TRUE(r.says("00000000deadbeef")) << describe(r);
}

TEST(Bundle, WithoutABitstreamRunOnBoardSaysWhatIsMissing) {
  const fs::path& b = shared_bundle();
  const CliResult r = run_program("bash", {(b / "run_on_board.sh").string()}, {{"DOREFA_BOARD_SIM", ""}});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_TRUE(r.says((b / "overlay" / "dorefa.bit").string() + " is missing")) << describe(r);
  EXPECT_TRUE(r.says("vivado")) << describe(r);
}

TEST(Bundle, BadInputIsNamedAndAnExistingBundleIsLeftAsItWas) {
  TempDir t;
  const fs::path out = t / "out";
  write_text(out / "keep.txt", "old bundle");
  // Not a design folder.
  CliResult r = run_dorefa({"bundle", t.path().string(), "--out", out.string(), "--host-binary", armhf_host()});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_TRUE(r.says("no design.json")) << describe(r);
  // A host program for the wrong machine.
  r = run_dorefa({"bundle", kDesign.string(), "--out", out.string(), "--host-binary", DOREFA_CLI});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_TRUE(r.says("not a 32-bit little-endian ARM executable")) << describe(r);
  // A missing host program.
  r = run_dorefa({"bundle", kDesign.string(), "--out", out.string(), "--host-binary", (t / "none").string()});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_TRUE(r.says("does not exist")) << describe(r);
  EXPECT_EQ(slurp(out / "keep.txt"), "old bundle");
  EXPECT_EQ(std::distance(fs::directory_iterator(t.path()), fs::directory_iterator{}), 1) << "no temp folder left";
}

}  // namespace
}  // namespace dorefa::cli_test
