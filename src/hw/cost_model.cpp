#include "hw/cost_model.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "qmodel/validate.hpp"
#include "util/error.hpp"

namespace dorefa::hw {
namespace {

using qmodel::Layer;
using qmodel::LayerKind;

std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }


// A read-only memory of depth x width: small ones become LUT(RAM), large ones block RAM in
// the cheapest 7-series aspect ratio (BRAM18 halves counted as 0.5 BRAM36).
Resources memory_cost(std::int64_t depth, std::int64_t width, std::string* style) {
  Resources r;
  if (depth <= 0 || width <= 0) return r;
  std::int64_t bits = depth * width;
  if (depth <= 64 || bits <= 4096) {
    r.lut = double(ceil_div(depth, 64) * width);
    if (style) *style = "lutram";
    return r;
  }
  struct Shape { std::int64_t w, d; double cost; };
  static constexpr Shape kShapes[] = {
      {1, 16384, 0.5}, {2, 8192, 0.5}, {4, 4096, 0.5}, {9, 2048, 0.5}, {18, 1024, 0.5}, {36, 512, 0.5},
      {1, 32768, 1.0}, {2, 16384, 1.0}, {4, 8192, 1.0}, {9, 4096, 1.0}, {18, 2048, 1.0}, {36, 1024, 1.0},
      {72, 512, 1.0}};
  double best = 1e18;
  for (const auto& s : kShapes) best = std::min(best, double(ceil_div(width, s.w) * ceil_div(depth, s.d)) * s.cost);
  r.bram36 = best;
  r.lut = double(width) / 4;  // output multiplexing / registers
  if (style) *style = "bram";
  return r;
}

// LUTs of one multiply lane (product) plus its share of the adder tree.
double lane_luts(int wb, int ib, bool dsp) {
  if (dsp) return 4.0;                       // DSP48 per lane, a little glue
  if (wb == 1 && ib == 1) return 1.0;        // XNOR + popcount
  if (wb == 1) return double(ib) + 1.0;      // conditional negate + add
  // Shift-add over the narrower operand (rtl/mvtu.sv): n-1 adders of ~(wb+ib) bits.
  const int n = std::min(wb, ib);
  return double(std::max(1, n - 1) * (wb + ib)) + double(wb + ib);
}

}  // namespace

int hw_weight_bits(const Layer& layer) {
  switch (layer.weight_kind) {
    case qmodel::WeightKind::kBinary: return 1;
    case qmodel::WeightKind::kDorefa: return std::min(8, layer.weight_bits + 1);  // odd values up to 2^k - 1
    case qmodel::WeightKind::kSymmetric: return 8;
  }
  return 8;
}

bool mvtu_uses_dsp(const Layer& layer) { return hw_weight_bits(layer) == 8 && layer.input_bits > 4; }

bool folding_uses_dsp(const Layer& layer, const LayerFolding& folding) {
  return folding.dsp.value_or(mvtu_uses_dsp(layer));
}

int accumulator_bits(const Layer& layer) {
  // 2^(A-1) >= bound + 2: every accumulator fits, and a threshold clamped to the signed
  // range [-2^(A-1), 2^(A-1)-1] still compares the same against every reachable acc.
  const std::int64_t bound = qmodel::accumulator_bound(layer);
  int a = 2;
  while ((std::int64_t(1) << (a - 1)) < bound + 2) ++a;
  return a;
}

namespace {

// rtl/requant.sv at `r`: per lane the sum, two partial products (DSP48), the rounding
// add and the barrel shifter + clamp; per stage the held beat, the assembled beat and
// the parameter memory.
Resources requant_cost(const Layer& layer, int pe, const RequantShape& r) {
  Resources c;
  const double y = r.y_bits(), sum = r.sum_bits();
  c.dsp = double(r.lanes) * r.dsp_per_lane();
  // Per lane: sum, 3-input rounding add, shift decode, barrel shifter + clamp (measured
  // ~380 LUT for y = 56 bits, docs/rtl/requant.md); per stage the group muxes.
  c.lut = double(r.lanes) * (sum + 6 * y) + double(pe) * (r.acc_bits + r.out_bits) / 2.0 + 40;
  c.ff = double(r.lanes) * (3 * sum + 2 * r.mult_bits + y + 40 + r.param_width()) +
         double(pe) * (r.acc_bits + 2 * r.out_bits) + 20;
  const int k = pe / std::max(1, r.lanes);
  c += memory_cost(std::int64_t(layer.out_channels() / pe) * k, std::int64_t(r.lanes) * r.param_width(), nullptr);
  return c;
}

}  // namespace

LayerCost estimate_mvu(const Layer& layer, int pe, int simd, std::optional<bool> use_dsp, int acc_bits) {
  LayerCost c;
  c.layer = layer.name;
  c.kind = layer.kind == LayerKind::kConv ? "conv" : "dense";
  c.pe = pe;
  c.simd = simd;
  c.acc_bits = acc_bits > 0 ? acc_bits : accumulator_bits(layer);
  c.cycles = mvu_cycles(layer, pe, simd);
  if (layer.kind == LayerKind::kConv) c.cycles = std::max<std::int64_t>(c.cycles, layer.input.height * layer.input.width);

  const int wb = hw_weight_bits(layer), ib = layer.input_bits;
  const std::int64_t lanes = std::int64_t(pe) * simd;
  // USE_DSP only changes 8-bit weights (rtl/mvtu.sv); other widths always use LUTs.
  const bool dsp = wb == 8 && use_dsp.value_or(mvtu_uses_dsp(layer));
  c.dsp = dsp;
  const double per_lane = lane_luts(wb, ib, dsp);
  Resources& r = c.resources;
  r.lut += per_lane * double(lanes);
  r.ff += double(lanes) * (wb + ib) / 2.0;  // pipeline registers in the adder tree
  if (dsp) r.dsp += double(lanes);

  // Accumulator and output stage per PE.
  r.lut += double(pe) * c.acc_bits;
  r.ff += double(pe) * c.acc_bits * 2;
  const std::int64_t out = layer.out_channels();
  if (layer.output_kind == qmodel::OutputKind::kThresholds) {
    c.output_stage = "thresholds";
    const int t = layer.threshold_count();
    r.lut += double(pe) * t * c.acc_bits / 2.0;  // comparators on carry chains
    r += memory_cost(out / pe, std::int64_t(pe) * t * c.acc_bits, nullptr);
  } else if (layer.output_kind == qmodel::OutputKind::kRequant) {
    // The mvtu emits raw accumulators into rtl/requant.sv.
    c.output_stage = "requant";
    c.requant = requant_shape(layer, pe, simd, c.acc_bits);
    r += requant_cost(layer, pe, c.requant);
  } else if (layer.output_kind == qmodel::OutputKind::kLogits) {
    c.output_stage = "logits";
    r.dsp += double(pe) * 4;  // 32 x acc multiply, 64-bit add
    r.lut += double(pe) * 150 + 150;  // score add, argmax
    r.ff += double(pe) * 128;
    r += memory_cost(out / pe, std::int64_t(pe) * 96, nullptr);
  }

  // Weights: PE*SIMD*wb bits per word, one word per cycle.
  c.weight_width = lanes * wb;
  c.weight_depth = (layer.fan_in() / simd) * (out / pe);
  r += memory_cost(c.weight_depth, c.weight_width, &c.weight_memory);

  // Sliding-window generator: K line buffers of the (padded) input rows plus the window.
  if (layer.kind == LayerKind::kConv) {
    const std::int64_t row_bits = std::int64_t(layer.input.width + 2 * layer.padding) * layer.input.channels * ib;
    r += memory_cost(std::int64_t(layer.kernel) * (layer.input.width + 2 * layer.padding),
                     std::int64_t(layer.input.channels) * ib, nullptr);
    r.ff += double(std::int64_t(layer.kernel) * layer.kernel * layer.input.channels * ib);
    r.lut += double(layer.kernel) * layer.kernel * layer.input.channels * ib / 2.0 + 200;  // tap muxes, control
    (void)row_bits;
  }
  r.lut += 150;  // stream control, FIFOs
  r.ff += 200;
  return c;
}

CostEstimate estimate_cost(const qmodel::Model& model, const Folding& folding) {
  CostEstimate e;
  LayerCost in;
  in.layer = "input";
  in.kind = "input";
  in.cycles = model.input.elements();  // one 8-bit pixel per beat
  in.resources = Resources{50, 50, 0, 0};
  e.layers.push_back(in);
  for (std::size_t i = 0; i < model.layers.size(); ++i) {
    const Layer& layer = model.layers[i];
    if (layer.kind == LayerKind::kMaxPool) {
      LayerCost c;
      c.layer = layer.name;
      c.kind = "maxpool";
      // One beat per cycle; a beat carries the producer's PE channels.
      int simd = 1;
      for (const auto& lf : folding.layers)
        if (lf.index < int(i)) simd = lf.pe;
      c.cycles = std::int64_t(layer.input.height) * layer.input.width * (layer.input.channels / std::max(1, simd));
      const std::int64_t cw = std::int64_t(layer.input.channels) * layer.input_bits;
      c.resources = memory_cost(layer.output.width, cw, nullptr);
      c.resources.lut += double(cw) + 100;
      c.resources.ff += double(cw) * 2 + 100;
      e.layers.push_back(c);
      continue;
    }
    const LayerFolding* f = nullptr;
    for (const auto& lf : folding.layers)
      if (lf.index == int(i)) f = &lf;
    if (!f) throw Error("folding", fmt::format("layer '{}' (#{}) has no PE/SIMD", layer.name, i));
    e.layers.push_back(estimate_mvu(layer, f->pe, f->simd, folding_uses_dsp(layer, *f)));
  }
  for (const auto& c : e.layers) {
    e.total += c.resources;
    if (c.cycles > e.ideal_cycles) {
      e.ideal_cycles = c.cycles;
      e.bottleneck = c.layer;
    }
  }
  return e;
}

std::string overflow(const Resources& r, const Device& d, const FoldingGoal& g) {
  std::string out;
  auto check = [&](const char* name, double have, double cap, double frac) {
    if (have > cap * frac + 1e-9)
      out += fmt::format("{}{} {:.0f} > {:.0f} ({:.0f}% of {:.0f})", out.empty() ? "" : ", ", name, have, cap * frac,
                         frac * 100, cap);
  };
  check("LUT", r.lut, d.capacity.lut, g.max_lut_fraction);
  check("FF", r.ff, d.capacity.ff, g.max_ff_fraction);
  check("BRAM36", r.bram36, d.capacity.bram36, g.max_bram_fraction);
  check("DSP48E1", r.dsp, d.capacity.dsp, g.max_dsp_fraction);
  return out;
}

std::string binding_resource(const qmodel::Model& model, const CostEstimate& e, const Device& d,
                             const FoldingGoal& g) {
  struct Kind { const char* name; double Resources::*field; double cap; };
  const Kind kinds[] = {{"LUT", &Resources::lut, d.capacity.lut * g.max_lut_fraction},
                        {"FF", &Resources::ff, d.capacity.ff * g.max_ff_fraction},
                        {"BRAM36", &Resources::bram36, d.capacity.bram36 * g.max_bram_fraction},
                        {"DSP48E1", &Resources::dsp, d.capacity.dsp * g.max_dsp_fraction}};
  for (const Kind& k : kinds) {
    if (e.total.*k.field <= k.cap + 1e-9) continue;
    const LayerCost* worst = nullptr;
    for (const auto& c : e.layers)
      if (!worst || c.resources.*k.field > worst->resources.*k.field) worst = &c;
    if (!worst) return {};
    std::string what;
    int index = -1;
    for (std::size_t i = 0; i < model.layers.size(); ++i)
      if (model.layers[i].name == worst->layer) index = int(i);
    if (worst->pe) {
      const Layer& l = model.layers[std::size_t(index)];
      what = fmt::format("PE {} SIMD {}, {}-bit weights x {}-bit inputs{}, {} output stage; weights {} x {}-bit words "
                         "in {}",
                         worst->pe, worst->simd, l.weight_bits, l.input_bits,
                         hw_weight_bits(l) == 8 ? (worst->dsp ? " on DSP48" : " on LUT multipliers") : "",
                         worst->output_stage, worst->weight_depth, worst->weight_width, worst->weight_memory);
    } else {
      what = worst->kind;
    }
    return fmt::format("binding resource {}: layer '{}' (#{}) needs {:.1f} of it alone ({})", k.name, worst->layer,
                       index, worst->resources.*k.field, what);
  }
  return {};
}

void check_fits(const qmodel::Model& model, const CostEstimate& e, const Device& d, const std::string& where) {
  FoldingGoal full;
  full.max_lut_fraction = full.max_bram_fraction = full.max_dsp_fraction = full.max_ff_fraction = 1.0;
  std::string over = overflow(e.total, d, full);
  if (!over.empty())
    throw Error(where, fmt::format("estimated design does not fit the {}: {}; {}; lower PE/SIMD", d.name, over,
                                   binding_resource(model, e, d, full)));
}

}  // namespace dorefa::hw
