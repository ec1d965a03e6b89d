#include "runtime/reference.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "util/error.hpp"

namespace dorefa::runtime {
namespace reference {

using qmodel::Layer;
using qmodel::LayerKind;
using qmodel::OutputKind;

std::vector<std::int32_t> accumulate(const Layer& l, std::span<const std::int32_t> in) {
  const qmodel::Shape& is = l.input;
  const qmodel::Shape& os = l.output;
  std::vector<std::int32_t> acc(std::size_t(os.elements()), 0);
  if (l.kind == LayerKind::kDense) {
    const std::int64_t fan = l.fan_in();
    for (int o = 0; o < os.channels; ++o) {
      std::int32_t sum = 0;
      for (std::int64_t i = 0; i < fan; ++i) sum += std::int32_t(l.weights[std::size_t(o * fan + i)]) * in[std::size_t(i)];
      acc[std::size_t(o)] = sum;
    }
    return acc;
  }
  // conv: acc[y][x][o] = sum over ky, kx, i of w[o][ky][kx][i] * in[y*S+ky-P][x*S+kx-P][i].
  for (int y = 0; y < os.height; ++y)
    for (int x = 0; x < os.width; ++x)
      for (int o = 0; o < os.channels; ++o) {
        std::int32_t sum = 0;
        for (int ky = 0; ky < l.kernel; ++ky)
          for (int kx = 0; kx < l.kernel; ++kx) {
            const int iy = y * l.stride + ky - l.padding;
            const int ix = x * l.stride + kx - l.padding;
            if (iy < 0 || iy >= is.height || ix < 0 || ix >= is.width) continue;  // zero padding
            for (int i = 0; i < is.channels; ++i)
              sum += std::int32_t(l.weights[std::size_t(((o * l.kernel + ky) * l.kernel + kx) * is.channels + i)]) *
                     in[std::size_t((iy * is.width + ix) * is.channels + i)];
          }
        acc[std::size_t((y * os.width + x) * os.channels + o)] = sum;
      }
  return acc;
}

std::vector<std::int32_t> output_stage(const Layer& l, std::span<const std::int32_t> acc) {
  const std::size_t C = std::size_t(l.out_channels());
  const std::int64_t top = (std::int64_t(1) << l.output_bits) - 1;
  std::vector<std::int32_t> out(acc.size());
  for (std::size_t p = 0; p < acc.size(); ++p) {
    const std::size_t o = p % C;
    if (l.output_kind == OutputKind::kThresholds) {
      // out = #{ j : acc >= t[o][j] }
      const std::size_t T = std::size_t(l.threshold_count());
      std::int32_t n = 0;
      for (std::size_t j = 0; j < T; ++j) n += acc[p] >= l.thresholds[o * T + j] ? 1 : 0;
      out[p] = n;
    } else if (l.output_kind == OutputKind::kRequant) {
      // out = clamp(((acc + bias) * mult + 2^(shift-1)) >> shift, 0, 2^b - 1), int64, arithmetic shift
      const int shift = l.requant_shift[o];
      const std::int64_t v =
          ((std::int64_t(acc[p]) + l.requant_bias[o]) * l.requant_mult[o] + (std::int64_t(1) << (shift - 1))) >> shift;
      out[p] = std::int32_t(std::clamp<std::int64_t>(v, 0, top));
    } else {
      throw Error("reference: layer '" + l.name + "'", "output_stage: expected thresholds or requant, found logits");
    }
  }
  return out;
}

int argmax(std::span<const std::int64_t> scores) {
  int best = -1;
  for (std::size_t o = 0; o < scores.size(); ++o)
    if (best < 0 || scores[o] > scores[std::size_t(best)]) best = int(o);  // strict >: lowest index wins ties
  return best;
}

Inference logits(const Layer& l, std::span<const std::int32_t> acc) {
  Inference r;
  r.scores.resize(acc.size());
  for (std::size_t o = 0; o < acc.size(); ++o) r.scores[o] = std::int64_t(acc[o]) * l.logit_mul[o] + l.logit_add[o];
  r.top1 = argmax(r.scores);
  return r;
}

std::vector<std::int32_t> maxpool(const Layer& l, std::span<const std::int32_t> in) {
  const qmodel::Shape& is = l.input;
  const qmodel::Shape& os = l.output;
  std::vector<std::int32_t> out(std::size_t(os.elements()));
  for (int y = 0; y < os.height; ++y)
    for (int x = 0; x < os.width; ++x)
      for (int c = 0; c < os.channels; ++c) {
        std::int32_t m = in[std::size_t(((y * l.stride) * is.width + x * l.stride) * is.channels + c)];
        for (int ky = 0; ky < l.kernel; ++ky)
          for (int kx = 0; kx < l.kernel; ++kx)
            m = std::max(m, in[std::size_t(((y * l.stride + ky) * is.width + x * l.stride + kx) * is.channels + c)]);
        out[std::size_t((y * os.width + x) * os.channels + c)] = m;
      }
  return out;
}

}  // namespace reference

void check_image(const qmodel::Model& model, std::span<const std::uint8_t> image) {
  if (std::int64_t(image.size()) != model.input.elements())
    throw Error("model '" + model.name + "': input image",
                fmt::format("expected {} bytes ({}x{}x{}), found {}", model.input.elements(), model.input.height,
                            model.input.width, model.input.channels, image.size()));
  if (model.input_bits < 8) {
    const int top = (1 << model.input_bits) - 1;
    for (std::size_t i = 0; i < image.size(); ++i)
      if (image[i] > top)
        throw Error("model '" + model.name + "': input image",
                    fmt::format("expected levels 0 .. {} ({}-bit input), found {} at byte {}", top, model.input_bits,
                                image[i], i));
  }
}

Trace run_reference_trace(const qmodel::Model& model, std::span<const std::uint8_t> image) {
  check_image(model, image);
  Trace t;
  std::vector<std::int32_t> act(image.begin(), image.end());
  for (const qmodel::Layer& l : model.layers) {
    if (l.kind == qmodel::LayerKind::kMaxPool) {
      act = reference::maxpool(l, act);
    } else {
      std::vector<std::int32_t> acc = reference::accumulate(l, act);
      if (l.output_kind == qmodel::OutputKind::kLogits) {
        t.inference = reference::logits(l, acc);
        act = std::move(acc);
      } else {
        act = reference::output_stage(l, acc);
      }
    }
    t.layers.push_back(act);
  }
  return t;
}

Inference run_reference(const qmodel::Model& model, std::span<const std::uint8_t> image) {
  return run_reference_trace(model, image).inference;
}

}  // namespace dorefa::runtime
