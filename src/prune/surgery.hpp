#pragma once
// Surgery: a physically smaller network (new config, new tensors) from a plan.
//
// The pruned network computes what the original computes with the removed channels'
// activations forced to level 0, exactly where the quantized weights of the kept entries
// are unchanged:
//   - 8-bit symmetric weights (first/last layer) have a scale per output row: removing rows
//     is exact; removing input columns is exact unless a row's largest |w| was removed
//     (then that row's 8-bit grid shifts by under half a step);
//   - binary weights (k = 1) share the layer scale E|w|: surgery rescales the kept latent
//     weights by E|w|_all / E|w|_kept, so w_q = sign(w) E|w| is unchanged, exactly;
//   - DoReFa k >= 2 weights divide by the layer's max|tanh(w)|: exact unless that maximum
//     was removed (no rescaling can restore it).
// Fine-tuning absorbs the inexact cases.
#include <torch/torch.h>

#include "prune/budget.hpp"
#include "prune/graph.hpp"
#include "train/network.hpp"

namespace dorefa::prune {

// A new network with `plan.config`, holding the kept rows/columns of every tensor of
// `network` (latent weights, BN affine and running statistics, the last layer's bias).
// The result is in the same train/eval mode as `network`.
train::Network apply_plan(train::Network& network, const ChannelGraph& graph, const PrunePlan& plan);

// Copies every parameter and buffer of `src` into `dst` (same config).
void copy_network_state(train::Network& dst, train::Network& src);

}  // namespace dorefa::prune
