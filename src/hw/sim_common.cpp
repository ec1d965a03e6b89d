#include "hw/sim_common.hpp"

#include <cstdlib>

#include <fmt/format.h>

#include "data/registry.hpp"
#include "qmodel/model_file.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"

namespace dorefa::hw {
namespace fs = std::filesystem;

const qmodel::Model& simulated_model(const fs::path& design_dir, const DesignInfo& design, const qmodel::Model* given,
                                     qmodel::Model& storage) {
  if (!given) {
    if (design.model_file.empty() || !fs::exists(design.model_file))
      throw Error(design_dir.string(), "design has no model.dqm; compile it from a model file");
    storage = qmodel::load_model(design.model_file);
    given = &storage;
  }
  if (given->name != design.model_name)
    throw Error(design_dir.string(),
                fmt::format("design was compiled from model '{}', not '{}'", design.model_name, given->name));
  return *given;
}

data::Dataset simulated_images(const std::string& dataset, const std::string& split, std::size_t images,
                               const qmodel::Model& model, const std::function<bool(const data::Dataset&)>& fits) {
  data::Dataset ds = data::load_dataset(dataset, split);
  if (images > 0) ds = ds.head(images);
  if (std::int64_t(ds.image_bytes()) != model.input.elements() || !fits(ds))
    throw Error(dataset, fmt::format("images are {}x{}x{}, the model expects {}x{}x{}", ds.rows, ds.cols, ds.channels,
                                     model.input.height, model.input.width, model.input.channels));
  if (ds.size() == 0) throw Error(dataset, "no images selected");
  return ds;
}

std::future<std::vector<runtime::Inference>> reference_async(const qmodel::Model& model, const data::Dataset& ds) {
  return std::async(std::launch::async, [&model, &ds] {
    std::vector<runtime::Inference> out(ds.size());
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = runtime::run_reference(model, ds.image(i));
    return out;
  });
}

void write_command_line(const fs::path& file, const std::vector<std::string>& argv) {
  std::string cmd_line;
  for (const auto& a : argv) cmd_line += a + " ";
  util::write_file_atomic(file, cmd_line + "\n");
}

ProcessResult run_harness(const std::vector<std::string>& argv, const fs::path& log, const fs::path& workdir,
                          const std::string& what, util::Progress& progress, const std::string& progress_prefix,
                          const std::function<void(const std::string&)>& on_line) {
  std::size_t shown = 0;
  std::string failure;
  const fs::path cwd = fs::current_path();
  fs::current_path(workdir);
  ProcessResult r;
  try {
    r = run_streaming(argv, log, [&](const std::string& line) {
      if (line.rfind(progress_prefix, 0) == 0) {
        const std::size_t done = std::strtoull(line.c_str() + progress_prefix.size(), nullptr, 10);
        if (done > shown) progress.advance(done - shown);
        shown = done;
        return;
      }
      if (line.rfind("timeout", 0) == 0 || line.rfind("error", 0) == 0) failure = line;
      on_line(line);
    });
  } catch (...) {
    fs::current_path(cwd);
    throw;
  }
  fs::current_path(cwd);
  progress.finish();
  if (r.exit_code != 0)
    throw Error(what, fmt::format("harness failed (exit {}): {}{}", r.exit_code, failure.empty() ? "" : failure + "; ",
                                  tail_lines(log, 5)),
                ErrorKind::kInternal);
  return r;
}

}  // namespace dorefa::hw
