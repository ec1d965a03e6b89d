#pragma once
// The simulation backend: the Verilated system_top (the real shell and core RTL, DDR and
// PS port models of src/hw/axi_sim.hpp) as a child process speaking the device-server
// protocol of src/hw/system_harness.hpp on a pipe. The host code above it is the board's.
// Device time is the simulator's clock: seconds() = cycles / clock.
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "board/backend.hpp"

namespace dorefa::board {

struct SimEnd {
  std::uint64_t axi_violations = 0, error_responses = 0;
};

class SimBackend : public Backend {
 public:
  // Starts `argv` (e.g. `dorefa simulate DIR --serve` or the Verilated binary with its
  // `serve` arguments) in `workdir`, its stderr to `stderr_log` (empty: ours), and waits
  // for its "ready" line. Throws dorefa::Error (internal) when it cannot start or ends.
  SimBackend(std::vector<std::string> argv, std::filesystem::path workdir = {}, double clock_mhz = 100.0,
             std::filesystem::path stderr_log = {});
  ~SimBackend() override;  // ends the server if finish() was not called

  std::string describe() const override;
  std::uint32_t read32(std::uint32_t offset) override;
  void write32(std::uint32_t offset, std::uint32_t value) override;
  DmaBuffer allocate(std::size_t bytes) override;
  void release(DmaBuffer& buffer) override;
  void to_device(const DmaBuffer& buffer, std::size_t offset, std::size_t bytes) override;
  void from_device(const DmaBuffer& buffer, std::size_t offset, std::size_t bytes) override;
  double seconds() override;
  void pause(double waited_s) override;

  // Test hooks: run cycles; make the next DDR read/write response in [lo, hi) an SLVERR.
  std::uint64_t tick(std::uint64_t cycles);
  void inject_fault(bool read, std::uint32_t lo, std::uint32_t hi);
  // Ends the simulation; the AXI checker's verdict over the whole session.
  SimEnd finish();

 private:
  std::string request(const std::string& line);  // returns the reply after "ok"

  std::vector<std::string> argv_;
  double clock_mhz_;
  pid_t pid_ = -1;
  int to_child_ = -1, from_child_ = -1;
  std::string pending_;  // bytes read past the last line
  std::uint64_t ddr_base_ = 0, ddr_bytes_ = 0, next_free_ = 0;
  struct Allocation {
    std::uint64_t phys;
    std::vector<std::uint8_t> bytes;
  };
  std::vector<Allocation*> allocations_;
  std::uint64_t next_handle_ = 1;
};

}  // namespace dorefa::board
