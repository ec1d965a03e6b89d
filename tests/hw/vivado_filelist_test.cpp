#include "hw/vivado_filelist.hpp"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <regex>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "hw/generator.hpp"
#include "hw/system_generator.hpp"
#include "qmodel/model_file.hpp"
#include "qmodel/synthetic.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"

namespace dorefa::hw {
namespace {
namespace fs = std::filesystem;

// A small compiled design (synthetic LeNet, narrow layers), made once for the whole suite.
class VivadoFilelist : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() / ("dorefa_vivado_filelist_" + std::to_string(::getpid())));
    fs::remove_all(*dir_);
    qmodel::SyntheticSpec s = qmodel::lenet_w1a2_spec();
    s.conv_channels = {4, 8};
    s.kernel = 3;
    s.hidden = {16};
    s.calibration_images = 64;
    const qmodel::Model m = qmodel::make_synthetic_model(s, 5);
    const fs::path model_file = dir_->string() + ".dqm";
    qmodel::save_model(m, model_file);
    CompileOptions o;
    o.out_dir = *dir_ / "design";
    o.model_file = model_file;
    compile_design(m, o);
    fs::remove(model_file);
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
  }
  // A copy of the design to break.
  fs::path copy(const char* name) const {
    const fs::path to = *dir_ / name;
    fs::remove_all(to);
    fs::copy(design(), to, fs::copy_options::recursive);
    return to;
  }
  static fs::path design() { return *dir_ / "design"; }
  static fs::path* dir_;
};
fs::path* VivadoFilelist::dir_ = nullptr;

std::string error_of(const fs::path& d) {
  try {
    vivado_files(d);
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kBadInput);
    return e.what();
  }
  return "";
}

TEST_F(VivadoFilelist, ListsTheSystemSourcesInOrderThenHeadersThenMemoryImages) {
  const SystemDesign s = load_system_design(design());
  const std::vector<VivadoFile> files = vivado_files(design());
  ASSERT_GT(files.size(), s.sources.size());
  for (std::size_t i = 0; i < s.sources.size(); ++i) {
    EXPECT_EQ(files[i].path, s.sources[i]);
    EXPECT_EQ(files[i].kind, s.sources[i].extension() == ".v" ? "verilog" : "systemverilog") << s.sources[i];
  }
  EXPECT_EQ(files[s.sources.size() - 1].path, fs::path("system_top.v"));
  EXPECT_EQ(files[s.sources.size() - 1].kind, "verilog");
  std::vector<fs::path> headers, memory;
  for (const auto& f : files) {
    EXPECT_TRUE(fs::is_regular_file(design() / f.path)) << f.path;
    if (f.kind == "header") headers.push_back(f.path);
    if (f.kind == "memory") memory.push_back(f.path);
  }
  EXPECT_EQ(headers, std::vector<fs::path>{fs::path("rtl/dorefa_regmap.vh")});
  // Every image in mem/, sorted, and every image top.sv names among them.
  std::vector<fs::path> on_disk;
  for (const auto& e : fs::directory_iterator(design() / "mem")) on_disk.push_back(fs::path("mem") / e.path().filename());
  std::sort(on_disk.begin(), on_disk.end());
  EXPECT_FALSE(on_disk.empty());
  EXPECT_EQ(memory, on_disk);
  const std::string top = util::read_file_text(design() / "top.sv");
  const std::regex ref(R"re("(mem/[^"]+)")re");
  int named = 0;
  for (auto it = std::sregex_iterator(top.begin(), top.end(), ref); it != std::sregex_iterator(); ++it, ++named)
    EXPECT_NE(std::find(memory.begin(), memory.end(), fs::path((*it)[1].str())), memory.end()) << (*it)[1];
  EXPECT_GT(named, 0);
}

TEST_F(VivadoFilelist, WritesKindPathLinesAtomically) {
  const fs::path out = *dir_ / "elsewhere" / "list.txt";  // paths stay relative to the design
  write_vivado_filelist(design(), out);
  const std::string text = util::read_file_text(out);
  EXPECT_EQ(text, vivado_filelist_text(vivado_files(design())));
  std::istringstream in(text);
  std::string line;
  std::size_t entries = 0;
  const std::regex row(R"((verilog|systemverilog|header|memory) ([^ /][^ ]*))");
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::smatch m;
    ASSERT_TRUE(std::regex_match(line, m, row)) << line;
    EXPECT_TRUE(fs::is_regular_file(design() / m[2].str())) << line;
    ++entries;
  }
  EXPECT_EQ(entries, vivado_files(design()).size());
  for (const auto& e : fs::directory_iterator(out.parent_path()))  // no temp file left behind
    EXPECT_EQ(e.path().filename(), "list.txt");
}

TEST_F(VivadoFilelist, MissingSourceIsNamed) {
  const fs::path d = copy("no_source");
  fs::remove(d / "rtl" / "dorefa_shell.sv");
  const std::string msg = error_of(d);
  EXPECT_NE(msg.find("dorefa_shell.sv"), std::string::npos) << msg;
  EXPECT_NE(msg.find("not found"), std::string::npos) << msg;
}

TEST_F(VivadoFilelist, MissingMemoryImageIsNamed) {
  const fs::path d = copy("no_image");
  const std::vector<VivadoFile> files = vivado_files(d);
  const auto image = std::find_if(files.begin(), files.end(), [](const VivadoFile& f) { return f.kind == "memory"; });
  ASSERT_NE(image, files.end());
  fs::remove(d / image->path);
  const std::string msg = error_of(d);
  EXPECT_NE(msg.find(image->path.generic_string()), std::string::npos) << msg;
}

TEST_F(VivadoFilelist, FolderThatIsNoDesignIsBadInput) {
  const fs::path d = *dir_ / "empty";
  fs::create_directories(d);
  EXPECT_NE(error_of(d).find("design.json"), std::string::npos);
}

}  // namespace
}  // namespace dorefa::hw
