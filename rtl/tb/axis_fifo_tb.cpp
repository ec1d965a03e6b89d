// axis_fifo: random data and tlast through every case with random stalls on both sides
// (order, data and tlast must be preserved, nothing lost or duplicated); without stalls
// one beat per cycle.
#include "axis_harness.hpp"
#include "rtl_cases.inc"

using namespace rtl_tb;

namespace {

void run_case(Model& model, int sel, const char* text, const std::string& name, Report& rep) {
  auto m = parse_params(text);
  const int width = int(m["DATA_WIDTH"]);
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
  // Harder stalls than the default mixes, and a sink that stalls behind a full-rate source.
  const Stalls mixes[] = {{0.5, 0.5}, {0.9, 0.2}, {0.2, 0.9}, {1.0, 0.5}};
  check_under_stalls(rep, model, name, width, rng,
                     [&](std::vector<Beat>& in, std::vector<Beat>& out) { in = out = make(500); }, mixes);
  const auto beats = make(1000);
  check_full_rate(rep, model, name, beats, beats, width, double(beats.size()));
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<const char*> cases{RTL_CASES(RTL_CASE_TEXT)};
  return run_testbench<Model>(argc, argv, "axis_fifo", cases, run_case);
}
