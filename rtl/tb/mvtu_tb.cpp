// mvtu: random weights (1-bit +-1, 2/4-bit two's complement, 8-bit incl. -128), random
// input vectors (plus all-zero and all-max ones) and thresholds drawn next to real
// accumulator values (so acc == t occurs, negatives included), through every case with
// random stalls on both sides; every output beat is compared with a C++ matrix-vector
// product + threshold count. Without stalls every case must reach >= 0.9 of the ideal
// SF*NF cycles per vector.
#include <algorithm>

#include "axis_harness.hpp"
#include "mvtu_image.hpp"
#include "rtl_cases.inc"

using namespace rtl_tb;

namespace {

struct Params {
  int mw, mh, simd, pe, in_bits, w_bits, acc_bits, mode, out_bits, num_vec;
  int sf() const { return mw / simd; }
  int nf() const { return mh / pe; }
  int nt() const { return (1 << out_bits) - 1; }
  int out_elem() const { return mode == 0 ? out_bits : acc_bits; }
};

struct Case {
  Params q;
  std::vector<int> w;                 // [mh][mw]
  std::vector<std::int64_t> t;        // [mh][nt]
  std::mt19937_64 rng;
};

Params params_of(const char* text) {
  auto m = parse_params(text);
  return {int(m["MW"]), int(m["MH"]), int(m["SIMD"]), int(m["PE"]), int(m["IN_BITS"]), int(m["W_BITS"]),
          int(m["ACC_BITS"]), int(m["OUTPUT_MODE"]), int(m["OUT_BITS"]), int(m["NUM_VEC"])};
}

std::string mem_path(int sel, const char* what) {
  return std::string(RTL_MEM_DIR) + "/mvtu_" + std::to_string(sel) + "_" + what + ".mem";
}

std::vector<std::int64_t> random_vector(const Params& q, std::mt19937_64& rng, int kind) {
  const int maxv = (1 << q.in_bits) - 1;
  std::vector<std::int64_t> x(size_t(q.mw));
  for (auto& v : x) v = kind == 1 ? 0 : kind == 2 ? maxv : std::int64_t(rng() % (maxv + 1));
  return x;
}

std::int64_t dot(const Case& c, int o, const std::vector<std::int64_t>& x) {
  std::int64_t a = 0;
  for (int i = 0; i < c.q.mw; ++i) a += std::int64_t(c.w[size_t(o) * c.q.mw + i]) * x[size_t(i)];
  return a;
}

Case make_case(int sel, const char* text) {
  Case c{params_of(text), {}, {}, std::mt19937_64(2000 + sel)};
  const Params& q = c.q;
  auto& rng = c.rng;
  c.w.resize(size_t(q.mh) * q.mw);
  for (auto& w : c.w) w = random_weight(rng, q.w_bits);
  // Thresholds next to accumulators of random vectors: t = acc + {-1, 0, +1}; channel 0
  // also gets the extremes of the ACC_BITS range ("always" / "never").
  const std::int64_t amin = -(std::int64_t(1) << (q.acc_bits - 1)), amax = -amin - 1;
  c.t.resize(size_t(q.mh) * q.nt());
  for (int o = 0; o < q.mh; ++o) {
    std::vector<std::int64_t> ts;
    for (int j = 0; j < q.nt(); ++j) {
      const std::int64_t a = dot(c, o, random_vector(q, rng, 0));
      ts.push_back(std::clamp<std::int64_t>(a + std::int64_t(rng() % 3) - 1, amin, amax));
    }
    if (o == 0 && q.nt() >= 2) {
      ts[0] = amin;
      ts[1] = amax;
    }
    std::sort(ts.begin(), ts.end());
    for (int j = 0; j < q.nt(); ++j) c.t[size_t(o) * q.nt() + j] = ts[size_t(j)];
  }
  write_mem(mem_path(sel, "WEIGHT_FILE"), mvtu_weight_words(c.w, q.mh, q.mw, q.simd, q.pe, q.w_bits));
  write_mem(mem_path(sel, "THRESH_FILE"), mvtu_threshold_words(c.t, q.mh, q.nt(), q.pe, q.acc_bits));
  return c;
}

void make_streams(Case& c, int vectors, std::vector<Beat>& in, std::vector<Beat>& out) {
  const Params& q = c.q;
  for (int v = 0; v < vectors; ++v) {
    const auto x = random_vector(q, c.rng, v == 1 ? 1 : v == 2 ? 2 : 0);
    for (int s = 0; s < q.sf(); ++s) {
      std::vector<std::int64_t> e(x.begin() + s * q.simd, x.begin() + (s + 1) * q.simd);
      in.push_back({pack(e, q.in_bits), false});
    }
    const bool last_vec = (v % q.num_vec) == q.num_vec - 1;
    for (int g = 0; g < q.nf(); ++g) {
      std::vector<std::int64_t> lanes;
      for (int p = 0; p < q.pe; ++p) {
        const int o = g * q.pe + p;
        const std::int64_t a = dot(c, o, x);
        if (q.mode == 0) {
          int n = 0;
          for (int j = 0; j < q.nt(); ++j) n += a >= c.t[size_t(o) * q.nt() + j];
          lanes.push_back(n);
        } else {
          lanes.push_back(a);
        }
      }
      out.push_back({pack(lanes, q.out_elem()), last_vec && g == q.nf() - 1});
    }
  }
}

void run_case(Model& model, int, Case& c, const std::string& name, Report& rep) {
  const Params& q = c.q;
  // The accumulator must hold every reachable value, or the case itself is wrong.
  const std::int64_t wmax = q.w_bits == 1 ? 1 : (std::int64_t(1) << (q.w_bits - 1));
  const std::int64_t bound = std::int64_t(q.mw) * wmax * ((1 << q.in_bits) - 1);
  rep.expect(name + " acc range", bound < (std::int64_t(1) << (q.acc_bits - 1)), "max|acc| fits ACC_BITS");
  check_under_stalls(rep, model, name, q.pe * q.out_elem(), c.rng,
                     [&](std::vector<Beat>& in, std::vector<Beat>& out) { make_streams(c, 3 * q.num_vec, in, out); });
  // Full rate: enough vectors that ~400 ideal cycles dwarf the pipeline latency.
  const int per_vec = q.sf() * q.nf();
  int vectors = std::max(3 * q.num_vec, (400 + per_vec - 1) / per_vec);
  vectors = (vectors + q.num_vec - 1) / q.num_vec * q.num_vec;
  std::vector<Beat> in, out;
  make_streams(c, vectors, in, out);
  check_full_rate(rep, model, name, in, out, q.pe * q.out_elem(), double(vectors) * per_vec);
}

}  // namespace

int main(int argc, char** argv) {
  auto cases = make_cases({RTL_CASES(RTL_CASE_TEXT)}, make_case);  // writes the memory images
  return run_testbench<Model>(argc, argv, "mvtu", cases, run_case);
}
