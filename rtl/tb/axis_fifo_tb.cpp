// axis_fifo: random data and tlast through every case with random stalls on both sides
// (order, data and tlast must be preserved, nothing lost or duplicated); without stalls
// one beat per cycle.
#include <memory>

#include "axis_harness.hpp"
#include "rtl_cases.inc"

using namespace rtl_tb;

namespace {

void run_case(Model& model, int sel, const char* text, Report& rep) {
  auto m = parse_params(text);
  const int width = int(m["DATA_WIDTH"]);
  model.sel = std::uint8_t(sel);
  const std::string name = "axis_fifo#" + std::to_string(sel);
  std::mt19937_64 rng(4000 + sel);
  auto make = [&](int n) {
    std::vector<Beat> v;
    for (int i = 0; i < n; ++i) {
      Bits b(width);
      b.set(0, width, rng());
      v.push_back({b, (rng() % 5) == 0});
    }
    return v;
  };
  const double mixes[][2] = {{0.5, 0.5}, {0.9, 0.2}, {0.2, 0.9}, {1.0, 0.5}};
  for (int t = 0; t < 4; ++t) {
    const auto beats = make(500);
    RunOptions o;
    o.p_valid = mixes[t][0];
    o.p_ready = mixes[t][1];
    o.seed = rng();
    rep.check(name + " stalls#" + std::to_string(t), run_stream(model, beats, beats, o, width));
  }
  const auto beats = make(1000);
  const RunResult r = run_stream(model, beats, beats, RunOptions{}, width);
  const double eff = r.ok ? 1000.0 / double(r.cycles) : 0.0;
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
