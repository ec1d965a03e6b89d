// conv_layer (rtl/tb/conv_layer.sv): sliding_window -> fifo -> mvtu -> fifo -> [maxpool],
// the chain src/hw/ emits for a conv layer. Random images, weights in [out][ky][kx][in]
// order written into the mvtu weight image exactly as docs/rtl/interfaces.md says,
// thresholds next to real accumulators; every output beat is compared with a direct C++
// convolution (docs/integer-model.md) + thresholds (+ 2x2 max-pool), under random stalls.
#include <algorithm>
#include <fstream>
#include <memory>

#include "axis_harness.hpp"
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
  for (auto& w : L.w) w = L.wb == 1 ? ((L.rng() & 1) ? 1 : -1) : int(std::int64_t(L.rng() % (1u << L.wb)) - (1 << (L.wb - 1)));
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
  const int sf = L.mw() / L.simd, nf = L.mh / L.pe;
  std::ofstream wf(base + "WEIGHT_FILE.mem"), tf(base + "THRESH_FILE.mem");
  for (int g = 0; g < nf; ++g)
    for (int s = 0; s < sf; ++s) {
      Bits word(L.pe * L.simd * L.wb);
      for (int p = 0; p < L.pe; ++p)
        for (int j = 0; j < L.simd; ++j) {
          const int w = L.w[size_t(g * L.pe + p) * L.mw() + s * L.simd + j];  // column = [ky][kx][c]
          word.set((p * L.simd + j) * L.wb, L.wb, L.wb == 1 ? (w > 0 ? 1 : 0) : std::uint64_t(std::int64_t(w)));
        }
      wf << word.hex() << "\n";
    }
  for (int g = 0; g < nf; ++g) {
    Bits word(L.pe * L.nt() * L.acc);
    for (int p = 0; p < L.pe; ++p)
      for (int j = 0; j < L.nt(); ++j)
        word.set((p * L.nt() + j) * L.acc, L.acc, std::uint64_t(L.t[size_t(g * L.pe + p) * L.nt() + j]));
    tf << word.hex() << "\n";
  }
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

}  // namespace

int main(int argc, char** argv) {
  Verilated::commandArgs(argc, argv);
  Report rep;
  std::vector<Layer> layers;
#define MAKE(I, TEXT) layers.push_back(make_layer(I, TEXT));
  RTL_CASES(MAKE)
  // --write-mems: only write the memory images (the Yosys netlist check reads them at
  // synthesis time).
  for (int i = 1; i < argc; ++i)
    if (std::string(argv[i]) == "--write-mems") return 0;
  auto model = std::make_unique<Model>();
  for (size_t i = 0; i < layers.size(); ++i) {
    Layer& L = layers[i];
    model->sel = std::uint8_t(i);
    const std::string name = "conv_layer#" + std::to_string(i);
    const double mixes[][2] = {{0.5, 0.5}, {0.9, 0.3}, {1.0, 1.0}};
    for (int t = 0; t < 3; ++t) {
      std::vector<Beat> in, out;
      make_streams(L, 3, in, out);
      RunOptions o;
      o.p_valid = mixes[t][0];
      o.p_ready = mixes[t][1];
      o.seed = L.rng();
      rep.check(name + " run#" + std::to_string(t), run_stream(*model, in, out, o, L.pe * L.ob));
    }
  }
  return rep.exit_code();
}
