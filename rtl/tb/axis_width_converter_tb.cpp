// axis_width_converter: random element streams regrouped from IN_ELEMS to OUT_ELEMS per
// beat with random stalls on both sides; the element order and the image boundaries
// (tlast) must survive. Without stalls the wider side moves one beat per cycle.
#include <memory>

#include "axis_harness.hpp"
#include "rtl_cases.inc"

using namespace rtl_tb;

namespace {

void run_case(Model& model, int sel, const char* text, Report& rep) {
  auto m = parse_params(text);
  const int b = int(m["ELEM_BITS"]), ie = int(m["IN_ELEMS"]), oe = int(m["OUT_ELEMS"]);
  model.sel = std::uint8_t(sel);
  const std::string name = "axis_width_converter#" + std::to_string(sel);
  std::mt19937_64 rng(5000 + sel);
  const int group = std::max(ie, oe);  // image length is a multiple of both widths
  auto make = [&](int images, std::vector<Beat>& in, std::vector<Beat>& out) {
    for (int n = 0; n < images; ++n) {
      const int len = group * int(1 + rng() % 6);
      std::vector<std::int64_t> e(static_cast<size_t>(len));
      for (auto& v : e) v = std::int64_t(rng() % (1u << b));
      for (int i = 0; i < len; i += ie)
        in.push_back({pack({e.begin() + i, e.begin() + i + ie}, b), i + ie == len});
      for (int i = 0; i < len; i += oe)
        out.push_back({pack({e.begin() + i, e.begin() + i + oe}, b), i + oe == len});
    }
  };
  const double mixes[][2] = {{0.5, 0.5}, {0.9, 0.3}, {0.3, 0.9}};
  for (int t = 0; t < 3; ++t) {
    std::vector<Beat> in, out;
    make(40, in, out);
    RunOptions o;
    o.p_valid = mixes[t][0];
    o.p_ready = mixes[t][1];
    o.seed = rng();
    rep.check(name + " stalls#" + std::to_string(t), run_stream(model, in, out, o, oe * b));
  }
  std::vector<Beat> in, out;
  make(100, in, out);
  const RunResult r = run_stream(model, in, out, RunOptions{}, oe * b);
  const double ideal = double(std::max(in.size(), out.size()));
  const double eff = r.ok ? ideal / double(r.cycles) : 0.0;
  char buf[64];
  std::snprintf(buf, sizeof buf, "eff=%.3f", eff);
  rep.check(name + " full-rate", r, buf);
  rep.expect(name + " throughput", eff >= 0.9, std::string(buf) + " >= 0.9");
}

}  // namespace

int main(int argc, char** argv) {
  Verilated::commandArgs(argc, argv);
  Report rep;
  auto model = std::make_unique<Model>();
#define RUN(I, TEXT) run_case(*model, I, TEXT, rep);
  RTL_CASES(RUN)
  return rep.exit_code();
}
