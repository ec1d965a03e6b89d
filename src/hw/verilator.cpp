#include "hw/verilator.hpp"

#include <cstdio>

#include <fmt/format.h>

#include "hw/process.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"
#include "util/sha256.hpp"

namespace dorefa::hw {
namespace fs = std::filesystem;

namespace {

std::vector<std::string> verilator_args(const VerilatorOptions& o) {
  std::vector<std::string> a = {"verilator", "--cc", "--exe", "--build", "-j", std::to_string(o.jobs),
                                "-O3", "--x-assign", "fast", "--x-initial", "fast", "--noassert",
                                "-Wno-fatal", "-Wno-lint", "-Wno-style", "-Wno-MULTITOP",
                                "--top-module", o.top, "-Mdir", fs::absolute(o.obj_dir).string(),
                                "-o", o.binary_name, "-CFLAGS", "-O2"};
  for (const auto& f : o.extra_flags) a.push_back(f);
  a.push_back(fs::absolute(o.harness).string());
  for (const auto& s : o.sources) a.push_back(fs::absolute(s).string());
  return a;
}

}  // namespace

std::string verilator_stamp(const VerilatorOptions& o) {
  util::Sha256 h;
  auto add = [&](const std::string& s) {
    h.update(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()));
    h.update(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>("\n"), 1));
  };
  for (const auto& a : verilator_args(o)) add(a);
  add(util::read_file_text(o.harness));
  for (const auto& s : o.sources) add(util::read_file_text(s));
  return h.finish_hex();
}

VerilatorBuild build_verilator(const VerilatorOptions& o) {
  for (const auto& s : o.sources)
    if (!fs::exists(s)) throw Error(s.string(), "source file not found");
  fs::create_directories(o.obj_dir);
  VerilatorBuild b;
  b.binary = o.obj_dir / o.binary_name;
  const std::string stamp = verilator_stamp(o);
  const fs::path stamp_file = o.obj_dir / "dorefa.stamp";
  if (fs::exists(b.binary) && fs::exists(stamp_file) && util::read_file_text(stamp_file) == stamp) return b;
  if (fs::exists(stamp_file)) fs::remove(stamp_file);
  const fs::path log = o.obj_dir / "verilator.log";
  std::fprintf(stderr, "verilator: building %s (log %s)\n", o.top.c_str(), log.c_str());
  auto beat = [](double t, const std::string& line) {
    std::fprintf(stderr, "verilator: %4.0fs  %s\n", t, line.substr(0, 110).c_str());
  };
  ProcessResult r = run_logged(verilator_args(o), log, {}, beat, o.heartbeat_seconds);
  b.seconds = r.seconds;
  if (r.exit_code != 0 || !fs::exists(b.binary))
    throw Error("verilator", fmt::format("build failed (exit {}); last lines of {}:\n{}", r.exit_code, log.string(),
                                         tail_lines(log, 20)),
                ErrorKind::kInternal);
  util::write_file_atomic(stamp_file, stamp);
  b.rebuilt = true;
  std::fprintf(stderr, "verilator: built in %.1f s\n", r.seconds);
  return b;
}

}  // namespace dorefa::hw
