#pragma once
// The FPGA the accelerator targets: resource capacities and the fabric clock.
#include <cstdint>
#include <string>

namespace dorefa::hw {

// Resource counts in Xilinx 7-series units (LUT6, FF, 36 Kb block RAM, DSP48E1).
struct Resources {
  double lut = 0;
  double ff = 0;
  double bram36 = 0;  // a BRAM18 counts 0.5
  double dsp = 0;

  Resources& operator+=(const Resources& o) {
    lut += o.lut;
    ff += o.ff;
    bram36 += o.bram36;
    dsp += o.dsp;
    return *this;
  }
};

struct Device {
  std::string name;
  Resources capacity;
  double clock_mhz = 100.0;
};

// The PYNQ-Z2's Zynq XC7Z020-1CLG400 at the 100 MHz fabric clock.
inline Device xc7z020() { return Device{"xc7z020", Resources{53200, 106400, 140, 220}, 100.0}; }

}  // namespace dorefa::hw
