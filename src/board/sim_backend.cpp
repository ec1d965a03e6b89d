#include "board/sim_backend.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "util/error.hpp"

namespace dorefa::board {

namespace {

// Requests larger than this go in several `wm`/`rm` lines (keeps each line a few MB).
constexpr std::size_t kChunkBytes = 1u << 20;

std::string to_hex(const std::uint8_t* p, std::size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string s(2 * n, '0');
  for (std::size_t i = 0; i < n; ++i) s[2 * i] = digits[p[i] >> 4], s[2 * i + 1] = digits[p[i] & 15];
  return s;
}

int hex_value(char c) { return c <= '9' ? c - '0' : c - 'a' + 10; }

}  // namespace

SimBackend::SimBackend(std::vector<std::string> argv, std::filesystem::path workdir, double clock_mhz,
                       std::filesystem::path stderr_log)
    : argv_(std::move(argv)), clock_mhz_(clock_mhz) {
  if (argv_.empty()) throw Error("simulation backend", "no server command", ErrorKind::kInternal);
  int in_pipe[2], out_pipe[2];
  if (::pipe(in_pipe) != 0 || ::pipe(out_pipe) != 0)
    throw Error("simulation backend", fmt::format("pipe: {}", std::strerror(errno)), ErrorKind::kInternal);
  int log_fd = -1;
  if (!stderr_log.empty()) {
    log_fd = ::open(stderr_log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (log_fd < 0) throw Error(stderr_log.string(), fmt::format("cannot write: {}", std::strerror(errno)));
  }
  std::vector<char*> args;
  for (auto& a : argv_) args.push_back(a.data());
  args.push_back(nullptr);
  pid_ = ::fork();
  if (pid_ < 0) throw Error("simulation backend", fmt::format("fork: {}", std::strerror(errno)), ErrorKind::kInternal);
  if (pid_ == 0) {
    ::dup2(in_pipe[0], 0);
    ::dup2(out_pipe[1], 1);
    if (log_fd >= 0) ::dup2(log_fd, 2);
    ::close(in_pipe[0]), ::close(in_pipe[1]), ::close(out_pipe[0]), ::close(out_pipe[1]);
    if (!workdir.empty() && ::chdir(workdir.c_str()) != 0) _exit(126);
    ::execvp(args[0], args.data());
    std::fprintf(stderr, "cannot start %s: %s\n", args[0], std::strerror(errno));
    _exit(127);
  }
  if (log_fd >= 0) ::close(log_fd);
  ::close(in_pipe[0]);
  ::close(out_pipe[1]);
  to_child_ = in_pipe[1];
  from_child_ = out_pipe[0];
  ::signal(SIGPIPE, SIG_IGN);  // a dead server shows as a failed write, reported below
  try {
    const std::string ready = request("");
    unsigned long long base = 0, bytes = 0;
    if (std::sscanf(ready.c_str(), "%llu %llu", &base, &bytes) != 2)
      throw Error(describe(), fmt::format("expected 'ready BASE BYTES', got '{}'", ready), ErrorKind::kInternal);
    ddr_base_ = base, ddr_bytes_ = bytes, next_free_ = base;
  } catch (...) {
    // No destructor runs for a half-made object: end the child and close the pipes here.
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
    ::close(to_child_);
    ::close(from_child_);
    throw;
  }
}

SimBackend::~SimBackend() {
  for (auto* a : allocations_) delete a;
  if (pid_ > 0) {
    ::close(to_child_);  // EOF ends the server
    ::close(from_child_);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
}

std::string SimBackend::describe() const { return fmt::format("simulated device ({})", argv_.front()); }

// One request line, one reply line ("ok ..." / "ready ..." / "bye ..." / "err ...").
// An empty `line` only reads (the greeting).
std::string SimBackend::request(const std::string& line) {
  if (pid_ <= 0) throw Error(describe(), "the simulation has ended", ErrorKind::kInternal);
  if (!line.empty()) {
    const std::string msg = line + "\n";
    for (std::size_t done = 0; done < msg.size();) {
      const ssize_t w = ::write(to_child_, msg.data() + done, msg.size() - done);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) throw Error(describe(), "the simulation server stopped (write failed)", ErrorKind::kInternal);
      done += std::size_t(w);
    }
  }
  std::string reply;
  for (;;) {
    if (const auto nl = pending_.find('\n'); nl != std::string::npos) {
      reply = pending_.substr(0, nl);
      pending_.erase(0, nl + 1);
      break;
    }
    char buf[1 << 16];
    const ssize_t r = ::read(from_child_, buf, sizeof buf);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) {
      int status = 0;
      ::waitpid(pid_, &status, 0);
      pid_ = -1;
      throw Error(describe(),
                  fmt::format("the simulation server ended ({}) while waiting for the reply to '{}'",
                              WIFEXITED(status) ? fmt::format("exit {}", WEXITSTATUS(status)) : "killed by a signal",
                              line.substr(0, 40)),
                  ErrorKind::kInternal);
    }
    pending_.append(buf, std::size_t(r));
  }
  const auto space = reply.find(' ');
  const std::string head = reply.substr(0, space), rest = space == std::string::npos ? "" : reply.substr(space + 1);
  if (line.empty() && head != "ready")
    throw Error(describe(), fmt::format("expected 'ready BASE BYTES' from the server, got '{}'", reply.substr(0, 80)),
                ErrorKind::kInternal);
  if (head == "ok" || head == "ready" || head == "bye") return rest;
  throw Error(describe(), fmt::format("request '{}' failed: {}", line.substr(0, 40), rest), ErrorKind::kInternal);
}

std::uint32_t SimBackend::read32(std::uint32_t offset) {
  return std::uint32_t(std::stoul(request(fmt::format("r {}", offset))));
}

void SimBackend::write32(std::uint32_t offset, std::uint32_t value) { request(fmt::format("w {} {}", offset, value)); }

DmaBuffer SimBackend::allocate(std::size_t bytes) {
  const std::uint64_t size = (std::uint64_t(bytes) + 4095) / 4096 * 4096;
  if (next_free_ + size > ddr_base_ + ddr_bytes_)
    throw Error(describe(),
                fmt::format("out of simulated DDR: {} bytes requested, {} of {} left (start the server with a larger "
                            "--ddr-mb)",
                            bytes, ddr_base_ + ddr_bytes_ - next_free_, ddr_bytes_),
                ErrorKind::kInternal);
  auto* a = new Allocation{next_free_, std::vector<std::uint8_t>(bytes ? bytes : 1)};
  next_free_ += size ? size : 4096;
  allocations_.push_back(a);
  return DmaBuffer{a->bytes.data(), a->phys, bytes, next_handle_++};
}

// Simulated DDR is never reused: a session runs a few batches, and the window is large.
void SimBackend::release(DmaBuffer& buffer) { buffer = DmaBuffer{}; }

void SimBackend::to_device(const DmaBuffer& b, std::size_t offset, std::size_t bytes) {
  for (std::size_t done = 0; done < bytes;) {
    const std::size_t n = std::min(kChunkBytes, bytes - done);
    request(fmt::format("wm {} {}", b.phys + offset + done, to_hex(b.data + offset + done, n)));
    done += n;
  }
}

void SimBackend::from_device(const DmaBuffer& b, std::size_t offset, std::size_t bytes) {
  for (std::size_t done = 0; done < bytes;) {
    const std::size_t n = std::min(kChunkBytes, bytes - done);
    const std::string hex = request(fmt::format("rm {} {}", b.phys + offset + done, n));
    if (hex.size() != 2 * n)
      throw Error(describe(), fmt::format("rm returned {} hex digits, expected {}", hex.size(), 2 * n),
                  ErrorKind::kInternal);
    std::uint8_t* p = b.data + offset + done;
    for (std::size_t i = 0; i < n; ++i) p[i] = std::uint8_t(hex_value(hex[2 * i]) * 16 + hex_value(hex[2 * i + 1]));
    done += n;
  }
}

double SimBackend::seconds() { return double(std::stoull(request("cycles"))) / (clock_mhz_ * 1e6); }

// Each poll is two round trips through a pipe (and, for the armhf host, through qemu), so
// the pause grows with the wait: 64 cycles (< 1 us) at first, then 1/64 of the time waited,
// so a measured time overshoots DONE by at most ~1.6 % (plus 64 cycles).
void SimBackend::pause(double waited_s) {
  const auto waited_cycles = std::uint64_t(std::max(0.0, waited_s) * clock_mhz_ * 1e6);
  tick(std::clamp<std::uint64_t>(waited_cycles / 64, 64, 1u << 16));
}

std::uint64_t SimBackend::tick(std::uint64_t cycles) { return std::stoull(request(fmt::format("tick {}", cycles))); }

void SimBackend::inject_fault(bool read, std::uint32_t lo, std::uint32_t hi) {
  request(fmt::format("fault {} {} {}", read ? "read" : "write", lo, hi));
}

SimEnd SimBackend::finish() {
  const std::string bye = request("quit");
  SimEnd e;
  unsigned long long v = 0, er = 0;
  if (std::sscanf(bye.c_str(), "%llu %llu", &v, &er) != 2)
    throw Error(describe(), fmt::format("expected 'bye VIOLATIONS ERRORS', got '{}'", bye), ErrorKind::kInternal);
  e.axi_violations = v, e.error_responses = er;
  int status = 0;
  ::close(to_child_);
  ::close(from_child_);
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  return e;
}

}  // namespace dorefa::board
