#include "hw/process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <thread>

#include <fmt/format.h>

#include "util/error.hpp"

namespace dorefa::hw {
namespace fs = std::filesystem;

namespace {

std::string last_line_of(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return {};
  in.seekg(0, std::ios::end);
  std::streamoff size = in.tellg();
  std::streamoff start = std::max<std::streamoff>(0, size - 4096);
  in.seekg(start);
  std::string buf(std::size_t(size - start), '\0');
  in.read(buf.data(), std::streamsize(buf.size()));
  while (!buf.empty() && (buf.back() == '\n' || buf.back() == '\r' || buf.back() == ' ')) buf.pop_back();
  auto pos = buf.rfind('\n');
  return pos == std::string::npos ? buf : buf.substr(pos + 1);
}

std::vector<char*> c_argv(const std::vector<std::string>& argv) {
  std::vector<char*> out;
  for (const auto& a : argv) out.push_back(const_cast<char*>(a.c_str()));
  out.push_back(nullptr);
  return out;
}

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

fs::path find_program(const std::string& program) {
  if (program.find('/') != std::string::npos) return fs::exists(program) ? fs::path(program) : fs::path();
  const char* path = std::getenv("PATH");
  std::string p = path ? path : "/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= p.size()) {
    std::size_t end = p.find(':', start);
    if (end == std::string::npos) end = p.size();
    fs::path cand = fs::path(p.substr(start, end - start)) / program;
    if (::access(cand.c_str(), X_OK) == 0) return cand;
    start = end + 1;
  }
  return {};
}

ProcessResult run_logged(const std::vector<std::string>& argv, const fs::path& log, const fs::path& cwd,
                         const Heartbeat& heartbeat, double period) {
  if (argv.empty() || find_program(argv[0]).empty())
    throw Error(argv.empty() ? "run" : argv[0], "program not found in PATH (run scripts/setup.sh)", ErrorKind::kInternal);
  if (!log.parent_path().empty()) fs::create_directories(log.parent_path());
  int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw Error(log.string(), fmt::format("cannot open log: {}", std::strerror(errno)), ErrorKind::kInternal);
  auto start = std::chrono::steady_clock::now();
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fd);
    throw Error(argv[0], "fork failed", ErrorKind::kInternal);
  }
  if (pid == 0) {
    ::dup2(fd, STDOUT_FILENO);
    ::dup2(fd, STDERR_FILENO);
    int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
    if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) _exit(127);
    auto args = c_argv(argv);
    ::execvp(args[0], args.data());
    _exit(127);
  }
  ::close(fd);
  auto last_beat = start;
  int status = 0;
  for (;;) {
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) break;
    if (r < 0 && errno != EINTR) throw Error(argv[0], "waitpid failed", ErrorKind::kInternal);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    auto now = std::chrono::steady_clock::now();
    if (heartbeat && std::chrono::duration<double>(now - last_beat).count() >= period) {
      last_beat = now;
      heartbeat(std::chrono::duration<double>(now - start).count(), last_line_of(log));
    }
  }
  ProcessResult res;
  res.exit_code = decode_status(status);
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return res;
}

ProcessResult run_streaming(const std::vector<std::string>& argv, const fs::path& log,
                            const std::function<void(const std::string&)>& on_line) {
  if (argv.empty() || find_program(argv[0]).empty())
    throw Error(argv.empty() ? "run" : argv[0], "program not found", ErrorKind::kInternal);
  if (!log.parent_path().empty()) fs::create_directories(log.parent_path());
  int logfd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (logfd < 0) throw Error(log.string(), "cannot open log", ErrorKind::kInternal);
  int pipefd[2];
  if (::pipe(pipefd) != 0) {
    ::close(logfd);
    throw Error(argv[0], "pipe failed", ErrorKind::kInternal);
  }
  auto start = std::chrono::steady_clock::now();
  pid_t pid = ::fork();
  if (pid < 0) throw Error(argv[0], "fork failed", ErrorKind::kInternal);
  if (pid == 0) {
    ::dup2(pipefd[1], STDOUT_FILENO);
    ::dup2(logfd, STDERR_FILENO);
    ::close(pipefd[0]);
    auto args = c_argv(argv);
    ::execvp(args[0], args.data());
    _exit(127);
  }
  ::close(pipefd[1]);
  ::close(logfd);
  std::string pending;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(pipefd[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    pending.append(buf, std::size_t(n));
    std::size_t pos;
    while ((pos = pending.find('\n')) != std::string::npos) {
      std::string line = pending.substr(0, pos);
      pending.erase(0, pos + 1);
      if (on_line) on_line(line);
    }
  }
  if (!pending.empty() && on_line) on_line(pending);
  ::close(pipefd[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  ProcessResult res;
  res.exit_code = decode_status(status);
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return res;
}

std::string tail_lines(const fs::path& file, int n) {
  std::ifstream in(file);
  std::deque<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    lines.push_back(line);
    if (int(lines.size()) > n) lines.pop_front();
  }
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

}  // namespace dorefa::hw
