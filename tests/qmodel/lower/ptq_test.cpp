#include "qmodel/lower/ptq.hpp"

#include <cstdio>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "data/registry.hpp"
#include "qmodel/validate.hpp"
#include "runtime/reference.hpp"
#include "train/config.hpp"
#include "util/error.hpp"

namespace dorefa::qmodel::lower {
namespace {

constexpr const char* kFloatConfig = R"(
[model]
name = "ptq-test"
input = [1, 28, 28]
classes = 10
w_bits = 32
a_bits = 32
g_bits = 32
[[layers]]
name = "conv1"
type = "conv"
channels = 8
kernel = 5
[[layers]]
name = "pool1"
type = "maxpool"
kernel = 2
[[layers]]
name = "conv2"
type = "conv"
channels = 16
kernel = 3
[[layers]]
name = "fc1"
type = "dense"
channels = 32
[[layers]]
name = "fc2"
type = "dense"
channels = 10
)";

// A float network trained for a few steps on real digits, so that its answers mean something.
train::Network trained_float_network(const data::Dataset& ds) {
  torch::manual_seed(3);
  train::Network net(train::parse_config(kFloatConfig, "ptq-test.toml"));
  net->train();
  torch::optim::Adam opt(net->parameters(), torch::optim::AdamOptions(3e-3));
  auto images = torch::from_blob(const_cast<std::uint8_t*>(ds.images.data()), {std::int64_t(ds.size()), 28, 28, 1},
                                 torch::kUInt8);
  auto labels = torch::from_blob(const_cast<std::uint8_t*>(ds.labels.data()), {std::int64_t(ds.size())},
                                 torch::kUInt8).to(torch::kLong);
  for (int step = 0; step < 60; ++step) {
    std::int64_t start = (step * 100) % std::int64_t(ds.size());
    auto loss = torch::cross_entropy_loss(net->forward(images.narrow(0, start, 100)), labels.narrow(0, start, 100));
    opt.zero_grad();
    loss.backward();
    opt.step();
  }
  net->eval();
  return net;
}

TEST(Ptq, W8A8ModelAgreesWithItsFloatModel) {
  data::Dataset train = data::load_dataset("mnist", "train").head(2000);
  data::Dataset test = data::load_dataset("mnist", "test").head(500);
  auto net = trained_float_network(train);
  for (Calibration cal : {Calibration::kMinMax, Calibration::kPercentile}) {
    PtqOptions opt;
    opt.calibration = cal;
    opt.calibration_images = 500;
    Model model = post_training_quantize(net, train, opt, "ptq");
    validate(model, "ptq model");
    EXPECT_EQ(model.layers[0].output_kind, OutputKind::kRequant);
    EXPECT_EQ(model.layers[0].output_bits, 8);
    EXPECT_EQ(model.layers[2].weight_kind, WeightKind::kSymmetric);
    torch::NoGradGuard no_grad;
    auto images = torch::from_blob(const_cast<std::uint8_t*>(test.images.data()),
                                   {std::int64_t(test.size()), 28, 28, 1}, torch::kUInt8);
    auto top1 = net->forward(images).argmax(1);
    int agree = 0, float_correct = 0, int_correct = 0;
    for (std::size_t i = 0; i < test.size(); ++i) {
      int f = top1[std::int64_t(i)].item<int>();
      int q = runtime::run_reference(model, test.image(i)).top1;
      agree += f == q;
      float_correct += f == test.labels[i];
      int_correct += q == test.labels[i];
    }
    std::printf("calibration %d: agreement %d/500, float acc %d, int acc %d\n", int(cal), agree, float_correct,
                int_correct);
    EXPECT_GT(float_correct, 350);  // the float net learned something (chance is 50)
    EXPECT_GE(100.0 * agree / 500.0, kMinAgreementPtqPct);  // the documented gate
    EXPECT_LE(std::abs(int_correct - float_correct), 8);
  }
}

TEST(Ptq, BadOptionsAreRejected) {
  data::Dataset ds = data::load_dataset("mnist", "test").head(10);
  train::Network net(train::parse_config(kFloatConfig, "ptq-test.toml"));
  PtqOptions opt;
  opt.percentile = 0;
  EXPECT_THROW(post_training_quantize(net, ds, opt, "x"), Error);
  EXPECT_THROW(parse_calibration("kl"), Error);
  EXPECT_EQ(parse_calibration("minmax"), Calibration::kMinMax);
}

}  // namespace
}  // namespace dorefa::qmodel::lower
