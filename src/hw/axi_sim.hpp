#pragma once
// Cycle-level models around a Verilated system shell (docs/board/registers.md), shared by
// the shell's RTL testbench (rtl/tb/shell_tb.cpp) and the full-system harness that
// `dorefa simulate --system` compiles (embedded by src/hw/system_harness.cpp):
//   DdrModel     the PS's S_AXI_HP0 + DDR: 64-bit AXI3 slave with random read/write latency
//                and random ARREADY/AWREADY/WREADY/RVALID/BVALID gaps, optional error
//                responses;
//   AxiChecker   protocol rules of the master side (VALID held until READY with a stable
//                payload, burst <= 16 beats, INCR, 8-byte beats, no 4 KB crossing, WLAST
//                on the burst's last beat, full strobes, outstanding limits, OKAY responses);
//   LiteHost     the ARM's M_AXI_GP0: AXI4-Lite register reads/writes, checking the
//                slave's side (responses held until taken, one response per request, OKAY);
//   Bench<M>     ties them to a Verilated model M with the shell's port names.
// Header-only and independent of Verilator's headers: the model type is a template.
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace dorefa_axi_sim {

// The 64-bit AXI3 master port in one cycle: what the DUT drives... (the read and write
// halves of both structs look alike because AXI defines the channels alike)
struct MasterOut {
  std::uint32_t araddr = 0;
  unsigned arlen = 0;
  bool arvalid = false;
  bool rready = false;
  std::uint32_t awaddr = 0;
  unsigned awlen = 0;
  bool awvalid = false;
  std::uint64_t wdata = 0;
  unsigned wstrb = 0;
  bool wlast = false;
  bool wvalid = false;
  bool bready = false;
};
// ...and what the slave (DDR model) drives.
struct SlaveOut {
  bool arready = false;
  std::uint64_t rdata = 0;
  unsigned rresp = 0;
  bool rlast = false;
  bool rvalid = false;
  bool awready = false;
  bool wready = false;
  unsigned bresp = 0;
  bool bvalid = false;
};

struct DdrConfig {
  std::uint64_t seed = 1;
  double p_addr_ready = 0.7;  // ARREADY / AWREADY high in a cycle
  double p_wready = 0.7;      // WREADY high in a cycle
  double p_rvalid = 0.7;      // a ready R beat is offered in a cycle
  double p_bvalid = 0.7;      // a ready B response is offered in a cycle
  int min_latency = 8;        // cycles from address accepted to first R beat / from last W to B
  int max_latency = 80;
  std::size_t capacity = 16;  // requests the model queues per direction
};

// Flat memory [base, base + bytes) behind a 64-bit AXI3 slave.
class DdrModel {
 public:
  DdrModel(std::uint32_t base, std::size_t bytes, const DdrConfig& c)
      : base_(base), mem_(bytes, 0), cfg_(c), rng_(c.seed) {}

  std::uint32_t base() const { return base_; }
  std::size_t size() const { return mem_.size(); }
  std::uint8_t* at(std::uint32_t addr) {
    if (addr < base_ || addr - base_ >= mem_.size()) throw std::out_of_range("DdrModel: address outside memory");
    return mem_.data() + (addr - base_);
  }
  void set_config(const DdrConfig& c) { cfg_ = c; }
  // The next R beat whose address is in [lo, hi) gets SLVERR (once); same for a B.
  void inject_read_error(std::uint32_t lo, std::uint32_t hi) { rerr_lo_ = lo, rerr_hi_ = hi; }
  void inject_write_error(std::uint32_t lo, std::uint32_t hi) { werr_lo_ = lo, werr_hi_ = hi; }
  std::uint64_t read_beats() const { return read_beats_; }
  std::uint64_t write_beats() const { return write_beats_; }
  bool quiet() const { return reads_.empty() && aws_.empty() && ws_.empty() && bs_.empty(); }

  const SlaveOut& outputs() const { return out_; }

  // After the DUT's outputs for this cycle are known: take the handshakes, advance one
  // cycle and decide next cycle's outputs (VALIDs already raised stay until taken).
  void step(const MasterOut& m) {
    ++cycle_;
    SlaveOut& o = out_;
    if (o.arready && m.arvalid) reads_.push_back({m.araddr, m.arlen, 0, cycle_ + latency()});
    if (o.rvalid && m.rready) {
      ++read_beats_;
      Read& r = reads_.front();
      if (++r.beat > r.len) reads_.pop_front();
      o.rvalid = false;
    }
    if (o.awready && m.awvalid) aws_.push_back({m.awaddr, m.awlen});
    if (o.wready && m.wvalid) {
      ++write_beats_;
      ws_.push_back({m.wdata, m.wstrb, m.wlast});
    }
    if (o.bvalid && m.bready) {
      bs_.pop_front();
      o.bvalid = false;
    }
    // Apply complete bursts (data with its address), schedule their responses.
    while (!aws_.empty() && ws_.size() > aws_.front().len) {
      const Aw a = aws_.front();
      aws_.pop_front();
      bool err = false;
      for (unsigned k = 0; k <= a.len; ++k) {
        const W w = ws_.front();
        ws_.pop_front();
        const std::uint32_t addr = a.addr + 8 * k;
        if (addr >= werr_lo_ && addr < werr_hi_) err = true;
        if (!inside(addr)) {
          err = true;
          continue;
        }
        for (int b = 0; b < 8; ++b)
          if ((w.strb >> b) & 1) mem_[addr - base_ + b] = std::uint8_t(w.data >> (8 * b));
      }
      if (err) werr_lo_ = werr_hi_ = 0;
      bs_.push_back({cycle_ + latency(), err ? 2u : 0u});
    }
    // Next cycle's outputs.
    if (!o.rvalid && !reads_.empty() && reads_.front().at <= cycle_ && coin(cfg_.p_rvalid)) {
      const Read& r = reads_.front();
      const std::uint32_t addr = r.addr + 8 * r.beat;
      o.rvalid = true;
      o.rlast = r.beat == r.len;
      o.rresp = 0;
      o.rdata = 0;
      if (inside(addr)) std::memcpy(&o.rdata, &mem_[addr - base_], 8);
      else o.rresp = 3;  // DECERR
      if (addr >= rerr_lo_ && addr < rerr_hi_) {
        o.rresp = 2;  // SLVERR
        rerr_lo_ = rerr_hi_ = 0;
      }
    }
    if (!o.bvalid && !bs_.empty() && bs_.front().at <= cycle_ && coin(cfg_.p_bvalid)) {
      o.bvalid = true;
      o.bresp = bs_.front().resp;
    }
    o.arready = reads_.size() < cfg_.capacity && coin(cfg_.p_addr_ready);
    o.awready = aws_.size() < cfg_.capacity && coin(cfg_.p_addr_ready);
    o.wready = ws_.size() < 16 * cfg_.capacity && coin(cfg_.p_wready);
  }

 private:
  struct Read {
    std::uint32_t addr;
    unsigned len, beat;
    std::uint64_t at;
  };
  struct Aw {
    std::uint32_t addr;
    unsigned len;
  };
  struct W {
    std::uint64_t data;
    unsigned strb;
    bool last;
  };
  struct B {
    std::uint64_t at;
    unsigned resp;
  };
  bool inside(std::uint32_t addr) const { return addr >= base_ && addr - base_ + 8 <= mem_.size(); }
  bool coin(double p) { return p >= 1.0 || std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  std::uint64_t latency() {
    return std::uint64_t(std::uniform_int_distribution<int>(cfg_.min_latency, cfg_.max_latency)(rng_));
  }

  std::uint32_t base_;
  std::vector<std::uint8_t> mem_;
  DdrConfig cfg_;
  std::mt19937_64 rng_;
  SlaveOut out_;
  std::uint64_t cycle_ = 0, read_beats_ = 0, write_beats_ = 0;
  std::deque<Read> reads_;
  std::deque<Aw> aws_;
  std::deque<W> ws_;
  std::deque<B> bs_;
  std::uint32_t rerr_lo_ = 0, rerr_hi_ = 0, werr_lo_ = 0, werr_hi_ = 0;
};

struct AxiLimits {
  unsigned max_burst = 16;             // AXI3
  unsigned max_outstanding_reads = 8;  // what the checker declares the HP port accepts
  unsigned max_outstanding_writes = 8;
};

// Counts protocol violations of the master (and non-OKAY responses, separately).
class AxiChecker {
 public:
  explicit AxiChecker(AxiLimits l = {}) : lim_(l) {}
  std::uint64_t violations() const { return violations_; }
  std::uint64_t error_responses() const { return error_responses_; }
  const std::vector<std::string>& messages() const { return messages_; }
  unsigned outstanding_reads() const { return out_reads_; }
  unsigned outstanding_writes() const { return out_writes_; }
  void set_memory(std::uint32_t lo, std::uint64_t hi) { mem_lo_ = lo, mem_hi_ = hi; }
  // At the end of a run: every transaction the master opened was answered and the slave
  // holds nothing half done (a W beat without its address, a response not taken).
  void expect_all_closed(bool slave_quiet) {
    if (out_reads_ != 0) fail(std::to_string(out_reads_) + " reads still outstanding at the end of the run");
    if (out_writes_ != 0) fail(std::to_string(out_writes_) + " writes still outstanding at the end of the run");
    if (!slave_quiet) fail("the DDR model still holds unfinished transfers at the end of the run");
  }

  void observe(const MasterOut& m, const SlaveOut& s) {
    ++cycle_;
    // VALID held until READY, payload stable.
    if (prev_ar_) {
      if (!m.arvalid) fail("ARVALID dropped before ARREADY");
      else if (m.araddr != prev_.araddr || m.arlen != prev_.arlen) fail("AR payload changed while waiting");
    }
    if (prev_aw_) {
      if (!m.awvalid) fail("AWVALID dropped before AWREADY");
      else if (m.awaddr != prev_.awaddr || m.awlen != prev_.awlen) fail("AW payload changed while waiting");
    }
    if (prev_w_) {
      if (!m.wvalid) fail("WVALID dropped before WREADY");
      else if (m.wdata != prev_.wdata || m.wstrb != prev_.wstrb || m.wlast != prev_.wlast)
        fail("W payload changed while waiting");
    }
    prev_ar_ = m.arvalid && !s.arready;
    prev_aw_ = m.awvalid && !s.awready;
    prev_w_ = m.wvalid && !s.wready;
    prev_ = m;

    if (m.arvalid && s.arready) {
      burst("AR", m.araddr, m.arlen);
      if (++out_reads_ > lim_.max_outstanding_reads) fail("more reads outstanding than the declared limit");
    }
    if (s.rvalid && m.rready) {
      if (out_reads_ == 0) fail("R beat with no read outstanding (model)");
      if (s.rresp != 0) ++error_responses_;
      if (s.rlast && out_reads_ > 0) --out_reads_;
    }
    if (m.awvalid && s.awready) {
      burst("AW", m.awaddr, m.awlen);
      if (++out_writes_ > lim_.max_outstanding_writes) fail("more writes outstanding than the declared limit");
      aw_lens_.push_back(m.awlen);
      match_w();
    }
    if (m.wvalid && s.wready) {
      if (m.wstrb != 0xFF) fail("partial write strobes");
      w_lasts_.push_back(m.wlast);
      match_w();
    }
    if (s.bvalid && m.bready) {
      if (s.bresp != 0) ++error_responses_;
      if (out_writes_ == 0) fail("B response with no write outstanding (model)");
      else --out_writes_;
    }
  }

 private:
  void fail(const std::string& what) {
    ++violations_;
    if (messages_.size() < 20) messages_.push_back("cycle " + std::to_string(cycle_) + ": " + what);
  }
  void burst(const char* ch, std::uint32_t addr, unsigned len) {
    const std::uint64_t bytes = 8ull * (len + 1);
    if (len + 1 > lim_.max_burst) fail(std::string(ch) + " burst longer than " + std::to_string(lim_.max_burst));
    if (addr % 8) fail(std::string(ch) + " address not 8-byte aligned");
    if ((addr & 0xFFFu) + bytes > 4096) fail(std::string(ch) + " burst crosses a 4 KB boundary");
    if (mem_hi_ > mem_lo_ && (addr < mem_lo_ || addr + bytes > mem_hi_))
      fail(std::string(ch) + " burst outside the allocated buffers");
  }
  // W beats belong to AW bursts in order; W may run ahead of its AW.
  void match_w() {
    while (!aw_lens_.empty() && !w_lasts_.empty()) {
      const bool last = w_lasts_.front();
      w_lasts_.pop_front();
      const bool should = w_beat_ == aw_lens_.front();
      if (last != should) fail(should ? "missing WLAST on a burst's last beat" : "WLAST before a burst's last beat");
      if (should) {
        aw_lens_.pop_front();
        w_beat_ = 0;
      } else {
        ++w_beat_;
      }
    }
  }

  AxiLimits lim_;
  std::uint64_t cycle_ = 0, violations_ = 0, error_responses_ = 0;
  std::vector<std::string> messages_;
  MasterOut prev_;
  bool prev_ar_ = false, prev_aw_ = false, prev_w_ = false;
  unsigned out_reads_ = 0, out_writes_ = 0, w_beat_ = 0;
  std::deque<unsigned> aw_lens_;
  std::deque<bool> w_lasts_;
  std::uint32_t mem_lo_ = 0;
  std::uint64_t mem_hi_ = 0;
};

// AXI4-Lite ports of the shell in one cycle.
struct LiteMasterOut {
  std::uint32_t awaddr = 0;
  bool awvalid = false;
  std::uint32_t wdata = 0;
  unsigned wstrb = 0xF;
  bool wvalid = false;
  bool bready = false;
  std::uint32_t araddr = 0;
  bool arvalid = false;
  bool rready = false;
};
struct LiteSlaveOut {
  bool awready = false, wready = false, bvalid = false;
  unsigned bresp = 0;
  bool arready = false, rvalid = false;
  std::uint32_t rdata = 0;
  unsigned rresp = 0;
};

// One register access at a time, as the ARM does it; checks the slave's side.
class LiteHost {
 public:
  explicit LiteHost(std::uint64_t seed, double p_ready = 0.6) : rng_(seed), p_ready_(p_ready) {}
  bool busy() const { return op_ != kNone; }
  void begin_write(std::uint32_t addr, std::uint32_t data, unsigned strb = 0xF) {
    op_ = kWrite, addr_ = addr, data_ = data, strb_ = strb, aw_done_ = w_done_ = false;
  }
  void begin_read(std::uint32_t addr) { op_ = kRead, addr_ = addr, ar_done_ = false; }
  std::uint32_t read_data() const { return rdata_; }
  std::uint64_t violations() const { return violations_; }
  const std::vector<std::string>& messages() const { return messages_; }

  // This cycle's master outputs.
  const LiteMasterOut& drive() {
    out_ = LiteMasterOut{};
    out_.awaddr = out_.araddr = addr_;
    out_.wdata = data_;
    out_.wstrb = strb_;
    out_.awvalid = op_ == kWrite && !aw_done_;
    out_.wvalid = op_ == kWrite && !w_done_;
    out_.arvalid = op_ == kRead && !ar_done_;
    out_.bready = coin();
    out_.rready = coin();
    return out_;
  }
  // After eval: handshakes and the slave's rules.
  void observe(const LiteSlaveOut& s) {
    ++cycle_;
    if (held_b_ && (!s.bvalid || s.bresp != prev_.bresp)) fail("BVALID dropped or BRESP changed before BREADY");
    if (held_r_ && (!s.rvalid || s.rdata != prev_.rdata || s.rresp != prev_.rresp))
      fail("RVALID dropped or RDATA changed before RREADY");
    held_b_ = s.bvalid && !out_.bready;
    held_r_ = s.rvalid && !out_.rready;
    prev_ = s;
    if (out_.awvalid && s.awready) aw_done_ = true;
    if (out_.wvalid && s.wready) w_done_ = true;
    if (out_.arvalid && s.arready) ar_done_ = true;
    if (s.bvalid && out_.bready) {
      if (op_ != kWrite || !aw_done_ || !w_done_) fail("B response without a completed write request");
      if (s.bresp != 0) fail("AXI-Lite write response not OKAY");
      if (op_ == kWrite) op_ = kNone;
    }
    if (s.rvalid && out_.rready) {
      if (op_ != kRead || !ar_done_) fail("R response without a read request");
      if (s.rresp != 0) fail("AXI-Lite read response not OKAY");
      rdata_ = s.rdata;
      if (op_ == kRead) op_ = kNone;
    }
  }

 private:
  enum Op { kNone, kWrite, kRead };
  bool coin() { return std::uniform_real_distribution<double>(0, 1)(rng_) < p_ready_; }
  void fail(const std::string& what) {
    ++violations_;
    if (messages_.size() < 20) messages_.push_back("lite cycle " + std::to_string(cycle_) + ": " + what);
  }
  std::mt19937_64 rng_;
  double p_ready_;
  Op op_ = kNone;
  std::uint32_t addr_ = 0, data_ = 0, rdata_ = 0;
  unsigned strb_ = 0xF;
  bool aw_done_ = false, w_done_ = false, ar_done_ = false;
  bool held_b_ = false, held_r_ = false;
  LiteMasterOut out_;
  LiteSlaveOut prev_;
  std::uint64_t cycle_ = 0, violations_ = 0;
  std::vector<std::string> messages_;
};

// A Verilated model with the shell's ports (clk, rst_n, s_axi_* AXI4-Lite, m_axi_* AXI3),
// the DDR model on m_axi_*, the host on s_axi_*.
template <class M>
class Bench {
 public:
  Bench(M& m, DdrModel& ddr, std::uint64_t seed, AxiLimits limits = {})
      : m_(m), ddr_(ddr), host_(seed ^ 0x9E3779B97F4A7C15ull), checker_(limits) {
    checker_.set_memory(ddr.base(), std::uint64_t(ddr.base()) + ddr.size());
  }

  std::uint64_t cycles() const { return cycle_; }
  AxiChecker& checker() { return checker_; }
  LiteHost& host() { return host_; }
  std::uint64_t violations() const { return checker_.violations() + host_.violations(); }

  void reset(int n = 8) {
    m_.rst_n = 0;
    for (int i = 0; i < n; ++i) cycle();
    m_.rst_n = 1;
  }

  // Pin-by-pin copies between the Verilated model and the plain structs: Verilator gives
  // each port its own member, so there is nothing to loop over.
  void cycle() {
    const SlaveOut& s = ddr_.outputs();
    m_.m_axi_arready = s.arready;
    m_.m_axi_rdata = s.rdata;
    m_.m_axi_rresp = s.rresp;
    m_.m_axi_rlast = s.rlast;
    m_.m_axi_rvalid = s.rvalid;
    m_.m_axi_awready = s.awready;
    m_.m_axi_wready = s.wready;
    m_.m_axi_bresp = s.bresp;
    m_.m_axi_bvalid = s.bvalid;
    const LiteMasterOut& h = host_.drive();
    m_.s_axi_awaddr = h.awaddr;
    m_.s_axi_awvalid = h.awvalid;
    m_.s_axi_wdata = h.wdata;
    m_.s_axi_wstrb = h.wstrb;
    m_.s_axi_wvalid = h.wvalid;
    m_.s_axi_bready = h.bready;
    m_.s_axi_araddr = h.araddr;
    m_.s_axi_arvalid = h.arvalid;
    m_.s_axi_rready = h.rready;
    m_.eval();
    MasterOut mo;
    mo.araddr = m_.m_axi_araddr;
    mo.arlen = m_.m_axi_arlen;
    mo.arvalid = m_.m_axi_arvalid;
    mo.rready = m_.m_axi_rready;
    mo.awaddr = m_.m_axi_awaddr;
    mo.awlen = m_.m_axi_awlen;
    mo.awvalid = m_.m_axi_awvalid;
    mo.wdata = m_.m_axi_wdata;
    mo.wstrb = m_.m_axi_wstrb;
    mo.wlast = m_.m_axi_wlast;
    mo.wvalid = m_.m_axi_wvalid;
    mo.bready = m_.m_axi_bready;
    LiteSlaveOut ls;
    ls.awready = m_.s_axi_awready;
    ls.wready = m_.s_axi_wready;
    ls.bvalid = m_.s_axi_bvalid;
    ls.bresp = m_.s_axi_bresp;
    ls.arready = m_.s_axi_arready;
    ls.rvalid = m_.s_axi_rvalid;
    ls.rdata = m_.s_axi_rdata;
    ls.rresp = m_.s_axi_rresp;
    if (m_.rst_n) {
      checker_.observe(mo, s);
      host_.observe(ls);
    }
    ddr_.step(mo);
    m_.clk = 1;
    m_.eval();
    m_.clk = 0;
    m_.eval();
    ++cycle_;
  }

  void idle(std::uint64_t n) {
    for (std::uint64_t i = 0; i < n; ++i) cycle();
  }

  void write_reg(std::uint32_t addr, std::uint32_t data, unsigned strb = 0xF) {
    host_.begin_write(addr, data, strb);
    wait_host("write", addr);
  }
  std::uint32_t read_reg(std::uint32_t addr) {
    host_.begin_read(addr);
    wait_host("read", addr);
    return host_.read_data();
  }

 private:
  void wait_host(const char* what, std::uint32_t addr) {
    for (int i = 0; i < 1000 && host_.busy(); ++i) cycle();
    if (host_.busy())
      throw std::runtime_error(std::string("AXI-Lite ") + what + " of offset " + std::to_string(addr) +
                               " got no response in 1000 cycles");
  }

  M& m_;
  DdrModel& ddr_;
  LiteHost host_;
  AxiChecker checker_;
  std::uint64_t cycle_ = 0;
};

}  // namespace dorefa_axi_sim
