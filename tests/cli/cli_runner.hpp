#pragma once
// Runs the `dorefa` executable the way a user does and captures what it says: the exit
// code, stdout and stderr. Shared by the tests of tests/cli/ (one file per command).
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace dorefa::cli_test {
namespace fs = std::filesystem;

struct CliResult {
  int exit_code = -1;
  std::string out, err;
  bool says(const std::string& text) const { return err.find(text) != std::string::npos || out.find(text) != std::string::npos; }
};

inline std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// `PROGRAM ARGS...` with `env` added to (or, with an empty value, removed from) the
// environment; stdout and stderr go through files so nothing can block on a full pipe.
inline CliResult run_program(const std::string& program, const std::vector<std::string>& args,
                             const std::map<std::string, std::string>& env = {}) {
  static int counter = 0;
  const fs::path base = fs::temp_directory_path() / ("dorefa_cli_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
  const fs::path out = base.string() + ".out", err = base.string() + ".err";
  const pid_t pid = ::fork();
  if (pid == 0) {
    for (const auto& [k, v] : env) {
      if (v.empty()) ::unsetenv(k.c_str());
      else ::setenv(k.c_str(), v.c_str(), 1);
    }
    if (!std::freopen(out.c_str(), "w", stdout) || !std::freopen(err.c_str(), "w", stderr)) ::_exit(99);
    std::vector<char*> argv;
    std::string bin = program;
    argv.push_back(bin.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execvp(bin.c_str(), argv.data());
    ::_exit(98);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  CliResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = slurp(out);
  r.err = slurp(err);
  fs::remove(out);
  fs::remove(err);
  return r;
}

// `dorefa ARGS...`, as run_program.
inline CliResult run_dorefa(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {}) {
  return run_program(DOREFA_CLI, args, env);
}

// What a failed run printed, for assertion messages.
inline std::string describe(const CliResult& r) {
  return "exit " + std::to_string(r.exit_code) + "\n--- stdout:\n" + r.out.substr(0, 4000) + "\n--- stderr:\n" + r.err.substr(0, 4000);
}

// The fixture from make_fixture.sh: tiny.toml, train/best.pt, model.dqm, design/.
#ifdef CLI_FIXTURE_DIR
inline fs::path fixture() { return fs::path(CLI_FIXTURE_DIR); }
#endif

// A fresh temp folder for one test, removed when the test ends.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = fs::temp_directory_path() / (std::string("dorefa_test_") + info->name() + "_" + std::to_string(::getpid()));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }
  fs::path operator/(const std::string& name) const { return path_ / name; }

 private:
  fs::path path_;
};

inline void write_text(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

// A PATH without the directory that holds `program` (to provoke "tool not found").
inline std::string path_without(const std::string& program) {
  std::string result;
  std::stringstream ss(std::getenv("PATH") ? std::getenv("PATH") : "");
  std::string dir;
  while (std::getline(ss, dir, ':')) {
    if (dir.empty() || fs::exists(fs::path(dir) / program)) continue;
    result += (result.empty() ? "" : ":") + dir;
  }
  return result.empty() ? "/nonexistent" : result;
}

}  // namespace dorefa::cli_test
