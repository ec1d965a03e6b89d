#include "qmodel/json_dump.hpp"

#include <gtest/gtest.h>

#include "qmodel/synthetic.hpp"

namespace dorefa::qmodel {
namespace {

TEST(JsonDump, SummarizesLayersAndIncludesWeightsOnlyWhenAsked) {
  SyntheticSpec spec = lenet_w1a2_spec();
  spec.calibration_images = 16;
  const Model m = make_synthetic_model(spec, 5);
  nlohmann::ordered_json j = to_json(m);
  EXPECT_EQ(j["name"], m.name);
  ASSERT_EQ(j["layers"].size(), 6u);
  EXPECT_EQ(j["layers"][0]["kind"], "conv");
  EXPECT_EQ(j["layers"][0]["output"], nlohmann::ordered_json::array({24, 24, 16}));
  EXPECT_EQ(j["layers"][2]["weight_kind"], "binary");
  EXPECT_EQ(j["layers"][1]["kind"], "maxpool");
  EXPECT_EQ(j["layers"][5]["output_kind"], "logits");
  EXPECT_EQ(j["metadata"]["synthetic"], true);  // parsed, not a string
  EXPECT_FALSE(j["layers"][2].contains("weights"));
  // Binary conv2: accumulator range is +-(fan-in 400) * 3 at most.
  EXPECT_GE(j["layers"][2]["accumulator_range"][0].get<int>(), -1200);
  EXPECT_LE(j["layers"][2]["accumulator_range"][1].get<int>(), 1200);

  nlohmann::ordered_json full = to_json(m, true);
  ASSERT_EQ(full["layers"][2]["weights"].size(), 64u);
  EXPECT_EQ(full["layers"][2]["weights"][3].size(), 400u);
  EXPECT_EQ(full["layers"][2]["weights"][3][7].get<int>(), m.layers[2].weights[3 * 400 + 7]);
  EXPECT_EQ(full["layers"][0]["thresholds"][15][2].get<int>(), m.layers[0].thresholds[15 * 3 + 2]);
  EXPECT_EQ(nlohmann::ordered_json::parse(dump_json(m)), j);
}

}  // namespace
}  // namespace dorefa::qmodel
