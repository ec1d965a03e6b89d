// `dorefa infer MODEL --data mnist [--images N] [--reference|--compare]`: accuracy and
// images/s of the integer model on the CPU; `dorefa infer MODEL --image FILE.pgm`: one image.
#include <chrono>
#include <memory>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "data/registry.hpp"
#include "qmodel/model_file.hpp"
#include "runtime/engine.hpp"
#include "runtime/image_file.hpp"
#include "util/error.hpp"

namespace dorefa::cli {
namespace {

struct InferArgs {
  std::string model;
  std::string data;
  std::string split = "test";
  std::size_t images = 0;
  std::string image;
  bool invert = false;
  bool reference = false;
  bool compare = false;
  int threads = 0;
};

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void infer_image(const InferArgs& a, const runtime::Engine& engine) {
  const qmodel::Model& m = engine.model();
  runtime::GreyImage img = runtime::read_pgm(a.image);
  if (m.input.channels != 1 || img.width != m.input.width || img.height != m.input.height)
    throw Error(a.image, fmt::format("size: expected {}x{} grey (the model's input {}x{}x{}), found {}x{}", m.input.width,
                                     m.input.height, m.input.height, m.input.width, m.input.channels, img.width,
                                     img.height));
  const int top = (1 << m.input_bits) - 1;
  if (img.maxval != top)
    throw Error(a.image, fmt::format("maxval: expected {} (the model's {}-bit input levels), found {}", top, m.input_bits,
                                     img.maxval));
  if (a.invert)
    for (auto& p : img.pixels) p = std::uint8_t(top - p);
  runtime::Inference r = a.reference ? runtime::run_reference(m, img.pixels) : engine.run(img.pixels);
  fmt::print("image     {} ({}x{})\n", a.image, img.width, img.height);
  fmt::print("class     {}\n", r.top1);
  std::string scores;
  for (std::size_t c = 0; c < r.scores.size(); ++c) scores += fmt::format(" {}:{}", c, r.scores[c]);
  fmt::print("scores   {}\n", scores);
}

void infer_dataset(const InferArgs& a, const runtime::Engine& engine) {
  const qmodel::Model& m = engine.model();
  data::Dataset ds = data::load_dataset(a.data, a.split);
  if (a.images > 0) ds = ds.head(a.images);
  if (ds.rows != m.input.height || ds.cols != m.input.width || ds.channels != m.input.channels)
    throw Error("dataset " + a.data, fmt::format("shape: expected {}x{}x{} (the model's input), found {}x{}x{}",
                                                 m.input.height, m.input.width, m.input.channels, ds.rows, ds.cols,
                                                 ds.channels));
  auto accuracy = [&](const std::vector<runtime::Inference>& rs) {
    std::size_t correct = 0;
    for (std::size_t i = 0; i < rs.size(); ++i) correct += rs[i].top1 == ds.labels[i];
    return 100.0 * double(correct) / double(std::max<std::size_t>(rs.size(), 1));
  };
  auto run_reference = [&] {
    std::vector<runtime::Inference> rs(ds.size());
    for (std::size_t i = 0; i < ds.size(); ++i) rs[i] = runtime::run_reference(m, ds.image(i));
    return rs;
  };
  fmt::print("model     {} ({} layers)\n", m.name, m.layers.size());
  fmt::print("data      {} {}: {} images\n", a.data, a.split, ds.size());
  std::vector<runtime::Inference> fast;
  if (!a.reference) {
    fmt::print("kernels   {}\n", engine.describe());
    auto t0 = std::chrono::steady_clock::now();
    fast = engine.run_batch(ds.images);
    const double s = seconds_since(t0);
    fmt::print("engine    accuracy {:.2f}%  {:.0f} images/s ({:.3f} s)\n", accuracy(fast), double(ds.size()) / s, s);
  }
  if (a.reference || a.compare) {
    auto t0 = std::chrono::steady_clock::now();
    std::vector<runtime::Inference> ref = run_reference();
    const double s = seconds_since(t0);
    fmt::print("reference accuracy {:.2f}%  {:.0f} images/s ({:.3f} s, 1 thread)\n", accuracy(ref),
               double(ds.size()) / s, s);
    if (a.compare) {
      std::size_t diff = 0, first = 0;
      for (std::size_t i = ds.size(); i-- > 0;)
        if (!(fast[i] == ref[i])) ++diff, first = i;
      fmt::print("compare   {} of {} images differ between engine and reference\n", diff, ds.size());
      if (diff)
        throw Error("engine vs reference", fmt::format("expected bit-identical scores, found {} differing images "
                                                       "(first: image {})", diff, first),
                    ErrorKind::kInternal);
    }
  }
}

const CommandRegistration kRegistration(55, [](CLI::App& root) {
  auto a = std::make_shared<InferArgs>();
  auto* cmd = root.add_subcommand("infer", "Run an integer model (.dqm) on the CPU: a dataset or one PGM image");
  cmd->add_option("model", a->model, "Integer model file (.dqm)")->required();
  auto* data = cmd->add_option("--data", a->data, "Dataset name (mnist, fashion-mnist)");
  cmd->add_option("--split", a->split, "Dataset split")->capture_default_str();
  cmd->add_option("--images", a->images, "Use only the first N images (0: all)");
  auto* image = cmd->add_option("--image", a->image, "One PGM image (P5/P2, 8-bit grey, the model's input size)");
  cmd->add_flag("--invert", a->invert, "Invert the image (dark digit on light paper -> MNIST's light on dark)");
  cmd->add_flag("--reference", a->reference, "Use the reference interpreter instead of the fast engine");
  cmd->add_flag("--compare", a->compare, "Run both and require bit-identical scores on every image");
  cmd->add_option("--threads", a->threads, "Engine threads (0: all cores)")->check(CLI::NonNegativeNumber);
  data->excludes(image);
  cmd->callback([a] {
    if (a->data.empty() && a->image.empty()) throw Error("dorefa infer", "expected --data NAME or --image FILE, found neither");
    runtime::Engine engine(qmodel::load_model(a->model), {.threads = a->threads});
    if (!a->image.empty()) infer_image(*a, engine);
    else infer_dataset(*a, engine);
  });
});

}  // namespace
}  // namespace dorefa::cli
