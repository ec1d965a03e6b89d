#pragma once
// One training epoch and its pieces (batches, optimizer, accuracy), shared by the trainer
// (train/trainer.cpp) and pruning's fine-tune (prune/finetune.cpp), so both train with
// the same step: zero_grad, forward, cross-entropy (+ an optional extra term), backward,
// step. What differs between the two stays with the caller: the seeds and data order per
// epoch, the learning-rate schedule, augmentation and the extra loss term.
#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <random>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "data/dataset.hpp"
#include "train/config.hpp"
#include "train/network.hpp"
#include "train/trainer.hpp"

namespace dorefa::train {

// What one epoch runs. Batch s holds examples order[s*batch .. (s+1)*batch); examples of
// `order` past steps*batch are not used (BN wants full batches).
struct EpochPlan {
  const data::Dataset* train_set = nullptr;
  const data::Dataset* val_set = nullptr;  // val_acc after the epoch, in eval mode
  std::vector<std::size_t> order;         // example indices into *train_set
  std::size_t batch = 0;
  std::int64_t steps = 0;
  int augment_pad = 0;                     // random shift of up to pad pixels; 0 = none
  std::mt19937_64* augment_rng = nullptr;  // draws of the shifts (needed when augment_pad > 0)
  std::function<double(std::int64_t step)> lr;  // learning rate of step 0 .. steps-1 of this epoch
  // Optional term added to the cross-entropy before backward, e.g. network slimming's
  // lambda * sum |gamma| (prune/finetune.cpp). train_loss reports the cross-entropy alone.
  std::function<torch::Tensor()> extra_loss;
  // Data-parallel training (distributed.hpp): called between backward and the optimizer
  // step (the gradient all-reduce), and before the validation pass (batch-norm statistics).
  std::function<void()> after_backward;
  std::function<void()> before_validation;
  // Optional fault injection for the tests of a dying rank: _exit(9) before step N.
  std::int64_t die_before_step = -1;
  std::string label = "epoch";  // progress line prefix
  bool verbose = true;
};

// Runs the plan on `net` (left in train mode): one optimizer step per batch, then the
// accuracy on val_set. Fills every field of the record except `epoch`; `lr` is the last
// step's learning rate, `seconds` and `cpu_seconds` cover the training steps only.
EpochRecord run_epoch(Network& net, torch::optim::Optimizer& optimizer, const EpochPlan& plan);

// The optimizer of [train] at learning rate `lr`: Adam or SGD with momentum, weight decay
// on the latent (quantized) weights only, none on BN and biases.
std::unique_ptr<torch::optim::Optimizer> make_optimizer(Network& net, const TrainConfig& train, double lr);

// uint8 [count, H, W, C] images of examples order[begin .. begin + count) (order empty:
// begin .. begin + count), each randomly shifted by up to `pad` pixels if pad > 0 and rng.
torch::Tensor batch_images(const data::Dataset& ds, std::span<const std::size_t> order, std::size_t begin,
                           std::size_t count, int pad = 0, std::mt19937_64* rng = nullptr);
// int64 [count] labels of the same examples.
torch::Tensor batch_labels(const data::Dataset& ds, std::span<const std::size_t> order, std::size_t begin,
                           std::size_t count);

// Top-1 (correct, total) and accuracy in percent, in eval mode (running BN statistics);
// both restore the network's mode.
std::pair<std::size_t, std::size_t> count_correct(Network& net, const data::Dataset& ds);
double accuracy(Network& net, const data::Dataset& ds);

}  // namespace dorefa::train
