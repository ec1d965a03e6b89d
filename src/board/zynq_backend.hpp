#pragma once
// The board backend: the PYNQ-Z2 running the PYNQ v2.6 image (Linux 5.4, 32-bit ARM).
//   registers  /dev/mem mapped at the shell's AXI4-Lite window (M_AXI_GP0; 0x43C00000 in
//              the bundle's Vivado build, board/vivado/), as PYNQ's MMIO class does;
//   buffers    the PYNQ v2.6 image's CMA allocator, the `xlnk` kernel driver (/dev/xlnk)
//              that PYNQ's own `allocate()` uses on Zynq-7000 through libcma; or, where a
//              board has it, a u-dma-buf device (/dev/udmabufN). Buffers are allocated
//              non-cacheable, so to_device/from_device need no cache maintenance (the
//              shell's HP0 port is not cache-coherent): the same choice as pynq.allocate's
//              default (cacheable=0).
// Needs root (as PYNQ does). Nothing here has run on a board yet (docs/board/host.md).
#include <cstdint>
#include <string>

#include "board/backend.hpp"

namespace dorefa::board {

enum class BufferSource { kAuto, kXlnk, kUdmabuf };

struct ZynqOptions {
  std::uint64_t register_base = 0x43C00000u;  // board/vivado/build_bitstream.tcl's address map
  std::size_t register_span = 0x10000;
  BufferSource buffers = BufferSource::kAuto;  // auto: xlnk if /dev/xlnk exists, else udmabuf
  std::string udmabuf = "udmabuf0";
};

class ZynqBackend : public Backend {
 public:
  explicit ZynqBackend(const ZynqOptions& options = {});  // throws dorefa::Error naming the device file
  ~ZynqBackend() override;

  std::string describe() const override;
  std::uint32_t read32(std::uint32_t offset) override;
  void write32(std::uint32_t offset, std::uint32_t value) override;
  DmaBuffer allocate(std::size_t bytes) override;
  void release(DmaBuffer& buffer) override;
  void to_device(const DmaBuffer& buffer, std::size_t offset, std::size_t bytes) override;
  void from_device(const DmaBuffer& buffer, std::size_t offset, std::size_t bytes) override;
  double seconds() override;
  void pause(double waited_s) override;

 private:
  ZynqOptions options_;
  int mem_fd_ = -1, xlnk_fd_ = -1, udmabuf_fd_ = -1;
  volatile std::uint32_t* regs_ = nullptr;
  // u-dma-buf: one region, handed out by a bump allocator.
  std::uint8_t* udmabuf_map_ = nullptr;
  std::uint64_t udmabuf_phys_ = 0;
  std::size_t udmabuf_size_ = 0, udmabuf_used_ = 0;
};

}  // namespace dorefa::board
