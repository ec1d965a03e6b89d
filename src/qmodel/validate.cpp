#include "qmodel/validate.hpp"

#include <algorithm>
#include <cstdlib>
#include <limits>

#include <fmt/format.h>

#include "util/error.hpp"

namespace dorefa::qmodel {
namespace {

// Bounds that keep every size computation far from overflow; real models are tiny next
// to them (the PYNQ-Z2 holds ~600 KB of on-chip weights).
constexpr int kMaxDim = 1 << 16;
constexpr std::int64_t kMaxElements = std::int64_t(1) << 26;
constexpr int kMaxKernel = 64;
constexpr std::size_t kMaxLayers = 1024;
constexpr std::size_t kMaxNameLength = 4096;
constexpr std::int64_t kMaxLogitAdd = std::int64_t(1) << 62;

[[noreturn]] void fail(const std::string& where, const std::string& field, const std::string& what) {
  throw Error(where + ": " + field, what);
}

template <typename T>
void expect_eq(const std::string& where, const std::string& field, T expected, T found) {
  if (expected != found) fail(where, field, fmt::format("expected {}, found {}", expected, found));
}

template <typename T>
void expect_range(const std::string& where, const std::string& field, T lo, T hi, T found) {
  if (found < lo || found > hi) fail(where, field, fmt::format("expected {} .. {}, found {}", lo, hi, found));
}

std::string shape_str(const Shape& s) { return fmt::format("{}x{}x{}", s.height, s.width, s.channels); }

void check_shape(const std::string& where, const std::string& field, const Shape& s) {
  expect_range(where, field + ".height", 1, kMaxDim, s.height);
  expect_range(where, field + ".width", 1, kMaxDim, s.width);
  expect_range(where, field + ".channels", 1, kMaxDim, s.channels);
  if (s.elements() > kMaxElements)
    fail(where, field, fmt::format("expected at most {} elements, found {} ({})", kMaxElements, s.elements(), shape_str(s)));
}

void expect_shape(const std::string& where, const std::string& field, const Shape& expected, const Shape& found) {
  if (!(expected == found)) fail(where, field, fmt::format("expected {}, found {}", shape_str(expected), shape_str(found)));
}

template <typename V>
void expect_empty(const std::string& where, const std::string& field, const V& v, const char* why) {
  if (!v.empty()) fail(where, field, fmt::format("expected 0 entries ({}), found {}", why, v.size()));
}

void check_weights(const std::string& where, const Layer& l) {
  switch (l.weight_kind) {
    case WeightKind::kBinary: expect_eq(where, "weight_bits", 1, l.weight_bits); break;
    case WeightKind::kDorefa: expect_range(where, "weight_bits", 2, 7, l.weight_bits); break;
    case WeightKind::kSymmetric: expect_eq(where, "weight_bits", 8, l.weight_bits); break;
    default: fail(where, "weight_kind", fmt::format("expected 1 (binary), 2 (dorefa) or 3 (symmetric), found {}", int(l.weight_kind)));
  }
  const std::int64_t expected = std::int64_t(l.out_channels()) * l.fan_in();
  if (std::int64_t(l.weights.size()) != expected)
    fail(where, "weights", fmt::format("expected {} values ({} outputs x {} fan-in), found {}", expected,
                                       l.out_channels(), l.fan_in(), l.weights.size()));
  const int max_abs = l.weight_kind == WeightKind::kSymmetric ? 127 : (1 << l.weight_bits) - 1;
  for (std::size_t i = 0; i < l.weights.size(); ++i) {
    const int w = l.weights[i];
    bool ok = false;
    const char* rule = "";
    switch (l.weight_kind) {
      case WeightKind::kBinary: ok = w == 1 || w == -1; rule = "binary: -1 or +1"; break;
      case WeightKind::kDorefa: ok = (w & 1) != 0 && std::abs(w) <= max_abs; rule = "dorefa: odd"; break;
      case WeightKind::kSymmetric: ok = std::abs(w) <= max_abs; rule = "symmetric"; break;
    }
    if (!ok) {
      const std::int64_t fan = l.fan_in();
      fail(where, fmt::format("weights[{}][{}]", std::int64_t(i) / fan, std::int64_t(i) % fan),
           fmt::format("expected {} in [-{}, {}], found {}", rule, max_abs, max_abs, w));
    }
  }
}

void check_output_stage(const std::string& where, const Layer& l, bool last, int num_classes) {
  const std::size_t C = std::size_t(l.out_channels());
  switch (l.output_kind) {
    case OutputKind::kThresholds: {
      if (last) fail(where, "output_kind", "expected logits (the last layer), found thresholds");
      expect_range(where, "output_bits", 1, 8, l.output_bits);
      const std::size_t T = std::size_t(l.threshold_count());
      if (l.thresholds.size() != C * T)
        fail(where, "thresholds", fmt::format("expected {} values ({} channels x {} thresholds), found {}", C * T, C, T,
                                              l.thresholds.size()));
      for (std::size_t o = 0; o < C; ++o)
        for (std::size_t j = 1; j < T; ++j)
          if (l.thresholds[o * T + j] < l.thresholds[o * T + j - 1])
            fail(where, fmt::format("thresholds[{}][{}]", o, j),
                 fmt::format("expected non-decreasing (>= {}), found {}", l.thresholds[o * T + j - 1], l.thresholds[o * T + j]));
      expect_empty(where, "requant_bias", l.requant_bias, "thresholds stage");
      expect_empty(where, "requant_mult", l.requant_mult, "thresholds stage");
      expect_empty(where, "requant_shift", l.requant_shift, "thresholds stage");
      expect_empty(where, "logit_mul", l.logit_mul, "thresholds stage");
      expect_empty(where, "logit_add", l.logit_add, "thresholds stage");
      break;
    }
    case OutputKind::kRequant: {
      if (last) fail(where, "output_kind", "expected logits (the last layer), found requant");
      expect_range(where, "output_bits", 1, 8, l.output_bits);
      expect_eq(where, "requant_bias size", C, l.requant_bias.size());
      expect_eq(where, "requant_mult size", C, l.requant_mult.size());
      expect_eq(where, "requant_shift size", C, l.requant_shift.size());
      for (std::size_t o = 0; o < C; ++o) {
        expect_range(where, fmt::format("requant_mult[{}]", o), 1, std::numeric_limits<std::int32_t>::max(), l.requant_mult[o]);
        expect_range(where, fmt::format("requant_shift[{}]", o), 1, 62, l.requant_shift[o]);
        // (acc + bias) * mult + 2^(shift-1) must stay inside int64.
        AccumulatorRange r = accumulator_range(l, int(o));
        const std::int64_t a = std::max(std::abs(r.min), std::abs(r.max)) + std::abs(std::int64_t(l.requant_bias[o]));
        const std::int64_t room = std::numeric_limits<std::int64_t>::max() - (std::int64_t(1) << (l.requant_shift[o] - 1));
        if (a > room / l.requant_mult[o])
          fail(where, fmt::format("requant_mult[{}]", o),
               fmt::format("expected (|acc| + |bias|) * mult + 2^(shift-1) to fit int64 (|acc| <= {}), found mult {}",
                           std::max(std::abs(r.min), std::abs(r.max)), l.requant_mult[o]));
      }
      expect_empty(where, "thresholds", l.thresholds, "requant stage");
      expect_empty(where, "logit_mul", l.logit_mul, "requant stage");
      expect_empty(where, "logit_add", l.logit_add, "requant stage");
      break;
    }
    case OutputKind::kLogits: {
      if (!last) fail(where, "output_kind", "expected thresholds or requant (logits only on the last layer), found logits");
      expect_shape(where, "output", Shape{1, 1, num_classes}, l.output);
      expect_eq(where, "logit_mul size", C, l.logit_mul.size());
      expect_eq(where, "logit_add size", C, l.logit_add.size());
      for (std::size_t o = 0; o < C; ++o) {
        expect_range(where, fmt::format("logit_add[{}]", o), -kMaxLogitAdd, kMaxLogitAdd, l.logit_add[o]);
        // |acc| < 2^31 and |mul| <= 2^31, so |acc * mul| < 2^62 and the sum fits int64.
      }
      expect_empty(where, "thresholds", l.thresholds, "logits stage");
      expect_empty(where, "requant_bias", l.requant_bias, "logits stage");
      expect_empty(where, "requant_mult", l.requant_mult, "logits stage");
      expect_empty(where, "requant_shift", l.requant_shift, "logits stage");
      break;
    }
    default:
      fail(where, "output_kind", fmt::format("expected 1 (thresholds), 2 (requant) or 3 (logits), found {}", int(l.output_kind)));
  }
}

}  // namespace

int window_output_size(int in, int kernel, int stride, int padding) {
  if (kernel < 1 || stride < 1) return 0;
  const std::int64_t span = std::int64_t(in) + 2 * std::int64_t(padding) - kernel;
  return span < 0 ? 0 : int(span / stride + 1);
}

AccumulatorRange accumulator_range(const Layer& l, int o) {
  AccumulatorRange r;
  if (!l.has_weights() || l.input_bits < 0 || l.input_bits > 30) return r;
  const std::int64_t top = (std::int64_t(1) << l.input_bits) - 1;
  const std::int64_t fan = l.fan_in();
  if (fan <= 0 || std::int64_t(l.weights.size()) < (o + 1) * fan) return r;
  const std::int8_t* w = l.weights.data() + std::int64_t(o) * fan;
  for (std::int64_t i = 0; i < fan; ++i) (w[i] > 0 ? r.max : r.min) += std::int64_t(w[i]) * top;
  return r;
}

AccumulatorRange accumulator_range(const Layer& l) {
  AccumulatorRange all;
  for (int o = 0; o < l.out_channels(); ++o) {
    AccumulatorRange r = accumulator_range(l, o);
    all.min = std::min(all.min, r.min);
    all.max = std::max(all.max, r.max);
  }
  return all;
}

std::int64_t accumulator_bound(const Layer& l) {
  const AccumulatorRange r = accumulator_range(l);
  return std::max(r.max, -r.min);
}

// One switch per enum (C++ has no enum reflection); a missing case is a -Wswitch warning.
const char* to_string(LayerKind k) {
  switch (k) {
    case LayerKind::kConv: return "conv";
    case LayerKind::kDense: return "dense";
    case LayerKind::kMaxPool: return "maxpool";
  }
  return "invalid";
}
const char* to_string(WeightKind k) {
  switch (k) {
    case WeightKind::kBinary: return "binary";
    case WeightKind::kDorefa: return "dorefa";
    case WeightKind::kSymmetric: return "symmetric";
  }
  return "invalid";
}
const char* to_string(OutputKind k) {
  switch (k) {
    case OutputKind::kThresholds: return "thresholds";
    case OutputKind::kRequant: return "requant";
    case OutputKind::kLogits: return "logits";
  }
  return "invalid";
}

void validate(const Model& m, const std::string& where) {
  expect_range(where, "name length", std::size_t(0), kMaxNameLength, m.name.size());
  check_shape(where, "input", m.input);
  expect_range(where, "input_bits", 1, 8, m.input_bits);
  expect_range(where, "num_classes", 1, kMaxDim, m.num_classes);
  expect_range(where, "layer count", std::size_t(1), kMaxLayers, m.layers.size());

  Shape shape = m.input;
  int bits = m.input_bits;
  for (std::size_t i = 0; i < m.layers.size(); ++i) {
    const Layer& l = m.layers[i];
    const std::string lw = fmt::format("{}: layer {} '{}'", where, i, l.name);
    const bool last = i + 1 == m.layers.size();
    expect_range(lw, "name length", std::size_t(0), kMaxNameLength, l.name.size());
    if (l.kind != LayerKind::kConv && l.kind != LayerKind::kDense && l.kind != LayerKind::kMaxPool)
      fail(lw, "kind", fmt::format("expected 1 (conv), 2 (dense) or 3 (maxpool), found {}", int(l.kind)));
    check_shape(lw, "input", l.input);
    expect_shape(lw, i == 0 ? "input (vs. model input)" : "input (vs. previous layer's output)", shape, l.input);
    expect_range(lw, "input_bits", 1, 8, l.input_bits);
    expect_eq(lw, i == 0 ? "input_bits (vs. model input_bits)" : "input_bits (vs. previous layer's output_bits)", bits,
              l.input_bits);
    check_shape(lw, "output", l.output);

    if (l.kind == LayerKind::kDense) {
      expect_eq(lw, "kernel", 1, l.kernel);
      expect_eq(lw, "stride", 1, l.stride);
      expect_eq(lw, "padding", 0, l.padding);
      expect_shape(lw, "output", Shape{1, 1, l.output.channels}, l.output);
    } else {
      expect_range(lw, "kernel", 1, kMaxKernel, l.kernel);
      expect_range(lw, "stride", 1, kMaxKernel, l.stride);
      if (l.kind == LayerKind::kMaxPool) expect_eq(lw, "padding", 0, l.padding);
      else expect_range(lw, "padding", 0, l.kernel - 1, l.padding);
      const Shape expected{window_output_size(l.input.height, l.kernel, l.stride, l.padding),
                           window_output_size(l.input.width, l.kernel, l.stride, l.padding),
                           l.kind == LayerKind::kMaxPool ? l.input.channels : l.output.channels};
      if (expected.height < 1 || expected.width < 1)
        fail(lw, "kernel", fmt::format("expected a window that fits the {} input (kernel {}, padding {}), found none",
                                       shape_str(l.input), l.kernel, l.padding));
      expect_shape(lw, "output", expected, l.output);
    }

    if (l.kind == LayerKind::kMaxPool) {
      if (last) fail(lw, "kind", "expected conv or dense with logits as the last layer, found maxpool");
      expect_eq(lw, "output_bits (maxpool keeps its input's levels)", l.input_bits, l.output_bits);
      expect_empty(lw, "weights", l.weights, "maxpool");
      expect_empty(lw, "thresholds", l.thresholds, "maxpool");
      expect_empty(lw, "requant_bias", l.requant_bias, "maxpool");
      expect_empty(lw, "requant_mult", l.requant_mult, "maxpool");
      expect_empty(lw, "requant_shift", l.requant_shift, "maxpool");
      expect_empty(lw, "logit_mul", l.logit_mul, "maxpool");
      expect_empty(lw, "logit_add", l.logit_add, "maxpool");
    } else {
      check_weights(lw, l);
      // Accumulators are int32 (docs/integer-model.md): the exact bound must fit.
      for (int o = 0; o < l.out_channels(); ++o) {
        AccumulatorRange r = accumulator_range(l, o);
        if (r.max > std::numeric_limits<std::int32_t>::max() || r.min < std::numeric_limits<std::int32_t>::min() + 1)
          fail(lw, fmt::format("weights[{}]", o),
               fmt::format("expected an accumulator range inside int32, found {} .. {}", r.min, r.max));
      }
      check_output_stage(lw, l, last, m.num_classes);
    }
    shape = l.output;
    bits = l.kind == LayerKind::kMaxPool ? l.input_bits : l.output_bits;
  }
}

}  // namespace dorefa::qmodel
