// requant: accumulator beats through every case with random stalls on both sides, each
// output level compared with the CPU runtime's own requant (runtime::apply_requant, the
// integer model's definition, compiled in from src/runtime/output_stage.cpp). Per channel
// the parameters include the edges of their fields (mult 1 and 2^MULT_BITS - 1, shift 1
// and SHIFT_MAX, bias at both ends, 0), the rest random; the accumulators include the
// ends of the ACC_BITS range, 0, exact rounding ties ((acc + bias) * mult + 2^(shift-1) a
// multiple of 2^shift) and the values on both sides of level 0/1 and of the top level
// (saturation), the rest random. (acc + bias) * mult + 2^(shift-1) is kept inside int64
// as qmodel::validate requires of a model. A mismatch prints vector, beat, channel,
// the inputs and both levels. Without stalls: one beat per PE/LANES cycles (>= 0.9).
#include <fstream>

#include "axis_harness.hpp"
#include "qmodel/model.hpp"
#include "rtl_cases.inc"
#include "runtime/output_stage.hpp"

using namespace rtl_tb;

namespace {

using i128 = __int128;

struct Case {
  int channels, pe, lanes, acc_bits, bias_bits, mult_bits, shift_max, out_bits;
  dorefa::qmodel::Layer layer;  // the golden model's parameters
  std::mt19937_64 rng;
  int nf() const { return channels / pe; }
};

std::int64_t lo_of(int bits) { return -(std::int64_t(1) << (bits - 1)); }
std::int64_t hi_of(int bits) { return (std::int64_t(1) << (bits - 1)) - 1; }

// The int64 condition of qmodel::validate for one channel over the whole ACC range.
bool fits_int64(const Case& c, std::int64_t bias, std::int64_t mult, int shift) {
  const i128 a = i128(-lo_of(c.acc_bits)) + (bias < 0 ? -i128(bias) : i128(bias));
  return a * mult + (i128(1) << (shift - 1)) <= i128(INT64_MAX);
}

Case make_case(int sel, const char* text) {
  auto m = parse_params(text);
  Case c{int(m["CHANNELS"]), int(m["PE"]),        int(m["LANES"]),     int(m["ACC_BITS"]),
         int(m["BIAS_BITS"]), int(m["MULT_BITS"]), int(m["SHIFT_MAX"]), int(m["OUT_BITS"]),
         {},                  std::mt19937_64(7000 + sel)};
  auto& l = c.layer;
  l.name = "requant_tb";
  l.output = {1, 1, c.channels};
  l.output_kind = dorefa::qmodel::OutputKind::kRequant;
  l.output_bits = c.out_bits;
  const std::int64_t mult_max = (std::int64_t(1) << c.mult_bits) - 1;
  for (int o = 0; o < c.channels; ++o) {
    std::int64_t bias, mult;
    int shift;
    switch (o % 6) {  // edges first, then random
      case 0: bias = 0, mult = mult_max, shift = c.shift_max; break;
      case 1: bias = lo_of(c.bias_bits), mult = 1, shift = 1; break;
      case 2: bias = hi_of(c.bias_bits), mult = mult_max | 1, shift = c.shift_max; break;
      case 3: bias = 0, mult = (std::int64_t(1) << (c.mult_bits - 1)) | 1, shift = 1 + int(c.rng() % 12); break;
      default:
        bias = lo_of(c.bias_bits) + std::int64_t(c.rng() % std::uint64_t(std::int64_t(1) << c.bias_bits));
        mult = 1 + std::int64_t(c.rng() % std::uint64_t(mult_max));
        shift = 1 + int(c.rng() % std::uint64_t(c.shift_max));
    }
    // Keep the model valid (qmodel::validate's int64 bound) by halving the multiplier.
    while (!fits_int64(c, bias, mult, shift)) mult = std::max<std::int64_t>(1, mult / 2);
    l.requant_bias.push_back(std::int32_t(bias));
    l.requant_mult.push_back(std::int32_t(mult));
    l.requant_shift.push_back(shift);
  }
  // Parameter image: word t = g*K + k, lane j = channel g*PE + k*LANES + j, field
  // {bias, mult, shift} (shift in the 6 lowest bits).
  const int pw = c.bias_bits + c.mult_bits + 6, k_count = c.pe / c.lanes;
  std::ofstream f(std::string(RTL_MEM_DIR) + "/requant_" + std::to_string(sel) + "_PARAM_FILE.mem");
  for (int g = 0; g < c.nf(); ++g)
    for (int k = 0; k < k_count; ++k) {
      Bits w(c.lanes * pw);
      for (int j = 0; j < c.lanes; ++j) {
        const std::size_t o = std::size_t(g * c.pe + k * c.lanes + j);
        w.set(j * pw, 6, std::uint64_t(l.requant_shift[o]));
        w.set(j * pw + 6, c.mult_bits, std::uint64_t(l.requant_mult[o]));
        w.set(j * pw + 6 + c.mult_bits, c.bias_bits, std::uint64_t(std::int64_t(l.requant_bias[o])));
      }
      f << w.hex() << "\n";
    }
  return c;
}

// An accumulator for channel o: an edge of the range, a tie, a level boundary or random.
std::int64_t pick_acc(Case& c, int o) {
  const auto& l = c.layer;
  const i128 bias = l.requant_bias[std::size_t(o)], mult = l.requant_mult[std::size_t(o)];
  const int s = l.requant_shift[std::size_t(o)];
  const std::int64_t lo = lo_of(c.acc_bits), hi = hi_of(c.acc_bits);
  const i128 half = i128(1) << (s - 1), one = i128(1) << s;
  i128 x = 0;  // acc + bias
  switch (c.rng() % 10) {
    case 0: return lo;
    case 1: return hi;
    case 2: return 0;
    case 3: {  // tie: x * mult + 2^(s-1) = n * 2^s, i.e. x = (n * 2^s - 2^(s-1)) / mult
      const i128 n = i128(c.rng() % 600) - 300;
      const i128 num = n * one - half;
      if (num % mult != 0) return lo + std::int64_t(c.rng() % std::uint64_t(hi - lo));
      x = num / mult;
      break;
    }
    case 4:
    case 5: {  // the first x reaching level v (v = 1 or the top, or the one past it), +-1
      const std::int64_t top = (std::int64_t(1) << c.out_bits) - 1;
      const std::int64_t levels[] = {0, 1, top, top + 1};
      const i128 v = levels[c.rng() % 4];
      const i128 num = v * one - half;  // x * mult >= num
      x = num >= 0 ? (num + mult - 1) / mult : -((-num) / mult);
      x += i128(int(c.rng() % 3) - 1);
      break;
    }
    default: return lo + std::int64_t(c.rng() % std::uint64_t(hi - lo + 1));
  }
  const i128 acc = x - bias;
  if (acc < lo || acc > hi) return lo + std::int64_t(c.rng() % std::uint64_t(hi - lo + 1));
  return std::int64_t(acc);
}

struct Streams {
  std::vector<Beat> in, out;
  std::vector<std::vector<std::int32_t>> acc;  // per vector, for the mismatch report
  std::vector<std::vector<std::uint8_t>> lvl;
};

void make_streams(Case& c, int vectors, Streams& s) {
  for (int v = 0; v < vectors; ++v) {
    std::vector<std::int32_t> acc(std::size_t(c.channels));
    for (int o = 0; o < c.channels; ++o) acc[std::size_t(o)] = std::int32_t(pick_acc(c, o));
    std::vector<std::uint8_t> lvl(std::size_t(c.channels));
    dorefa::runtime::apply_requant(c.layer, acc.data(), 1, c.channels, lvl.data());
    for (int g = 0; g < c.nf(); ++g) {
      std::vector<std::int64_t> a, q;
      for (int p = 0; p < c.pe; ++p) {
        a.push_back(acc[std::size_t(g * c.pe + p)]);
        q.push_back(lvl[std::size_t(g * c.pe + p)]);
      }
      const bool last = g == c.nf() - 1 && v % 3 == 2;  // tlast passes through with its beat
      s.in.push_back({pack(a, c.acc_bits), last});
      s.out.push_back({pack(q, c.out_bits), last});
    }
    s.acc.push_back(std::move(acc));
    s.lvl.push_back(std::move(lvl));
  }
}

// The failing beat's channels with their inputs, so a mismatch names its coordinates.
void explain(const Case& c, const Streams& s, const RunResult& r) {
  const auto pos = r.error.find("beat ");
  if (pos != 0) return;
  const std::size_t beat = std::stoul(r.error.substr(5));
  const std::size_t v = beat / std::size_t(c.nf()), g = beat % std::size_t(c.nf());
  for (int p = 0; p < c.pe; ++p) {
    const std::size_t o = g * std::size_t(c.pe) + std::size_t(p);
    std::printf("    vector %zu beat %zu channel %zu: acc %d bias %d mult %d shift %d -> expected %u\n", v, g, o,
                s.acc[v][o], c.layer.requant_bias[o], c.layer.requant_mult[o], c.layer.requant_shift[o],
                unsigned(s.lvl[v][o]));
  }
}

void run_case(Model& model, int, Case& c, const std::string& name, Report& rep) {
  for (std::size_t t = 0; t < std::size(kStallMixes); ++t) {
    Streams s;
    make_streams(c, 60, s);
    RunOptions o;
    o.p_valid = kStallMixes[t].p_valid;
    o.p_ready = kStallMixes[t].p_ready;
    o.seed = c.rng();
    const RunResult r = run_stream(model, s.in, s.out, o, c.pe * c.out_bits);
    rep.check(name + " stalls#" + std::to_string(t), r);
    if (!r.ok) explain(c, s, r);
  }
  Streams s;
  make_streams(c, 40, s);
  const double ideal = double(s.in.size()) * double(c.pe / c.lanes);
  const RunResult r = check_full_rate(rep, model, name, s.in, s.out, c.pe * c.out_bits, ideal);
  if (!r.ok) explain(c, s, r);
}

}  // namespace

int main(int argc, char** argv) {
  auto cases = make_cases({RTL_CASES(RTL_CASE_TEXT)}, make_case);  // writes the memory images
  return run_testbench<Model>(argc, argv, "requant", cases, run_case);
}
