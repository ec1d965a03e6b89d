#pragma once
// Data-parallel training on libtorch's distributed engine (c10d, Gloo backend over TCP):
// every rank holds the whole network, trains on its shard of each global batch, and the
// gradients are averaged across ranks before every optimizer step, so all ranks take the
// same step. The group is set up from the environment torchrun uses (RANK, WORLD_SIZE,
// MASTER_ADDR, MASTER_PORT); `dorefa train --nproc N` starts N local ranks itself
// (launch_local_ranks). docs/training.md, "Data-parallel training".
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <torch/types.h>

namespace dorefa::train {

struct DistOptions {
  int rank = 0;
  int world = 1;  // 1: not distributed
  std::string master_addr = "127.0.0.1";
  int master_port = 29500;
  // A collective that waits longer than this (a rank died or hangs) fails with an error.
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};
};

// From RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT and DOREFA_DIST_TIMEOUT (seconds); world
// 1 when WORLD_SIZE is unset. Throws dorefa::Error naming the variable on a bad value.
DistOptions dist_from_env();

class DistGroup {
 public:
  // Joins the group (rank 0 serves the rendezvous store at master_addr:master_port).
  explicit DistGroup(const DistOptions& options);
  ~DistGroup();
  DistGroup(const DistGroup&) = delete;
  DistGroup& operator=(const DistGroup&) = delete;

  int rank() const { return options_.rank; }
  int world() const { return options_.world; }

  // Every tensor replaced by its mean over the ranks, in buckets of about 8 MB (flattened,
  // one all-reduce per bucket rather than one per tensor).
  void allreduce_mean(const std::vector<torch::Tensor>& tensors);
  // Every tensor replaced by rank `root`'s.
  void broadcast(const std::vector<torch::Tensor>& tensors, int root = 0);
  // Sum of `value` over the ranks.
  double sum(double value);
  void barrier();

 private:
  struct Impl;
  DistOptions options_;
  std::unique_ptr<Impl> impl_;
};

// Runs `argv` (this executable and its arguments) as ranks 0 .. nproc-1 on this machine
// with RANK, WORLD_SIZE, MASTER_ADDR=127.0.0.1 and a free MASTER_PORT, and waits. When a
// rank fails the others are stopped at once; the result is the first failing rank's exit
// code (0 when all succeed), with `failure` describing it.
int launch_local_ranks(int nproc, const std::vector<std::string>& argv, std::string* failure);

}  // namespace dorefa::train
