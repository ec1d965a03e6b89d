#include "util/progress.hpp"

#include <unistd.h>

#include <cstdio>

#include <fmt/format.h>

namespace dorefa::util {

Progress::Progress(std::string label, std::size_t total, std::string unit)
    : label_(std::move(label)),
      total_(total),
      unit_(std::move(unit)),
      tty_(::isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

double Progress::elapsed_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void Progress::advance(std::size_t n, const std::string& status) {
  done_ += n;
  auto now = std::chrono::steady_clock::now();
  // TTY: redraw ~10x/s. Plain output: a line every 10 s keeps logs short but alive.
  double since = std::chrono::duration<double>(now - last_draw_).count();
  if ((tty_ && since >= 0.1) || (!tty_ && since >= 10.0)) {
    last_draw_ = now;
    draw(status, false);
  }
}

void Progress::finish(const std::string& status) { draw(status, true); }

void Progress::draw(const std::string& status, bool final_line) {
  double secs = elapsed_seconds();
  double rate = secs > 0 ? double(done_) / secs : 0.0;
  double eta = (rate > 0 && total_ > done_) ? double(total_ - done_) / rate : 0.0;
  std::string bar;
  if (tty_ && total_ > 0) {
    constexpr int kWidth = 24;
    int filled = int(kWidth * std::min<double>(1.0, double(done_) / double(total_)));
    bar = fmt::format("[{}{}] ", std::string(filled, '#'), std::string(kWidth - filled, '.'));
  }
  std::string line = fmt::format("{} {}{}/{} {:.1f} {}/s {} {}", label_, bar, done_, total_, rate, unit_,
                                 final_line ? fmt::format("in {:.1f}s", secs) : fmt::format("ETA {:.0f}s", eta),
                                 status);
  if (tty_) {
    std::fprintf(stderr, "\r\033[K%s%s", line.c_str(), final_line ? "\n" : "");
  } else {
    std::fprintf(stderr, "%s\n", line.c_str());
  }
  std::fflush(stderr);
}

}  // namespace dorefa::util
