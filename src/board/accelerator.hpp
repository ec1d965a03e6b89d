#pragma once
// The host API of the accelerator (docs/board/host.md), one implementation for the board
// and the simulation (backend.hpp): open a device and check it is the expected design,
// run a batch of images with one START, read the counters. It follows the register
// protocol of docs/board/registers.md ("A batch, as a host runs it").
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "board/backend.hpp"
#include "board/design_identity.hpp"

namespace dorefa::board {

struct BatchOptions {
  bool scores = true;        // FLAGS.EMIT_SCORES: int64 scores in each record
  double timeout_s = 10.0;   // device time without DONE before the batch is aborted
};

struct Counters {
  std::uint32_t images_done = 0, busy_cycles = 0, in_stall_cycles = 0, out_stall_cycles = 0;
};

struct BatchResult {
  std::size_t images = 0;
  std::vector<std::uint16_t> classes;  // one per image
  std::vector<std::int64_t> scores;    // images x num_classes when BatchOptions::scores
  std::vector<std::uint64_t> records;  // the raw result words as the device wrote them
  Counters counters;
  double device_seconds = 0;           // START written -> DONE seen (device time)
  double host_seconds = 0;             // the whole call: copies, cache maintenance, polling
};

class Accelerator {
 public:
  // Reads ID, VERSION, DESIGN_HASH, IMAGE_BYTES, NUM_CLASSES and PIXELS; throws
  // dorefa::Error naming the device, the register, what it holds and what design.json
  // expects (e.g. a bitstream built for another model). Leaves an idle device idle.
  Accelerator(Backend& backend, DesignIdentity design);
  ~Accelerator();
  Accelerator(const Accelerator&) = delete;
  Accelerator& operator=(const Accelerator&) = delete;

  const DesignIdentity& design() const { return design_; }
  Backend& backend() { return backend_; }
  std::string device() const { return backend_.describe(); }

  // Runs `images` (n x pixels bytes, HWC uint8) as one batch. Throws dorefa::Error on a
  // wrong input size, a device error (STATUS.ERROR by name), a record whose image index is
  // not its position, or a time-out (the device is soft-reset first, so it is ready again).
  BatchResult run(std::span<const std::uint8_t> images, const BatchOptions& options = {});

  Counters counters();
  // Aborts a running batch (bursts in flight complete) and waits until the shell is idle.
  void soft_reset(double timeout_s = 1.0);

 private:
  void ensure_buffers(std::size_t in_bytes, std::size_t out_bytes);
  std::string where(const char* reg) const;

  Backend& backend_;
  DesignIdentity design_;
  DmaBuffer in_{}, out_{};
};

}  // namespace dorefa::board
