#include "runtime/engine.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#elif defined(__ARM_NEON)
#include <arm_neon.h>
#endif

#include "qmodel/validate.hpp"
#include "runtime/bgemm/bgemm.hpp"
#include "runtime/igemm/igemm.hpp"
#include "runtime/im2col.hpp"
#include "runtime/output_stage.hpp"
#include "util/error.hpp"

namespace dorefa::runtime {
namespace {

using qmodel::LayerKind;
using qmodel::OutputKind;
using qmodel::WeightKind;

enum class Kernel { kIgemm, kBgemm, kMaxPool };

struct LayerPlan {
  Kernel kernel = Kernel::kIgemm;
  const qmodel::Layer* layer = nullptr;
  Window window;
  igemm::PackedWeights iw;
  igemm::GemmFn igemm_fn = nullptr;
  bgemm::PackedWeights bw;
  bgemm::GemmFn bgemm_fn = nullptr;
  bool direct = false;  // igemm conv read in place (gemm_avx512vnni_u8_direct), no im2col
  igemm::PackedQuads qw;
  int planes = 0;  // activation bit-planes (bgemm)
  PreparedStage stage;
  std::string name;
};

// Per-thread buffers, grown once and reused for every image.
struct Scratch {
  std::vector<std::uint8_t> act[2];
  std::vector<std::int16_t> patches;
  std::vector<std::uint8_t> padded;
  std::vector<const std::uint8_t*> pixel_rows;
  std::vector<std::uint64_t> bits, pixel_bits;
  std::vector<std::int32_t> sums, acc;
};

// Bit-serial pays off while weight planes x activation planes stays small; its cost grows
// with their product, igemm's does not.
bool use_bgemm(const qmodel::Layer& l) {
  if (l.weight_kind == WeightKind::kSymmetric) return false;
  return l.input_bits <= 4 && l.weight_bits * l.input_bits <= 4;
}

void maxpool_u8(const qmodel::Layer& l, const std::uint8_t* in, std::uint8_t* out) {
  const qmodel::Shape& is = l.input;
  const qmodel::Shape& os = l.output;
  const int C = os.channels;
#if defined(__SSE2__) || defined(__ARM_NEON)
  if (C % 16 == 0) {
    // 16 channels per vector max (unsigned bytes), the window's taps folded in one by one.
    for (int y = 0; y < os.height; ++y)
      for (int x = 0; x < os.width; ++x) {
        std::uint8_t* o = out + std::size_t(y * os.width + x) * std::size_t(C);
        for (int c = 0; c < C; c += 16) {
#if defined(__SSE2__)
          __m128i m = _mm_setzero_si128();
#else
          uint8x16_t m = vdupq_n_u8(0);
#endif
          for (int ky = 0; ky < l.kernel; ++ky)
            for (int kx = 0; kx < l.kernel; ++kx) {
              const std::uint8_t* a =
                  in + std::size_t((y * l.stride + ky) * is.width + x * l.stride + kx) * std::size_t(C) + std::size_t(c);
#if defined(__SSE2__)
              m = _mm_max_epu8(m, _mm_loadu_si128(reinterpret_cast<const __m128i*>(a)));
#else
              m = vmaxq_u8(m, vld1q_u8(a));
#endif
            }
#if defined(__SSE2__)
          _mm_storeu_si128(reinterpret_cast<__m128i*>(o + c), m);
#else
          vst1q_u8(o + c, m);
#endif
        }
      }
    return;
  }
#endif
  for (int y = 0; y < os.height; ++y)
    for (int x = 0; x < os.width; ++x) {
      std::uint8_t* o = out + std::size_t(y * os.width + x) * std::size_t(C);
      std::fill(o, o + C, std::uint8_t(0));
      for (int ky = 0; ky < l.kernel; ++ky)
        for (int kx = 0; kx < l.kernel; ++kx) {
          const std::uint8_t* a = in + std::size_t((y * l.stride + ky) * is.width + x * l.stride + kx) * std::size_t(C);
          for (int c = 0; c < C; ++c) o[c] = std::max(o[c], a[c]);
        }
    }
}

}  // namespace

struct Engine::Impl {
  qmodel::Model model;
  EngineOptions options;
  std::vector<LayerPlan> plans;

  // Scratch kept between calls: a fresh set per call would be allocated, grown and
  // page-faulted in again every batch (a tenth of a 256-image batch's time). A worker takes
  // one for the call and gives it back; concurrent calls on one engine each get their own.
  mutable std::mutex scratch_mutex;
  mutable std::vector<std::unique_ptr<Scratch>> scratch_pool;
  std::unique_ptr<Scratch> take_scratch() const {
    std::lock_guard<std::mutex> lock(scratch_mutex);
    if (scratch_pool.empty()) return std::make_unique<Scratch>();
    std::unique_ptr<Scratch> s = std::move(scratch_pool.back());
    scratch_pool.pop_back();
    return s;
  }
  void give_back(std::unique_ptr<Scratch> s) const {
    std::lock_guard<std::mutex> lock(scratch_mutex);
    scratch_pool.push_back(std::move(s));
  }

  // `count` images (back to back) through the network layer by layer: every layer's im2col
  // rows of all `count` images form one GEMM of count * pixels rows, so the packed weights
  // are loaded once per chunk and the dense layers (one row per image) get count rows
  // instead of 1. Activations of the chunk are stored image-major, so a layer's output rows
  // for image i are the next layer's input image i.
  // `layer_seconds` (optional, one per layer) accumulates each layer's wall time.
  void run_chunk(const std::uint8_t* images, int count, Scratch& s, Inference* results,
                 double* layer_seconds = nullptr) const {
    using Clock = std::chrono::steady_clock;
    Clock::time_point t0 = layer_seconds ? Clock::now() : Clock::time_point{};
    auto lap = [&](std::size_t layer) {
      if (!layer_seconds) return;
      const Clock::time_point t1 = Clock::now();
      layer_seconds[layer] += std::chrono::duration<double>(t1 - t0).count();
      t0 = t1;
    };
    const std::uint8_t* in = images;
    std::size_t in_elements = std::size_t(model.input.elements());
    int which = 0;
    for (std::size_t li = 0; li < plans.size(); ++li) {
      const LayerPlan& p = plans[li];
      const qmodel::Layer& l = *p.layer;
      std::vector<std::uint8_t>& out = s.act[which];
      which ^= 1;
      const std::size_t out_elements = std::size_t(l.output.elements());
      if (out.size() < out_elements * std::size_t(count)) out.resize(out_elements * std::size_t(count));
      if (p.kernel == Kernel::kMaxPool) {
        for (int i = 0; i < count; ++i) maxpool_u8(l, in + std::size_t(i) * in_elements, out.data() + std::size_t(i) * out_elements);
        in = out.data();
        in_elements = out_elements;
        lap(li);
        continue;
      }
      const std::size_t pixels = std::size_t(p.window.pixels());
      const int rows = int(pixels) * count;
      int stride = 0;
      if (p.direct) {
#if defined(__x86_64__) || defined(__i386__)
        // Each image copied once with its zero padding around it; every output pixel's
        // window is read from there (rows y*stride .. +K, column x*stride) by the kernel.
        stride = p.qw.acc_stride();
        const Window& w = p.window;
        const std::size_t image = padded_size(w);
        const std::size_t row_stride = std::size_t(w.in.width + 2 * w.padding) * std::size_t(w.in.channels);
        if (s.padded.size() < image * std::size_t(count)) s.padded.resize(image * std::size_t(count));
        if (s.pixel_rows.size() < std::size_t(rows)) s.pixel_rows.resize(std::size_t(rows));
        if (s.acc.size() < std::size_t(rows) * std::size_t(stride)) s.acc.resize(std::size_t(rows) * std::size_t(stride));
        for (int i = 0; i < count; ++i) {
          std::uint8_t* base = s.padded.data() + std::size_t(i) * image;
          pad_input(w, in + std::size_t(i) * in_elements, base);
          const std::uint8_t** r = s.pixel_rows.data() + std::size_t(i) * pixels;
          for (int y = 0; y < w.out.height; ++y)
            for (int x = 0; x < w.out.width; ++x)
              *r++ = base + std::size_t(y * w.stride) * row_stride + std::size_t(x * w.stride) * std::size_t(w.in.channels);
        }
        igemm::gemm_avx512vnni_u8_direct(p.qw, s.pixel_rows.data(), rows, int(row_stride), s.acc.data());
#endif
      } else if (p.kernel == Kernel::kIgemm) {
        stride = p.iw.acc_stride();
        const std::size_t row = std::size_t(p.iw.fan_in_padded);
        if (s.patches.size() < std::size_t(rows) * row + kIm2colSlack) s.patches.resize(std::size_t(rows) * row + kIm2colSlack);
        if (s.acc.size() < std::size_t(rows) * std::size_t(stride)) s.acc.resize(std::size_t(rows) * std::size_t(stride));
        // Image i's rows follow image i-1's: the vector stores that run past a row land in
        // rows written afterwards, as within one image (im2col.hpp).
        for (int i = 0; i < count; ++i)
          im2col_int16(p.window, in + std::size_t(i) * in_elements, s.patches.data() + std::size_t(i) * pixels * row,
                       p.iw.fan_in_padded);
        p.igemm_fn(p.iw, s.patches.data(), rows, s.acc.data());
      } else {
        stride = (l.out_channels() + 7) / 8 * 8;  // the AVX-512 kernel writes 8 channels at a time
        const std::size_t row = std::size_t(p.planes) * std::size_t(p.bw.words);
        if (s.bits.size() < std::size_t(rows) * row + kIm2colBitsSlack)
          s.bits.resize(std::size_t(rows) * row + kIm2colBitsSlack);
        if (s.sums.size() < std::size_t(rows)) s.sums.resize(std::size_t(rows));
        if (s.acc.size() < std::size_t(rows) * std::size_t(stride)) s.acc.resize(std::size_t(rows) * std::size_t(stride));
        for (int i = 0; i < count; ++i)
          im2col_bits(p.window, p.planes, p.bw.words, in + std::size_t(i) * in_elements,
                      s.bits.data() + std::size_t(i) * pixels * row, s.sums.data() + std::size_t(i) * pixels, s.pixel_bits);
        p.bgemm_fn(p.bw, s.bits.data(), p.planes, s.sums.data(), rows, s.acc.data(), stride);
      }
      switch (l.output_kind) {
        case OutputKind::kThresholds:
        case OutputKind::kRequant: apply_stage(p.stage, s.acc.data(), rows, stride, out.data()); break;
        case OutputKind::kLogits:
          // Image i's scores come from its first accumulator row, as in a one-image run.
          for (int i = 0; i < count; ++i) {
            Inference& r = results[i];
            r.scores.resize(std::size_t(l.out_channels()));
            apply_logits(l, s.acc.data() + std::size_t(i) * pixels * std::size_t(stride), r.scores.data());
            r.top1 = reference::argmax(r.scores);
          }
          lap(li);
          return;
      }
      in = out.data();
      in_elements = out_elements;
      lap(li);
    }
  }
};

Engine::Engine(qmodel::Model model, EngineOptions options) : impl_(std::make_unique<Impl>()) {
  qmodel::validate(model, "model '" + model.name + "'");
  impl_->model = std::move(model);
  impl_->options = options;
  for (const qmodel::Layer& l : impl_->model.layers) {
    LayerPlan p;
    p.layer = &l;
    p.window = Window::of(l);
    std::string kernel;
    if (l.kind == LayerKind::kMaxPool) {
      p.kernel = Kernel::kMaxPool;
      kernel = "maxpool";
    } else if (use_bgemm(l)) {
      p.kernel = Kernel::kBgemm;
      p.planes = l.input_bits;
      p.bw = bgemm::pack(l.weights, l.out_channels(), int(l.fan_in()), l.weight_bits);
      p.bgemm_fn = bgemm::select(options.simd, &kernel);
      kernel += fmt::format(" W{}A{}", l.weight_bits, l.input_bits);
    } else {
      p.kernel = Kernel::kIgemm;
      p.igemm_fn = igemm::select(options.simd, &kernel);
#if defined(__x86_64__) || defined(__i386__)
      // Convs on AVX-512 VNNI read their windows in place; elsewhere (and dense layers) im2col.
      p.direct = l.kind == LayerKind::kConv && p.igemm_fn == igemm::gemm_avx512vnni;
#endif
      if (p.direct) {
        p.qw = igemm::pack_quads(l.weights, l.out_channels(), l.kernel, l.input.channels);
        kernel += "-u8-direct";
      } else {
        p.iw = igemm::pack(l.weights, l.out_channels(), int(l.fan_in()));
      }
      kernel += fmt::format(" W{}A{}", l.weight_bits, l.input_bits);
    }
    if (l.has_weights() && l.output_kind != OutputKind::kLogits) p.stage = prepare_stage(l, options.simd);
    p.name = l.name + " " + kernel;
    impl_->plans.push_back(std::move(p));
  }
}

Engine::~Engine() = default;
Engine::Engine(Engine&&) noexcept = default;
Engine& Engine::operator=(Engine&&) noexcept = default;

const qmodel::Model& Engine::model() const { return impl_->model; }

std::string Engine::describe() const {
  std::string s;
  for (const LayerPlan& p : impl_->plans) s += (s.empty() ? "" : ", ") + p.name;
  return s;
}

Inference Engine::run(std::span<const std::uint8_t> image) const {
  check_image(impl_->model, image);
  std::unique_ptr<Scratch> s = impl_->take_scratch();
  Inference r;
  impl_->run_chunk(image.data(), 1, *s, &r);
  impl_->give_back(std::move(s));
  return r;
}

std::vector<Inference> Engine::run_batch(std::span<const std::uint8_t> images) const {
  const std::size_t e = std::size_t(impl_->model.input.elements());
  if (images.size() % e != 0)
    throw Error("model '" + impl_->model.name + "': image batch",
                fmt::format("expected a multiple of {} bytes, found {}", e, images.size()));
  const std::size_t n = images.size() / e;
  for (std::size_t i = 0; i < n; ++i) check_image(impl_->model, images.subspan(i * e, e));
  std::vector<Inference> results(n);
  const std::size_t chunk = std::size_t(std::max(impl_->options.chunk, 1));
  const std::size_t chunks = (n + chunk - 1) / chunk;
  int threads = impl_->options.threads > 0 ? impl_->options.threads : int(std::thread::hardware_concurrency());
  threads = int(std::clamp<std::size_t>(std::size_t(std::max(threads, 1)), 1, std::max<std::size_t>(chunks, 1)));
  // Threads take chunks from a shared counter rather than fixed shares, so on a machine
  // shared with other work a thread that gets less CPU takes fewer chunks instead of
  // holding up the batch. Each result is written by the one thread that ran its chunk.
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    std::unique_ptr<Scratch> s = impl_->take_scratch();
    for (std::size_t c = next.fetch_add(1); c < chunks; c = next.fetch_add(1)) {
      const std::size_t i = c * chunk, count = std::min(chunk, n - i);
      impl_->run_chunk(images.data() + i * e, int(count), *s, results.data() + i);
    }
    impl_->give_back(std::move(s));
  };
  if (threads == 1) {
    work();
    return results;
  }
  // The calling thread is one of the workers.
  std::vector<std::thread> pool;
  std::vector<std::exception_ptr> errors(static_cast<std::size_t>(threads));
  auto guarded = [&](int t) {
    try {
      work();
    } catch (...) {
      errors[std::size_t(t)] = std::current_exception();
      next = chunks;  // the others stop after their current chunk
    }
  };
  for (int t = 1; t < threads; ++t) pool.emplace_back(guarded, t);
  guarded(0);
  for (auto& th : pool) th.join();
  for (auto& err : errors)
    if (err) std::rethrow_exception(err);
  return results;
}

std::vector<double> Engine::profile_layers(std::span<const std::uint8_t> images) const {
  const std::size_t e = std::size_t(impl_->model.input.elements());
  if (images.size() % e != 0)
    throw Error("model '" + impl_->model.name + "': image batch",
                fmt::format("expected a multiple of {} bytes, found {}", e, images.size()));
  const std::size_t n = images.size() / e;
  std::vector<double> seconds(impl_->plans.size(), 0.0);
  std::vector<Inference> results(n);
  Scratch s;
  const std::size_t chunk = std::size_t(std::max(impl_->options.chunk, 1));
  for (std::size_t i = 0; i < n; i += chunk) {
    const std::size_t count = std::min(chunk, n - i);
    impl_->run_chunk(images.data() + i * e, int(count), s, results.data() + i, seconds.data());
  }
  return seconds;
}

}  // namespace dorefa::runtime
