// `dorefa`: the toolchain's single entry point. Argument handling only; the work lives in
// the libraries. Bad input exits 2, internal faults exit 1, both as one `error: ...` line.
#include <cstdio>
#include <exception>

#include <CLI/CLI.hpp>

#include "cli/command.hpp"
#include "util/error.hpp"

int main(int argc, char** argv) {
  CLI::App app{"dorefa: DoReFa-Net training, pruning, integer lowering and FPGA deployment for PYNQ-Z2"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Show help for every command");
  dorefa::cli::install_commands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  } catch (const dorefa::Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return e.kind() == dorefa::ErrorKind::kBadInput ? 2 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: internal: %s\n", e.what());
    return 1;
  }
  return 0;
}
