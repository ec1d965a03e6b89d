// logits_argmax: random accumulators (full ACC_BITS range), random int32 mul (negative
// and zero included) and int64 add, through every case with random stalls on both
// sides; the class (and with EMIT_SCORES every score) is compared with
// score = acc*mul + add in int64, argmax with the lowest index on ties. One image per
// case has all-zero accumulators against two equal largest adds (a forced tie).
#include <fstream>

#include "axis_harness.hpp"
#include "rtl_cases.inc"

using namespace rtl_tb;

namespace {

struct Case {
  int nc, pe, acc_bits, emit;
  std::vector<std::int64_t> mul, add;
  std::mt19937_64 rng;
};

Case make_case(int sel, const char* text) {
  auto m = parse_params(text);
  Case c{int(m["NUM_CLASSES"]), int(m["PE"]), int(m["ACC_BITS"]), int(m["EMIT_SCORES"]), {}, {},
         std::mt19937_64(6000 + sel)};
  std::ofstream f(std::string(RTL_MEM_DIR) + "/logits_argmax_" + std::to_string(sel) + "_PARAM_FILE.mem");
  std::int64_t top = 0;
  for (int o = 0; o < c.nc; ++o) {
    std::int64_t mul = std::int64_t(std::int32_t(std::uint32_t(c.rng())));
    if (o == 1) mul = 0;
    std::int64_t add = std::int64_t(c.rng() % (std::uint64_t(1) << 41)) - (std::int64_t(1) << 40);
    c.mul.push_back(mul);
    c.add.push_back(add);
    top = std::max(top, add);
  }
  // Forced tie: the two last classes share the largest add (lowest index must win).
  if (c.nc >= 3) c.add[size_t(c.nc - 3)] = c.add[size_t(c.nc - 1)] = top + 1;
  for (int o = 0; o < c.nc; ++o) {
    Bits w(96);
    w.set(0, 32, std::uint64_t(c.mul[size_t(o)]));
    w.set(32, 64, std::uint64_t(c.add[size_t(o)]));
    f << w.hex() << "\n";
  }
  return c;
}

void make_streams(Case& c, int images, std::vector<Beat>& in, std::vector<Beat>& out) {
  for (int n = 0; n < images; ++n) {
    std::vector<std::int64_t> acc(size_t(c.nc));
    const std::int64_t half = std::int64_t(1) << (c.acc_bits - 1);
    for (auto& a : acc) a = n == 1 ? 0 : std::int64_t(c.rng() % std::uint64_t(2 * half)) - half;
    for (int g = 0; g < c.nc / c.pe; ++g)
      in.push_back({pack({acc.begin() + g * c.pe, acc.begin() + (g + 1) * c.pe}, c.acc_bits), g == c.nc / c.pe - 1});
    int best = 0;
    std::int64_t best_score = 0;
    const int ow = c.emit ? 64 : 16;
    for (int o = 0; o < c.nc; ++o) {
      const std::int64_t s = std::int64_t(std::uint64_t(acc[size_t(o)]) * std::uint64_t(c.mul[size_t(o)]) +
                                          std::uint64_t(c.add[size_t(o)]));
      if (o == 0 || s > best_score) {
        best = o;
        best_score = s;
      }
      if (c.emit) out.push_back({pack({s}, 64), false});
    }
    out.push_back({pack({best}, ow), true});
  }
}

// This and main have the shape of every testbench's (conv_layer_tb.cpp): the driving and
// checking are the harness's, what stays here is this testbench's model and sizes.
void run_case(Model& model, int, Case& c, const std::string& name, Report& rep) {
  // No throughput goal here: the stall mixes and one run without stalls.
  check_under_stalls(rep, model, name, c.emit ? 64 : 16, c.rng,
                     [&](std::vector<Beat>& in, std::vector<Beat>& out) { make_streams(c, 40, in, out); },
                     kStallMixesAndNone);
}

}  // namespace

int main(int argc, char** argv) {
  auto cases = make_cases({RTL_CASES(RTL_CASE_TEXT)}, make_case);  // writes the memory images
  return run_testbench<Model>(argc, argv, "logits_argmax", cases, run_case);
}
