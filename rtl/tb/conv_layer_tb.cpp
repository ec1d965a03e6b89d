// conv_layer (rtl/tb/conv_layer.sv): sliding_window -> fifo -> mvtu -> fifo -> [maxpool],
// the chain src/hw/ emits for a conv layer. Random images, weights in [out][ky][kx][in]
// order written into the mvtu weight image exactly as docs/rtl/interfaces.md says,
// thresholds next to real accumulators; every output beat is compared with a direct C++
// convolution (docs/integer-model.md) + thresholds (+ 2x2 max-pool), under random stalls.
#include <algorithm>

#include "axis_harness.hpp"
#include "mvtu_image.hpp"
#include "rtl_cases.inc"

using namespace rtl_tb;

namespace {

struct Layer {
  int c, b, ih, iw, k, s, p, is, simd, pe, mh, wb, acc, ob, pool;
  int oh() const { return (ih + 2 * p - k) / s + 1; }
  int ow() const { return (iw + 2 * p - k) / s + 1; }
  int mw() const { return k * k * c; }
  int nt() const { return (1 << ob) - 1; }
  std::vector<int> w;               // [mh][k][k][c]
  std::vector<std::int64_t> t;      // [mh][nt]
  std::mt19937_64 rng;

  std::vector<std::int64_t> conv(const std::vector<std::int64_t>& img) const {  // [oh][ow][mh] acc
    std::vector<std::int64_t> acc(size_t(oh()) * ow() * mh);
    for (int y = 0; y < oh(); ++y)
      for (int x = 0; x < ow(); ++x)
        for (int o = 0; o < mh; ++o) {
          std::int64_t a = 0;
          for (int ky = 0; ky < k; ++ky)
            for (int kx = 0; kx < k; ++kx)
              for (int i = 0; i < c; ++i) {
                const int yy = y * s + ky - p, xx = x * s + kx - p;
                if (yy < 0 || yy >= ih || xx < 0 || xx >= iw) continue;
                a += std::int64_t(w[((size_t(o) * k + ky) * k + kx) * c + i]) * img[(size_t(yy) * iw + xx) * c + i];
              }
          acc[(size_t(y) * ow() + x) * mh + o] = a;
        }
    return acc;
  }
  std::vector<std::int64_t> image() {
    std::vector<std::int64_t> img(size_t(ih) * iw * c);
    for (auto& v : img) v = std::int64_t(rng() % (1u << b));
    return img;
  }
};

Layer make_layer(int sel, const char* text) {
  auto m = parse_params(text);
  Layer L{int(m["CHANNELS"]), int(m["IN_BITS"]), int(m["IN_H"]), int(m["IN_W"]), int(m["KERNEL"]),
          int(m["STRIDE"]), int(m["PAD"]), int(m["IN_SIMD"]), int(m["SIMD"]), int(m["PE"]), int(m["MH"]),
          int(m["W_BITS"]), int(m["ACC_BITS"]), int(m["OUT_BITS"]), int(m["POOL"]), {}, {},
          std::mt19937_64(7000 + sel)};
  L.w.resize(size_t(L.mh) * L.mw());
  for (auto& w : L.w) w = random_weight(L.rng, L.wb);
  // Thresholds from the accumulators of one random image (so the levels are spread).
  const auto acc = L.conv(L.image());
  const size_t pixels = size_t(L.oh()) * L.ow();
  L.t.resize(size_t(L.mh) * L.nt());
  for (int o = 0; o < L.mh; ++o) {
    std::vector<std::int64_t> ts;
    for (int j = 0; j < L.nt(); ++j) ts.push_back(acc[(L.rng() % pixels) * L.mh + o] + std::int64_t(L.rng() % 3) - 1);
    std::sort(ts.begin(), ts.end());
    for (int j = 0; j < L.nt(); ++j) L.t[size_t(o) * L.nt() + j] = ts[size_t(j)];
  }
  const std::string base = std::string(RTL_MEM_DIR) + "/conv_layer_" + std::to_string(sel) + "_";
  // Weight columns in window order [ky][kx][c].
  write_mem(base + "WEIGHT_FILE.mem", mvtu_weight_words(L.w, L.mh, L.mw(), L.simd, L.pe, L.wb));
  write_mem(base + "THRESH_FILE.mem", mvtu_threshold_words(L.t, L.mh, L.nt(), L.pe, L.acc));
  return L;
}

void make_streams(Layer& L, int images, std::vector<Beat>& in, std::vector<Beat>& out) {
  for (int n = 0; n < images; ++n) {
    const auto img = L.image();
    for (size_t i = 0; i < img.size(); i += L.is)
      in.push_back({pack({img.begin() + long(i), img.begin() + long(i) + L.is}, L.b), i + L.is == img.size()});
    const auto acc = L.conv(img);
    std::vector<std::int64_t> lv(acc.size());
    for (size_t i = 0; i < acc.size(); ++i) {
      const int o = int(i % L.mh);
      int cnt = 0;
      for (int j = 0; j < L.nt(); ++j) cnt += acc[i] >= L.t[size_t(o) * L.nt() + j];
      lv[i] = cnt;
    }
    std::vector<std::int64_t> res = lv;
    if (L.pool) {
      const int ph = L.oh() / 2, pw = L.ow() / 2;
      res.assign(size_t(ph) * pw * L.mh, 0);
      for (int y = 0; y < ph; ++y)
        for (int x = 0; x < pw; ++x)
          for (int o = 0; o < L.mh; ++o)
            for (int dy = 0; dy < 2; ++dy)
              for (int dx = 0; dx < 2; ++dx)
                res[(size_t(y) * pw + x) * L.mh + o] = std::max(
                    res[(size_t(y) * pw + x) * L.mh + o], lv[(size_t(2 * y + dy) * L.ow() + 2 * x + dx) * L.mh + o]);
    }
    for (size_t i = 0; i < res.size(); i += L.pe)
      out.push_back({pack({res.begin() + long(i), res.begin() + long(i) + L.pe}, L.ob), i + L.pe == res.size()});
  }
}

// This and main have the shape of every testbench's (logits_argmax_tb.cpp): the driving
// and checking are the harness's, what stays here is this testbench's model and sizes.
void run_case(Model& model, int, Layer& L, const std::string& name, Report& rep) {
  // The stall mixes and one run without stalls (throughput is the blocks' own testbenches').
  check_under_stalls(rep, model, name, L.pe * L.ob, L.rng,
                     [&](std::vector<Beat>& in, std::vector<Beat>& out) { make_streams(L, 3, in, out); },
                     kStallMixesAndNone);
}

}  // namespace

int main(int argc, char** argv) {
  auto layers = make_cases({RTL_CASES(RTL_CASE_TEXT)}, make_layer);  // writes the memory images
  return run_testbench<Model>(argc, argv, "conv_layer", layers, run_case);
}
