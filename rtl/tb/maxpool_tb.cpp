// maxpool: random level images (HWC, SIMD channels per beat) through every case with
// random stalls on both sides, compared with a direct C++ max over each KxK window
// (stride K, floor); without stalls one input beat per cycle (>= 0.9).
#include "axis_harness.hpp"
#include "rtl_cases.inc"

using namespace rtl_tb;

namespace {

struct Params {
  int c, b, simd, ih, iw, k;
};

void make_streams(const Params& q, int images, std::mt19937_64& rng, std::vector<Beat>& in,
                  std::vector<Beat>& out) {
  const int oh = q.ih / q.k, ow = q.iw / q.k;
  for (int n = 0; n < images; ++n) {
    std::vector<std::int64_t> img(size_t(q.ih) * q.iw * q.c);
    for (auto& v : img) v = std::int64_t(rng() % (1u << q.b));
    for (size_t i = 0; i < img.size(); i += q.simd) {
      std::vector<std::int64_t> e(img.begin() + long(i), img.begin() + long(i) + q.simd);
      in.push_back({pack(e, q.b), i + q.simd == img.size()});
    }
    std::vector<std::int64_t> flat;
    for (int oy = 0; oy < oh; ++oy)
      for (int ox = 0; ox < ow; ++ox)
        for (int c = 0; c < q.c; ++c) {
          std::int64_t m = 0;
          for (int ky = 0; ky < q.k; ++ky)
            for (int kx = 0; kx < q.k; ++kx)
              m = std::max(m, img[(size_t(oy * q.k + ky) * q.iw + ox * q.k + kx) * q.c + c]);
          flat.push_back(m);
        }
    for (size_t i = 0; i < flat.size(); i += q.simd) {
      std::vector<std::int64_t> e(flat.begin() + long(i), flat.begin() + long(i) + q.simd);
      out.push_back({pack(e, q.b), i + q.simd == flat.size()});
    }
  }
}

void run_case(Model& model, int sel, const char* text, const std::string& name, Report& rep) {
  auto m = parse_params(text);
  const Params q{int(m["CHANNELS"]), int(m["ELEM_BITS"]), int(m["SIMD"]), int(m["IN_H"]), int(m["IN_W"]),
                 int(m["KERNEL"])};
  std::mt19937_64 rng(3000 + sel);
  check_under_stalls(rep, model, name, q.simd * q.b, rng,
                     [&](std::vector<Beat>& in, std::vector<Beat>& out) { make_streams(q, 3, rng, in, out); });
  std::vector<Beat> in, out;
  make_streams(q, 8, rng, in, out);
  check_full_rate(rep, model, name, in, out, q.simd * q.b, double(in.size()));  // one input beat per cycle
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<const char*> cases{RTL_CASES(RTL_CASE_TEXT)};
  return run_testbench<Model>(argc, argv, "maxpool", cases, run_case);
}
