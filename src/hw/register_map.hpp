#pragma once
// The system shell's AXI4-Lite register map, defined once (docs/board/registers.md).
// Everything that must agree on it is generated from the tables in register_map.cpp:
//   - the RTL localparams `dorefa_regmap.vh` that rtl/shell_axil_regs.sv includes,
//   - the C++ header `dorefa_regs.h` for host code (ARM side and the simulation harness),
//   - `regmap.json` for the Python driver,
//   - the Markdown table in docs/board/registers.md.
// So the RTL, the host and the driver cannot drift: change the table, regenerate.
#include <cstdint>
#include <string>
#include <vector>

namespace dorefa::hw {

enum class RegAccess { kRO, kRW, kWO };

// A bit field inside a register; `lsb` and `width` in bits.
struct RegField {
  std::string name;
  int lsb = 0;
  int width = 1;
  std::string description;
};

// One 32-bit register at byte `offset` from the shell's base address.
struct Register {
  std::string name;
  std::uint32_t offset = 0;
  RegAccess access = RegAccess::kRO;
  std::string description;
  std::vector<RegField> fields;  // empty: the whole word is one value
};

// A named constant (identification values, error codes) shared by RTL and host.
struct RegConstant {
  std::string name;
  std::uint32_t value = 0;
  std::string description;
};

struct RegisterMap {
  int address_bits = 8;  // the shell decodes addr[address_bits-1:2]; higher bits alias
  std::vector<Register> registers;
  std::vector<RegConstant> constants;    // ID value, version
  std::vector<RegConstant> error_codes;  // STATUS.ERROR values
  const Register& at(const std::string& name) const;  // throws dorefa::Error if unknown
};

// The register map of this shell version.
const RegisterMap& shell_register_map();

// Generated text. `source` names the generator in each file's "generated from" header.
std::string regmap_verilog_header(const RegisterMap& map);  // localparams, `include`d in RTL
std::string regmap_cpp_header(const RegisterMap& map);      // constexpr offsets, masks, codes
std::string regmap_json(const RegisterMap& map);            // for the Python driver
std::string regmap_markdown(const RegisterMap& map);        // docs table

}  // namespace dorefa::hw
