#include "hw/folding.hpp"

#include <algorithm>
#include <limits>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include "hw/cost_model.hpp"
#include "hw/requant_stage.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"

namespace dorefa::hw {
namespace {

using qmodel::Layer;
using qmodel::LayerKind;
using qmodel::OutputKind;

std::vector<int> divisors(std::int64_t n) {
  std::vector<int> d;
  for (std::int64_t i = 1; i <= n; ++i)
    if (n % i == 0) d.push_back(int(i));
  return d;
}

std::string layer_where(const Layer& layer, std::size_t i) { return fmt::format("layer '{}' (#{})", layer.name, i); }

}  // namespace

const LayerFolding* Folding::find(const std::string& layer) const {
  for (const auto& f : layers)
    if (f.layer == layer) return &f;
  return nullptr;
}

void check_supported(const qmodel::Model& model) {
  if (model.layers.empty()) throw Error("model '" + model.name + "'", "has no layers");
  if (model.input_bits != 8) throw Error("model input", fmt::format("expected 8-bit pixels, found {} bits", model.input_bits));
  qmodel::Shape shape = model.input;
  for (std::size_t i = 0; i < model.layers.size(); ++i) {
    const Layer& l = model.layers[i];
    const std::string where = layer_where(l, i);
    const bool last = i + 1 == model.layers.size();
    if (!(l.input == shape))
      throw Error(where, fmt::format("input shape {}x{}x{} does not follow the previous output {}x{}x{}", l.input.height,
                                     l.input.width, l.input.channels, shape.height, shape.width, shape.channels));
    if (l.input_bits < 1 || l.input_bits > 8)
      throw Error(where, fmt::format("input bits must be 1..8 for the hardware, found {}", l.input_bits));
    switch (l.kind) {
      case LayerKind::kMaxPool:
        if (l.padding != 0) throw Error(where, "unsupported layer: max-pool with padding (the rtl maxpool has none)");
        if (l.stride != l.kernel)
          throw Error(where, fmt::format("unsupported layer: max-pool with stride {} != kernel {} (the rtl maxpool "
                                         "has stride = kernel)", l.stride, l.kernel));
        if (l.kernel < 1 || l.stride < 1) throw Error(where, "max-pool kernel and stride must be >= 1");
        if (last) throw Error(where, "the last layer must be a dense layer with logits, found max-pool");
        break;
      case LayerKind::kConv:
      case LayerKind::kDense:
        if (l.weight_bits < 1 || l.weight_bits > 8)
          throw Error(where, fmt::format("weight bits must be 1..8, found {}", l.weight_bits));
        if (l.output_kind == OutputKind::kRequant) check_requant_params(l, where);
        if (l.output_kind == OutputKind::kLogits && !last)
          throw Error(where, "logits output stage is only supported on the last layer");
        if (l.kind == LayerKind::kConv && l.output_kind == OutputKind::kLogits)
          throw Error(where, "unsupported layer: a conv layer with logits; the last layer must be dense");
        if (last && l.output_kind != OutputKind::kLogits)
          throw Error(where, "the last layer must end in logits");
        if (l.kind == LayerKind::kConv && (l.kernel < 1 || l.stride < 1 || l.padding < 0 || l.padding >= l.kernel))
          throw Error(where, fmt::format("unsupported conv geometry K={} S={} P={}", l.kernel, l.stride, l.padding));
        if (l.output_kind == OutputKind::kThresholds && (l.output_bits < 1 || l.output_bits > 8))
          throw Error(where, fmt::format("output bits must be 1..8, found {}", l.output_bits));
        if (std::int64_t(l.weights.size()) != l.fan_in() * l.out_channels())
          throw Error(where, fmt::format("expected {} weights, found {}", l.fan_in() * l.out_channels(), l.weights.size()));
        break;
      default:
        throw Error(where, fmt::format("unsupported layer kind {}", int(l.kind)));
    }
    shape = l.output;
  }
}

bool simd_divides(const Layer& layer, int simd) {
  if (simd < 1) return false;
  // sliding_window emits any divisor of K*K*C_in per beat (docs/rtl/interfaces.md).
  return layer.fan_in() % simd == 0;
}

std::vector<int> pe_choices(const Layer& layer) { return divisors(layer.out_channels()); }

std::vector<int> simd_choices(const Layer& layer) {
  std::vector<int> out;
  for (int d : divisors(layer.fan_in()))
    if (simd_divides(layer, d)) out.push_back(d);
  return out;
}

std::int64_t mvu_cycles(const Layer& layer, int pe, int simd) {
  const std::int64_t pixels = std::int64_t(layer.output.height) * layer.output.width;
  return pixels * (layer.fan_in() / simd) * (layer.out_channels() / pe);
}

std::vector<int> input_elems_choices(const qmodel::Model& model) {
  std::vector<int> out;
  const Layer* first = model.layers.empty() ? nullptr : &model.layers.front();
  const bool per_pixel = first && first->kind != LayerKind::kDense;
  for (int e : {1, 2, 4, 8})
    if (model.input.elements() % e == 0 && (!per_pixel || model.input.channels % e == 0)) out.push_back(e);
  return out;
}

std::int64_t input_cycles(const qmodel::Model& model, int elems) {
  return (model.input.elements() + elems - 1) / std::max(1, elems);
}

void validate_folding(const qmodel::Model& model, const Folding& folding) {
  const std::vector<int> widths = input_elems_choices(model);
  if (std::find(widths.begin(), widths.end(), folding.input_elems) == widths.end())
    throw Error("folding", fmt::format("{} input elements per beat is not a legal width for model '{}' (expected one "
                                       "of: {})",
                                       folding.input_elems, model.name, fmt::join(widths, ", ")));
  for (const auto& f : folding.layers) {
    bool known = false;
    for (const auto& l : model.layers) known |= l.name == f.layer && l.has_weights();
    if (!known) throw Error("folding", fmt::format("unknown layer '{}': not a conv/dense layer of model '{}'", f.layer, model.name));
  }
  for (std::size_t i = 0; i < model.layers.size(); ++i) {
    const Layer& l = model.layers[i];
    if (!l.has_weights()) continue;
    const LayerFolding* f = folding.find(l.name);
    if (!f) throw Error("folding", fmt::format("{} has no PE/SIMD", layer_where(l, i)));
    const std::string where = "folding of " + layer_where(l, i);
    if (f->pe < 1 || l.out_channels() % f->pe != 0)
      throw Error(where, fmt::format("PE {} does not divide the {} output channels", f->pe, l.out_channels()));
    if (f->dsp.value_or(false) && hw_weight_bits(l) != 8)
      throw Error(where, fmt::format("dsp = true needs 8-bit weights (DSP48 lanes multiply 8-bit weights), found "
                                     "{}-bit weights", l.weight_bits));
    if (!simd_divides(l, f->simd)) {
      throw Error(where, fmt::format("SIMD {} does not divide the fan-in {}{}", f->simd, l.fan_in(),
                                     l.kind == LayerKind::kConv
                                         ? fmt::format(" (K*K*C_in = {}*{}*{})", l.kernel, l.kernel, l.input.channels)
                                         : std::string()));
    }
  }
}

std::vector<FoldingOverride> read_folding_file(const std::filesystem::path& path) {
  const std::string text = util::read_file_text(path);
  const std::string where = path.string();
  // One reader for both syntaxes: a TOML file is turned into the JSON document it spells
  // (toml++'s JSON formatter keeps integers as integers, floats as floats), then read as JSON.
  nlohmann::json j;
  if (path.extension() == ".toml") {
    toml::table tbl;
    try {
      tbl = toml::parse(text, where);
    } catch (const toml::parse_error& e) {
      throw Error(where, fmt::format("not valid TOML: {}", e.description()));
    }
    std::ostringstream as_json;
    as_json << toml::json_formatter{tbl};
    j = nlohmann::json::parse(as_json.str());
  } else {
    try {
      j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
      throw Error(where, fmt::format("not valid JSON: {}", e.what()));
    }
  }
  if (j.is_object() && j.contains("layers")) j = j["layers"];
  std::vector<FoldingOverride> out;
  auto one = [&](const std::string& name, const nlohmann::json& v) {
    if (!v.is_object()) throw Error(where, fmt::format("'{}' must be a table (object) with pe and simd", name));
    FoldingOverride o;
    o.layer = name;
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (it.key() == "layer") continue;
      if (it.key() == "dsp") {
        if (!it.value().is_boolean()) throw Error(where, fmt::format("{}.dsp must be true or false", name));
        o.dsp = it.value().get<bool>();
        continue;
      }
      if (!it.value().is_number_integer())
        throw Error(where, fmt::format("{}.{} must be an integer", name, it.key()));
      if (it.key() == "pe") o.pe = it.value().get<int>();
      else if (it.key() == "simd") o.simd = it.value().get<int>();
      else throw Error(where, fmt::format("{}: unknown field '{}' (expected pe, simd, dsp)", name, it.key()));
    }
    out.push_back(o);
  };
  if (j.is_array()) {
    for (const auto& v : j) {
      if (!v.is_object() || !v.contains("layer") || !v["layer"].is_string())
        throw Error(where, "each entry of the layer list needs a \"layer\" name");
      one(v["layer"].get<std::string>(), v);
    }
  } else if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) one(it.key(), it.value());
  } else {
    throw Error(where, "expected an object of layer name -> {pe, simd}");
  }
  return out;
}

void assign_dsp(const qmodel::Model& model, Folding& f, const Device& device, const FoldingGoal& goal) {
  std::vector<LayerFolding*> eligible;
  for (auto& lf : f.layers) {
    if (lf.dsp) continue;  // chosen already (a folding file)
    lf.dsp = false;
    if (mvtu_uses_dsp(model.layers[std::size_t(lf.index)])) eligible.push_back(&lf);
  }
  double budget = device.capacity.dsp * goal.max_dsp_fraction - estimate_cost(model, f).total.dsp;
  std::stable_sort(eligible.begin(), eligible.end(),
                   [](const LayerFolding* a, const LayerFolding* b) { return a->pe * a->simd > b->pe * b->simd; });
  for (LayerFolding* lf : eligible) {
    const double lanes = double(lf->pe) * lf->simd;
    const std::string sep = lf->why.empty() ? "" : "; ";
    if (lanes <= budget + 1e-9) {
      lf->dsp = true;
      budget -= lanes;
      lf->why += sep + fmt::format("{:.0f} multiplier{} on DSP48s (8-bit x wide lanes, the largest layers first)", lanes,
                                   lanes == 1 ? "" : "s");
    } else {
      lf->why += sep + fmt::format("LUT multipliers: {:.0f} lanes, {:.0f} DSP48s left in the budget", lanes,
                                   std::max(0.0, budget));
    }
  }
}

std::int64_t fastest_cycles(const qmodel::Model& model, std::string* what) {
  const int widest = input_elems_choices(model).back();
  std::int64_t best = input_cycles(model, widest);
  if (what)
    *what = widest == 1 ? fmt::format("the input stream (one 8-bit pixel per cycle: {} cycles/image{})", best,
                                      model.layers.empty() || model.layers.front().kind == LayerKind::kDense
                                          ? ""
                                          : "; a sliding window takes one pixel per cycle")
                        : fmt::format("the input stream ({} 8-bit elements per cycle: {} cycles/image)", widest, best);
  for (const auto& l : model.layers) {
    if (!l.has_weights()) continue;
    const std::int64_t c = mvu_cycles(l, pe_choices(l).back(), simd_choices(l).back());
    if (c > best) {
      best = c;
      if (what)
        *what = fmt::format("layer '{}' (at its full PE = {}, SIMD = {}: {} cycles/image)", l.name, pe_choices(l).back(),
                            simd_choices(l).back(), c);
    }
  }
  return best;
}

namespace {

// Per layer the cheapest (resource-weighted) PE x SIMD meeting `target` cycles, else the
// fastest; then the DSPs. Every layer runs at least as fast as the target and no faster
// than it needs: the stages are balanced against the slowest.
Folding fold_for_target(const qmodel::Model& model, const Device& device, const FoldingGoal& goal,
                        const std::vector<int>& acc_bits, std::int64_t t) {
  Folding f;
  for (std::size_t i = 0; i < model.layers.size(); ++i) {
    const Layer& l = model.layers[i];
    if (!l.has_weights()) continue;
    LayerFolding best{l.name, int(i), 1, 1, {}, {}};
    double best_cost = std::numeric_limits<double>::infinity();
    std::int64_t best_cycles = std::numeric_limits<std::int64_t>::max();
    bool best_meets = false;
    for (int pe : pe_choices(l)) {
      for (int simd : simd_choices(l)) {
        std::int64_t cyc = mvu_cycles(l, pe, simd);
        bool meets = cyc <= t;
        LayerCost c = estimate_mvu(l, pe, simd, std::nullopt, acc_bits[i]);
        // Resource-weighted cost: DSPs and BRAMs are scarcer than LUTs.
        double cost = c.resources.lut + c.resources.bram36 * 400 + c.resources.dsp * 250;
        bool better = false;
        if (meets && !best_meets) better = true;
        else if (meets && best_meets) better = cost < best_cost;
        else if (!meets && !best_meets) better = cyc < best_cycles || (cyc == best_cycles && cost < best_cost);
        if (better) {
          best = LayerFolding{l.name, int(i), pe, simd, {}, {}};
          best_cost = cost;
          best_cycles = cyc;
          best_meets = meets;
        }
      }
    }
    best.why = best_meets ? fmt::format("cheapest PE x SIMD with <= {} cycles/image ({})", t, best_cycles)
                          : fmt::format("fastest PE x SIMD ({} cycles/image; {} is out of its reach)", best_cycles, t);
    f.layers.push_back(best);
  }
  // The narrowest input beat meeting the target (a wider one only costs FIFO bits, but
  // nothing is gained by it), else the widest.
  const std::vector<int> widths = input_elems_choices(model);
  f.input_elems = widths.back();
  for (int e : widths)
    if (input_cycles(model, e) <= t) {
      f.input_elems = e;
      break;
    }
  assign_dsp(model, f, device, goal);
  return f;
}

// The search behind kRelax and kFastest: from `target`, relaxed in 25 % steps until the
// design fits, then bisected back towards the last target that did not.
Folding relax_until_fits(const qmodel::Model& model, const Device& device, const FoldingGoal& goal,
                         const std::vector<int>& acc_bits, std::int64_t target) {
  std::int64_t slowest = model.input.elements();
  for (const auto& l : model.layers)
    if (l.has_weights()) slowest = std::max(slowest, mvu_cycles(l, 1, 1));
  auto fits = [&](const Folding& f) { return overflow(estimate_cost(model, f).total, device, goal).empty(); };
  std::string last_overflow;
  std::int64_t failed = 0;  // the last target that did not fit
  for (;;) {
    Folding f = fold_for_target(model, device, goal, acc_bits, target);
    if (fits(f)) {
      std::int64_t lo = failed, hi = target;
      while (lo > 0 && hi - lo > std::max<std::int64_t>(1, lo / 64)) {
        const std::int64_t mid = lo + (hi - lo) / 2;
        Folding g = fold_for_target(model, device, goal, acc_bits, mid);
        if (fits(g)) {
          hi = mid;
          f = std::move(g);
        } else {
          lo = mid;
        }
      }
      return f;
    }
    failed = target;
    last_overflow = overflow(estimate_cost(model, f).total, device, goal);
    if (target >= slowest) {
      // The slowest folding of every layer, to name what cannot fit.
      Folding slow;
      for (std::size_t i = 0; i < model.layers.size(); ++i)
        if (model.layers[i].has_weights()) slow.layers.push_back({model.layers[i].name, int(i), 1, 1, {}, {}});
      assign_dsp(model, slow, device, goal);
      const CostEstimate se = estimate_cost(model, slow);
      const std::string over = overflow(se.total, device, goal);
      if (!over.empty())
        throw Error("model '" + model.name + "'",
                    fmt::format("no folding fits the {} even at the slowest rate (PE = SIMD = 1): {}; {}", device.name,
                                over, binding_resource(model, se, device, goal)));
      break;
    }
    target = std::min(slowest, target + std::max<std::int64_t>(1, target / 4));
  }
  throw Error("model '" + model.name + "'",
              fmt::format("no folding fits the {} even at the slowest rate (PE = SIMD = 1): {}", device.name,
                          last_overflow));
}

}  // namespace

Folding default_folding(const qmodel::Model& model, const Device& device, const FoldingGoal& goal) {
  check_supported(model);
  std::vector<int> acc_bits(model.layers.size(), 0);  // reads every weight: once per layer
  for (std::size_t i = 0; i < model.layers.size(); ++i)
    if (model.layers[i].has_weights()) acc_bits[i] = accumulator_bits(model.layers[i]);
  std::string fastest_what;
  const std::int64_t fastest = fastest_cycles(model, &fastest_what);
  const double clock_hz = device.clock_mhz * 1e6;
  switch (goal.search) {
    case FoldingGoal::Search::kFastest:
      return relax_until_fits(model, device, goal, acc_bits, fastest);
    case FoldingGoal::Search::kExact: {
      const std::int64_t t = goal.target_cycles;
      if (t < fastest)
        throw Error("model '" + model.name + "'",
                    fmt::format("{:.0f} FPS ({} cycles/image at {:.0f} MHz) is out of reach: the fastest any folding "
                                "gets is {:.0f} FPS, bound by {}",
                                clock_hz / double(t), t, device.clock_mhz, clock_hz / double(fastest), fastest_what));
      Folding f = fold_for_target(model, device, goal, acc_bits, t);
      const CostEstimate est = estimate_cost(model, f);
      if (overflow(est.total, device, goal).empty()) return f;
      // Unreachable within the budget: say what binds and what the budget buys.
      std::string best;
      try {
        const Folding b = relax_until_fits(model, device, goal, acc_bits, fastest);
        const CostEstimate be = estimate_cost(model, b);
        best = fmt::format("the best that fits is {:.0f} FPS ({} cycles/image, bottleneck {})",
                           be.fps(device.clock_mhz), be.ideal_cycles, be.bottleneck);
      } catch (const Error&) {
        best = "no folding fits at all";
      }
      throw Error("model '" + model.name + "'",
                  fmt::format("{:.0f} FPS ({} cycles/image) does not fit the {} budget: {}; {}; {}", clock_hz / double(t),
                              t, device.name, overflow(est.total, device, goal), binding_resource(model, est, device, goal),
                              best));
    }
    case FoldingGoal::Search::kRelax:
      break;
  }
  return relax_until_fits(model, device, goal, acc_bits,
                          std::max<std::int64_t>(goal.target_cycles, input_cycles(model, input_elems_choices(model).back())));
}

Folding apply_overrides(const qmodel::Model& model, Folding base, const std::vector<FoldingOverride>& overrides,
                        const std::string& where) {
  for (const auto& o : overrides) {
    LayerFolding* f = nullptr;
    for (auto& lf : base.layers)
      if (lf.layer == o.layer) f = &lf;
    if (!f) {
      std::string names;
      for (const auto& lf : base.layers) names += (names.empty() ? "" : ", ") + lf.layer;
      throw Error(where, fmt::format("unknown layer '{}' (conv/dense layers: {})", o.layer, names));
    }
    if (o.pe) f->pe = *o.pe;
    if (o.simd) f->simd = *o.simd;
    if (o.dsp) f->dsp = *o.dsp;
    if (o.pe || o.simd || o.dsp) {
      f->why = fmt::format("PE = {}, SIMD = {} set by {}", f->pe, f->simd, where);
      if (o.dsp) f->why += *o.dsp ? " (DSP48 multipliers)" : " (LUT multipliers)";
    }
  }
  validate_folding(model, base);
  return base;
}

}  // namespace dorefa::hw
