#include "train/network.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "data/registry.hpp"
#include "util/error.hpp"

namespace dorefa::train {
namespace {

ModelConfig lenet() { return load_config(std::filesystem::path(DOREFA_SOURCE_ROOT) / "configs" / "lenet.toml"); }

torch::Tensor mnist_images(std::size_t n) {
  data::Dataset ds = data::load_dataset("mnist", "test").head(n);
  return torch::from_blob(ds.images.data(), {int64_t(n), ds.rows, ds.cols, ds.channels}, torch::kUInt8).clone();
}

// A forward pass written independently from the handles and quantized_weights only.
torch::Tensor reference_forward(const Network& net, torch::Tensor images) {
  torch::Tensor x = images.permute({0, 3, 1, 2}).to(torch::kFloat) / 255.0f;
  for (const LayerHandle& h : net->layers()) {
    const LayerConfig& c = h.config;
    if (h.kind == LayerKind::kMaxPool) {
      x = torch::max_pool2d(x, c.kernel, c.stride);
    } else if (h.kind == LayerKind::kFlatten) {
      x = x.flatten(1);
    } else {
      QuantizedWeights q = quantized_weights(h);
      std::vector<int64_t> shape(std::size_t(q.levels.dim()), 1);
      shape[0] = q.levels.size(0);
      torch::Tensor w = q.levels.to(torch::kFloat) * q.scale.view(shape);
      x = h.kind == LayerKind::kConv ? torch::conv2d(x, w, {}, c.stride, c.padding) : torch::linear(x, w);
      if (c.last) return x + h.bias;
      torch::Tensor inv = 1.0 / torch::sqrt(h.bn.running_var + h.bn.eps);
      std::vector<int64_t> bshape{1, -1};
      if (x.dim() == 4) bshape = {1, -1, 1, 1};
      x = (x - h.bn.running_mean.view(bshape)) * (h.bn.gamma * inv).view(bshape) + h.bn.beta.view(bshape);
      int n = (1 << c.a_bits) - 1;
      x = torch::floor(torch::clamp(x, 0, 1) * n + 0.5) / n;
    }
  }
  return x;
}

TEST(Network, LayerHandlesFollowTheConfigWithFlattenBeforeTheFirstDense) {
  Network net(lenet());
  std::vector<LayerKind> kinds;
  for (const auto& h : net->layers()) kinds.push_back(h.kind);
  EXPECT_EQ(kinds, (std::vector<LayerKind>{LayerKind::kConv, LayerKind::kMaxPool, LayerKind::kConv,
                                           LayerKind::kMaxPool, LayerKind::kFlatten, LayerKind::kDense,
                                           LayerKind::kDense}));
  const auto& l = net->layers();
  EXPECT_EQ(l[0].encoding, WeightEncoding::kSymmetric);
  EXPECT_EQ(l[2].encoding, WeightEncoding::kBinary);
  EXPECT_EQ(l[5].encoding, WeightEncoding::kBinary);
  EXPECT_EQ(l[6].encoding, WeightEncoding::kSymmetric);
  EXPECT_TRUE(l[0].bn.running_var.defined());
  EXPECT_FALSE(l[6].bn.gamma.defined());
  EXPECT_TRUE(l[6].bias.defined());
  EXPECT_EQ(l[4].config.input, (TensorShape{64, 4, 4}));
  EXPECT_EQ(l[5].weight.sizes(), (std::vector<int64_t>{128, 1024}));
}

TEST(Network, QuantizedWeightsHaveTheContractedLevels) {
  ModelConfig cfg = lenet();
  set_hidden_bits(cfg, 3, 2, 32);
  torch::manual_seed(4);
  Network net(cfg);
  for (const auto& h : net->layers()) {
    if (!h.has_weights()) continue;
    QuantizedWeights q = quantized_weights(h);
    ASSERT_EQ(q.levels.scalar_type(), torch::kInt8);
    EXPECT_EQ(q.levels.sizes(), h.weight.sizes());
    EXPECT_EQ(q.scale.size(0), h.weight.size(0));
    if (q.encoding == WeightEncoding::kSymmetric) {
      EXPECT_LE(q.levels.abs().max().item<int>(), 127);
      EXPECT_EQ(q.levels.abs().max().item<int>(), 127);
    } else {
      ASSERT_EQ(q.encoding, WeightEncoding::kDorefa);
      EXPECT_EQ(q.levels.abs().max().item<int>(), 7);
      EXPECT_TRUE(torch::all(q.levels.remainder(2) == 1).item<bool>()) << h.config.name;
    }
  }
  ModelConfig bin = lenet();
  Network bnet(bin);
  QuantizedWeights qb = quantized_weights(bnet->layers()[2]);
  EXPECT_TRUE(torch::all(qb.levels.abs() == 1).item<bool>());
  EXPECT_FLOAT_EQ(qb.scale[0].item<float>(), bnet->layers()[2].weight.abs().mean().item<float>());
}

TEST(Network, ForwardUsesExactlyLevelsTimesScale) {
  for (int w : {1, 2, 4}) {
    ModelConfig cfg = lenet();
    set_hidden_bits(cfg, w, 2, 32);
    torch::manual_seed(w);
    Network net(cfg);
    // Give batch-norm non-trivial statistics so the activation levels vary.
    {
      torch::NoGradGuard g;
      for (const auto& h : net->layers())
        if (h.bn.gamma.defined()) {
          h.bn.running_mean.uniform_(-0.2, 0.2);
          h.bn.running_var.uniform_(0.001, 0.01);
          h.bn.gamma.uniform_(0.5, 1.5);
          h.bn.beta.uniform_(0.2, 0.6);
        }
    }
    net->eval();
    torch::Tensor images = mnist_images(32);
    torch::Tensor a = net->forward(images);
    torch::Tensor b = reference_forward(net, images);
    EXPECT_TRUE(torch::allclose(a, b, 1e-5, 1e-5)) << "w=" << w << " max diff " << (a - b).abs().max().item<float>();
    EXPECT_TRUE(torch::equal(a.argmax(1), b.argmax(1)));
    for (const auto& h : net->layers()) {
      if (!h.has_weights()) continue;
      QuantizedWeights q = quantized_weights(h);
      std::vector<int64_t> shape(std::size_t(q.levels.dim()), 1);
      shape[0] = q.levels.size(0);
      EXPECT_TRUE(torch::equal(effective_weights(h).detach(), q.levels.to(torch::kFloat) * q.scale.view(shape)))
          << h.config.name;
    }
  }
}

TEST(Network, InputIsPixelsOver255Exactly) {
  torch::Tensor img = torch::tensor({0, 1, 51, 128, 255}, torch::kUInt8).view({1, 1, 5, 1});
  torch::Tensor x = images_to_input(img);
  EXPECT_EQ(x.sizes(), (std::vector<int64_t>{1, 1, 1, 5}));
  for (int i = 0; i < 5; ++i) {
    int p = img.flatten()[i].item<int>();
    EXPECT_EQ(x.flatten()[i].item<float>(), float(p) / 255.0f);
  }
  EXPECT_EQ(x.flatten()[4].item<float>(), 1.0f);
  EXPECT_THROW(images_to_input(torch::zeros({1, 5, 5}, torch::kUInt8)), Error);
}

TEST(Network, FullPrecisionWeightsHaveNoIntegerForm) {
  ModelConfig cfg = lenet();
  set_hidden_bits(cfg, 32, 32, 32);
  Network net(cfg);
  EXPECT_EQ(net->layers()[2].encoding, WeightEncoding::kFloat);
  EXPECT_THROW(quantized_weights(net->layers()[2]), Error);
  EXPECT_THROW(quantized_weights(net->layers()[1]), Error);  // maxpool
  EXPECT_EQ(net->forward(mnist_images(2)).sizes(), (std::vector<int64_t>{2, 10}));
}

TEST(Network, GradientsReachEveryLatentWeight) {
  ModelConfig cfg = lenet();
  set_hidden_bits(cfg, 2, 2, 4);
  Network net(cfg);
  torch::Tensor logits = net->forward(mnist_images(8));
  torch::nn::functional::cross_entropy(logits, torch::arange(8) % 10).backward();
  for (const auto& w : net->latent_weights()) {
    ASSERT_TRUE(w.grad().defined());
    EXPECT_GT(w.grad().abs().sum().item<float>(), 0.0f);
  }
}

}  // namespace
}  // namespace dorefa::train
