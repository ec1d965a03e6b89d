#pragma once
// Shared driver for the rtl/ unit testbenches: feeds a list of input beats into a
// Verilated AXI-Stream module with random input-valid and output-ready stalls, checks
// every output beat (data and tlast) against an expected list, and checks the output
// protocol (valid held until taken, data stable while held). Every module in rtl/ has
// the same port names, so one template drives them all. On top of it, the runs every
// testbench makes (one per stall mix, one at full rate with its efficiency) and the
// testbench main, so a testbench is only its C++ model and its streams.
#include <verilated.h>

#include <cstdint>
#include <cstdio>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <span>
#include <sstream>
#include <string>
#include <vector>

namespace rtl_tb {

// An arbitrary-width bit vector, bit 0 = least significant (AXI tdata order).
struct Bits {
  std::vector<std::uint32_t> words;
  int width = 0;

  explicit Bits(int w = 0) : words((w + 31) / 32 + 1, 0), width(w) {}
  void set(int pos, int n, std::uint64_t v) {
    for (int i = 0; i < n; ++i) {
      const int b = pos + i;
      const std::uint32_t m = 1u << (b % 32);
      if ((v >> i) & 1) words[b / 32] |= m;
      else words[b / 32] &= ~m;
    }
  }
  std::uint64_t get(int pos, int n) const {
    std::uint64_t v = 0;
    for (int i = 0; i < n; ++i) {
      const int b = pos + i;
      v |= std::uint64_t((words[b / 32] >> (b % 32)) & 1) << i;
    }
    return v;
  }
  std::int64_t get_signed(int pos, int n) const {
    std::uint64_t v = get(pos, n);
    if (n < 64 && ((v >> (n - 1)) & 1)) v |= ~std::uint64_t(0) << n;
    return std::int64_t(v);
  }
  bool operator==(const Bits& o) const {
    for (int i = 0; i < width; ++i)
      if (get(i, 1) != o.get(i, 1)) return false;
    return true;
  }
  std::string hex() const {
    std::string s;
    for (int i = ((width + 3) / 4) - 1; i >= 0; --i) {
      const int n = std::min(4, width - 4 * i);
      s += "0123456789abcdef"[get(4 * i, n)];
    }
    return s;
  }
};

// Packs elements of `bits` bits, element 0 lowest.
inline Bits pack(const std::vector<std::int64_t>& elems, int bits) {
  Bits b(int(elems.size()) * bits);
  for (size_t i = 0; i < elems.size(); ++i) b.set(int(i) * bits, bits, std::uint64_t(elems[i]));
  return b;
}

// Port <-> Bits for every Verilator port type.
template <class T>
inline void to_port(T& port, const Bits& b) {
  port = T(b.get(0, std::min<int>(b.width, 64)));
}
template <std::size_t N>
inline void to_port(VlWide<N>& port, const Bits& b) {
  for (std::size_t i = 0; i < N; ++i) port[i] = b.words[i];
}
template <class T>
inline Bits from_port(const T& port, int width) {
  Bits b(width);
  b.set(0, std::min(width, 64), std::uint64_t(port));
  return b;
}
template <std::size_t N>
inline Bits from_port(const VlWide<N>& port, int width) {
  Bits b(width);
  for (std::size_t i = 0; i < N && i < b.words.size(); ++i) b.words[i] = port[i];
  return b;
}

struct Beat {
  Bits data;
  bool last = false;
};

struct RunOptions {
  double p_valid = 1.0;  // chance per cycle that the driver offers the next input beat
  double p_ready = 1.0;  // chance per cycle that the sink is ready
  std::uint64_t seed = 1;
  std::uint64_t max_cycles = 2'000'000;
  bool check_last = true;
};

struct RunResult {
  bool ok = true;
  std::string error;
  std::uint64_t cycles = 0;           // from reset release to the last output beat
  std::uint64_t first_out = 0;        // cycle of the first output beat
  std::uint64_t in_beats = 0, out_beats = 0;
};

// Drives `in` into model `m` and checks the outputs against `expected`.
template <class M>
RunResult run_stream(M& m, const std::vector<Beat>& in, const std::vector<Beat>& expected,
                     const RunOptions& opt, int out_width) {
  RunResult r;
  std::mt19937_64 rng(opt.seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  auto tick = [&] {
    m.clk = 1;
    m.eval();
    m.clk = 0;
    m.eval();
  };
  m.clk = 0;
  m.rst_n = 0;
  m.s_axis_tvalid = 0;
  m.s_axis_tlast = 0;
  m.m_axis_tready = 0;
  m.eval();
  for (int i = 0; i < 3; ++i) tick();
  m.rst_n = 1;

  size_t ii = 0, oi = 0;
  bool offering = false;
  bool held = false;  // output was valid and not taken last cycle
  Bits held_data;
  bool held_last = false;
  for (std::uint64_t cyc = 0; cyc < opt.max_cycles; ++cyc) {
    if (!offering && ii < in.size() && (opt.p_valid >= 1.0 || u(rng) < opt.p_valid)) offering = true;
    m.s_axis_tvalid = offering;
    if (offering) {
      to_port(m.s_axis_tdata, in[ii].data);
      m.s_axis_tlast = in[ii].last;
    }
    const bool ready = opt.p_ready >= 1.0 || u(rng) < opt.p_ready;
    m.m_axis_tready = ready;
    m.eval();

    const bool ov = m.m_axis_tvalid;
    const Bits od = from_port(m.m_axis_tdata, out_width);
    const bool ol = m.m_axis_tlast;
    if (held) {
      if (!ov || !(od == held_data) || ol != held_last) {
        r.ok = false;
        r.error = "output changed or dropped valid before it was taken at cycle " + std::to_string(cyc);
        return r;
      }
    }
    if (ov && ready) {
      if (oi >= expected.size()) {
        r.ok = false;
        r.error = "more output beats than expected (" + std::to_string(expected.size()) + ")";
        return r;
      }
      if (!(od == expected[oi].data) || (opt.check_last && ol != expected[oi].last)) {
        r.ok = false;
        std::ostringstream e;
        e << "beat " << oi << ": got " << od.hex() << " last " << ol << ", expected "
          << expected[oi].data.hex() << " last " << expected[oi].last;
        r.error = e.str();
        return r;
      }
      if (oi == 0) r.first_out = cyc;
      ++oi;
      held = false;
    } else {
      held = ov;
      held_data = od;
      held_last = ol;
    }
    if (offering && m.s_axis_tready) {
      ++ii;
      offering = false;
    }
    tick();
    if (oi == expected.size() && r.cycles == 0) r.cycles = cyc + 1;
    // Done when every output arrived and every input was taken (a window or pool
    // geometry may leave input beats after the last output).
    if (oi == expected.size() && ii == in.size()) {
      // A few idle cycles: nothing else may come out.
      m.s_axis_tvalid = 0;
      m.m_axis_tready = 1;
      for (int k = 0; k < 20; ++k) {
        m.eval();
        if (m.m_axis_tvalid) {
          r.ok = false;
          r.error = "extra output beat after the expected ones";
          return r;
        }
        tick();
      }
      r.in_beats = ii;
      r.out_beats = oi;
      return r;
    }
  }
  r.ok = false;
  r.error = "timeout: " + std::to_string(oi) + " of " + std::to_string(expected.size()) +
            " output beats, " + std::to_string(ii) + " of " + std::to_string(in.size()) + " input beats";
  return r;
}

// "A=1,B=2" -> {A:1, B:2}
inline std::map<std::string, long> parse_params(const std::string& s) {
  std::map<std::string, long> p;
  std::stringstream ss(s);
  std::string kv;
  while (std::getline(ss, kv, ',')) {
    const auto eq = kv.find('=');
    if (eq == std::string::npos) continue;
    p[kv.substr(0, eq)] = std::stol(kv.substr(eq + 1));
  }
  return p;
}

// Counts failures and prints one line per case.
struct Report {
  int failures = 0;
  void check(const std::string& name, const RunResult& r, const std::string& extra = "") {
    if (!r.ok) ++failures;
    std::printf("%-40s %s  cycles=%llu %s %s\n", name.c_str(), r.ok ? "ok  " : "FAIL",
                (unsigned long long)r.cycles, extra.c_str(), r.ok ? "" : r.error.c_str());
  }
  void expect(const std::string& name, bool cond, const std::string& what) {
    if (!cond) ++failures;
    std::printf("%-40s %s  %s\n", name.c_str(), cond ? "ok  " : "FAIL", what.c_str());
  }
  int exit_code() const {
    std::printf("%s\n", failures ? "FAILED" : "PASSED");
    return failures ? 1 : 0;
  }
};

// Stall pattern of one run: the chance per cycle that the source offers a beat and that
// the sink is ready.
struct Stalls {
  double p_valid;
  double p_ready;
};
// Both sides stalling, a slow sink, a slow source.
inline constexpr Stalls kStallMixes[] = {{0.5, 0.5}, {0.9, 0.3}, {0.3, 0.9}};
// The same and one run without stalls, for testbenches without a separate full-rate run.
inline constexpr Stalls kStallMixesAndNone[] = {{0.5, 0.5}, {0.9, 0.3}, {0.3, 0.9}, {1.0, 1.0}};

// One checked run per stall mix ("<name> stalls#t"): `make(in, out)` appends fresh input
// beats and the expected output beats, and each run draws its stall seed from `rng`.
template <class M>
void check_under_stalls(Report& rep, M& m, const std::string& name, int out_width, std::mt19937_64& rng,
                        const std::function<void(std::vector<Beat>& in, std::vector<Beat>& out)>& make,
                        std::span<const Stalls> mixes = kStallMixes) {
  for (std::size_t t = 0; t < mixes.size(); ++t) {
    std::vector<Beat> in, out;
    make(in, out);
    RunOptions o;
    o.p_valid = mixes[t].p_valid;
    o.p_ready = mixes[t].p_ready;
    o.seed = rng();
    rep.check(name + " stalls#" + std::to_string(t), run_stream(m, in, out, o, out_width));
  }
}

// A checked run without stalls ("<name> full-rate") whose efficiency is ideal_cycles over
// the cycles taken; with min_eff > 0 the efficiency must reach it ("<name> throughput").
template <class M>
RunResult check_full_rate(Report& rep, M& m, const std::string& name, const std::vector<Beat>& in,
                          const std::vector<Beat>& out, int out_width, double ideal_cycles, double min_eff = 0.9) {
  const RunResult r = run_stream(m, in, out, RunOptions{}, out_width);
  const double eff = r.ok ? ideal_cycles / double(r.cycles) : 0.0;
  char buf[96];
  std::snprintf(buf, sizeof buf, "eff=%.3f (ideal %.0f cycles)", eff, ideal_cycles);
  rep.check(name + " full-rate", r, buf);
  if (min_eff > 0) {
    char want[32];
    std::snprintf(want, sizeof want, " >= %.2f", min_eff);
    rep.expect(name + " throughput", eff >= min_eff, buf + std::string(want));
  }
  return r;
}

// The parameter text of every case of the generated table, in order:
//   std::vector<const char*> texts{RTL_CASES(RTL_CASE_TEXT)};
#define RTL_CASE_TEXT(I, TEXT) TEXT,

// One case object per parameter text: make(sel, text). Testbenches with memory images
// write them here, before run_testbench creates the model ($readmemh runs then).
template <class Make>
auto make_cases(const std::vector<const char*>& texts, Make make) {
  std::vector<decltype(make(0, texts[0]))> cases;
  for (std::size_t i = 0; i < texts.size(); ++i) cases.push_back(make(int(i), texts[i]));
  return cases;
}

// The main of every testbench. All cases of a module are instances behind one Verilated
// model (rtl/CMakeLists.txt); run(model, sel, cases[sel], name, report) checks case sel
// after `sel` has switched the stream ports to it ("<module>#<sel>" names it). With
// --write-mems it returns at once: the cases have written their memory images, which is
// all the Yosys check needs (it reads them at synthesis time).
template <class M, class Case, class Run>
int run_testbench(int argc, char** argv, const std::string& module, std::vector<Case>& cases, Run run) {
  Verilated::commandArgs(argc, argv);
  for (int i = 1; i < argc; ++i)
    if (std::string(argv[i]) == "--write-mems") return 0;
  Report rep;
  auto model = std::make_unique<M>();
  for (std::size_t i = 0; i < cases.size(); ++i) {
    model->sel = std::uint8_t(i);
    run(*model, int(i), cases[i], module + "#" + std::to_string(i), rep);
  }
  return rep.exit_code();
}

}  // namespace rtl_tb
