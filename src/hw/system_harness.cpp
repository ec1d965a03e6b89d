#include "hw/system_harness.hpp"

#include "hw/register_map.hpp"

namespace dorefa::hw {

namespace {

const char* kMain = R"HARNESS(
namespace {

using namespace dorefa_axi_sim;
namespace R = dorefa_regs;

struct Batch {
  std::uint64_t start_cycle = 0, done_cycle = 0;
  std::uint32_t status = 0;
  bool ok = false;
};

}  // namespace

// Argument handling shaped like sim_harness.cpp's: each harness is one self-contained
// text that Verilator compiles in the design folder, so the two share no code.
int test_main(int argc, char** argv) {
  if (argc < 13) {
    std::fprintf(stderr, "usage: %s IMAGES RESULTS N IMAGE_BYTES CLASSES SEED P_READY P_VALID MIN_LAT MAX_LAT TIMEOUT CLASS_ONLY_N\n", argv[0]);
    return 2;
  }
  const char* images_path = argv[1];
  const char* results_path = argv[2];
  const std::uint32_t n = std::uint32_t(std::atol(argv[3]));
  const std::uint32_t image_bytes = std::uint32_t(std::atol(argv[4]));
  const std::uint32_t classes = std::uint32_t(std::atol(argv[5]));
  const std::uint64_t seed = std::strtoull(argv[6], nullptr, 10);
  DdrConfig cfg;
  cfg.seed = seed;
  cfg.p_addr_ready = cfg.p_wready = std::atof(argv[7]);
  cfg.p_rvalid = cfg.p_bvalid = std::atof(argv[8]);
  cfg.min_latency = std::atoi(argv[9]);
  cfg.max_latency = std::atoi(argv[10]);
  const std::uint64_t timeout = std::strtoull(argv[11], nullptr, 10);
  const std::uint32_t class_only = std::min<std::uint32_t>(n, std::uint32_t(std::atol(argv[12])));

  std::vector<std::uint8_t> images(std::size_t(n) * image_bytes);
  FILE* f = std::fopen(images_path, "rb");
  if (!f || std::fread(images.data(), 1, images.size(), f) != images.size()) {
    std::fprintf(stderr, "cannot read %u images of %u bytes from %s\n", n, image_bytes, images_path);
    return 2;
  }
  std::fclose(f);

  // DDR: input buffer, then the three result buffers, each 4 KB aligned plus an odd offset
  // of 8-byte words so that bursts meet 4 KB boundaries at varying points.
  const std::uint32_t base = 0x10000000u;
  const std::uint32_t rec_words = classes + 1;
  auto align = [](std::uint64_t x) { return (x + 4095) / 4096 * 4096; };
  const std::uint32_t in_addr = base + 0x1A8;
  const std::uint32_t out1 = std::uint32_t(align(in_addr + std::uint64_t(images.size())) + 0x2F0);
  const std::uint32_t out2 = std::uint32_t(align(out1 + 8ull * rec_words) + 0x98);
  const std::uint32_t out3 = std::uint32_t(align(out2 + 8ull * rec_words * n) + 0x40);
  const std::uint64_t mem_bytes = align(out3 + 8ull * std::max(1u, class_only)) + 4096 - base;
  DdrModel ddr(base, std::size_t(mem_bytes), cfg);
  std::memcpy(ddr.at(in_addr), images.data(), images.size());

  auto ctx = std::make_unique<VerilatedContext>();
  ctx->commandArgs(1, argv);
  auto top = std::make_unique<Vsystem_top>(ctx.get());
  // The checker's declared limit: 8 reads, 8 writes outstanding (the shell issues at most 4).
  AxiLimits limits;
  Bench<Vsystem_top> b(*top, ddr, seed + 1, limits);
  top->clk = 0;
  b.reset(16);
  b.idle(16);

  const char* names[] = {"ID", "VERSION", "DESIGN_HASH_LO", "DESIGN_HASH_HI", "IMAGE_BYTES", "NUM_CLASSES", "PIXELS"};
  const std::uint32_t offs[] = {R::kId, R::kVersion, R::kDesignHashLo, R::kDesignHashHi, R::kImageBytes,
                                R::kNumClasses, R::kPixels};
  for (int i = 0; i < 7; ++i) std::printf("reg %s %u\n", names[i], b.read_reg(offs[i]));

  bool timed_out = false;
  auto run = [&](std::uint32_t in, std::uint32_t in_bytes, std::uint32_t out, std::uint32_t count, bool scores,
                 std::uint32_t poll, bool progress) {
    Batch r;
    b.write_reg(R::kInAddr, in);
    b.write_reg(R::kInBytes, in_bytes);
    b.write_reg(R::kOutAddr, out);
    b.write_reg(R::kOutBytes, count * (scores ? rec_words : 1) * 8);
    b.write_reg(R::kImageCount, count);
    b.write_reg(R::kFlags, scores ? R::kFlagsEmitScoresMask : 0);
    b.write_reg(R::kControl, R::kControlStartMask);
    r.start_cycle = b.cycles();
    std::uint32_t last_done = 0;
    std::uint64_t last_progress = b.cycles();
    const std::uint32_t step = count >= 100 ? count / 100 : 1;
    std::uint32_t shown = 0;
    for (;;) {
      r.status = b.read_reg(R::kStatus);
      if (r.status & R::kStatusDoneMask) break;
      if (poll > 1) b.idle(poll);
      const std::uint32_t done = b.read_reg(R::kImagesDone);
      if (done != last_done) last_done = done, last_progress = b.cycles();
      if (progress && done >= shown + step) {
        shown = done;
        std::printf("progress %u %u\n", done, count);
        std::fflush(stdout);
      }
      if (b.cycles() - last_progress > timeout) {
        std::printf("timeout: no image finished for %llu cycles (%u of %u done)\n", (unsigned long long)timeout,
                    last_done, count);
        std::fflush(stdout);
        timed_out = true;
        return r;
      }
    }
    r.done_cycle = b.cycles();
    r.ok = true;
    return r;
  };
  auto error_of = [](std::uint32_t status) { return (status & R::kStatusErrorMask) >> R::kStatusErrorShift; };

  // 2. bad input: not a whole number of images.
  {
    const std::uint64_t beats = ddr.read_beats();
    Batch r = run(in_addr, 2 * image_bytes - 8, out1, 2, true, 1, false);
    std::printf("stat bad_length_error %u\n", error_of(r.status));
    std::printf("stat bad_length_ddr_reads %llu\n", (unsigned long long)(ddr.read_beats() - beats));
  }
  // 3. latency of one image; STATUS read back to back.
  Batch lat = run(in_addr, image_bytes, out1, 1, true, 1, false);
  if (timed_out) return 3;
  std::printf("stat latency_cycles %llu\n", (unsigned long long)(lat.done_cycle - lat.start_cycle));
  std::printf("stat latency_error %u\n", error_of(lat.status));
  // 4. the whole batch.
  Batch all = run(in_addr, n * image_bytes, out2, n, true, 256, true);
  if (timed_out) return 3;
  std::printf("stat batch_cycles %llu\n", (unsigned long long)(all.done_cycle - all.start_cycle));
  std::printf("stat batch_error %u\n", error_of(all.status));
  std::printf("stat busy_cycles %u\n", b.read_reg(R::kBusyCycles));
  std::printf("stat images_done %u\n", b.read_reg(R::kImagesDone));
  std::printf("stat in_stall_cycles %u\n", b.read_reg(R::kInStallCycles));
  std::printf("stat out_stall_cycles %u\n", b.read_reg(R::kOutStallCycles));
  // 5. class only.
  std::uint32_t class_error = 0;
  if (class_only > 0) {
    Batch c = run(in_addr, class_only * image_bytes, out3, class_only, false, 64, false);
    if (timed_out) return 3;
    class_error = error_of(c.status);
  }
  std::printf("stat class_only_error %u\n", class_error);
  b.idle(64);
  b.checker().expect_all_closed(ddr.quiet());
  std::printf("stat axi_violations %llu\n", (unsigned long long)b.violations());
  std::printf("stat axi_error_responses %llu\n", (unsigned long long)b.checker().error_responses());
  std::printf("stat total_cycles %llu\n", (unsigned long long)b.cycles());
  for (const auto& m : b.checker().messages()) std::printf("violation %s\n", m.c_str());
  for (const auto& m : b.host().messages()) std::printf("violation %s\n", m.c_str());

  FILE* out = std::fopen(results_path, "wb");
  if (!out) {
    std::fprintf(stderr, "cannot write %s\n", results_path);
    return 2;
  }
  std::fwrite(ddr.at(out1), 8, rec_words, out);
  std::fwrite(ddr.at(out2), 8, std::size_t(rec_words) * n, out);
  if (class_only > 0) std::fwrite(ddr.at(out3), 8, class_only, out);
  std::fclose(out);
  std::printf("done %llu cycles\n", (unsigned long long)b.cycles());
  top->final();
  return 0;
}
)HARNESS";

// The device server (`serve` as the first argument): the same Verilated system_top, DDR
// model and checker, driven by requests on stdin instead of a fixed sequence, so host code
// (src/board/sim_backend.cpp, the Python driver's pynq stand-in) runs against the real RTL.
// Protocol in system_harness.hpp.
const char* kServe = R"HARNESS(
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The DDR bytes [addr, addr + n), or an exception naming the range.
std::uint8_t* ddr_range(dorefa_axi_sim::DdrModel& ddr, std::uint64_t addr, std::uint64_t n) {
  if (addr < ddr.base() || addr + n > std::uint64_t(ddr.base()) + ddr.size())
    throw std::runtime_error("address range [" + std::to_string(addr) + ", " + std::to_string(addr + n) +
                             ") is outside the simulated DDR [" + std::to_string(ddr.base()) + ", " +
                             std::to_string(std::uint64_t(ddr.base()) + ddr.size()) + ")");
  return n ? ddr.at(std::uint32_t(addr)) : nullptr;
}

}  // namespace

int serve_main(int argc, char** argv) {
  using namespace dorefa_axi_sim;
  if (argc < 9) {
    std::fprintf(stderr, "usage: %s serve DDR_BASE DDR_BYTES SEED P_READY P_VALID MIN_LAT MAX_LAT\n", argv[0]);
    return 2;
  }
  const std::uint32_t base = std::uint32_t(std::strtoul(argv[2], nullptr, 10));
  const std::size_t bytes = std::size_t(std::strtoull(argv[3], nullptr, 10));
  DdrConfig cfg;
  cfg.seed = std::strtoull(argv[4], nullptr, 10);
  cfg.p_addr_ready = cfg.p_wready = std::atof(argv[5]);
  cfg.p_rvalid = cfg.p_bvalid = std::atof(argv[6]);
  cfg.min_latency = std::atoi(argv[7]);
  cfg.max_latency = std::atoi(argv[8]);
  DdrModel ddr(base, bytes, cfg);
  auto ctx = std::make_unique<VerilatedContext>();
  ctx->commandArgs(1, argv);
  auto top = std::make_unique<Vsystem_top>(ctx.get());
  Bench<Vsystem_top> b(*top, ddr, cfg.seed + 1, AxiLimits{});
  top->clk = 0;
  b.reset(16);
  b.idle(16);
  std::printf("ready %u %zu\n", base, bytes);
  std::fflush(stdout);

  std::string line, reply;
  while (std::getline(std::cin, line)) {
    std::istringstream in(line);
    std::string cmd;
    in >> cmd;
    reply = "ok";
    try {
      if (cmd == "r") {
        std::uint32_t off = 0;
        if (!(in >> off)) throw std::runtime_error("usage: r OFFSET");
        reply += " " + std::to_string(b.read_reg(off));
      } else if (cmd == "w") {
        std::uint32_t off = 0, value = 0;
        if (!(in >> off >> value)) throw std::runtime_error("usage: w OFFSET VALUE");
        b.write_reg(off, value);
      } else if (cmd == "wm") {
        std::uint64_t addr = 0;
        std::string hex;
        if (!(in >> addr >> hex) || hex.size() % 2) throw std::runtime_error("usage: wm ADDR HEX (even length)");
        std::uint8_t* p = ddr_range(ddr, addr, hex.size() / 2);
        for (std::size_t i = 0; i < hex.size(); i += 2) {
          const int hi = hex_digit(hex[i]), lo = hex_digit(hex[i + 1]);
          if (hi < 0 || lo < 0) throw std::runtime_error("wm: not a hex digit at " + std::to_string(i));
          p[i / 2] = std::uint8_t(hi * 16 + lo);
        }
      } else if (cmd == "rm") {
        std::uint64_t addr = 0, n = 0;
        if (!(in >> addr >> n)) throw std::runtime_error("usage: rm ADDR N");
        const std::uint8_t* p = ddr_range(ddr, addr, n);
        static const char* digits = "0123456789abcdef";
        reply.reserve(4 + 2 * n);
        reply += ' ';
        for (std::uint64_t i = 0; i < n; ++i) reply += digits[p[i] >> 4], reply += digits[p[i] & 15];
      } else if (cmd == "tick") {
        std::uint64_t n = 0;
        if (!(in >> n)) throw std::runtime_error("usage: tick N");
        b.idle(n);
        reply += " " + std::to_string(b.cycles());
      } else if (cmd == "cycles") {
        reply += " " + std::to_string(b.cycles());
      } else if (cmd == "fault") {
        std::string dir;
        std::uint32_t lo = 0, hi = 0;
        if (!(in >> dir >> lo >> hi) || (dir != "read" && dir != "write"))
          throw std::runtime_error("usage: fault read|write LO HI");
        if (dir == "read") ddr.inject_read_error(lo, hi);
        else ddr.inject_write_error(lo, hi);
      } else if (cmd == "quit") {
        // Let bursts in flight finish before the end-of-run check (a host may quit right
        // after a time-out, with the device still draining).
        for (int i = 0; i < 100000 && !ddr.quiet(); ++i) b.cycle();
        b.idle(16);
        b.checker().expect_all_closed(ddr.quiet());
        for (const auto& m : b.checker().messages()) std::fprintf(stderr, "violation %s\n", m.c_str());
        for (const auto& m : b.host().messages()) std::fprintf(stderr, "violation %s\n", m.c_str());
        std::printf("bye %llu %llu\n", (unsigned long long)b.violations(),
                    (unsigned long long)b.checker().error_responses());
        std::fflush(stdout);
        top->final();
        return 0;
      } else {
        throw std::runtime_error("unknown request '" + cmd + "' (r, w, wm, rm, tick, cycles, fault, quit)");
      }
    } catch (const std::exception& e) {
      reply = std::string("err ") + e.what();
    }
    std::fwrite(reply.data(), 1, reply.size(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
  }
  top->final();
  return 0;
}

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "serve") return serve_main(argc, argv);
  return test_main(argc, argv);
}
)HARNESS";

// axi_sim.hpp without its include guard pragma (it becomes part of a main file).
std::string embedded_axi_sim() {
  std::string s = axi_sim_source_text();
  const std::string pragma = "#pragma once\n";
  if (const auto p = s.find(pragma); p != std::string::npos) s.erase(p, pragma.size());
  return s;
}

}  // namespace

std::string system_harness_source() {
  std::string header = regmap_cpp_header(shell_register_map());
  if (const auto p = header.find("#pragma once\n"); p != std::string::npos) header.erase(p, 13);
  return "// Generated by `dorefa simulate --system` from src/hw/system_harness.cpp, src/hw/axi_sim.hpp and\n"
         "// src/hw/register_map.cpp. Do not edit.\n"
         "#include <algorithm>\n#include <cstdlib>\n#include <iostream>\n#include <memory>\n#include <sstream>\n\n"
         "#include \"Vsystem_top.h\"\n#include \"verilated.h\"\n\n" +
         embedded_axi_sim() + "\n" + header + kMain + kServe;
}

}  // namespace dorefa::hw
