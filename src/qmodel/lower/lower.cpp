#include "qmodel/lower/lower.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "qmodel/lower/fold.hpp"
#include "qmodel/lower/network_walk.hpp"
#include "util/error.hpp"

namespace dorefa::qmodel::lower {

Model lower_network(const train::Network& network, const std::string& name) {
  const train::ModelConfig& config = network->config();
  // The same walk as post_training_quantize (ptq.cpp), which differs in the output stage.
  NetworkWalk walk(network);
  for (const train::LayerHandle& handle : network->layers()) {
    const std::string where = fmt::format("{} layer '{}'", config.source, handle.config.name);
    if (!walk.visit_geometry(handle)) continue;  // flatten and maxpool need no arithmetic
    IntegerWeights weights = walk.integer_weights(handle);
    Layer& layer = walk.emit_weight_layer(handle, weights);
    const double s_in = walk.input_scale();
    const int outs = layer.output.channels;
    if (handle.config.last) {
      walk.set_logits(layer, handle, weights);
      continue;
    }
    const int a_bits = handle.config.a_bits;
    if (a_bits < 1 || a_bits > 8) {
      throw Error(where, fmt::format("a_bits = {} cannot be lowered to thresholds (expected 1..8; "
                                     "use `dorefa lower --ptq` for full-precision models)", a_bits));
    }
    if (a_bits == 8) {
      // W8A8 QAT: 255 thresholds per channel would be the same function, but 8-bit outputs
      // are the requant stage's (docs/integer-model.md): level n stands for n / 255, exactly
      // quantize_8(clip(y, 0, 1)) up to the fixed-point rounding of gain and offset.
      walk.set_requant(layer, handle, weights, 1.0 / 255.0);
      continue;
    }
    layer.output_kind = OutputKind::kThresholds;
    layer.output_bits = a_bits;
    for (int o = 0; o < outs; ++o) {
      ChannelAffine affine = walk.batch_norm_affine(handle, o, weights.scale[std::size_t(o)] * s_in);
      FoldedThresholds folded = fold_thresholds(affine, a_bits);
      if (folded.negate) walk.negate_channel(layer, o);
      layer.thresholds.insert(layer.thresholds.end(), folded.thresholds.begin(), folded.thresholds.end());
    }
    walk.set_output_bits(a_bits);
  }
  return walk.finish(name);
}

}  // namespace dorefa::qmodel::lower
