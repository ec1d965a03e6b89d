#include "hw/cost_model.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include <fmt/format.h>

#include "hw/cost_calibration.hpp"
#include "qmodel/validate.hpp"
#include "util/error.hpp"

namespace dorefa::hw {
namespace {

using qmodel::Layer;
using qmodel::LayerKind;

// The generator's default FIFO depth (CompileOptions::fifo_depth, `--fifo-depth`).
constexpr int kFifoDepth = 32;

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

std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

namespace cal = calibration;

// Where Yosys 0.23 puts a memory (memory_libmap with +/xilinx/brams_xc4v.txt and
// lutrams_xc5v.txt): the cheapest of block RAM (RAMB18 cost 129, RAMB36 257, one aspect
// ratio per memory), distributed RAM (8 per RAM32M/RAM64M cell; never for ROMs, the
// library prunes them) and soft logic (a ROM bit 1/64: a LUT6 holds 64, and it is where
// Yosys put the fit designs' ROMs). The same rule as
// bench/hw/cost_fit.py map_memory; BRAM36 estimates come from it alone. Asynchronous
// reads (FIFOs, the max-pool row buffer) count as synchronous: Yosys moves the
// read-address register into the port, so a deep FIFO can land in block RAM too.
enum class MemoryKind {
  kRom,  // read only, initialized (weights, thresholds, parameters)
  kRam,  // written too (FIFOs, line buffers, row buffers, the mvtu's input replay buffer)
};

struct MemoryMap {
  std::string style;  // "bram", "lutram", "logic", "register" or "" (no memory)
  double bram36 = 0;
  double luts = 0;    // storage LUTs (LUTRAM cells, or the ROM as LUT6 logic)
};

std::int64_t lutram_cells(std::int64_t width, std::int64_t depth) {
  if (depth <= 32) return ceil_div(width, 6);       // RAM32M: 32 x 6 simple dual port
  return ceil_div(width, 3) * ceil_div(depth, 64);  // RAM64M: 64 x 3
}

// Over 64 words the LUTRAM cells' outputs need a multiplexer: a soft-logic bit per row.
std::int64_t lutram_mux_bits(std::int64_t width, std::int64_t depth) {
  return depth > 64 ? width * (ceil_div(depth, 64) - 1) : 0;
}

MemoryMap map_memory(std::int64_t width, std::int64_t depth, MemoryKind kind) {
  if (width <= 0 || depth <= 0) return {};
  struct Shape { std::int64_t w, d; double cost, bram36; };
  static constexpr Shape kShapes[] = {
      {1, 16384, 129, 0.5}, {2, 8192, 129, 0.5}, {4, 4096, 129, 0.5}, {9, 2048, 129, 0.5}, {18, 1024, 129, 0.5},
      {36, 512, 129, 0.5},  {1, 32768, 257, 1},  {2, 16384, 257, 1},  {4, 8192, 257, 1},   {9, 4096, 257, 1},
      {18, 2048, 257, 1},   {36, 1024, 257, 1},  {72, 512, 257, 1}};
  double cost = 1e300, bram36 = 0;
  for (const auto& s : kShapes) {
    const double n = double(ceil_div(width, s.w) * ceil_div(depth, s.d));
    if (n * s.cost < cost) cost = n * s.cost, bram36 = n * s.bram36;
  }
  if (kind == MemoryKind::kRom) {
    // As logic: a LUT6 per output bit and 64 words; two words or fewer are wires.
    if (double(width * depth) / 64 <= cost) return {"logic", 0, depth > 2 ? double(width * ceil_div(depth, 64)) : 0.0};
    return {"bram", bram36, 0};
  }
  if (depth == 1) return {"register", 0, 0};  // one word is a register: no memory left to map
  const std::int64_t cells = lutram_cells(width, depth);
  if (double(8 * cells + lutram_mux_bits(width, depth)) <= cost) return {"lutram", 0, 4.0 * double(cells)};
  return {"bram", bram36, 0};
}

// One engine's estimate: the calibrated LUT/FF/DSP coefficients (cost_calibration.hpp)
// applied to its features, BRAM36 from the memory rule.
template <class Features>
Resources engine(const Features& f, const Features& lut, const Features& ff, const Features& dsp, double bram36) {
  return Resources{cal::apply(f, lut), cal::apply(f, ff), bram36, cal::apply(f, dsp)};
}

// k-bit DoReFa weights are odd integers in k+1 bits: the LSB is always 1 and Yosys drops
// the constant column from the weight ROM.
int weight_store_bits(const Layer& layer, int w_bits) {
  return layer.weight_kind == qmodel::WeightKind::kDorefa ? std::max(1, w_bits - 1) : w_bits;
}

// The FIFO's depth as the generator sizes it (generator.cpp TopWriter::fifo): half the
// default for beats over 256 bits, doubled up to `min_depth` (at most 4096).
std::int64_t fifo_depth(std::int64_t width, std::int64_t min_depth) {
  std::int64_t depth = width > 256 ? std::max(2, kFifoDepth / 2) : kFifoDepth;
  while (depth < min_depth && depth < 4096) depth *= 2;
  return depth;
}

Resources fifo_cost(std::int64_t data_width, std::int64_t min_depth) {
  cal::AxisFifoFeatures f;
  const std::int64_t w = data_width + 1;  // tlast is stored with the data
  const std::int64_t depth = fifo_depth(data_width, min_depth);
  const MemoryMap m = map_memory(w, depth, MemoryKind::kRam);
  f.base = 1;
  f.width = double(w);
  f.lutram_luts = m.luts;
  f.mux_bits = m.style == "lutram" ? double(lutram_mux_bits(w, depth)) : 0.0;
  int address_bits = 1;
  while ((std::int64_t(1) << address_bits) < depth) ++address_bits;
  f.address_bits = address_bits;
  return engine(f, cal::kAxisFifoLut, cal::kAxisFifoFf, cal::kAxisFifoDsp, m.bram36);
}

Resources width_converter_cost(int elem_bits, int in_elems, int out_elems) {
  cal::AxisWidthConverterFeatures f;
  f.base = 1;
  f.in_bits = double(in_elems) * elem_bits;
  f.out_bits = double(out_elems) * elem_bits;
  return engine(f, cal::kAxisWidthConverterLut, cal::kAxisWidthConverterFf, cal::kAxisWidthConverterDsp, 0);
}

// Minimum depth of the FIFO in front of layer `next` (generator.cpp depth_before, which
// explains why): KERNEL padded input rows before a conv, a whole input vector before a
// dense layer that takes the producer's beats as they are.
std::int64_t depth_before(const qmodel::Model& model, const Folding& folding, std::size_t next, int elems) {
  if (next >= model.layers.size()) return 0;
  const Layer& l = model.layers[next];
  const int e = std::max(1, elems);
  if (l.kind == LayerKind::kConv) return std::int64_t(l.kernel) * (l.input.width + 2 * l.padding) * (l.input.channels / e);
  if (l.kind == LayerKind::kDense) {
    const LayerFolding* f = folding.find(l.name);
    if (f && f->simd == e) return l.fan_in() / e;
  }
  return 0;
}

// rtl/requant.sv at `r` (features as cost_fit.py requant_features).
Resources requant_cost(const Layer& layer, int pe, const RequantShape& r) {
  cal::RequantFeatures f;
  const double y = r.y_bits(), lanes = r.lanes;
  f.base = 1;
  f.lanes = lanes;
  f.lane_sum_bits = lanes * r.sum_bits();
  f.lane_product_bits = lanes * y;
  f.lane_shift_bits = lanes * y * std::max(1.0, std::ceil(std::log2(double(r.shift_max) + 1))) / 6.0;
  f.pe_bits = double(pe) * (r.acc_bits + r.out_bits);
  f.dsp_units = lanes * r.dsp_per_lane();
  const MemoryMap m = map_memory(std::int64_t(r.lanes) * r.param_width(),
                                 std::int64_t(layer.out_channels() / pe) * (pe / std::max(1, r.lanes)), MemoryKind::kRom);
  if (m.style == "logic") f.rom_luts = m.luts;
  return engine(f, cal::kRequantLut, cal::kRequantFf, cal::kRequantDsp, m.bram36);
}

// rtl/logits_argmax.sv: scores = acc * mul + add per class, the argmax.
Resources logits_cost(const Layer& layer, int pe, int acc_bits) {
  cal::LogitsArgmaxFeatures f;
  const MemoryMap m = map_memory(96, layer.out_channels(), MemoryKind::kRom);
  f.base = 1;
  f.pe = pe;
  f.pe_bits = double(pe) * (acc_bits + 32);
  if (m.style == "logic") f.rom_luts = m.luts;
  // One acc x 32-bit multiplier for all PE lanes, in 17-bit tiles of the accumulator
  // (two DSP48E1 each for the 32-bit factor).
  f.multiplier_tiles = 2.0 * double(ceil_div(acc_bits, 17));
  return engine(f, cal::kLogitsArgmaxLut, cal::kLogitsArgmaxFf, cal::kLogitsArgmaxDsp, m.bram36);
}

// rtl/sliding_window.sv: K-1 line buffers of the padded input rows, the K x K window.
Resources sliding_window_cost(const Layer& layer, int in_elems, int out_simd) {
  cal::SlidingWindowFeatures f;
  const std::int64_t pixw = std::int64_t(layer.input.channels) * layer.input_bits;
  f.base = 1;
  f.window_bits = double(layer.kernel * layer.kernel * pixw);
  f.out_bits = double(out_simd) * layer.input_bits;
  f.in_bits = double(in_elems) * layer.input_bits;
  MemoryMap m;
  if (layer.kernel > 1)
    m = map_memory((layer.kernel - 1) * pixw, layer.input.width + 2 * layer.padding, MemoryKind::kRam);
  f.lutram_luts = m.style == "lutram" ? m.luts : 0;
  return engine(f, cal::kSlidingWindowLut, cal::kSlidingWindowFf, cal::kSlidingWindowDsp, m.bram36);
}

// rtl/maxpool.sv: a row buffer of the running maxima (distributed RAM), SIMD comparators.
Resources maxpool_cost(const Layer& layer, int simd) {
  cal::MaxpoolFeatures f;
  const std::int64_t dw = std::int64_t(simd) * layer.input_bits;
  f.base = 1;
  f.simd_bits = double(dw);
  const MemoryMap m = map_memory(dw, (layer.input.width / layer.kernel) * (layer.input.channels / simd), MemoryKind::kRam);
  f.lutram_luts = m.luts;
  return engine(f, cal::kMaxpoolLut, cal::kMaxpoolFf, cal::kMaxpoolDsp, m.bram36);
}

// Where a layer sits in the stream: what the generator needs to size its converters and
// FIFOs. estimate_mvu (a layer alone, for the folding search) assumes a producer beat of
// SIMD elements and no extra FIFO depth.
struct StreamContext {
  int in_elems = 0;               // elements per beat from the producer (0: SIMD)
  std::int64_t out_min_depth = 0;  // depth_before the next layer
};

LayerCost layer_cost(const Layer& layer, int pe, int simd, std::optional<bool> use_dsp, int acc_bits,
                     const StreamContext& ctx) {
  LayerCost c;
  c.layer = layer.name;
  c.kind = layer.kind == LayerKind::kConv ? "conv" : "dense";
  c.pe = pe;
  c.simd = simd;
  c.acc_bits = acc_bits > 0 ? acc_bits : accumulator_bits(layer);
  c.cycles = mvu_cycles(layer, pe, simd);
  if (layer.kind == LayerKind::kConv) c.cycles = std::max<std::int64_t>(c.cycles, layer.input.height * layer.input.width);

  const int w = hw_weight_bits(layer), i = layer.input_bits;
  const std::int64_t lanes = std::int64_t(pe) * simd, sf = layer.fan_in() / simd, nf = layer.out_channels() / pe;
  // USE_DSP only changes 8-bit weights (rtl/mvtu.sv); other widths always use LUTs.
  const bool dsp = w == 8 && use_dsp.value_or(mvtu_uses_dsp(layer));
  c.dsp = dsp;
  const int in_elems = ctx.in_elems > 0 ? ctx.in_elems : simd;
  Resources& r = c.resources;

  // Before the mvtu: a conv's sliding window and its FIFO; a dense layer's width
  // converters (one when one size divides the other, else two through the lcm), each
  // with its FIFO (generator.cpp).
  if (layer.kind == LayerKind::kConv) {
    r += sliding_window_cost(layer, in_elems, simd);
    r += fifo_cost(std::int64_t(simd) * i, 0);
  } else if (in_elems != simd) {
    std::vector<int> sizes = {simd};
    if (simd % in_elems != 0 && in_elems % simd != 0) sizes = {std::lcm(in_elems, simd), simd};
    int from = in_elems;
    for (int size : sizes) {
      r += width_converter_cost(i, from, size);
      r += fifo_cost(std::int64_t(size) * i, size == simd ? sf : 0);
      from = size;
    }
  }

  // The mvtu (features as cost_fit.py mvtu_features).
  cal::MvtuFeatures f;
  f.base = 1;
  if (w == 1) {
    f.binary_lane_bits = double(lanes * i);  // select + add per lane (rtl/mvtu.sv g_bin)
  } else {
    f.product_bits = double(lanes * (i + w));  // the adder tree over the products
    if (dsp) f.dsp_lanes = double(lanes);
    else f.lut_mult_bits = double(lanes * (i < w ? i - 1 : w - 1) * (i + w));  // shift-add partial products
  }
  const int nt = layer.output_kind == qmodel::OutputKind::kThresholds ? layer.threshold_count() : 0;
  f.acc_bits = double(pe) * c.acc_bits;
  f.threshold_bits = double(pe) * nt * c.acc_bits;
  f.input_bits = double(simd) * i;
  c.weight_width = lanes * w;
  c.weight_depth = sf * nf;
  const MemoryMap wm = map_memory(lanes * weight_store_bits(layer, w), c.weight_depth, MemoryKind::kRom);
  const MemoryMap tm = map_memory(std::int64_t(pe) * nt * c.acc_bits, nf, MemoryKind::kRom);
  const MemoryMap ib = nf > 1 ? map_memory(std::int64_t(simd) * i, sf, MemoryKind::kRam) : MemoryMap{};
  c.weight_memory = wm.style;
  for (const MemoryMap* m : {&wm, &tm, &ib}) {
    if (m->style == "logic") {
      f.rom_luts += m->luts;
      f.rom_width += double(m == &wm ? lanes * weight_store_bits(layer, w) : std::int64_t(pe) * nt * c.acc_bits);
    } else if (m->style == "lutram") {
      f.lutram_luts += m->luts;
    }
  }
  r += engine(f, cal::kMvtuLut, cal::kMvtuFf, cal::kMvtuDsp, wm.bram36 + tm.bram36 + ib.bram36);

  // After it: the output stage, then the FIFO to the next layer.
  std::int64_t out_width = std::int64_t(pe) * layer.output_bits;
  if (layer.output_kind == qmodel::OutputKind::kThresholds) {
    c.output_stage = "thresholds";
  } else if (layer.output_kind == qmodel::OutputKind::kRequant) {
    c.output_stage = "requant";  // the mvtu emits raw accumulators into rtl/requant.sv
    c.requant = requant_shape(layer, pe, simd, c.acc_bits);
    r += requant_cost(layer, pe, c.requant);
  } else if (layer.output_kind == qmodel::OutputKind::kLogits) {
    c.output_stage = "logits";
    out_width = std::int64_t(pe) * c.acc_bits;
    r += logits_cost(layer, pe, c.acc_bits);
  }
  r += fifo_cost(out_width, ctx.out_min_depth);
  return c;
}

}  // namespace

LayerCost estimate_mvu(const Layer& layer, int pe, int simd, std::optional<bool> use_dsp, int acc_bits) {
  return layer_cost(layer, pe, simd, use_dsp, acc_bits, StreamContext{});
}

CostEstimate estimate_cost(const qmodel::Model& model, const Folding& folding) {
  CostEstimate e;
  LayerCost in;
  in.layer = "input";
  in.kind = "input";
  in.cycles = input_cycles(model, folding.input_elems);  // folding.input_elems 8-bit elements per beat
  in.resources = fifo_cost(8 * std::int64_t(folding.input_elems), depth_before(model, folding, 0, folding.input_elems));
  e.layers.push_back(in);
  int elems = folding.input_elems;  // elements per beat of the stream entering layer i
  for (std::size_t i = 0; i < model.layers.size(); ++i) {
    const Layer& layer = model.layers[i];
    if (layer.kind == LayerKind::kMaxPool) {
      LayerCost c;
      c.layer = layer.name;
      c.kind = "maxpool";
      // One beat per cycle; a beat carries the producer's elements.
      c.cycles = std::int64_t(layer.input.height) * layer.input.width * (layer.input.channels / std::max(1, elems));
      c.resources = maxpool_cost(layer, elems);
      c.resources += fifo_cost(std::int64_t(elems) * layer.input_bits, depth_before(model, folding, i + 1, elems));
      e.layers.push_back(c);
      continue;
    }
    const LayerFolding* f = nullptr;
    for (const auto& lf : folding.layers)
      if (lf.index == int(i)) f = &lf;
    if (!f) throw Error("folding", fmt::format("layer '{}' (#{}) has no PE/SIMD", layer.name, i));
    e.layers.push_back(layer_cost(layer, f->pe, f->simd, folding_uses_dsp(layer, *f), 0,
                                  StreamContext{elems, depth_before(model, folding, i + 1, f->pe)}));
    elems = f->pe;
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
