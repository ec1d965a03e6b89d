#include "qmodel/synthetic.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "cifar_blocks.hpp"
#include "data/registry.hpp"
#include "error_of.hpp"
#include "qmodel/model_file.hpp"
#include "runtime/reference.hpp"

namespace dorefa::qmodel {
namespace {

// Fraction of activations at each level of every hidden layer, over real test images.
std::vector<std::vector<double>> level_histograms(const Model& m, std::size_t n) {
  const data::Dataset test = data::load_dataset("mnist", "test").head(n);
  std::vector<std::vector<double>> hist;
  for (std::size_t i = 0; i < test.size(); ++i) {
    runtime::Trace t = runtime::run_reference_trace(m, test.image(i));
    hist.resize(t.layers.size());
    for (std::size_t k = 0; k + 1 < t.layers.size(); ++k) {
      const Layer& l = m.layers[k];
      const int bits = l.kind == LayerKind::kMaxPool ? l.input_bits : l.output_bits;
      hist[k].resize(std::size_t(1) << bits);
      for (std::int32_t v : t.layers[k]) hist[k][std::size_t(v)] += 1.0 / double(t.layers[k].size() * test.size());
    }
  }
  return hist;
}

TEST(Synthetic, LenetW1A2IsValidAndSpreadsActivationsOverAllLevels) {
  Model m = make_synthetic_model(lenet_w1a2_spec(), 1);
  EXPECT_NO_THROW(validate(m, "test"));
  ASSERT_EQ(m.layers.size(), 6u);
  EXPECT_EQ(m.layers[0].weight_kind, WeightKind::kSymmetric);
  EXPECT_EQ(m.layers[2].weight_kind, WeightKind::kBinary);
  EXPECT_EQ(m.layers[3].output, (Shape{4, 4, 64}));
  auto hist = level_histograms(m, 50);
  for (std::size_t k = 0; k + 1 < hist.size(); ++k)
    for (std::size_t level = 0; level < hist[k].size(); ++level)
      EXPECT_GT(hist[k][level], 0.03) << "layer " << k << " level " << level;
}

TEST(Synthetic, W8A8UsesRequantAndReachesBothEnds) {
  SyntheticSpec spec = lenet_w8a8_spec();
  spec.calibration_images = 64;
  Model m = make_synthetic_model(spec, 2);
  EXPECT_EQ(m.layers[0].output_kind, OutputKind::kRequant);
  EXPECT_EQ(m.layers[2].weight_kind, WeightKind::kSymmetric);
  auto hist = level_histograms(m, 20);
  for (std::size_t k = 0; k + 1 < hist.size(); ++k) {
    if (m.layers[k].kind != LayerKind::kMaxPool) {
      EXPECT_GT(hist[k][0], 0.1) << "layer " << k;
    }
    EXPECT_LT(hist[k][0], 0.6) << "layer " << k;
    double high = 0;
    for (std::size_t v = 128; v < 256; ++v) high += hist[k][v];
    EXPECT_GT(high, 0.02) << "layer " << k;
  }
}

TEST(Synthetic, SameSeedSameModelOtherSeedOtherModel) {
  SyntheticSpec spec = mlp_w2a2_spec();
  spec.calibration_images = 32;
  EXPECT_EQ(model_digest(make_synthetic_model(spec, 7)), model_digest(make_synthetic_model(spec, 7)));
  EXPECT_NE(model_digest(make_synthetic_model(spec, 7)), model_digest(make_synthetic_model(spec, 8)));
}

TEST(Synthetic, CnvTakesRgbDownToOneByOneWithPoolsAfterEverySecondConv) {
  const auto dir = std::filesystem::temp_directory_path() / ("dorefa_synthetic_cnv_" + std::to_string(::getpid()));
  test_support::write_cifar_block_batch(dir / "data_batch_1.bin", 16, 1);
  test_support::write_cifar_block_batch(dir / "test_batch.bin", 4, 2);
  SyntheticSpec spec = cnv_w1a2_spec();
  spec.dataset = "cifar10:" + dir.string();
  spec.calibration_images = 4;
  const Model m = make_synthetic_model(spec, 1);
  std::vector<std::string> names;
  for (const Layer& l : m.layers) names.push_back(l.name);
  EXPECT_EQ(names, (std::vector<std::string>{"conv1", "conv2", "pool1", "conv3", "conv4", "pool2", "conv5", "conv6",
                                             "fc1", "fc2", "fc3"}));
  EXPECT_EQ(m.input, (Shape{32, 32, 3}));
  EXPECT_EQ(m.layers[2].output, (Shape{14, 14, 64}));
  EXPECT_EQ(m.layers[7].output, (Shape{1, 1, 256}));
  EXPECT_EQ(m.layers[0].weight_kind, WeightKind::kSymmetric);
  EXPECT_EQ(m.layers[1].weight_kind, WeightKind::kBinary);
  EXPECT_EQ(m.layers[10].weight_kind, WeightKind::kSymmetric);
  EXPECT_NE(m.metadata_json.find("\"cnv\""), std::string::npos) << m.metadata_json;
  std::filesystem::remove_all(dir);
}

TEST(Synthetic, CnvOnAnInputTooSmallNamesTheLayerAndTheDataset) {
  SyntheticSpec spec = cnv_w1a2_spec();
  spec.calibration_images = 2;
  const std::string e = test_support::error_of([&] { make_synthetic_model(spec, 1); });
  EXPECT_NE(e.find("--data mnist"), std::string::npos) << e;
  EXPECT_NE(e.find("conv6"), std::string::npos) << e;
  EXPECT_NE(e.find("28x28x1"), std::string::npos) << e;
}

}  // namespace
}  // namespace dorefa::qmodel
