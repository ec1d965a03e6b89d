// axis_width_converter: random element streams regrouped from IN_ELEMS to OUT_ELEMS per
// beat with random stalls on both sides; the element order and the image boundaries
// (tlast) must survive. Without stalls the wider side moves one beat per cycle.
#include "axis_harness.hpp"
#include "rtl_cases.inc"

using namespace rtl_tb;

namespace {

void run_case(Model& model, int sel, const char* text, const std::string& name, Report& rep) {
  auto m = parse_params(text);
  const int b = int(m["ELEM_BITS"]), ie = int(m["IN_ELEMS"]), oe = int(m["OUT_ELEMS"]);
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
  check_under_stalls(rep, model, name, oe * b, rng,
                     [&](std::vector<Beat>& in, std::vector<Beat>& out) { make(40, in, out); });
  std::vector<Beat> in, out;
  make(100, in, out);
  check_full_rate(rep, model, name, in, out, oe * b, double(std::max(in.size(), out.size())));
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<const char*> cases{RTL_CASES(RTL_CASE_TEXT)};
  return run_testbench<Model>(argc, argv, "axis_width_converter", cases, run_case);
}
