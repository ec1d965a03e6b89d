#pragma once
// Channel importance: one score per output channel of every prunable layer (graph group),
// higher = more important.
//   l1     : sum |w| of the filter's latent weights (Li et al. 2017, "Pruning Filters for
//            Efficient ConvNets", eq. 1 without the 1/n).
//   bn     : |gamma| of the channel's batch-norm (Liu et al. 2017, "Network Slimming"; pair
//            with the L1 penalty on gamma during fine-tuning, --slimming lambda).
//   taylor : |mean over positions of activation * dLoss/dactivation| per image, averaged
//            over images (Molchanov et al. 2017, "Pruning CNNs for Resource Efficient
//            Inference", eq. 8), on a few calibration batches, in eval mode (running BN).
#include <torch/torch.h>

#include <string>
#include <vector>

#include "data/dataset.hpp"
#include "prune/graph.hpp"
#include "train/network.hpp"

namespace dorefa::prune {

enum class Criterion { kL1, kBnGamma, kTaylor };

// "l1" | "bn" | "taylor"; throws dorefa::Error otherwise.
Criterion parse_criterion(const std::string& name);
std::string criterion_name(Criterion criterion);

struct CalibrationOptions {
  int batches = 8;        // Taylor only
  int batch_size = 100;
};

// Scores per graph group. `calibration` is needed for Taylor only (images from training data).
std::vector<std::vector<double>> channel_scores(train::Network& network, const ChannelGraph& graph,
                                                Criterion criterion, const data::Dataset* calibration = nullptr,
                                                const CalibrationOptions& options = {});

// The network's forward pass, re-traced layer by layer so the output activation of every
// hidden weight layer (after its quantizer, before pooling) is visible: `activations`
// receives one tensor per graph group, in group order. Equals network->forward(images).
torch::Tensor traced_forward(train::Network& network, const torch::Tensor& images,
                             std::vector<torch::Tensor>* activations);

}  // namespace dorefa::prune
