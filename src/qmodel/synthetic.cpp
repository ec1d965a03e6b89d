#include "qmodel/synthetic.hpp"

#include <algorithm>
#include <cmath>
#include <random>

#include <fmt/format.h>

#include "data/registry.hpp"
#include "qmodel/validate.hpp"
#include "util/error.hpp"

namespace dorefa::qmodel {
namespace {

using Act = std::vector<std::int32_t>;  // one image's activations, HWC levels

WeightKind kind_for_bits(int bits) {
  if (bits == 1) return WeightKind::kBinary;
  if (bits >= 2 && bits <= 7) return WeightKind::kDorefa;
  if (bits == 8) return WeightKind::kSymmetric;
  throw Error("synthetic model: weight_bits", fmt::format("expected 1 .. 8, found {}", bits));
}

void fill_weights(Layer& l, std::mt19937_64& rng) {
  l.weight_kind = kind_for_bits(l.weight_bits);
  l.weights.resize(std::size_t(l.out_channels() * l.fan_in()));
  const int top = (1 << l.weight_bits) - 1;
  std::normal_distribution<double> normal(0.0, 40.0);
  for (auto& w : l.weights) {
    switch (l.weight_kind) {
      case WeightKind::kBinary: w = (rng() & 1) ? 1 : -1; break;
      case WeightKind::kDorefa: w = std::int8_t(2 * int(rng() % std::uint64_t(top + 1)) - top); break;
      case WeightKind::kSymmetric: w = std::int8_t(std::clamp(std::lround(normal(rng)), -127L, 127L)); break;
    }
  }
}

// Calibration-only accumulators (the runtime's reference interpreter is the tested one;
// qmodel sits below runtime and cannot call it).
Act accumulate(const Layer& l, const Act& in) {
  const int C = l.out_channels();
  if (l.kind == LayerKind::kDense) {
    Act acc(std::size_t(C), 0);
    const std::int64_t fan = l.fan_in();
    for (int o = 0; o < C; ++o)
      for (std::int64_t i = 0; i < fan; ++i) acc[std::size_t(o)] += l.weights[std::size_t(o * fan + i)] * in[std::size_t(i)];
    return acc;
  }
  const Shape& is = l.input;
  const Shape& os = l.output;
  Act acc(std::size_t(os.elements()), 0);
  for (int y = 0; y < os.height; ++y)
    for (int x = 0; x < os.width; ++x)
      for (int o = 0; o < C; ++o) {
        std::int32_t sum = 0;
        for (int ky = 0; ky < l.kernel; ++ky)
          for (int kx = 0; kx < l.kernel; ++kx) {
            const int iy = y * l.stride + ky - l.padding, ix = x * l.stride + kx - l.padding;
            if (iy < 0 || iy >= is.height || ix < 0 || ix >= is.width) continue;
            for (int i = 0; i < is.channels; ++i)
              sum += l.weights[std::size_t(((o * l.kernel + ky) * l.kernel + kx) * is.channels + i)] *
                     in[std::size_t((iy * is.width + ix) * is.channels + i)];
          }
        acc[std::size_t((y * os.width + x) * C + o)] = sum;
      }
  return acc;
}

Act maxpool(const Layer& l, const Act& in) {
  const Shape& is = l.input;
  const Shape& os = l.output;
  Act out(std::size_t(os.elements()), 0);
  for (int y = 0; y < os.height; ++y)
    for (int x = 0; x < os.width; ++x)
      for (int c = 0; c < os.channels; ++c) {
        std::int32_t m = 0;
        for (int ky = 0; ky < l.kernel; ++ky)
          for (int kx = 0; kx < l.kernel; ++kx)
            m = std::max(m, in[std::size_t(((y * l.stride + ky) * is.width + x * l.stride + kx) * is.channels + c)]);
        out[std::size_t((y * os.width + x) * os.channels + c)] = m;
      }
  return out;
}

std::int32_t quantile(const std::vector<std::int32_t>& sorted, double q) {
  const std::size_t i = std::min(sorted.size() - 1, std::size_t(q * double(sorted.size())));
  return sorted[i];
}

// Fits the output stage of `l` to the accumulators `accs` and returns the activations.
std::vector<Act> fit_stage(Layer& l, const std::vector<Act>& accs, bool requant, std::mt19937_64& rng) {
  const int C = l.out_channels();
  if (l.output_kind == OutputKind::kLogits) {
    for (int o = 0; o < C; ++o) {
      l.logit_mul.push_back(1 + std::int32_t(rng() % 4));
      l.logit_add.push_back(std::int64_t(rng() % 201) - 100);
    }
    return {};
  }
  const int top = (1 << l.output_bits) - 1;
  std::vector<std::int32_t> samples;
  for (int o = 0; o < C; ++o) {
    samples.clear();
    for (const Act& a : accs)
      for (std::size_t p = std::size_t(o); p < a.size(); p += std::size_t(C)) samples.push_back(a[p]);
    std::sort(samples.begin(), samples.end());
    // About 30 % of outputs at level 0 (ReLU-like), the rest spread up to the 90th (few levels)
    // or 98th (many levels) percentile.
    if (requant) {
      const std::int32_t lo = quantile(samples, 0.30), hi = quantile(samples, 0.98);
      const double m = double(top) / std::max(1, hi - lo);
      int shift = 1;
      while (shift < 62 && m * std::ldexp(1.0, shift) < double(1 << 23)) ++shift;
      l.requant_bias.push_back(-lo);
      l.requant_mult.push_back(std::max<std::int32_t>(1, std::int32_t(std::lround(m * std::ldexp(1.0, shift)))));
      l.requant_shift.push_back(shift);
    } else {
      for (int j = 1; j <= top; ++j) {
        const double hi = top <= 3 ? 0.90 : 0.98;
        const double q = top == 1 ? 0.5 : 0.30 + (hi - 0.30) * double(j - 1) / double(top - 1);
        l.thresholds.push_back(quantile(samples, q) + 1);  // acc >= t: strictly above the quantile
      }
    }
  }
  std::vector<Act> outs;
  outs.reserve(accs.size());
  for (const Act& a : accs) {
    Act out(a.size());
    for (std::size_t p = 0; p < a.size(); ++p) {
      const std::size_t o = p % std::size_t(C);
      if (requant) {
        const std::int64_t v = ((std::int64_t(a[p]) + l.requant_bias[o]) * l.requant_mult[o] +
                                (std::int64_t(1) << (l.requant_shift[o] - 1))) >> l.requant_shift[o];
        out[p] = std::int32_t(std::clamp<std::int64_t>(v, 0, top));
      } else {
        int n = 0;
        for (int j = 0; j < top; ++j) n += a[p] >= l.thresholds[o * std::size_t(top) + std::size_t(j)];
        out[p] = n;
      }
    }
    outs.push_back(std::move(out));
  }
  return outs;
}

}  // namespace

SyntheticSpec lenet_w1a2_spec() { return SyntheticSpec{}; }

SyntheticSpec lenet_w8a8_spec() {
  SyntheticSpec s;
  s.weight_bits = 8;
  s.activation_bits = 8;
  s.requant = true;
  return s;
}

SyntheticSpec lenet_mixed_spec() {
  SyntheticSpec s;
  s.w8a8_layers = 1;
  s.name = "synthetic-lenet-mixed";
  return s;
}

SyntheticSpec mlp_w2a2_spec() {
  SyntheticSpec s;
  s.topology = SyntheticTopology::kMlp;
  s.first_weight_bits = 2;
  s.weight_bits = 2;
  s.last_weight_bits = 2;
  s.hidden = {128, 64};
  return s;
}

SyntheticSpec cnv_w1a2_spec() {
  SyntheticSpec s;
  s.topology = SyntheticTopology::kCnv;
  s.name = "synthetic-cnv-w1a2";
  s.conv_channels = {64, 64, 128, 128, 256, 256};
  s.kernel = 3;
  s.convs_per_pool = 2;
  s.hidden = {512, 512};
  s.calibration_images = 64;  // about 59M MACs an image in the scalar calibration loop
  return s;
}

Model make_synthetic_model(const SyntheticSpec& spec, std::uint64_t seed) {
  const data::Dataset ds = data::load_dataset(spec.dataset, "train").head(spec.calibration_images);
  std::mt19937_64 rng(seed);
  Model m;
  m.input = {ds.rows, ds.cols, ds.channels};
  m.input_bits = 8;
  m.num_classes = ds.num_classes;
  const char* topo = spec.topology == SyntheticTopology::kLenet ? "lenet" : spec.topology == SyntheticTopology::kCnv ? "cnv" : "mlp";
  m.name = spec.name.empty() ? fmt::format("synthetic-{}-w{}a{}", topo, spec.weight_bits, spec.activation_bits) : spec.name;
  m.metadata_json = fmt::format(R"({{"synthetic": true, "topology": "{}", "seed": {}, "calibration": "{} train[0:{}]"}})",
                                topo, seed, spec.dataset, ds.size());

  std::vector<Act> acts;
  for (std::size_t i = 0; i < ds.size(); ++i) {
    auto img = ds.image(i);
    acts.emplace_back(img.begin(), img.end());
  }
  Shape shape = m.input;
  int bits = 8;

  int hidden_index = 0;
  auto add_weighted = [&](Layer l, int wbits, bool last) {
    const bool w8a8 = !last && hidden_index++ < spec.w8a8_layers;
    const bool requant = !last && (spec.requant || w8a8);
    l.input = shape;
    l.input_bits = bits;
    l.weight_bits = w8a8 ? 8 : wbits;
    l.output_kind = last ? OutputKind::kLogits : (requant ? OutputKind::kRequant : OutputKind::kThresholds);
    l.output_bits = last ? 32 : (w8a8 ? 8 : spec.activation_bits);
    fill_weights(l, rng);
    std::vector<Act> accs;
    accs.reserve(acts.size());
    for (const Act& a : acts) accs.push_back(accumulate(l, a));
    acts = fit_stage(l, accs, requant, rng);
    shape = l.output;
    bits = l.output_bits;
    m.layers.push_back(std::move(l));
  };
  auto add_conv = [&](const std::string& name, int channels, int wbits) {
    if (window_output_size(shape.height, spec.kernel, 1, spec.padding) < 1 ||
        window_output_size(shape.width, spec.kernel, 1, spec.padding) < 1)
      throw Error(fmt::format("synthetic model {}: --data {}", m.name, spec.dataset),
                  fmt::format("{} needs a larger input: the {}x{} map before it is smaller than its {}x{} kernel "
                              "(input {}x{}x{})",
                              name, shape.height, shape.width, spec.kernel, spec.kernel, m.input.height,
                              m.input.width, m.input.channels));
    Layer l;
    l.name = name;
    l.kind = LayerKind::kConv;
    l.kernel = spec.kernel;
    l.padding = spec.padding;
    l.output = {window_output_size(shape.height, spec.kernel, 1, spec.padding),
                window_output_size(shape.width, spec.kernel, 1, spec.padding), channels};
    add_weighted(std::move(l), wbits, false);
  };
  auto add_pool = [&](const std::string& name) {
    if (spec.pool <= 1 || shape.height < spec.pool || shape.width < spec.pool) return;
    Layer l;
    l.name = name;
    l.kind = LayerKind::kMaxPool;
    l.input = shape;
    l.input_bits = bits;
    l.output_bits = bits;
    l.kernel = l.stride = spec.pool;
    l.output = {window_output_size(shape.height, spec.pool, spec.pool, 0),
                window_output_size(shape.width, spec.pool, spec.pool, 0), shape.channels};
    for (Act& a : acts) a = maxpool(l, a);
    shape = l.output;
    m.layers.push_back(std::move(l));
  };
  auto add_dense = [&](const std::string& name, int outputs, int wbits, bool last) {
    Layer l;
    l.name = name;
    l.kind = LayerKind::kDense;
    l.output = {1, 1, outputs};
    add_weighted(std::move(l), wbits, last);
  };

  int dense_index = 1;
  if (spec.topology != SyntheticTopology::kMlp) {
    for (std::size_t i = 0; i < spec.conv_channels.size(); ++i) {
      add_conv(fmt::format("conv{}", i + 1), spec.conv_channels[i], i == 0 ? spec.first_weight_bits : spec.weight_bits);
      if ((i + 1) % std::size_t(std::max(1, spec.convs_per_pool)) == 0)
        add_pool(fmt::format("pool{}", spec.convs_per_pool == 1 ? i + 1 : (i + 1) / std::size_t(spec.convs_per_pool)));
    }
    for (int h : spec.hidden) add_dense(fmt::format("fc{}", dense_index++), h, spec.weight_bits, false);
  } else {
    for (std::size_t i = 0; i < spec.hidden.size(); ++i)
      add_dense(fmt::format("fc{}", dense_index++), spec.hidden[i], i == 0 ? spec.first_weight_bits : spec.weight_bits,
                false);
  }
  add_dense(fmt::format("fc{}", dense_index), m.num_classes, spec.last_weight_bits, true);
  validate(m, "synthetic model " + m.name);
  return m;
}

}  // namespace dorefa::qmodel
