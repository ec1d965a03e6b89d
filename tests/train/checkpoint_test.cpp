#include "train/checkpoint.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "util/error.hpp"

namespace dorefa::train {
namespace {
namespace fs = std::filesystem;

fs::path temp_dir(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("dorefa_ckpt_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

TEST(Checkpoint, SaveLoadRoundTripsWeightsStatisticsAndMetadata) {
  ModelConfig cfg = load_config(fs::path(DOREFA_SOURCE_ROOT) / "configs" / "tfc.toml");
  torch::manual_seed(9);
  Network net(cfg);
  {
    torch::NoGradGuard g;
    net->layers()[1].bn.running_mean.uniform_(-1, 1);
  }
  fs::path dir = temp_dir("roundtrip");
  nlohmann::json meta = {{"format", kCheckpointFormat}, {"config_toml", to_toml(cfg)}, {"epoch", 3}};
  save_checkpoint(dir / "a.pt", net, nullptr, meta);
  ASSERT_TRUE(fs::exists(dir / "a.json"));
  Checkpoint ck = load_checkpoint(dir / "a.pt");
  EXPECT_EQ(ck.metadata.at("epoch").get<int>(), 3);
  EXPECT_EQ(to_toml(ck.config), to_toml(cfg));
  EXPECT_FALSE(ck.network->is_training());
  for (std::size_t i = 0; i < net->layers().size(); ++i) {
    const auto& a = net->layers()[i];
    const auto& b = ck.network->layers()[i];
    if (!a.has_weights()) continue;
    EXPECT_TRUE(torch::equal(a.weight, b.weight));
    EXPECT_TRUE(torch::equal(quantized_weights(a).levels, quantized_weights(b).levels));
    if (a.bn.gamma.defined()) {
      EXPECT_TRUE(torch::equal(a.bn.running_mean, b.bn.running_mean));
    }
  }
  net->eval();
  torch::Tensor x = torch::randint(0, 256, {4, 28, 28, 1}).to(torch::kUInt8);
  EXPECT_TRUE(torch::equal(net->forward(x), ck.network->forward(x)));
  fs::remove_all(dir);
}

TEST(Checkpoint, MissingOrCorruptFilesAreErrorsNamingTheFile) {
  fs::path dir = temp_dir("corrupt");
  try {
    load_checkpoint(dir / "missing.pt");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("missing.pt"), std::string::npos);
  }
  { std::ofstream(dir / "junk.pt") << "not an archive"; }
  EXPECT_THROW(load_checkpoint(dir / "junk.pt"), Error);
  // A real archive whose metadata is not ours.
  ModelConfig cfg = load_config(fs::path(DOREFA_SOURCE_ROOT) / "configs" / "tfc.toml");
  Network net(cfg);
  save_checkpoint(dir / "other.pt", net, nullptr, {{"format", "something-else"}});
  try {
    load_checkpoint(dir / "other.pt");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("format"), std::string::npos) << e.what();
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace dorefa::train
