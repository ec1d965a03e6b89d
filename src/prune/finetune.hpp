#pragma once
// Fine-tuning a (pruned) network in place. The trainer (train/trainer.hpp) trains from a
// fresh initialization only, so pruning keeps its own short schedule around the trainer's
// epoch (train::run_epoch, same optimizer groups: decay on latent weights only): cosine
// learning rate to 0 over the fine-tune, and optionally the network-slimming penalty
// lambda * sum |gamma|  over every hidden BN (Liu et al. 2017, eq. 1) added to the
// cross-entropy.
#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "data/dataset.hpp"
#include "train/epoch.hpp"
#include "train/network.hpp"

namespace dorefa::prune {

struct FinetuneOptions {
  int epochs = 1;
  double lr = 0;                // 0: the config's [train] lr
  double slimming = 0;          // lambda of the L1 penalty on BN gamma; 0 = off
  std::uint64_t seed = 1;       // data order and gradient noise per epoch
  std::size_t max_steps = 0;    // stop each epoch after this many batches (0 = full epoch); for tests
  bool verbose = true;
};

// lr, train loss and accuracy, val accuracy and time of one fine-tune epoch.
using FinetuneEpoch = train::EpochRecord;

// Fine-tunes `network` on `train_set`, reporting val accuracy on `val_set` after each epoch.
// The network ends in eval mode.
std::vector<FinetuneEpoch> finetune(train::Network& network, const data::Dataset& train_set,
                                    const data::Dataset& val_set, const FinetuneOptions& options);

// Re-estimates every BN's running statistics after surgery (the kept channels' inputs lost
// the removed channels' contributions): `batches` forward passes in train mode, no
// gradients, no weight change. The network ends in eval mode.
void recalibrate_batch_norm(train::Network& network, const data::Dataset& dataset, int batches, int batch_size);

// Top-1 accuracy (percent) in eval mode; restores the mode.
using train::accuracy;

// uint8 [count, H, W, C] images and int64 labels of examples begin .. begin + count.
inline torch::Tensor dataset_images(const data::Dataset& dataset, std::size_t begin, std::size_t count) {
  return train::batch_images(dataset, {}, begin, count);
}
inline torch::Tensor dataset_labels(const data::Dataset& dataset, std::size_t begin, std::size_t count) {
  return train::batch_labels(dataset, {}, begin, count);
}

}  // namespace dorefa::prune
