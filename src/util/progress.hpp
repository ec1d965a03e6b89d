#pragma once
// Progress reporting for long work: a redrawn bar on a TTY, plain periodic lines otherwise
// (CI logs, pipes), so long runs always show they are alive.
#include <chrono>
#include <cstddef>
#include <string>

namespace dorefa::util {

class Progress {
 public:
  // `label` prefixes every line; `total` units of work (batches, images) are expected.
  Progress(std::string label, std::size_t total, std::string unit = "it");
  // Advances by `n` units; `status` is appended (e.g. "loss 0.31 acc 97.2%").
  void advance(std::size_t n, const std::string& status = "");
  // Prints the final line with the elapsed time and rate.
  void finish(const std::string& status = "");
  double elapsed_seconds() const;

 private:
  void draw(const std::string& status, bool final_line);
  std::string label_;
  std::size_t total_;
  std::size_t done_ = 0;
  std::string unit_;
  bool tty_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace dorefa::util
