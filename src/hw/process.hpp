#pragma once
// Running the external tools (Verilator, Yosys, the simulation binary) with their output
// streamed to a log file and a heartbeat while they run, so long runs show they are alive.
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace dorefa::hw {

struct ProcessResult {
  int exit_code = 0;  // 128 + signal when killed by a signal
  double seconds = 0;
};

// Called every heartbeat period with the elapsed seconds and the log's last line.
using Heartbeat = std::function<void(double elapsed, const std::string& last_line)>;

// Runs argv[0] (searched in PATH) in `cwd` with stdout and stderr written to `log`
// (truncated first); waits for it, calling `heartbeat` every `period` seconds. Throws
// dorefa::Error (internal) when the program cannot be started.
ProcessResult run_logged(const std::vector<std::string>& argv, const std::filesystem::path& log,
                         const std::filesystem::path& cwd = {}, const Heartbeat& heartbeat = {}, double period = 10.0);

// Runs argv and returns its stdout, invoking `on_line` on each stdout line as it arrives
// (stderr goes to `log`). Throws dorefa::Error (internal) when it cannot start.
ProcessResult run_streaming(const std::vector<std::string>& argv, const std::filesystem::path& log,
                            const std::function<void(const std::string& line)>& on_line);

// Full path of `program` in PATH, or empty.
std::filesystem::path find_program(const std::string& program);

// The last `n` lines of a text file (for error messages naming what a tool said).
std::string tail_lines(const std::filesystem::path& file, int n);

}  // namespace dorefa::hw
