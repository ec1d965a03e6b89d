#include "board/zynq_backend.hpp"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>

#include <fmt/format.h>

#include "util/error.hpp"

namespace dorefa::board {

namespace {

// The xlnk driver's buffer requests (Xilinx linux-xlnx drivers/staging/apf/xlnk.h and
// xlnk-ioctl.h, the driver in the PYNQ v2.6 kernel; what PYNQ's libcma calls). On a
// 32-bit kernel its pointer-sized fields are 32-bit; the structs are packed.
constexpr unsigned long kXlnkAllocBuf = _IOWR('X', 2, unsigned long);
constexpr unsigned long kXlnkFreeBuf = _IOWR('X', 3, unsigned long);
union XlnkArgs {
  struct __attribute__((packed)) {
    std::uint32_t len;
    std::int32_t id;
    std::uint32_t phyaddr;
    std::uint8_t cacheable;
  } allocbuf;
  struct __attribute__((packed)) {
    std::uint32_t id;
    std::uint32_t buf;
  } freebuf;
  std::uint8_t pad[64];  // the driver copies its whole union; keep ours at least as large
};
// mmap of /dev/xlnk maps buffer `id` at offset id << 24 (xlnk_mmap).
constexpr int kXlnkIdShift = 24;

std::string errno_text() { return std::strerror(errno); }

std::uint64_t read_sysfs_number(const std::string& path) {
  std::ifstream in(path);
  std::string text;
  if (!(in >> text)) throw Error(path, "cannot read (is the u-dma-buf module loaded?)");
  return std::stoull(text, nullptr, 0);
}

}  // namespace

ZynqBackend::ZynqBackend(const ZynqOptions& o) : options_(o) {
  mem_fd_ = ::open("/dev/mem", O_RDWR | O_SYNC | O_CLOEXEC);
  if (mem_fd_ < 0)
    throw Error("/dev/mem", fmt::format("cannot open: {} (run as root, as PYNQ does: sudo)", errno_text()));
  void* p = ::mmap(nullptr, o.register_span, PROT_READ | PROT_WRITE, MAP_SHARED, mem_fd_, off_t(o.register_base));
  if (p == MAP_FAILED)
    throw Error("/dev/mem", fmt::format("cannot map the registers at {:#x} ({} bytes): {}", o.register_base,
                                        o.register_span, errno_text()));
  regs_ = static_cast<volatile std::uint32_t*>(p);

  const bool have_xlnk = ::access("/dev/xlnk", F_OK) == 0;
  const bool use_xlnk = o.buffers == BufferSource::kXlnk || (o.buffers == BufferSource::kAuto && have_xlnk);
  if (use_xlnk) {
    xlnk_fd_ = ::open("/dev/xlnk", O_RDWR | O_CLOEXEC);
    if (xlnk_fd_ < 0)
      throw Error("/dev/xlnk", fmt::format("cannot open the CMA allocator: {} (PYNQ v2.6 images have it; as root)",
                                           errno_text()));
    return;
  }
  const std::string dev = "/dev/" + o.udmabuf, sys = "/sys/class/u-dma-buf/" + o.udmabuf;
  udmabuf_fd_ = ::open(dev.c_str(), O_RDWR | O_SYNC | O_CLOEXEC);  // O_SYNC: uncached mapping
  if (udmabuf_fd_ < 0)
    throw Error(dev, fmt::format("cannot open: {}; neither /dev/xlnk (the PYNQ v2.6 CMA driver) nor a u-dma-buf "
                                 "device is available for DMA buffers (docs/board/host.md)",
                                 errno_text()));
  udmabuf_phys_ = read_sysfs_number(sys + "/phys_addr");
  udmabuf_size_ = std::size_t(read_sysfs_number(sys + "/size"));
  void* m = ::mmap(nullptr, udmabuf_size_, PROT_READ | PROT_WRITE, MAP_SHARED, udmabuf_fd_, 0);
  if (m == MAP_FAILED) throw Error(dev, fmt::format("cannot map {} bytes: {}", udmabuf_size_, errno_text()));
  udmabuf_map_ = static_cast<std::uint8_t*>(m);
}

ZynqBackend::~ZynqBackend() {
  if (regs_) ::munmap(const_cast<std::uint32_t*>(regs_), options_.register_span);
  if (udmabuf_map_) ::munmap(udmabuf_map_, udmabuf_size_);
  for (int fd : {mem_fd_, xlnk_fd_, udmabuf_fd_})
    if (fd >= 0) ::close(fd);
}

std::string ZynqBackend::describe() const {
  return fmt::format("PYNQ-Z2 shell at {:#x} (/dev/mem, buffers from {})", options_.register_base,
                     xlnk_fd_ >= 0 ? "/dev/xlnk" : "/dev/" + options_.udmabuf);
}

std::uint32_t ZynqBackend::read32(std::uint32_t offset) { return regs_[offset / 4]; }
void ZynqBackend::write32(std::uint32_t offset, std::uint32_t value) { regs_[offset / 4] = value; }

DmaBuffer ZynqBackend::allocate(std::size_t bytes) {
  const std::size_t size = (bytes + 4095) / 4096 * 4096;
  if (xlnk_fd_ >= 0) {
    XlnkArgs a{};
    a.allocbuf.len = std::uint32_t(size);
    a.allocbuf.cacheable = 0;
    if (::ioctl(xlnk_fd_, kXlnkAllocBuf, &a) < 0 || a.allocbuf.id <= 0)
      throw Error("/dev/xlnk", fmt::format("cannot allocate {} contiguous bytes: {} (CMA exhausted? `cat "
                                           "/proc/meminfo | grep Cma`)",
                                           size, errno_text()),
                  ErrorKind::kInternal);
    const std::int32_t id = a.allocbuf.id;
    const std::uint32_t phys = a.allocbuf.phyaddr;
    void* m = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, xlnk_fd_, off_t(std::uint64_t(id) << kXlnkIdShift));
    if (m == MAP_FAILED) {
      XlnkArgs f{};
      f.freebuf.id = std::uint32_t(id);
      ::ioctl(xlnk_fd_, kXlnkFreeBuf, &f);
      throw Error("/dev/xlnk", fmt::format("cannot map buffer {}: {}", id, errno_text()), ErrorKind::kInternal);
    }
    return DmaBuffer{static_cast<std::uint8_t*>(m), phys, size, std::uint64_t(id)};
  }
  if (udmabuf_used_ + size > udmabuf_size_)
    throw Error("/dev/" + options_.udmabuf,
                fmt::format("{} bytes requested, {} of {} left", size, udmabuf_size_ - udmabuf_used_, udmabuf_size_),
                ErrorKind::kInternal);
  DmaBuffer b{udmabuf_map_ + udmabuf_used_, udmabuf_phys_ + udmabuf_used_, size, 0};
  udmabuf_used_ += size;
  return b;
}

void ZynqBackend::release(DmaBuffer& b) {
  if (xlnk_fd_ >= 0 && b.data) {
    ::munmap(b.data, b.bytes);
    XlnkArgs f{};
    f.freebuf.id = std::uint32_t(b.handle);
    f.freebuf.buf = 0;
    ::ioctl(xlnk_fd_, kXlnkFreeBuf, &f);
  }
  b = DmaBuffer{};
}

// Uncached buffers: the CPU's writes reach DDR in order; a barrier before START (the
// register write) is all that is needed, and the /dev/mem mapping is O_SYNC.
void ZynqBackend::to_device(const DmaBuffer&, std::size_t, std::size_t) { __sync_synchronize(); }
void ZynqBackend::from_device(const DmaBuffer&, std::size_t, std::size_t) { __sync_synchronize(); }

double ZynqBackend::seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Busy polling: a register read over GP0 takes well under a microsecond, so latency is
// measured to that resolution.
void ZynqBackend::pause(double) {}

}  // namespace dorefa::board
