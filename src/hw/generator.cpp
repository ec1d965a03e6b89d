#include "hw/generator.hpp"

#include <cstdlib>
#include <numeric>
#include <regex>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "hw/memory_image.hpp"
#include "hw/requant_stage.hpp"
#include "hw/system_generator.hpp"
#include "qmodel/model_file.hpp"
#include "qmodel/validate.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"
#include "util/sha256.hpp"

#ifndef DOREFA_SOURCE_ROOT
#define DOREFA_SOURCE_ROOT "."
#endif

namespace dorefa::hw {
namespace fs = std::filesystem;
using qmodel::Layer;
using qmodel::LayerKind;
using qmodel::OutputKind;

namespace {

// One AXI-Stream wire bundle in top.sv: `elems` elements of `bits` bits per beat.
struct Stream {
  std::string name;
  int elems = 1;
  int bits = 8;
  int width() const { return elems * bits; }
};

struct Param {
  std::string name;
  std::string value;
};

class TopWriter {
 public:
  TopWriter(int fifo_depth) : fifo_depth_(fifo_depth) {}

  Stream wire(int elems, int bits) {
    Stream s{fmt::format("s{}", next_++), elems, bits};
    decls_ += fmt::format("  logic [{}:0] {}_tdata;\n  logic {}_tvalid, {}_tready, {}_tlast;\n", s.width() - 1, s.name,
                          s.name, s.name, s.name);
    return s;
  }

  void instance(const std::string& module, const std::string& inst, const std::vector<Param>& params,
                const Stream& in, const Stream& out) {
    std::string p;
    for (std::size_t i = 0; i < params.size(); ++i)
      p += fmt::format("    .{}({}){}\n", params[i].name, params[i].value, i + 1 < params.size() ? "," : "");
    body_ += fmt::format("  {} #(\n{}  ) {} (\n    .clk(clk), .rst_n(rst_n),\n", module, p, inst);
    body_ += fmt::format(
        "    .s_axis_tdata({0}_tdata), .s_axis_tvalid({0}_tvalid), .s_axis_tready({0}_tready), "
        ".s_axis_tlast({0}_tlast),\n",
        in.name);
    body_ += fmt::format(
        "    .m_axis_tdata({0}_tdata), .m_axis_tvalid({0}_tvalid), .m_axis_tready({0}_tready), "
        ".m_axis_tlast({0}_tlast)\n  );\n\n",
        out.name);
  }

  // An axis_fifo after `in`, returning the new stream; `min_depth` raises the depth.
  Stream fifo(const Stream& in, const std::string& inst, std::int64_t min_depth = 0) {
    Stream out = wire(in.elems, in.bits);
    int depth = in.width() > 256 ? std::max(2, fifo_depth_ / 2) : fifo_depth_;
    while (depth < min_depth && depth < 4096) depth *= 2;
    instance("axis_fifo", inst, {{"DATA_WIDTH", std::to_string(in.width())}, {"DEPTH", std::to_string(depth)}}, in,
             out);
    return out;
  }

  void comment(const std::string& c) { body_ += "  // " + c + "\n"; }
  void raw(const std::string& text) { body_ += text; }
  const std::string& decls() const { return decls_; }
  const std::string& body() const { return body_; }

 private:
  int fifo_depth_;
  int next_ = 0;
  std::string decls_;
  std::string body_;
};

std::string q(const std::string& s) { return "\"" + s + "\""; }

std::string safe_name(const std::string& name) {
  std::string out;
  for (char c : name) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '_') ? c : '_';
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0]))) out = "l_" + out;
  return out;
}

// Minimum depth of the FIFO in front of layer `next`, so that producers keep working
// while a consumer is busy (measured rate near the folding's ideal):
// - a conv's sliding window reads an image's first KERNEL-1 rows before its first window
//   and reads nothing while it emits the previous image's last windows: queue KERNEL
//   padded input rows;
// - an mvtu takes its input vector only during output group 0 and then replays it for
//   NF-1 groups: in front of a dense layer queue a whole input vector (SF beats), else
//   the upstream stalls for (NF-1)*SF cycles every image.
std::int64_t depth_before(const qmodel::Model& model, const Folding& folding, std::size_t next, int elems_per_beat) {
  if (next >= model.layers.size()) return 0;
  const Layer& l = model.layers[next];
  const int e = std::max(1, elems_per_beat);
  if (l.kind == LayerKind::kConv)
    return std::int64_t(l.kernel) * (l.input.width + 2 * l.padding) * (l.input.channels / e);
  if (l.kind == LayerKind::kDense) {
    const LayerFolding* f = folding.find(l.name);
    if (f && f->simd == e) return l.fan_in() / e;
  }
  return 0;
}

}  // namespace

fs::path default_rtl_dir() {
  if (const char* env = std::getenv("DOREFA_RTL_DIR"); env && *env) return fs::path(env);
  return fs::path(DOREFA_SOURCE_ROOT) / "rtl";
}

std::vector<std::string> required_modules(const qmodel::Model& model) {
  std::set<std::string> used = {"axis_fifo", "mvtu", "logits_argmax"};
  for (const auto& l : model.layers) {
    if (l.kind == LayerKind::kConv) used.insert("sliding_window");
    if (l.kind == LayerKind::kMaxPool) used.insert("maxpool");
    if (l.kind == LayerKind::kDense) used.insert("axis_width_converter");
    if (l.has_weights() && l.output_kind == OutputKind::kRequant) used.insert("requant");
  }
  return {used.begin(), used.end()};
}

Folding choose_folding(const qmodel::Model& model, const CompileOptions& o) {
  check_supported(model);
  Folding f;
  if (!o.folding_file.empty()) {
    // The file may set every layer, so start from the slowest folding (no search needed)
    // and fill in defaults only for layers the file leaves out.
    auto overrides = read_folding_file(o.folding_file);
    std::set<std::string> named;
    for (const auto& ov : overrides)
      if (ov.pe && ov.simd) named.insert(ov.layer);
    bool all = true;
    for (const auto& l : model.layers)
      if (l.has_weights() && !named.count(l.name)) all = false;
    Folding base;
    if (all) {
      for (std::size_t i = 0; i < model.layers.size(); ++i)
        if (model.layers[i].has_weights()) base.layers.push_back({model.layers[i].name, int(i), 1, 1, {}, {}});
    } else {
      base = default_folding(model, o.device, o.goal);
    }
    f = apply_overrides(model, base, overrides, o.folding_file.string());
    assign_dsp(model, f, o.device, o.goal);  // layers neither the file nor the default decided
  } else {
    f = default_folding(model, o.device, o.goal);
  }
  validate_folding(model, f);
  check_fits(model, estimate_cost(model, f), o.device, o.folding_file.empty() ? "default folding" : o.folding_file.string());
  return f;
}

DesignInfo compile_design(const qmodel::Model& model, const CompileOptions& o) {
  // Everything that can be wrong with the input is checked before anything is written.
  Folding folding = choose_folding(model, o);
  CostEstimate est = estimate_cost(model, folding);
  const fs::path rtl_dir = o.rtl_dir.empty() ? default_rtl_dir() : o.rtl_dir;
  std::vector<std::string> modules = required_modules(model);
  // Helper modules the engines instantiate (e.g. an adder tree) come along too.
  std::vector<std::string> all_rtl;
  if (fs::is_directory(rtl_dir))
    for (const auto& e : fs::directory_iterator(rtl_dir))
      if (e.path().extension() == ".sv") all_rtl.push_back(e.path().stem().string());
  std::set<std::string> needed(modules.begin(), modules.end());
  std::vector<std::string> queue(modules.begin(), modules.end());
  while (!queue.empty()) {
    std::string m = queue.back();
    queue.pop_back();
    fs::path file = rtl_dir / (m + ".sv");
    if (!fs::exists(file))
      throw Error(file.string(), fmt::format("rtl module '{}' not found (set DOREFA_RTL_DIR to the rtl/ folder)", m),
                  ErrorKind::kInternal);
    std::string text = util::read_file_text(file);
    for (const auto& other : all_rtl) {
      if (needed.count(other)) continue;
      std::regex inst("\\b" + other + "\\s*(#|[A-Za-z_]\\w*\\s*\\()");
      if (std::regex_search(text, inst)) {
        needed.insert(other);
        queue.push_back(other);
      }
    }
  }

  const fs::path dir = o.out_dir;
  fs::create_directories(dir / "rtl");
  fs::create_directories(dir / "mem");
  DesignInfo info;
  info.dir = dir;
  info.model_name = model.name;
  info.num_classes = model.num_classes;
  info.input = model.input;
  info.folding = folding;
  info.estimate = est;
  info.ideal_cycles = est.ideal_cycles;
  info.bottleneck = est.bottleneck;
  for (const auto& m : needed) {
    fs::copy_file(rtl_dir / (m + ".sv"), dir / "rtl" / (m + ".sv"), fs::copy_options::overwrite_existing);
    info.sources.push_back(fs::path("rtl") / (m + ".sv"));
  }

  TopWriter w(o.fifo_depth);
  const int in_elems = folding.input_elems;  // 8-bit elements per input beat
  Stream in{"s_axis", in_elems, 8};
  Stream cur = w.fifo(in, "u_in_fifo", depth_before(model, folding, 0, in_elems));
  std::string table = fmt::format("//   {:<12} {:<5} {} element{} per beat{:>17} cycles/image\n", "input", "", in_elems,
                                  in_elems == 1 ? " " : "s", input_cycles(model, in_elems));
  for (std::size_t i = 0; i < model.layers.size(); ++i) {
    const Layer& l = model.layers[i];
    const std::string n = safe_name(l.name);
    const bool last = i + 1 == model.layers.size();
    if (cur.bits != l.input_bits)
      throw Error(fmt::format("layer '{}'", l.name),
                  fmt::format("input bits {} differ from the producer's {}", l.input_bits, cur.bits));
    if (l.kind == LayerKind::kMaxPool) {
      w.comment(fmt::format("{}: max-pool {}x{} on {}x{}x{}", l.name, l.kernel, l.kernel, l.input.height,
                            l.input.width, l.input.channels));
      Stream out = w.wire(cur.elems, cur.bits);
      w.instance("maxpool", "u_" + n,
                 {{"CHANNELS", std::to_string(l.input.channels)}, {"ELEM_BITS", std::to_string(cur.bits)},
                  {"SIMD", std::to_string(cur.elems)}, {"IN_H", std::to_string(l.input.height)},
                  {"IN_W", std::to_string(l.input.width)}, {"KERNEL", std::to_string(l.kernel)}},
                 cur, out);
      cur = w.fifo(out, "u_" + n + "_fifo", depth_before(model, folding, i + 1, out.elems));
      continue;
    }
    const LayerFolding& f = *folding.find(l.name);
    const int acc_bits = accumulator_bits(l);
    table += fmt::format("//   {:<12} {:<5} PE {:>3} SIMD {:>4}  ACC {:>2} bits  {:>8} cycles/image  {}{}\n", l.name,
                         l.kind == LayerKind::kConv ? "conv" : "dense", f.pe, f.simd, acc_bits,
                         mvu_cycles(l, f.pe, f.simd), qmodel::to_string(l.output_kind),
                         folding_uses_dsp(l, f) ? ", DSP48 lanes" : "");
    std::int64_t num_vec = 1;
    if (l.kind == LayerKind::kConv) {
      w.comment(fmt::format("{}: conv {}x{} stride {} pad {}, {}x{}x{} -> {}x{}x{}", l.name, l.kernel, l.kernel,
                            l.stride, l.padding, l.input.height, l.input.width, l.input.channels, l.output.height,
                            l.output.width, l.output.channels));
      Stream win = w.wire(f.simd, cur.bits);
      w.instance("sliding_window", "u_" + n + "_swg",
                 {{"CHANNELS", std::to_string(l.input.channels)}, {"ELEM_BITS", std::to_string(cur.bits)},
                  {"IN_H", std::to_string(l.input.height)}, {"IN_W", std::to_string(l.input.width)},
                  {"KERNEL", std::to_string(l.kernel)}, {"STRIDE", std::to_string(l.stride)},
                  {"PAD", std::to_string(l.padding)}, {"IN_SIMD", std::to_string(cur.elems)},
                  {"OUT_SIMD", std::to_string(f.simd)}},
                 cur, win);
      cur = w.fifo(win, "u_" + n + "_swg_fifo");
      num_vec = std::int64_t(l.output.height) * l.output.width;
    } else {
      w.comment(fmt::format("{}: dense {} -> {}", l.name, l.fan_in(), l.out_channels()));
      if (cur.elems != f.simd) {
        // Regroup elements: one converter when one size divides the other, else via the lcm.
        std::vector<int> sizes;
        if (f.simd % cur.elems == 0 || cur.elems % f.simd == 0) sizes = {f.simd};
        else sizes = {std::lcm(cur.elems, f.simd), f.simd};
        int k = 0;
        for (int size : sizes) {
          Stream out = w.wire(size, cur.bits);
          w.instance("axis_width_converter", fmt::format("u_{}_wc{}", n, k),
                     {{"ELEM_BITS", std::to_string(cur.bits)}, {"IN_ELEMS", std::to_string(cur.elems)},
                      {"OUT_ELEMS", std::to_string(size)}},
                     cur, out);
          const bool final_size = size == f.simd;
          cur = w.fifo(out, fmt::format("u_{}_wc{}_fifo", n, k++), final_size ? l.fan_in() / f.simd : 0);
        }
      }
    }
    const bool logits = l.output_kind == OutputKind::kLogits;
    const bool requant = l.output_kind == OutputKind::kRequant;
    const bool raw = logits || requant;  // the mvtu emits accumulators
    const std::string wfile = "mem/" + n + "_weights.hex";
    const std::string tfile = raw ? "" : "mem/" + n + "_thresholds.hex";
    util::write_file_atomic(dir / wfile, mvtu_weight_image(l, f.pe, f.simd));
    if (!raw) util::write_file_atomic(dir / tfile, mvtu_threshold_image(l, f.pe, acc_bits));
    Stream out = w.wire(f.pe, raw ? acc_bits : l.output_bits);
    w.instance("mvtu", "u_" + n,
               {{"MW", std::to_string(l.fan_in())}, {"MH", std::to_string(l.out_channels())},
                {"SIMD", std::to_string(f.simd)}, {"PE", std::to_string(f.pe)},
                {"IN_BITS", std::to_string(l.input_bits)}, {"W_BITS", std::to_string(hw_weight_bits(l))},
                {"ACC_BITS", std::to_string(acc_bits)}, {"OUTPUT_MODE", raw ? "1" : "0"},
                {"OUT_BITS", std::to_string(raw ? 1 : l.output_bits)}, {"NUM_VEC", std::to_string(num_vec)},
                {"USE_DSP", folding_uses_dsp(l, f) ? "1" : "0"},
                {"WEIGHT_FILE", q(wfile)}, {"THRESH_FILE", q(tfile)}},
               cur, out);
    if (requant) {
      // Straight from the mvtu, no FIFO between: requant's s_axis_tready depends only on
      // its own output register and the registered ready of the FIFO after it.
      const RequantShape rq = requant_shape(l, f.pe, f.simd, acc_bits);
      const std::string pfile = "mem/" + n + "_requant.hex";
      util::write_file_atomic(dir / pfile, requant_param_image(l, f.pe, rq));
      w.comment(fmt::format("{}: requant to {}-bit levels, {} of {} channels per cycle", l.name, l.output_bits,
                            rq.lanes, f.pe));
      Stream levels = w.wire(f.pe, l.output_bits);
      w.instance("requant", "u_" + n + "_rq",
                 {{"CHANNELS", std::to_string(l.out_channels())}, {"PE", std::to_string(f.pe)},
                  {"LANES", std::to_string(rq.lanes)}, {"ACC_BITS", std::to_string(acc_bits)},
                  {"BIAS_BITS", std::to_string(rq.bias_bits)}, {"MULT_BITS", std::to_string(rq.mult_bits)},
                  {"SHIFT_MAX", std::to_string(rq.shift_max)}, {"OUT_BITS", std::to_string(l.output_bits)},
                  {"PARAM_FILE", q(pfile)}},
                 out, levels);
      out = levels;
    }
    cur = w.fifo(out, "u_" + n + "_fifo", depth_before(model, folding, i + 1, out.elems));
    if (last) {
      const std::string pfile = "mem/" + n + "_logits.hex";
      util::write_file_atomic(dir / pfile, logits_param_image(l));
      w.comment(fmt::format("{}: scores = acc * mul + add, class = argmax", l.name));
      Stream res{"m_axis", 1, 64};
      w.instance("logits_argmax", "u_" + n + "_argmax",
                 {{"NUM_CLASSES", std::to_string(l.out_channels())}, {"PE", std::to_string(f.pe)},
                  {"ACC_BITS", std::to_string(acc_bits)}, {"PARAM_FILE", q(pfile)}, {"EMIT_SCORES", "1"}},
                 cur, res);
    }
  }

  std::string top = fmt::format(
      "// Generated by `dorefa compile` from model '{}'. Do not edit: regenerate.\n"
      "// Streaming dataflow accelerator, one engine per layer (docs/hw.md, docs/rtl/interfaces.md).\n"
      "// Input: 8-bit raw pixel elements (HWC order), {} per beat with element 0 in the low\n"
      "// byte, tlast on the last beat of an image.\n"
      "// Output: {} beats per image: int64 scores of classes 0..{}, then the class index; tlast on it.\n"
      "// Memory images are read from mem/ relative to the working directory (this folder).\n"
      "// Folding (ideal {} cycles/image, bottleneck {}):\n{}"
      "module top (\n"
      "  input  logic        clk,\n"
      "  input  logic        rst_n,\n"
      "  input  logic [{}:0] s_axis_tdata,\n"
      "  input  logic        s_axis_tvalid,\n"
      "  output logic        s_axis_tready,\n"
      "  input  logic        s_axis_tlast,\n"
      "  output logic [63:0] m_axis_tdata,\n"
      "  output logic        m_axis_tvalid,\n"
      "  input  logic        m_axis_tready,\n"
      "  output logic        m_axis_tlast\n"
      ");\n{}\n{}endmodule\n",
      model.name, in_elems, model.num_classes + 1, model.num_classes - 1, est.ideal_cycles, est.bottleneck, table,
      8 * in_elems - 1, w.decls(), w.body());
  util::write_file_atomic(dir / "top.sv", top);
  info.sources.push_back("top.sv");
  // The board top around it (system_top.v + shell, docs/board/registers.md).
  const SystemDesign system = write_system_shell(info, rtl_dir);

  if (!o.model_file.empty()) {
    auto bytes = util::read_file_bytes(o.model_file);
    util::write_file_atomic(dir / "model.dqm", std::span<const std::uint8_t>(bytes));
    info.model_file = dir / "model.dqm";
  }

  nlohmann::json j;
  j["generator"] = "dorefa compile";
  j["model"] = {{"name", model.name},
                {"file", info.model_file.empty() ? "" : "model.dqm"},
                {"source", o.model_file.string()},
                {"num_classes", model.num_classes},
                {"input", {model.input.height, model.input.width, model.input.channels}}};
  if (!o.model_file.empty()) j["model"]["sha256"] = util::sha256_hex(util::read_file_bytes(o.model_file));
  j["top"] = "top";
  j["interface"] = {{"input", fmt::format("s_axis {}-bit: {} 8-bit pixel element{} per beat (element 0 in the low "
                                          "byte), HWC, tlast on the last beat of an image",
                                          8 * in_elems, in_elems, in_elems == 1 ? "" : "s")},
                    {"input_elems_per_beat", in_elems},
                    {"output", "m_axis 64-bit: num_classes int64 scores then the class index, tlast on the class"},
                    {"output_beats_per_image", model.num_classes + 1}};
  std::vector<std::string> srcs;
  for (const auto& s : info.sources) srcs.push_back(s.generic_string());
  j["sources"] = srcs;
  j["device"] = o.device.name;
  j["clock_mhz"] = o.device.clock_mhz;
  j["ideal_cycles_per_image"] = est.ideal_cycles;
  j["ideal_fps"] = est.fps(o.device.clock_mhz);
  j["bottleneck"] = est.bottleneck;
  {
    const char* search = o.goal.search == FoldingGoal::Search::kExact     ? "fps"
                         : o.goal.search == FoldingGoal::Search::kFastest ? "max-fps"
                                                                          : "target-cycles";
    j["folding_goal"] = {{"search", o.folding_file.empty() ? search : "file"},
                         {"target_cycles", o.goal.target_cycles},
                         {"budget", {{"lut", o.goal.max_lut_fraction},
                                     {"ff", o.goal.max_ff_fraction},
                                     {"bram36", o.goal.max_bram_fraction},
                                     {"dsp", o.goal.max_dsp_fraction}}}};
  }
  nlohmann::json layers = nlohmann::json::array();
  for (const auto& c : est.layers) {
    nlohmann::json lj = {{"layer", c.layer},           {"kind", c.kind},         {"cycles", c.cycles},
                         {"est_lut", c.resources.lut}, {"est_ff", c.resources.ff}, {"est_bram36", c.resources.bram36},
                         {"est_dsp", c.resources.dsp}};
    if (c.pe) {
      if (const LayerFolding* lf = folding.find(c.layer); lf && !lf->why.empty()) lj["why"] = lf->why;
      lj["pe"] = c.pe;
      lj["simd"] = c.simd;
      lj["acc_bits"] = c.acc_bits;
      lj["weight_memory"] = {{"depth", c.weight_depth}, {"width", c.weight_width}, {"style", c.weight_memory}};
      lj["dsp"] = c.dsp;
      lj["output_stage"] = c.output_stage;
      if (c.output_stage == "requant") {
        const std::string n = safe_name(c.layer);
        lj["requant"] = {{"lanes", c.requant.lanes},         {"acc_bits", c.requant.acc_bits},
                         {"bias_bits", c.requant.bias_bits}, {"mult_bits", c.requant.mult_bits},
                         {"shift_max", c.requant.shift_max}, {"out_bits", c.requant.out_bits},
                         {"dsp_per_lane", c.requant.dsp_per_lane()}, {"param_file", "mem/" + n + "_requant.hex"}};
      }
    }
    layers.push_back(lj);
  }
  j["layers"] = layers;
  j["estimate"] = {{"lut", est.total.lut},
                   {"ff", est.total.ff},
                   {"bram36", est.total.bram36},
                   {"dsp", est.total.dsp},
                   {"note", "first-order cost model, not synthesis; run `dorefa synth` for Yosys numbers"}};
  add_system_json(j, system);
  util::write_file_atomic(dir / "design.json", j.dump(2) + "\n");
  return info;
}

DesignInfo load_design(const fs::path& dir) {
  const fs::path file = dir / "design.json";
  if (!fs::exists(file))
    throw Error(dir.string(), "not a compiled design (no design.json); run `dorefa compile MODEL --out DIR` first");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(util::read_file_text(file));
    DesignInfo info;
    info.dir = dir;
    info.top = j.at("top").get<std::string>();
    info.model_name = j.at("model").at("name").get<std::string>();
    info.num_classes = j.at("model").at("num_classes").get<int>();
    auto in = j.at("model").at("input");
    info.input = qmodel::Shape{in.at(0).get<int>(), in.at(1).get<int>(), in.at(2).get<int>()};
    for (const auto& s : j.at("sources")) info.sources.push_back(s.get<std::string>());
    info.ideal_cycles = j.at("ideal_cycles_per_image").get<std::int64_t>();
    info.bottleneck = j.value("bottleneck", "");
    info.folding.input_elems = j.at("interface").value("input_elems_per_beat", 1);
    std::string mf = j.at("model").value("file", "");
    if (!mf.empty()) info.model_file = dir / mf;
    for (const auto& l : j.at("layers")) {
      if (!l.contains("pe")) continue;
      LayerFolding lf{l.at("layer").get<std::string>(), 0, l.at("pe").get<int>(), l.at("simd").get<int>(), {}};
      if (l.contains("dsp")) lf.dsp = l.at("dsp").get<bool>();
      info.folding.layers.push_back(lf);
    }
    return info;
  } catch (const nlohmann::json::exception& e) {
    throw Error(file.string(), fmt::format("malformed design.json: {}", e.what()));
  }
}

std::optional<std::string> trained_dataset(const fs::path& dir) {
  try {
    const DesignInfo d = load_design(dir);
    if (d.model_file.empty() || !fs::exists(d.model_file)) return std::nullopt;
    const qmodel::Model m = qmodel::load_model(d.model_file);
    const auto meta = nlohmann::json::parse(m.metadata_json, nullptr, /*allow_exceptions=*/false);
    const auto* name = &meta;
    for (const char* key : {"training", "dataset", "name"}) {
      if (!name->is_object() || !name->contains(key)) return std::nullopt;
      name = &(*name)[key];
    }
    if (name->is_string()) return name->get<std::string>();
  } catch (const Error&) {
    // No readable design or model: the caller's default applies, and its own load reports it.
  }
  return std::nullopt;
}

}  // namespace dorefa::hw
