#include "hw/register_map.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "util/error.hpp"

namespace dorefa::hw {

namespace {

constexpr const char* kSource = "src/hw/register_map.cpp (dorefa::hw::shell_register_map)";

RegisterMap make_map() {
  RegisterMap m;
  m.address_bits = 8;
  using A = RegAccess;
  // One row per register: this table is the one source the RTL, C++ and Python headers
  // are generated from, so its rows look alike on purpose.
  m.registers = {
      {"ID", 0x00, A::kRO, "Identification: always SHELL_ID (\"DORF\")", {}},
      {"VERSION", 0x04, A::kRO, "Shell version",
       {{"MINOR", 0, 16, "minor version"}, {"MAJOR", 16, 16, "major version (incompatible register map changes)"}}},
      {"DESIGN_HASH_LO", 0x08, A::kRO,
       "Bits 31:0 of the design hash: the first 64 bits of SHA-256 over the core's sources and memory images "
       "(design.json system.design_hash); a driver refuses a bitstream built for another model",
       {}},
      {"DESIGN_HASH_HI", 0x0C, A::kRO, "Bits 63:32 of the design hash", {}},
      {"CONTROL", 0x10, A::kWO, "Commands; write 1 to a bit, reads as 0",
       {{"START", 0, 1, "start one batch with the buffer registers as they are now"},
        {"SOFT_RESET", 1, 1,
         "while busy: abort the batch (DDR bursts in flight complete first), reset the datapath and core, then "
         "DONE with ERROR = ABORTED; while idle: reset the core, clear DONE, ERROR, START_REJECTED and the counters "
         "(with START in the same write, SOFT_RESET wins and the START is dropped)"}}},
      {"STATUS", 0x14, A::kRO, "State of the shell",
       {{"IDLE", 0, 1, "no batch running, ready for START"},
        {"BUSY", 1, 1, "a batch is running (or an abort is draining)"},
        {"DONE", 2, 1, "the last batch finished or was rejected or aborted (see ERROR); cleared by START and by SOFT_RESET when idle"},
        {"START_REJECTED", 3, 1,
         "a START arrived while not idle (running, or draining/resetting after an abort) and was ignored (the "
         "running batch is unaffected); cleared by the next accepted START or by SOFT_RESET while idle"},
        {"ERROR", 8, 4, "error code of the last batch (ERR_*), 0 = none"}}},
      {"FLAGS", 0x18, A::kRW, "Batch options (sampled at START)",
       {{"EMIT_SCORES", 0, 1, "1: each result record holds the int64 scores before the class word; 0: class word only"}}},
      {"IMAGE_COUNT", 0x1C, A::kRW, "Images in the batch (>= 1)", {}},
      {"IN_ADDR", 0x20, A::kRW, "DDR address of the first input image (8-byte aligned)", {}},
      {"IN_BYTES", 0x24, A::kRW, "Bytes in the input buffer: must be IMAGE_COUNT * IMAGE_BYTES", {}},
      {"OUT_ADDR", 0x28, A::kRW, "DDR address of the result buffer (8-byte aligned)", {}},
      {"OUT_BYTES", 0x2C, A::kRW, "Capacity of the result buffer: must be >= IMAGE_COUNT * record bytes", {}},
      {"IMAGE_BYTES", 0x30, A::kRO,
       "Bytes per input image in DDR: the image's pixels (HWC, uint8) padded with zeros to a multiple of 8", {}},
      {"NUM_CLASSES", 0x34, A::kRO, "Classes of the model (score words per record when EMIT_SCORES)", {}},
      {"PIXELS", 0x38, A::kRO, "Pixels per image the core consumes (H*W*C)", {}},
      {"IMAGES_DONE", 0x40, A::kRO, "Result records produced by the core in the current/last batch (counted as they enter the result FIFO, "
       "ahead of their DDR write; after an abort it includes records never written)", {}},
      {"BUSY_CYCLES", 0x44, A::kRO, "Clock cycles in the check and run phases of the current/last batch (not the drain and reset after an "
       "abort; 32-bit, wraps)", {}},
      {"IN_STALL_CYCLES", 0x48, A::kRO,
       "Busy cycles in which the core could take a pixel but none had arrived from DDR", {}},
      {"OUT_STALL_CYCLES", 0x4C, A::kRO,
       "Busy cycles in which the core had a result beat but the result path (DDR writes) could not take it", {}},
  };
  m.constants = {
      {"SHELL_ID", 0x444F5246u, "value of ID (\"DORF\")"},
      {"SHELL_VERSION", 0x00010000u, "value of VERSION (1.0)"},
      {"RECORD_WORD_BYTES", 8, "result records are made of 64-bit little-endian words"},
      {"CLASS_WORD_INDEX_LSB", 32, "class word: bits 63:32 = image index in the batch, bits 15:0 = class"},
  };
  m.error_codes = {
      {"ERR_NONE", 0, "no error"},
      {"ERR_BAD_LENGTH", 1, "IMAGE_COUNT is 0 or IN_BYTES != IMAGE_COUNT * IMAGE_BYTES (not a whole number of images); nothing was read"},
      {"ERR_OUT_TOO_SMALL", 2, "OUT_BYTES < IMAGE_COUNT * record bytes; nothing was read"},
      {"ERR_MISALIGNED", 3, "IN_ADDR or OUT_ADDR not 8-byte aligned; nothing was read"},
      {"ERR_ABORTED", 4, "SOFT_RESET during the batch; results are incomplete"},
      {"ERR_READ_RESPONSE", 5, "a DDR read returned SLVERR/DECERR (the batch ran to its end; results are suspect)"},
      {"ERR_WRITE_RESPONSE", 6, "a DDR write returned SLVERR/DECERR (the batch ran to its end)"},
  };
  return m;
}

std::string camel(const std::string& s) {  // IN_STALL_CYCLES -> InStallCycles
  std::string out;
  bool up = true;
  for (char c : s) {
    if (c == '_') {
      up = true;
      continue;
    }
    out += up ? char(std::toupper(static_cast<unsigned char>(c))) : char(std::tolower(static_cast<unsigned char>(c)));
    up = false;
  }
  return out;
}

const char* access_name(RegAccess a) { return a == RegAccess::kRO ? "RO" : a == RegAccess::kRW ? "RW" : "WO"; }

int error_bits(const RegisterMap& m) {
  for (const auto& f : m.at("STATUS").fields)
    if (f.name == "ERROR") return f.width;
  return 4;
}

}  // namespace

const Register& RegisterMap::at(const std::string& name) const {
  for (const auto& r : registers)
    if (r.name == name) return r;
  throw Error("register map", fmt::format("no register named '{}'", name), ErrorKind::kInternal);
}

const RegisterMap& shell_register_map() {
  static const RegisterMap kMap = make_map();
  return kMap;
}

std::string regmap_verilog_header(const RegisterMap& m) {
  std::string s = fmt::format(
      "// Generated from {}. Do not edit: regenerate.\n"
      "// Register map of the system shell (docs/board/registers.md), `include`d inside shell modules.\n"
      "/* verilator lint_off UNUSEDPARAM */\n",
      kSource);
  s += fmt::format("localparam int REGMAP_ADDR_BITS = {};\n", m.address_bits);
  for (const auto& r : m.registers) {
    s += fmt::format("localparam logic [{}:0] REG_{} = {}'h{:02X};  // {}\n", m.address_bits - 1, r.name,
                     m.address_bits, r.offset, access_name(r.access));
    for (const auto& f : r.fields) {
      if (f.width == 1) s += fmt::format("localparam int {}_{}_BIT = {};\n", r.name, f.name, f.lsb);
      else s += fmt::format("localparam int {}_{}_LSB = {};\nlocalparam int {}_{}_WIDTH = {};\n", r.name, f.name, f.lsb,
                            r.name, f.name, f.width);
    }
  }
  for (const auto& c : m.constants) s += fmt::format("localparam logic [31:0] {} = 32'h{:08X};\n", c.name, c.value);
  const int eb = error_bits(m);
  for (const auto& e : m.error_codes) s += fmt::format("localparam logic [{}:0] {} = {}'d{};\n", eb - 1, e.name, eb, e.value);
  s += "/* verilator lint_on UNUSEDPARAM */\n";
  return s;
}

std::string regmap_cpp_header(const RegisterMap& m) {
  std::string s = fmt::format(
      "// Generated from {}. Do not edit: regenerate.\n"
      "// Register map of the dorefa system shell (docs/board/registers.md): byte offsets from the\n"
      "// shell's AXI4-Lite base address, field shifts and masks, error codes.\n"
      "#pragma once\n#include <cstdint>\n\nnamespace dorefa_regs {{\n\n",
      kSource);
  for (const auto& r : m.registers) {
    s += fmt::format("// {} ({}): {}\n", r.name, access_name(r.access), r.description);
    s += fmt::format("inline constexpr std::uint32_t k{} = 0x{:02X};\n", camel(r.name), r.offset);
    for (const auto& f : r.fields) {
      const std::uint32_t mask = f.width >= 32 ? 0xFFFFFFFFu : ((1u << f.width) - 1u) << f.lsb;
      s += fmt::format("inline constexpr std::uint32_t k{}{}Shift = {};\n", camel(r.name), camel(f.name), f.lsb);
      s += fmt::format("inline constexpr std::uint32_t k{}{}Mask = 0x{:08X}u;  // {}\n", camel(r.name), camel(f.name),
                       mask, f.description);
    }
  }
  s += "\n";
  for (const auto& c : m.constants)
    s += fmt::format("inline constexpr std::uint32_t k{} = 0x{:08X}u;  // {}\n", camel(c.name), c.value, c.description);
  s += "\n// STATUS.ERROR values\nenum class ErrorCode : std::uint32_t {\n";
  for (const auto& e : m.error_codes)
    s += fmt::format("  k{} = {},  // {}\n", camel(e.name.substr(4)), e.value, e.description);
  s += "};\n\n// The name of a STATUS.ERROR value (\"ERR_...\"), for messages; nullptr if unknown.\n"
       "inline constexpr const char* error_code_name(std::uint32_t code) {\n  switch (code) {\n";
  for (const auto& e : m.error_codes) s += fmt::format("    case {}: return \"{}\";\n", e.value, e.name);
  s += "    default: return nullptr;\n  }\n}\n\n}  // namespace dorefa_regs\n";
  return s;
}

std::string regmap_json(const RegisterMap& m) {
  // Hand-written so that this file depends on fmt only (the build runs it to make RTL headers).
  auto esc = [](const std::string& t) {
    std::string o;
    for (char c : t) {
      if (c == '"' || c == '\\') o += '\\';
      o += c;
    }
    return o;
  };
  std::string s = fmt::format("{{\n  \"generated_from\": \"{}\",\n  \"address_bits\": {},\n  \"registers\": [\n",
                              esc(kSource), m.address_bits);
  for (std::size_t i = 0; i < m.registers.size(); ++i) {
    const auto& r = m.registers[i];
    s += fmt::format("    {{\"name\": \"{}\", \"offset\": {}, \"access\": \"{}\", \"description\": \"{}\", \"fields\": [",
                     r.name, r.offset, access_name(r.access), esc(r.description));
    for (std::size_t k = 0; k < r.fields.size(); ++k) {
      const auto& f = r.fields[k];
      s += fmt::format("{}{{\"name\": \"{}\", \"lsb\": {}, \"width\": {}, \"description\": \"{}\"}}", k ? ", " : "",
                       f.name, f.lsb, f.width, esc(f.description));
    }
    s += fmt::format("]}}{}\n", i + 1 < m.registers.size() ? "," : "");
  }
  s += "  ],\n  \"constants\": {";
  for (std::size_t i = 0; i < m.constants.size(); ++i)
    s += fmt::format("{}\"{}\": {}", i ? ", " : "", m.constants[i].name, m.constants[i].value);
  s += "},\n  \"error_codes\": {";
  for (std::size_t i = 0; i < m.error_codes.size(); ++i)
    s += fmt::format("{}\"{}\": {}", i ? ", " : "", m.error_codes[i].name, m.error_codes[i].value);
  s += "}\n}\n";
  return s;
}

std::string regmap_markdown(const RegisterMap& m) {
  std::string s = fmt::format("<!-- generated from {} by `dorefa_regmap --markdown` -->\n", kSource);
  s += "| offset | name | access | bits | meaning |\n| --- | --- | --- | --- | --- |\n";
  for (const auto& r : m.registers) {
    s += fmt::format("| 0x{:02X} | `{}` | {} | 31:0 | {} |\n", r.offset, r.name, access_name(r.access), r.description);
    for (const auto& f : r.fields) {
      const std::string bits =
          f.width == 1 ? std::to_string(f.lsb) : fmt::format("{}:{}", f.lsb + f.width - 1, f.lsb);
      s += fmt::format("| | `.{}` | | {} | {} |\n", f.name, bits, f.description);
    }
  }
  s += "\n| constant | value | meaning |\n| --- | --- | --- |\n";
  for (const auto& c : m.constants) s += fmt::format("| `{}` | 0x{:08X} | {} |\n", c.name, c.value, c.description);
  s += "\n| `STATUS.ERROR` | code | meaning |\n| --- | --- | --- |\n";
  for (const auto& e : m.error_codes) s += fmt::format("| `{}` | {} | {} |\n", e.name, e.value, e.description);
  return s;
}

}  // namespace dorefa::hw
