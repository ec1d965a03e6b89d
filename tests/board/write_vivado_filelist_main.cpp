// board_write_vivado_filelist DESIGN_DIR [OUT]: writes the Vivado file list of a compiled
// design (hw::write_vivado_filelist; OUT defaults to DESIGN_DIR/filelist.txt) for
// vivado_tcl_test.sh, the way `dorefa bundle` will. Exit 2 on bad input, like the CLI.
#include <cstdio>
#include <exception>
#include <filesystem>

#include "hw/vivado_filelist.hpp"
#include "util/error.hpp"

int main(int argc, char** argv) {
  if (argc != 2 && argc != 3) {
    std::fprintf(stderr, "usage: %s DESIGN_DIR [OUT]\n", argv[0]);
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  const std::filesystem::path out = argc == 3 ? std::filesystem::path(argv[2]) : dir / "filelist.txt";
  try {
    dorefa::hw::write_vivado_filelist(dir, out);
  } catch (const dorefa::Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return e.kind() == dorefa::ErrorKind::kBadInput ? 2 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
