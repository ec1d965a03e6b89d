#include "board/accelerator.hpp"

#include <chrono>
#include <cstring>

#include <fmt/format.h>

#include "dorefa_regs.h"  // generated from src/hw/register_map.cpp by dorefa_regmap (CMake)
#include "util/error.hpp"

namespace dorefa::board {

namespace R = dorefa_regs;

namespace {

std::uint32_t field(std::uint32_t word, std::uint32_t mask, std::uint32_t shift) { return (word & mask) >> shift; }

std::string error_name(std::uint32_t code) {
  const char* name = R::error_code_name(code);
  return name ? name : fmt::format("unknown error code {}", code);
}

double host_now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

std::string Accelerator::where(const char* reg) const { return fmt::format("{}: register {}", backend_.describe(), reg); }

Accelerator::Accelerator(Backend& backend, DesignIdentity design) : backend_(backend), design_(std::move(design)) {
  const std::uint32_t id = backend_.read32(R::kId);
  if (id != R::kShellId)
    throw Error(where("ID"), fmt::format("reads {:#010x}, expected {:#010x} (\"DORF\"): no dorefa shell at this address "
                                         "(is the bitstream loaded, and the register window right?)",
                                         id, R::kShellId));
  const std::uint32_t version = backend_.read32(R::kVersion);
  if (field(version, R::kVersionMajorMask, R::kVersionMajorShift) !=
      field(R::kShellVersion, R::kVersionMajorMask, R::kVersionMajorShift))
    throw Error(where("VERSION"), fmt::format("shell version {:#010x}, this host speaks {:#010x} (major versions differ)",
                                              version, R::kShellVersion));
  const std::string hash =
      fmt::format("{:08x}{:08x}", backend_.read32(R::kDesignHashHi), backend_.read32(R::kDesignHashLo));
  if (hash != design_.design_hash)
    throw Error(where("DESIGN_HASH_HI:LO"),
                fmt::format("the device holds design {}, but {} describes design {} (model '{}'): the bitstream was "
                            "built for another model; rebuild it from this bundle or use the bundle it came from",
                            hash, design_.source.string(), design_.design_hash, design_.model_name));
  auto expect = [&](const char* name, std::uint32_t off, std::uint32_t want) {
    const std::uint32_t got = backend_.read32(off);
    if (got != want)
      throw Error(where(name), fmt::format("reads {}, {} expects {}", got, design_.source.string(), want));
  };
  expect("IMAGE_BYTES", R::kImageBytes, design_.image_bytes);
  expect("NUM_CLASSES", R::kNumClasses, design_.num_classes);
  expect("PIXELS", R::kPixels, design_.pixels);
}

Accelerator::~Accelerator() {
  if (in_.data) backend_.release(in_);
  if (out_.data) backend_.release(out_);
}

void Accelerator::ensure_buffers(std::size_t in_bytes, std::size_t out_bytes) {
  auto fit = [&](DmaBuffer& b, std::size_t bytes, const char* what) {
    if (b.data && b.bytes >= bytes) return;
    if (b.data) backend_.release(b);
    b = backend_.allocate(bytes);
    // The shell's addresses are 32-bit and it does not check for wrap-around
    // (docs/board/registers.md): the host must.
    if (b.phys % 8 || b.phys + b.bytes > 0x100000000ull)
      throw Error(backend_.describe(),
                  fmt::format("the {} buffer at physical {:#x} ({} bytes) is not 8-byte aligned below 4 GB, which the "
                              "shell's 32-bit DMA needs",
                              what, b.phys, b.bytes),
                  ErrorKind::kInternal);
  };
  fit(in_, in_bytes, "input");
  fit(out_, out_bytes, "result");
}

BatchResult Accelerator::run(std::span<const std::uint8_t> images, const BatchOptions& o) {
  const double host_start = host_now();
  const std::size_t pixels = design_.pixels;
  if (images.empty() || images.size() % pixels)
    throw Error("images", fmt::format("{} bytes is not a whole number of images of {} pixels (model '{}')",
                                      images.size(), pixels, design_.model_name));
  const std::size_t n = images.size() / pixels;
  const std::size_t rec_words = design_.record_words(o.scores);
  if (n > 0xFFFFFFFFull / std::max<std::size_t>(design_.image_bytes, rec_words * 8))
    throw Error("images", fmt::format("{} images do not fit the shell's 32-bit byte counts", n));
  const std::size_t in_bytes = n * design_.image_bytes, out_bytes = n * rec_words * 8;

  const std::uint32_t before = backend_.read32(R::kStatus);
  if (before & R::kStatusBusyMask)
    throw Error(where("STATUS"), fmt::format("{:#x}: the device is busy with another batch", before),
                ErrorKind::kInternal);
  ensure_buffers(in_bytes, out_bytes);
  // Images padded with zeros to IMAGE_BYTES, each starting a 64-bit word.
  if (design_.image_bytes == pixels) {
    std::memcpy(in_.data, images.data(), images.size());
  } else {
    for (std::size_t i = 0; i < n; ++i) {
      std::memcpy(in_.data + i * design_.image_bytes, images.data() + i * pixels, pixels);
      std::memset(in_.data + i * design_.image_bytes + pixels, 0, design_.image_bytes - pixels);
    }
  }
  backend_.to_device(in_, 0, in_bytes);

  backend_.write32(R::kInAddr, std::uint32_t(in_.phys));
  backend_.write32(R::kInBytes, std::uint32_t(in_bytes));
  backend_.write32(R::kOutAddr, std::uint32_t(out_.phys));
  backend_.write32(R::kOutBytes, std::uint32_t(out_bytes));
  backend_.write32(R::kImageCount, std::uint32_t(n));
  backend_.write32(R::kFlags, o.scores ? R::kFlagsEmitScoresMask : 0u);
  const double start = backend_.seconds();
  backend_.write32(R::kControl, R::kControlStartMask);
  std::uint32_t status = 0;
  for (;;) {
    status = backend_.read32(R::kStatus);
    if (status & R::kStatusDoneMask) break;
    if (backend_.seconds() - start > o.timeout_s) {
      const std::uint32_t done = backend_.read32(R::kImagesDone);
      soft_reset();
      throw Error(where("STATUS"),
                  fmt::format("no DONE within {:g} s of device time (STATUS {:#x}, IMAGES_DONE {} of {}); the device was "
                              "soft-reset and is ready again",
                              o.timeout_s, status, done, n),
                  ErrorKind::kInternal);
    }
    backend_.pause(backend_.seconds() - start);
  }
  BatchResult r;
  r.device_seconds = backend_.seconds() - start;
  r.images = n;
  r.counters = counters();
  if (status & R::kStatusStartRejectedMask)
    throw Error(where("STATUS"), fmt::format("{:#x}: START was rejected (the device was not idle)", status),
                ErrorKind::kInternal);
  if (const std::uint32_t err = field(status, R::kStatusErrorMask, R::kStatusErrorShift))
    throw Error(where("STATUS.ERROR"),
                fmt::format("the batch of {} images ended with {} (IMAGES_DONE {}; input {} bytes at {:#x}, results {} "
                            "bytes at {:#x})",
                            n, error_name(err), r.counters.images_done, in_bytes, in_.phys, out_bytes, out_.phys),
                ErrorKind::kInternal);

  backend_.from_device(out_, 0, out_bytes);
  r.records.resize(n * rec_words);
  std::memcpy(r.records.data(), out_.data, out_bytes);
  r.classes.resize(n);
  if (o.scores) r.scores.resize(n * design_.num_classes);
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t* rec = r.records.data() + i * rec_words;
    const std::uint64_t word = rec[rec_words - 1];
    const std::uint64_t index = word >> R::kClassWordIndexLsb, cls = word & 0xFFFFu;
    if (index != i || (word & 0xFFFF0000u) || cls >= design_.num_classes)
      throw Error(backend_.describe(),
                  fmt::format("result record {} has class word {:#018x} (image index {}, class {}): expected index {} "
                              "and a class below {}",
                              i, word, index, cls, i, design_.num_classes),
                  ErrorKind::kInternal);
    r.classes[i] = std::uint16_t(cls);
    for (std::size_t c = 0; o.scores && c < design_.num_classes; ++c)
      r.scores[i * design_.num_classes + c] = std::int64_t(rec[c]);
  }
  r.host_seconds = host_now() - host_start;
  return r;
}

Counters Accelerator::counters() {
  Counters c;
  c.images_done = backend_.read32(R::kImagesDone);
  c.busy_cycles = backend_.read32(R::kBusyCycles);
  c.in_stall_cycles = backend_.read32(R::kInStallCycles);
  c.out_stall_cycles = backend_.read32(R::kOutStallCycles);
  return c;
}

void Accelerator::soft_reset(double timeout_s) {
  backend_.write32(R::kControl, R::kControlSoftResetMask);
  const double start = backend_.seconds();
  for (;;) {
    const std::uint32_t status = backend_.read32(R::kStatus);
    if (status & R::kStatusIdleMask) return;
    if (backend_.seconds() - start > timeout_s)
      throw Error(where("STATUS"),
                  fmt::format("{:#x}: still not idle {:g} s after SOFT_RESET; reload the bitstream", status, timeout_s),
                  ErrorKind::kInternal);
    backend_.pause(backend_.seconds() - start);
  }
}

}  // namespace dorefa::board
