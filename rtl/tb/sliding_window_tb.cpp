// sliding_window: random images through every parameter case with random stalls on both
// sides; every window beat is compared with a direct C++ evaluation of
// in[oy*S+ky-P][ox*S+kx-P][c] (0 outside). Without stalls, the output-bound case must
// reach >= 0.9 of the ideal beat rate.
#include "axis_harness.hpp"
#include "rtl_cases.inc"

using namespace rtl_tb;

namespace {

struct Params {
  int c, b, ih, iw, k, s, p, is, os;
  int oh() const { return (ih + 2 * p - k) / s + 1; }
  int ow() const { return (iw + 2 * p - k) / s + 1; }
  long in_beats() const { return long(ih) * iw * (c / is); }
  long out_beats() const { return long(oh()) * ow() * k * k * c / os; }
};

Params params_of(const char* text) {
  auto m = parse_params(text);
  return {int(m["CHANNELS"]), int(m["ELEM_BITS"]), int(m["IN_H"]), int(m["IN_W"]), int(m["KERNEL"]),
          int(m["STRIDE"]), int(m["PAD"]), int(m["IN_SIMD"]), int(m["OUT_SIMD"])};
}

void make_streams(const Params& q, int images, std::mt19937_64& rng, std::vector<Beat>& in,
                  std::vector<Beat>& out) {
  const int levels = 1 << q.b;
  for (int n = 0; n < images; ++n) {
    std::vector<std::int64_t> img(size_t(q.ih) * q.iw * q.c);
    for (auto& v : img) v = std::int64_t(rng() % levels);
    // Input: HWC, IN_SIMD channels per beat.
    for (size_t i = 0; i < img.size(); i += q.is) {
      std::vector<std::int64_t> e(img.begin() + long(i), img.begin() + long(i) + q.is);
      in.push_back({pack(e, q.b), i + q.is == img.size()});
    }
    // Output: windows [ky][kx][c], OUT_SIMD elements per beat.
    std::vector<std::int64_t> flat;
    for (int oy = 0; oy < q.oh(); ++oy)
      for (int ox = 0; ox < q.ow(); ++ox)
        for (int ky = 0; ky < q.k; ++ky)
          for (int kx = 0; kx < q.k; ++kx)
            for (int c = 0; c < q.c; ++c) {
              const int y = oy * q.s + ky - q.p, x = ox * q.s + kx - q.p;
              const bool inside = y >= 0 && y < q.ih && x >= 0 && x < q.iw;
              flat.push_back(inside ? img[(size_t(y) * q.iw + x) * q.c + c] : 0);
            }
    for (size_t i = 0; i < flat.size(); i += q.os) {
      std::vector<std::int64_t> e(flat.begin() + long(i), flat.begin() + long(i) + q.os);
      out.push_back({pack(e, q.b), i + q.os == flat.size()});
    }
  }
}

void run_case(Model& model, int sel, const char* text, const std::string& name, Report& rep) {
  const Params q = params_of(text);
  std::mt19937_64 rng(1000 + sel);
  check_under_stalls(rep, model, name, q.os * q.b, rng,
                     [&](std::vector<Beat>& in, std::vector<Beat>& out) { make_streams(q, 3, rng, in, out); });
  // No stalls: cycles per image against the ideal max(input beats, output beats).
  // Output-bound windows (more output than input beats) must stream at >= 0.9 of ideal.
  const int images = 6;
  std::vector<Beat> in, out;
  make_streams(q, images, rng, in, out);
  const double ideal = double(images) * double(std::max(q.in_beats(), q.out_beats()));
  check_full_rate(rep, model, name, in, out, q.os * q.b, ideal, q.out_beats() >= 4 * q.in_beats() ? 0.9 : 0.0);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<const char*> cases{RTL_CASES(RTL_CASE_TEXT)};
  return run_testbench<Model>(argc, argv, "sliding_window", cases, run_case);
}
