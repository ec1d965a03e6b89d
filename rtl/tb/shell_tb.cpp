// Register-level testbench of the system shell (rtl/dorefa_shell.sv) around a stand-in
// core (tb/fake_core.sv), against C++ models of the core and of DDR (src/hw/axi_sim.hpp:
// random read/write latency and READY/VALID gaps, AXI protocol checker). Covers every
// register, byte strobes, batches with and without scores (4 KB-crossing buffers, padded
// images), the error paths (wrong byte count, zero images, result buffer too small,
// misaligned address, DDR error responses), START while busy, SOFT_RESET at random points
// mid-batch, and that the batch after each of these is bit-exact.
#include <cstdint>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "Vshell_tb_top.h"
#include "axi_sim.hpp"
#include "dorefa_regs.h"
#include "verilated.h"

namespace {

using namespace dorefa_axi_sim;
namespace R = dorefa_regs;

constexpr int kPixels = SHELL_TB_PIXELS;
constexpr int kClasses = SHELL_TB_CLASSES;
constexpr std::uint64_t kHash = 0x0123456789ABCDEFull;
constexpr int kImageBytes = (kPixels + 7) / 8 * 8;
constexpr std::uint32_t kBase = 0x10000000u;
constexpr std::size_t kMemBytes = 1u << 20;

int failures = 0;
void expect(bool cond, const std::string& what) {
  if (!cond) ++failures;
  std::printf("%-64s %s\n", what.c_str(), cond ? "ok" : "FAIL");
}

// fake_core.sv's arithmetic.
std::vector<std::uint64_t> model_record(const std::uint8_t* img, std::uint32_t index, bool scores) {
  std::uint64_t sum = 0, x = 0;
  for (int i = 0; i < kPixels; ++i) {
    sum += img[i];
    x ^= std::uint64_t(img[i]) + std::uint64_t(i);
  }
  std::vector<std::uint64_t> rec;
  if (scores)
    for (int c = 0; c < kClasses; ++c) rec.push_back(sum * std::uint64_t(c + 1) - x * std::uint64_t(c));
  rec.push_back((std::uint64_t(index) << 32) | ((sum + x) % kClasses));
  return rec;
}

struct Tb {
  std::unique_ptr<VerilatedContext> ctx = std::make_unique<VerilatedContext>();
  std::unique_ptr<Vshell_tb_top> top;
  DdrModel ddr{kBase, kMemBytes, DdrConfig{}};
  std::unique_ptr<Bench<Vshell_tb_top>> bench;
  std::mt19937_64 rng{42};

  Tb(int argc, char** argv) {
    ctx->commandArgs(argc, argv);
    top = std::make_unique<Vshell_tb_top>(ctx.get());
    bench = std::make_unique<Bench<Vshell_tb_top>>(*top, ddr, 7);
    top->clk = 0;
    bench->reset();
  }
  std::uint32_t rd(std::uint32_t a) { return bench->read_reg(a); }
  void wr(std::uint32_t a, std::uint32_t v, unsigned strb = 0xF) { bench->write_reg(a, v, strb); }
  std::uint32_t error() { return (rd(R::kStatus) & R::kStatusErrorMask) >> R::kStatusErrorShift; }

  // Random images at `in` (padding bytes random too: the shell must drop them).
  std::vector<std::uint8_t> fill_images(std::uint32_t in, std::uint32_t n) {
    std::vector<std::uint8_t> bytes(std::size_t(n) * kImageBytes);
    for (auto& b : bytes) b = std::uint8_t(rng());
    std::memcpy(ddr.at(in), bytes.data(), bytes.size());
    return bytes;
  }
  void program(std::uint32_t in, std::uint32_t in_bytes, std::uint32_t out, std::uint32_t out_bytes, std::uint32_t n,
               bool scores) {
    wr(R::kInAddr, in);
    wr(R::kInBytes, in_bytes);
    wr(R::kOutAddr, out);
    wr(R::kOutBytes, out_bytes);
    wr(R::kImageCount, n);
    wr(R::kFlags, scores ? R::kFlagsEmitScoresMask : 0);
  }
  // Polls STATUS until DONE; false on timeout.
  bool wait_done(std::uint64_t timeout = 2'000'000) {
    const std::uint64_t end = bench->cycles() + timeout;
    while (bench->cycles() < end) {
      if (rd(R::kStatus) & R::kStatusDoneMask) return true;
      bench->idle(50);
    }
    return false;
  }
  // Runs one whole batch of fresh images and checks every record; returns mismatches.
  int good_batch(std::uint32_t n, bool scores, std::uint32_t in, std::uint32_t out, const std::string& name) {
    auto imgs = fill_images(in, n);
    const std::uint32_t rec_words = scores ? kClasses + 1 : 1;
    const std::uint32_t out_bytes = n * rec_words * 8;
    // Guard words after the result buffer must stay untouched.
    std::memset(ddr.at(out), 0xA5, out_bytes + 64);
    program(in, n * kImageBytes, out, out_bytes, n, scores);
    const std::uint64_t t0 = bench->cycles();
    wr(R::kControl, R::kControlStartMask);
    const bool done = wait_done();
    const std::uint64_t elapsed = bench->cycles() - t0;
    int bad = 0;
    for (std::uint32_t i = 0; i < n; ++i) {
      auto want = model_record(imgs.data() + std::size_t(i) * kImageBytes, i, scores);
      for (std::uint32_t w = 0; w < rec_words; ++w) {
        std::uint64_t got;
        std::memcpy(&got, ddr.at(out + 8 * (i * rec_words + w)), 8);
        if (got != want[w]) {
          if (bad < 3) std::printf("  image %u word %u: got %016llx want %016llx\n", i, w, (unsigned long long)got,
                                   (unsigned long long)want[w]);
          ++bad;
        }
      }
    }
    bool guard = true;
    for (int k = 0; k < 64; ++k) guard = guard && *ddr.at(out + out_bytes + k) == 0xA5;
    const std::uint32_t status = rd(R::kStatus);
    expect(done, name + ": DONE");
    expect(bad == 0, name + ": every record matches the model (" + std::to_string(n) + " images)");
    expect(guard, name + ": nothing written past the result buffer");
    expect((status & R::kStatusErrorMask) == 0 && (status & R::kStatusIdleMask), name + ": idle, no error");
    expect(rd(R::kImagesDone) == n, name + ": IMAGES_DONE = image count");
    const std::uint32_t busy = rd(R::kBusyCycles);
    expect(busy > 0 && busy <= elapsed, name + ": 0 < BUSY_CYCLES <= cycles from START to DONE seen");
    return bad;
  }
};

}  // namespace

int main(int argc, char** argv) {
  Tb t(argc, argv);
  Bench<Vshell_tb_top>& b = *t.bench;

  // --- identification and read-only registers after reset
  t.bench->idle(20);
  expect(t.rd(R::kId) == R::kShellId, "ID reads SHELL_ID");
  expect(t.rd(R::kVersion) == R::kShellVersion, "VERSION reads SHELL_VERSION");
  expect(t.rd(R::kDesignHashLo) == std::uint32_t(kHash) && t.rd(R::kDesignHashHi) == std::uint32_t(kHash >> 32),
         "DESIGN_HASH_LO/HI read the DESIGN_HASH parameter");
  expect(t.rd(R::kImageBytes) == kImageBytes, "IMAGE_BYTES = pixels rounded up to 8");
  expect(t.rd(R::kNumClasses) == kClasses && t.rd(R::kPixels) == kPixels, "NUM_CLASSES and PIXELS");
  expect(t.rd(R::kStatus) == R::kStatusIdleMask, "STATUS after reset: IDLE only");
  expect(t.rd(R::kControl) == 0, "CONTROL reads 0");
  expect(t.rd(0xFC) == 0, "an unused offset reads 0");

  // --- read-write registers: value, byte strobes, read-only ones ignore writes
  const std::uint32_t rw[] = {R::kFlags, R::kImageCount, R::kInAddr, R::kInBytes, R::kOutAddr, R::kOutBytes};
  bool rw_ok = true, strb_ok = true;
  for (std::uint32_t a : rw) {
    const std::uint32_t v = std::uint32_t(t.rng());
    t.wr(a, v);
    rw_ok = rw_ok && t.rd(a) == v;
    t.wr(a, 0xFFFFFFFFu, 0x5);  // bytes 0 and 2 only
    strb_ok = strb_ok && t.rd(a) == ((v & 0xFF00FF00u) | 0x00FF00FFu);
  }
  expect(rw_ok, "RW registers read back what was written");
  expect(strb_ok, "RW registers honour byte strobes");
  t.wr(R::kId, 0);
  t.wr(R::kImagesDone, 123);
  t.wr(0xFC, 0xFFFFFFFFu);
  expect(t.rd(R::kId) == R::kShellId && t.rd(R::kImagesDone) == 0 && t.rd(0xFC) == 0,
         "writes to read-only and unused offsets are ignored");

  const std::uint32_t in = kBase + 0x0F00;     // crosses 4 KB boundaries
  const std::uint32_t out = kBase + 0x40F88;   // crosses 4 KB boundaries
  int bad = 0;

  // --- normal batches, random DDR latency and gaps
  bad += t.good_batch(37, true, in, out, "batch with scores");
  bad += t.good_batch(61, false, in + 8, out + 16, "batch class only");
  bad += t.good_batch(1, true, in, out, "batch of one image");

  // --- slow DDR: the stall counters see it (two configs of the same shape on purpose:
  // slow reads, then slow writes, each field named where it is set)
  DdrConfig slow_reads;
  slow_reads.seed = 3;
  slow_reads.p_rvalid = 0.03;
  slow_reads.min_latency = 100;
  slow_reads.max_latency = 400;
  t.ddr.set_config(slow_reads);
  bad += t.good_batch(12, true, in, out, "batch on slow DDR reads");
  expect(t.rd(R::kInStallCycles) > 0, "slow reads: IN_STALL_CYCLES > 0");
  DdrConfig slow_writes;
  slow_writes.seed = 4;
  slow_writes.p_addr_ready = 0.2;
  slow_writes.p_wready = 0.03;
  t.ddr.set_config(slow_writes);
  bad += t.good_batch(40, true, in, out, "batch on slow DDR writes");
  expect(t.rd(R::kOutStallCycles) > 0, "slow writes: OUT_STALL_CYCLES > 0");
  t.ddr.set_config(DdrConfig{});

  // --- length and address errors: defined code, DONE, no DDR access, then a good batch
  struct BadCase {
    const char* name;
    std::uint32_t in_bytes_delta, count, out_bytes, in_off;
    std::uint32_t code;
  };
  const BadCase cases[] = {
      {"IN_BYTES not a whole number of images", 8, 5, 4096, 0, std::uint32_t(R::ErrorCode::kBadLength)},
      {"IN_BYTES one image short", std::uint32_t(-kImageBytes), 5, 4096, 0, std::uint32_t(R::ErrorCode::kBadLength)},
      {"IMAGE_COUNT 0", 0, 0, 4096, 0, std::uint32_t(R::ErrorCode::kBadLength)},
      {"OUT_BYTES too small", 0, 5, 5 * (kClasses + 1) * 8 - 8, 0, std::uint32_t(R::ErrorCode::kOutTooSmall)},
      {"IN_ADDR not 8-byte aligned", 0, 5, 4096, 4, std::uint32_t(R::ErrorCode::kMisaligned)},
  };
  for (const auto& c : cases) {
    const std::uint64_t reads = t.ddr.read_beats(), writes = t.ddr.write_beats();
    t.program(in + c.in_off, c.count * kImageBytes + c.in_bytes_delta, out, c.out_bytes, c.count, true);
    t.wr(R::kControl, R::kControlStartMask);
    const bool done = t.wait_done(10000);
    const std::uint32_t s = t.rd(R::kStatus);
    expect(done && (s & R::kStatusIdleMask) && t.error() == c.code,
           std::string(c.name) + ": DONE, ERROR " + std::to_string(c.code));
    expect(t.ddr.read_beats() == reads && t.ddr.write_beats() == writes, std::string(c.name) + ": no DDR access");
    bad += t.good_batch(3, true, in, out, std::string("after ") + c.name);
  }

  // --- START while busy: flagged, the running batch unaffected
  {
    const std::uint32_t n = 40;
    auto imgs = t.fill_images(in, n);
    t.program(in, n * kImageBytes, out, n * 8, n, false);
    t.wr(R::kControl, R::kControlStartMask);
    // Register writes during the batch do not affect it (latched at START).
    t.wr(R::kImageCount, 1);
    t.wr(R::kOutAddr, out + 4096);
    t.wr(R::kInBytes, 3);
    b.idle(300);
    t.wr(R::kControl, R::kControlStartMask);
    const std::uint32_t s = t.rd(R::kStatus);
    expect((s & R::kStatusBusyMask) && (s & R::kStatusStartRejectedMask), "START while busy: START_REJECTED");
    expect(t.wait_done(), "START while busy: the batch still finishes");
    int wrong = 0;
    for (std::uint32_t i = 0; i < n; ++i) {
      std::uint64_t got;
      std::memcpy(&got, t.ddr.at(out + 8 * i), 8);
      wrong += got != model_record(imgs.data() + std::size_t(i) * kImageBytes, i, false)[0];
    }
    expect(wrong == 0 && t.error() == 0, "START while busy / registers rewritten: results exact, ERROR 0");
    expect(t.rd(R::kImagesDone) == n, "START while busy: exactly one batch ran");
    bad += t.good_batch(4, true, in, out, "after START while busy");
    expect(!(t.rd(R::kStatus) & R::kStatusStartRejectedMask), "START_REJECTED cleared by the next START");
  }

  // --- SOFT_RESET at random points of a batch: drains, ABORTED, next batch exact
  std::uniform_int_distribution<int> when(5, 3000);
  for (int k = 0; k < 6; ++k) {
    const std::uint32_t n = 300;  // ~40 cycles per image: the reset lands mid-batch
    t.fill_images(in, n);
    t.program(in, n * kImageBytes, out, n * (kClasses + 1) * 8, n, true);
    t.wr(R::kControl, R::kControlStartMask);
    b.idle(std::uint64_t(when(t.rng)));
    expect(t.rd(R::kStatus) & R::kStatusBusyMask, "SOFT_RESET mid-batch #" + std::to_string(k) + ": batch running");
    t.wr(R::kControl, R::kControlSoftResetMask);
    const bool done = t.wait_done(20000);
    const std::uint32_t s = t.rd(R::kStatus);
    expect(done && (s & R::kStatusIdleMask) && t.error() == std::uint32_t(R::ErrorCode::kAborted),
           "SOFT_RESET mid-batch #" + std::to_string(k) + ": idle, DONE, ERROR ABORTED");
    expect(b.checker().outstanding_reads() == 0 && b.checker().outstanding_writes() == 0,
           "SOFT_RESET mid-batch #" + std::to_string(k) + ": no AXI transaction left open");
    bad += t.good_batch(7, k % 2 == 0, in, out, "after SOFT_RESET #" + std::to_string(k));
  }

  // --- SOFT_RESET right after START (while the sizes are checked): aborted, nothing read
  {
    const std::uint64_t reads = t.ddr.read_beats();
    t.fill_images(in, 20);
    t.program(in, 20 * kImageBytes, out, 20 * 8, 20, false);
    t.wr(R::kControl, R::kControlStartMask);
    t.wr(R::kControl, R::kControlSoftResetMask);
    expect(t.wait_done(20000) && t.error() == std::uint32_t(R::ErrorCode::kAborted) &&
               t.ddr.read_beats() - reads < 20 * kImageBytes / 8,
           "SOFT_RESET right after START: DONE, ERROR ABORTED, batch not run");
    bad += t.good_batch(6, true, in, out, "after SOFT_RESET right after START");
  }

  // --- SOFT_RESET when idle clears DONE, ERROR and the counters
  t.wr(R::kControl, R::kControlSoftResetMask);
  b.idle(20);
  expect(t.rd(R::kStatus) == R::kStatusIdleMask && t.rd(R::kImagesDone) == 0 && t.rd(R::kBusyCycles) == 0,
         "SOFT_RESET when idle: STATUS IDLE only, counters 0");

  // --- DDR error responses: reported, batch ends, next batch exact
  const std::uint64_t errs0 = b.checker().error_responses();
  t.ddr.inject_read_error(in + 3 * kImageBytes, in + 4 * kImageBytes);
  {
    t.fill_images(in, 9);
    t.program(in, 9 * kImageBytes, out, 9 * 8, 9, false);
    t.wr(R::kControl, R::kControlStartMask);
    expect(t.wait_done() && t.error() == std::uint32_t(R::ErrorCode::kReadResponse), "read SLVERR: ERROR READ_RESPONSE");
  }
  bad += t.good_batch(5, true, in, out, "after read SLVERR");
  t.ddr.inject_write_error(out, out + 8);
  {
    t.fill_images(in, 9);
    t.program(in, 9 * kImageBytes, out, 9 * 8, 9, false);
    t.wr(R::kControl, R::kControlStartMask);
    expect(t.wait_done() && t.error() == std::uint32_t(R::ErrorCode::kWriteResponse),
           "write SLVERR: ERROR WRITE_RESPONSE");
  }
  bad += t.good_batch(5, false, in, out, "after write SLVERR");
  expect(b.checker().error_responses() - errs0 == 2, "exactly the two injected error responses were seen");

  // --- the protocol checker saw nothing wrong in all of the above
  for (const auto& m : b.checker().messages()) std::printf("  %s\n", m.c_str());
  for (const auto& m : b.host().messages()) std::printf("  %s\n", m.c_str());
  expect(b.violations() == 0, "AXI3 / AXI4-Lite protocol violations: " + std::to_string(b.violations()));
  expect(bad == 0, "record mismatches over all batches: " + std::to_string(bad));
  std::printf("%llu cycles\n%s\n", (unsigned long long)b.cycles(), failures ? "FAILED" : "PASSED");
  t.top->final();
  return failures ? 1 : 0;
}
