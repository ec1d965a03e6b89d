#include "train/config.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "util/error.hpp"

namespace dorefa::train {
namespace {

const std::string kTiny = R"(
[model]
name = "tiny"
input = [1, 28, 28]
classes = 10
w_bits = 1
a_bits = 2

[[layers]]
name = "conv1"
type = "conv"
channels = 8
kernel = 5

[[layers]]
name = "pool1"
type = "maxpool"

[[layers]]
name = "fc1"
type = "dense"
channels = 32

[[layers]]
name = "out"
type = "dense"
channels = 10
)";

// The message of the dorefa::Error thrown by parsing `text`, or "" if it parses.
std::string error_of(const std::string& text) {
  try {
    parse_config(text, "bad.toml");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

std::string replace(std::string s, const std::string& from, const std::string& to) {
  auto pos = s.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  return s.replace(pos, from.size(), to);
}

TEST(Config, DerivesShapesBitsAndFirstLastLayers) {
  ModelConfig c = parse_config(kTiny, "tiny.toml");
  ASSERT_EQ(c.layers.size(), 4u);
  EXPECT_TRUE(c.layers[0].first);
  EXPECT_EQ(c.layers[0].w_bits, 8);  // first layer defaults to 8-bit weights
  EXPECT_EQ(c.layers[0].a_bits, 2);
  EXPECT_EQ(c.layers[0].output, (TensorShape{8, 24, 24}));
  EXPECT_EQ(c.layers[1].output, (TensorShape{8, 12, 12}));
  EXPECT_EQ(c.layers[2].w_bits, 1);
  EXPECT_EQ(c.layers[2].input_bits, 2);
  EXPECT_EQ(c.layers[2].input.elements(), 8 * 12 * 12);
  EXPECT_TRUE(c.layers[3].last);
  EXPECT_EQ(c.layers[3].w_bits, 8);
  EXPECT_EQ(c.macs(), 24 * 24 * 8 * 25 + 1152 * 32 + 32 * 10);
  EXPECT_EQ(bits_tag(c), "w1a2g32");
}

TEST(Config, ToTomlRoundTrips) {
  ModelConfig c = parse_config(kTiny, "tiny.toml");
  c.train.lr = 0.0123;
  c.train.seed = 77;
  ModelConfig back = parse_config(to_toml(c), "roundtrip");
  EXPECT_EQ(to_toml(back), to_toml(c));
  EXPECT_EQ(back.train.seed, 77u);
  EXPECT_EQ(back.layers[2].w_bits, 1);
}

TEST(Config, SetHiddenBitsKeepsFirstAndLastWeightsAt8) {
  ModelConfig c = parse_config(kTiny, "tiny.toml");
  set_hidden_bits(c, 2, 3, 6);
  EXPECT_EQ(c.layers[0].w_bits, 8);
  EXPECT_EQ(c.layers[0].a_bits, 3);
  EXPECT_EQ(c.layers[0].g_bits, 6);
  EXPECT_EQ(c.layers[2].w_bits, 2);
  EXPECT_EQ(c.layers[3].w_bits, 8);
  EXPECT_EQ(c.layers[3].g_bits, 32);
  EXPECT_EQ(bits_tag(c), "w2a3g6");
}

TEST(Config, UnknownLayerTypeNamesFileLayerAndField) {
  std::string msg = error_of(replace(kTiny, "type = \"maxpool\"", "type = \"avgpool\""));
  EXPECT_NE(msg.find("bad.toml"), std::string::npos) << msg;
  EXPECT_NE(msg.find("layer 'pool1'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("field 'type'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("avgpool"), std::string::npos) << msg;
}

TEST(Config, BadBitsAreRejectedWithTheLayerName) {
  std::string msg = error_of(replace(kTiny, "channels = 32", "channels = 32\nw_bits = 12"));
  EXPECT_NE(msg.find("layer 'fc1' field 'w_bits'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("found 12"), std::string::npos) << msg;
  msg = error_of(replace(kTiny, "a_bits = 2", "a_bits = 0"));
  EXPECT_NE(msg.find("field 'a_bits'"), std::string::npos) << msg;
  // The logits layer's weights are 8-bit symmetric: 2 bits there is an error...
  msg = error_of(replace(kTiny, "channels = 10", "channels = 10\nw_bits = 2"));
  EXPECT_NE(msg.find("layer 'out' field 'w_bits'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("the last layer uses 8-bit symmetric weights"), std::string::npos) << msg;
  // ...while the first layer may go below its default 8 bits.
  const ModelConfig low = parse_config(replace(kTiny, "kernel = 5", "kernel = 5\nw_bits = 1"), "tiny.toml");
  EXPECT_EQ(low.layers[0].w_bits, 1);
  EXPECT_THROW(parse_bits_triple("1,2"), Error);
  EXPECT_THROW(parse_bits_triple("1,x,32"), Error);
  EXPECT_THROW(parse_bits_triple("1,2,32,4"), Error);
  EXPECT_EQ(parse_bits_triple("2,2,6"), (std::array<int, 3>{2, 2, 6}));
}

TEST(Config, ShapeMismatchesAreReported) {
  std::string msg = error_of(replace(kTiny, "kernel = 5", "kernel = 29"));
  EXPECT_NE(msg.find("layer 'conv1' field 'kernel'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("shape mismatch"), std::string::npos) << msg;
  msg = error_of(replace(kTiny, "channels = 10", "channels = 7"));
  EXPECT_NE(msg.find("layer 'out' field 'channels'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("10 classes"), std::string::npos) << msg;
  msg = error_of(replace(kTiny, "channels = 32", "channels = 32\nin_features = 1000"));
  EXPECT_NE(msg.find("field 'in_features'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("1152"), std::string::npos) << msg;
  EXPECT_EQ(error_of(replace(kTiny, "channels = 32", "channels = 32\nin_features = 1152")), "");
}

TEST(Config, StructuralErrors) {
  EXPECT_NE(error_of(replace(kTiny, "kernel = 5", "kernel = 5\nkernal = 3")).find("field 'kernal'"), std::string::npos);
  EXPECT_NE(error_of("[model]\nname = 'x'\n").find("layers"), std::string::npos);
  EXPECT_NE(error_of(kTiny + "\n[[layers]]\nname = 'p'\ntype = 'maxpool'\n").find("last layer must be a dense"),
            std::string::npos);
  EXPECT_NE(error_of(replace(kTiny, "name = \"fc1\"", "name = \"conv1\"")).find("duplicate"), std::string::npos);
  EXPECT_NE(error_of(kTiny + "\n[train]\noptimizer = 'rmsprop'\n").find("train.optimizer"), std::string::npos);
  EXPECT_NE(error_of(replace(kTiny, "channels = 8", "channels = 'eight'")).find("expected an integer"),
            std::string::npos);
  std::string msg = error_of("[model\nname = 1");
  EXPECT_NE(msg.find("bad.toml:1:"), std::string::npos) << msg;
}

TEST(Config, ShippedConfigsParse) {
  std::filesystem::path dir = std::filesystem::path(DOREFA_SOURCE_ROOT) / "configs";
  for (const char* name : {"lenet.toml", "tfc.toml", "sfc.toml", "lfc.toml", "cnv.toml"}) {
    ModelConfig c = load_config(dir / name);
    EXPECT_EQ(c.layers.back().channels, 10) << name;
    EXPECT_EQ(c.layers.front().w_bits, 8) << name;
  }
  ModelConfig lenet = load_config(dir / "lenet.toml");
  // The hardware budget of the default: first conv < 250k MACs, whole net < 2.5M MACs.
  EXPECT_LT(lenet.layers.front().output.elements() * 25, 250000);
  EXPECT_LT(lenet.macs(), 2500000);
  EXPECT_EQ(bits_tag(lenet), "w1a2g32");
  // CNV: 6 conv + 3 dense, the first conv's padding 2 makes 28x28 act as 32x32.
  ModelConfig cnv = load_config(dir / "cnv.toml");
  int convs = 0, denses = 0;
  for (const auto& l : cnv.layers) {
    convs += l.type == LayerType::kConv;
    denses += l.type == LayerType::kDense;
  }
  EXPECT_EQ(convs, 6);
  EXPECT_EQ(denses, 3);
}

TEST(Config, MissingFileIsAnError) { EXPECT_THROW(load_config("/nonexistent/x.toml"), Error); }

}  // namespace
}  // namespace dorefa::train
