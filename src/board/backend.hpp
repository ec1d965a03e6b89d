#pragma once
// What the host code needs from a device, whichever it is (docs/board/host.md):
// the shell's 32-bit registers, physically contiguous buffers the shell's DMA can reach,
// the cache maintenance around them, and a clock. Two implementations:
//   ZynqBackend (zynq_backend.hpp)  the PYNQ-Z2: /dev/mem for the registers, the PYNQ
//                                   image's xlnk CMA allocator (or u-dma-buf) for buffers;
//   SimBackend  (sim_backend.hpp)   the Verilated system_top (real RTL) behind a pipe.
// Accelerator (accelerator.hpp) is written once against this interface.
#include <cstddef>
#include <cstdint>
#include <string>

namespace dorefa::board {

// A buffer the device can read and write: `data` for the CPU, `phys` for the device.
struct DmaBuffer {
  std::uint8_t* data = nullptr;
  std::uint64_t phys = 0;
  std::size_t bytes = 0;
  std::uint64_t handle = 0;  // the backend's own bookkeeping
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string describe() const = 0;  // for messages: which device, where

  virtual std::uint32_t read32(std::uint32_t offset) = 0;  // byte offset from the shell's base
  virtual void write32(std::uint32_t offset, std::uint32_t value) = 0;

  // Physically contiguous, at least 4 KB aligned. Throws dorefa::Error when none is left.
  virtual DmaBuffer allocate(std::size_t bytes) = 0;
  virtual void release(DmaBuffer& buffer) = 0;
  // After the CPU wrote [offset, offset + bytes): make it visible to the device (the HP
  // port is not cache-coherent); before the CPU reads what the device wrote: the reverse.
  virtual void to_device(const DmaBuffer& buffer, std::size_t offset, std::size_t bytes) = 0;
  virtual void from_device(const DmaBuffer& buffer, std::size_t offset, std::size_t bytes) = 0;

  // Device time in seconds (the board: wall clock; the simulation: cycles / clock), and a
  // pause between two polls of STATUS, `waited_s` into the wait (a backend whose polls are
  // costly may pause longer the longer it has waited, keeping the overshoot a small share).
  virtual double seconds() = 0;
  virtual void pause(double waited_s) = 0;
};

}  // namespace dorefa::board
