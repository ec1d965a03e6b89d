#include "runtime/engine.hpp"

#include <algorithm>
#include <cstdlib>

#include <gtest/gtest.h>

#include "data/registry.hpp"
#include "qmodel/synthetic.hpp"
#include "util/error.hpp"

namespace dorefa::runtime {
namespace {
using namespace dorefa::qmodel;

const data::Dataset& test_set() {
  static const data::Dataset ds = data::load_dataset("mnist", "test");
  return ds;
}

// DOREFA_TEST_IMAGE_LIMIT caps the images per comparison: the ARM build's ctest sets it,
// because there the reference runs under qemu-arm (tests/runtime/CMakeLists.txt).
std::size_t image_limit(std::size_t n) {
  const char* limit = std::getenv("DOREFA_TEST_IMAGE_LIMIT");
  return limit && *limit ? std::min<std::size_t>(n, std::strtoul(limit, nullptr, 10)) : n;
}

// Runs the engine (batched, threaded) and the reference on the first `n` test images and
// expects identical scores for every image.
void expect_bit_exact(const Model& m, std::size_t n, EngineOptions opt = {}) {
  n = image_limit(n);
  const data::Dataset ds = test_set().head(n);
  Engine engine(m, opt);
  std::vector<Inference> fast = engine.run_batch(ds.images);
  ASSERT_EQ(fast.size(), n);
  std::size_t mismatches = 0;
  for (std::size_t i = 0; i < n; ++i) {
    Inference ref = run_reference(m, ds.image(i));
    if (!(ref == fast[i]) && ++mismatches <= 3)
      ADD_FAILURE() << m.name << " image " << i << " (" << engine.describe() << "): top1 " << fast[i].top1 << " vs "
                    << ref.top1 << ", score[0] " << fast[i].scores[0] << " vs " << ref.scores[0];
  }
  EXPECT_EQ(mismatches, 0u);
}

Model synth(SyntheticSpec spec, std::uint64_t seed, std::size_t calib = 64) {
  spec.calibration_images = calib;
  return make_synthetic_model(spec, seed);
}

TEST(Engine, LenetW1A2MatchesReferenceOn2000TestImages) {
  Model m = synth(lenet_w1a2_spec(), 21);
  Engine e(m);
  EXPECT_NE(e.describe().find("bgemm"), std::string::npos) << e.describe();
  expect_bit_exact(m, 2000);
}

TEST(Engine, LenetW8A8MatchesReferenceOn1000TestImages) {
  Model m = synth(lenet_w8a8_spec(), 22);
  Engine e(m);
  EXPECT_EQ(e.describe().find("bgemm"), std::string::npos) << e.describe();
  expect_bit_exact(m, 1000);
}

TEST(Engine, PortableKernelsMatchReference) {
  expect_bit_exact(synth(lenet_w1a2_spec(), 23), 300, {.threads = 1, .simd = false});
  expect_bit_exact(synth(lenet_w8a8_spec(), 24), 300, {.threads = 1, .simd = false});
}

TEST(Engine, MlpW2A2MatchesReference) { expect_bit_exact(synth(mlp_w2a2_spec(), 25), 1000); }

TEST(Engine, OtherBitWidthsAndGeometriesMatchReference) {
  SyntheticSpec a1 = lenet_w1a2_spec();  // 1-bit activations, padded convs, no pooling after conv2
  a1.activation_bits = 1;
  a1.padding = 2;
  a1.pool = 2;
  expect_bit_exact(synth(a1, 26), 300);

  SyntheticSpec w4a4 = lenet_w1a2_spec();  // dorefa 4-bit: igemm with 15 thresholds
  w4a4.weight_bits = 4;
  w4a4.activation_bits = 4;
  expect_bit_exact(synth(w4a4, 27), 300);

  SyntheticSpec wide = lenet_w1a2_spec();  // 72 channels: bit strings span two words
  wide.conv_channels = {72, 24};
  wide.weight_bits = 2;
  wide.kernel = 3;
  wide.padding = 1;
  expect_bit_exact(synth(wide, 28, 32), 200);

  SyntheticSpec odd = lenet_w8a8_spec();  // channel counts not a multiple of 8, odd fan-in
  odd.conv_channels = {5, 11};
  odd.hidden = {13};
  odd.kernel = 3;
  expect_bit_exact(synth(odd, 29, 32), 300);

  SyntheticSpec thr8 = lenet_w8a8_spec();  // 8-bit outputs by 255 thresholds
  thr8.requant = false;
  expect_bit_exact(synth(thr8, 30, 32), 200);
}

TEST(Engine, SingleRunEqualsBatchAndThreadCountDoesNotMatter) {
  Model m = synth(lenet_w1a2_spec(), 31);
  const data::Dataset ds = test_set().head(37);
  auto one = Engine(m, {.threads = 1}).run_batch(ds.images);
  auto many = Engine(m, {.threads = 5}).run_batch(ds.images);
  EXPECT_EQ(one, many);
  Engine e(m);
  EXPECT_EQ(e.run(ds.image(36)), one[36]);
  EXPECT_TRUE(e.run_batch({}).empty());
}

// The layer-major path: chunks of 1, 3 (odd, smaller than most splits), 8 (the default) and
// 64 (larger than the batch), batches of 1, 7 and 101 images (not multiples of the chunk or
// of the thread count), 1 to 3 threads, on a binary, a padded 1-bit and an 8-bit network.
TEST(Engine, EveryChunkBatchAndThreadSplitMatchesReference) {
  SyntheticSpec padded = lenet_w1a2_spec();
  padded.activation_bits = 1;
  padded.padding = 2;
  const Model models[] = {synth(lenet_w1a2_spec(), 33), synth(padded, 34, 32), synth(lenet_w8a8_spec(), 35)};
  const data::Dataset ds = test_set().head(image_limit(101));
  for (const Model& m : models) {
    std::vector<Inference> ref;
    for (std::size_t i = 0; i < ds.size(); ++i) ref.push_back(run_reference(m, ds.image(i)));
    for (int chunk : {1, 3, 8, 64})
      for (int threads : {1, 2, 3})
        for (std::size_t n : {std::size_t(1), std::size_t(7), ds.size()}) {
          std::span<const std::uint8_t> in(ds.images.data(), n * ds.image_bytes());
          const std::vector<Inference> fast = Engine(m, {.threads = threads, .chunk = chunk}).run_batch(in);
          ASSERT_EQ(fast.size(), n);
          std::size_t mismatches = 0;
          for (std::size_t i = 0; i < n; ++i) mismatches += !(fast[i] == ref[i]);
          EXPECT_EQ(mismatches, 0u) << m.name << " chunk " << chunk << " threads " << threads << " batch " << n;
        }
  }
}

TEST(Engine, RejectsBadBatchesAndInvalidModels) {
  Model m = synth(mlp_w2a2_spec(), 32, 16);
  Engine e(m);
  EXPECT_THROW(e.run_batch(std::vector<std::uint8_t>(785)), Error);
  EXPECT_THROW(e.run(std::vector<std::uint8_t>(10)), Error);
  m.layers[0].thresholds[1] = m.layers[0].thresholds[0] - 1;
  EXPECT_THROW(Engine bad(m), Error);
}

}  // namespace
}  // namespace dorefa::runtime
