#include "qmodel/json_dump.hpp"

#include <algorithm>

#include "qmodel/validate.hpp"

namespace dorefa::qmodel {
namespace {

using json = nlohmann::ordered_json;

json shape_json(const Shape& s) { return json::array({s.height, s.width, s.channels}); }

template <typename T>
json per_channel(const std::vector<T>& v, int channels) {
  json rows = json::array();
  if (channels <= 0 || v.empty()) return rows;
  const std::size_t n = v.size() / std::size_t(channels);
  for (int o = 0; o < channels; ++o)
    rows.push_back(std::vector<T>(v.begin() + std::ptrdiff_t(o * n), v.begin() + std::ptrdiff_t((o + 1) * n)));
  return rows;
}

template <typename T>
json min_max(const std::vector<T>& v) {
  if (v.empty()) return nullptr;
  auto [lo, hi] = std::minmax_element(v.begin(), v.end());
  return json::array({*lo, *hi});
}

json layer_json(const Layer& l, bool with_weights) {
  json j;
  j["name"] = l.name;
  j["kind"] = to_string(l.kind);
  j["input"] = shape_json(l.input);
  j["output"] = shape_json(l.output);
  j["input_bits"] = l.input_bits;
  if (l.kind != LayerKind::kDense) {
    j["kernel"] = l.kernel;
    j["stride"] = l.stride;
    j["padding"] = l.padding;
  }
  if (!l.has_weights()) {
    j["output_bits"] = l.output_bits;
    return j;
  }
  j["weight_kind"] = to_string(l.weight_kind);
  j["weight_bits"] = l.weight_bits;
  j["weight_count"] = l.weights.size();
  j["fan_in"] = l.fan_in();
  j["weight_range"] = min_max(l.weights);
  std::size_t zeros = std::size_t(std::count(l.weights.begin(), l.weights.end(), 0));
  if (zeros) j["weight_zeros"] = zeros;
  AccumulatorRange r = accumulator_range(l);
  j["accumulator_range"] = json::array({r.min, r.max});
  j["output_kind"] = to_string(l.output_kind);
  const int C = l.out_channels();
  switch (l.output_kind) {
    case OutputKind::kThresholds:
      j["output_bits"] = l.output_bits;
      j["threshold_range"] = min_max(l.thresholds);
      if (with_weights) j["thresholds"] = per_channel(l.thresholds, C);
      break;
    case OutputKind::kRequant:
      j["output_bits"] = l.output_bits;
      j["requant_mult_range"] = min_max(l.requant_mult);
      j["requant_shift_range"] = min_max(l.requant_shift);
      if (with_weights) {
        j["requant_bias"] = l.requant_bias;
        j["requant_mult"] = l.requant_mult;
        j["requant_shift"] = l.requant_shift;
      }
      break;
    case OutputKind::kLogits:
      j["logit_mul"] = l.logit_mul;
      j["logit_add"] = l.logit_add;
      break;
  }
  if (with_weights) j["weights"] = per_channel(l.weights, C);
  return j;
}

}  // namespace

json to_json(const Model& m, bool with_weights) {
  json j;
  j["name"] = m.name;
  j["input"] = shape_json(m.input);
  j["input_bits"] = m.input_bits;
  j["num_classes"] = m.num_classes;
  std::size_t params = 0;
  json layers = json::array();
  for (const Layer& l : m.layers) {
    params += l.weights.size();
    layers.push_back(layer_json(l, with_weights));
  }
  j["weight_count"] = params;
  j["layers"] = layers;
  json meta = json::parse(m.metadata_json, nullptr, /*allow_exceptions=*/false);
  j["metadata"] = meta.is_discarded() ? json(m.metadata_json) : meta;
  return j;
}

std::string dump_json(const Model& m, bool with_weights) { return to_json(m, with_weights).dump(2); }

}  // namespace dorefa::qmodel
