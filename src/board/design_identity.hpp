#pragma once
// What the host must know of the design behind the device, read from the design folder's
// design.json (written by `dorefa compile`): the identity a device must show (design hash)
// and the shapes of its inputs and results. No libtorch, no hw/: builds for the ARM.
#include <cstdint>
#include <filesystem>
#include <string>

namespace dorefa::board {

struct DesignIdentity {
  std::filesystem::path source;  // the design.json it came from (for messages)
  std::string model_name;
  std::string design_hash;       // 16 lowercase hex digits = DESIGN_HASH_HI:LO
  std::uint32_t pixels = 0;      // bytes of one image the core consumes (H*W*C)
  std::uint32_t image_bytes = 0; // one image in DDR: pixels padded to a multiple of 8
  std::uint32_t num_classes = 0;
  std::int64_t ideal_cycles = 0; // the core's cycles per image (folding)
  double clock_mhz = 100.0;

  std::uint32_t record_words(bool scores) const { return scores ? num_classes + 1 : 1; }
};

// Reads DIR/design.json (DIR a design folder) or the file itself; throws dorefa::Error
// (bad input) naming the file and the missing or malformed field.
DesignIdentity load_design_identity(const std::filesystem::path& design);

}  // namespace dorefa::board
