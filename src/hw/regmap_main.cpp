// `dorefa_regmap`: writes the files generated from the shell's register map
// (src/hw/register_map.cpp). The build runs it to make the RTL header for the shell
// testbench; `dorefa compile` writes the same files into each design folder.
//   dorefa_regmap [--verilog F] [--cpp F] [--json F] [--markdown F]   (no option: Markdown to stdout)
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

#include "hw/register_map.hpp"
#include "util/atomic_file.hpp"

int main(int argc, char** argv) {
  using namespace dorefa::hw;
  const RegisterMap& m = shell_register_map();
  try {
    if (argc == 1) {
      std::fputs(regmap_markdown(m).c_str(), stdout);
      return 0;
    }
    for (int i = 1; i + 1 < argc + 1; i += 2) {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "usage: %s [--verilog F] [--cpp F] [--json F] [--markdown F]\n", argv[0]);
        return 2;
      }
      const std::string opt = argv[i], file = argv[i + 1];
      std::string text;
      if (opt == "--verilog") text = regmap_verilog_header(m);
      else if (opt == "--cpp") text = regmap_cpp_header(m);
      else if (opt == "--json") text = regmap_json(m);
      else if (opt == "--markdown") text = regmap_markdown(m);
      else {
        std::fprintf(stderr, "error: unknown option '%s'\n", opt.c_str());
        return 2;
      }
      if (file == "-") std::fputs(text.c_str(), stdout);
      else dorefa::util::write_file_atomic(file, text);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
