#include "qmodel/model_file.hpp"

#include <unistd.h>

#include <cstring>
#include <set>

#include <gtest/gtest.h>

#include "qmodel/synthetic.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"

namespace dorefa::qmodel {
namespace {
namespace fs = std::filesystem;

const Model& base_model() {
  static const Model m = [] {
    SyntheticSpec spec = lenet_w1a2_spec();
    spec.calibration_images = 32;
    return make_synthetic_model(spec, 11);
  }();
  return m;
}

void put_u32(std::vector<std::uint8_t>& b, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + std::size_t(i)] = std::uint8_t(v >> (8 * i));
}
std::uint32_t get_u32(const std::vector<std::uint8_t>& b, std::size_t at) {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= std::uint32_t(b[at + std::size_t(i)]) << (8 * i);
  return v;
}

class ModelFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("dorefa_qmodel_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Offsets inside the encoded base model.
  std::size_t layer_count_offset() const {
    const Model& m = base_model();
    return 24 + 4 + m.name.size() + 12 + 4 + 4 + 4 + m.metadata_json.size();
  }
  std::size_t record_offset(std::size_t layer) const {  // of layer's record_size field
    std::vector<std::uint8_t> b = encode_model(base_model());
    std::size_t at = layer_count_offset() + 4;
    for (std::size_t i = 0; i < layer; ++i) at += 4 + get_u32(b, at);
    return at;
  }

  // Writes `bytes` as `name`, expects load_model to fail with a message naming the file
  // and containing every needle; returns the message.
  std::string expect_rejected(const std::string& name, const std::vector<std::uint8_t>& bytes,
                              std::vector<std::string> needles) {
    const fs::path p = dir_ / (name + ".dqm");
    util::write_file_atomic(p, bytes);
    try {
      load_model(p);
      ADD_FAILURE() << name << ": loaded without error";
      return "";
    } catch (const Error& e) {
      const std::string msg = e.what();
      EXPECT_NE(msg.find(p.string()), std::string::npos) << msg;
      for (const auto& n : needles) EXPECT_NE(msg.find(n), std::string::npos) << name << ": " << msg << "\nwanted: " << n;
      EXPECT_EQ(e.kind(), ErrorKind::kBadInput);
      messages_.insert(msg.substr(p.string().size()));
      ++cases_;
      return msg;
    }
  }
  // Encodes a modified copy of the base model (bypassing validate) and expects rejection.
  template <typename F>
  std::string expect_model_rejected(const std::string& name, F modify, std::vector<std::string> needles) {
    Model m = base_model();
    modify(m);
    return expect_rejected(name, encode_model(m), std::move(needles));
  }

  fs::path dir_;
  std::set<std::string> messages_;
  int cases_ = 0;
};

TEST_F(ModelFile, SaveLoadRoundTripsEveryField) {
  const fs::path p = dir_ / "m.dqm";
  save_model(base_model(), p);
  Model back = load_model(p);
  EXPECT_EQ(encode_model(back), encode_model(base_model()));
  EXPECT_EQ(back.name, base_model().name);
  EXPECT_EQ(back.layers[2].weights, base_model().layers[2].weights);
  EXPECT_EQ(back.layers[0].thresholds, base_model().layers[0].thresholds);
  EXPECT_EQ(back.metadata_json, base_model().metadata_json);
  EXPECT_EQ(model_digest(back), model_digest(base_model()));
}

TEST_F(ModelFile, RequantAndDorefaModelsRoundTrip) {
  SyntheticSpec spec = lenet_w8a8_spec();
  spec.calibration_images = 16;
  spec.weight_bits = 3;  // dorefa hidden layers
  Model m = make_synthetic_model(spec, 3);
  save_model(m, dir_ / "w8.dqm");
  EXPECT_EQ(encode_model(load_model(dir_ / "w8.dqm")), encode_model(m));
}

TEST_F(ModelFile, SaveRefusesAnInvalidModelAndLeavesNoFile) {
  Model m = base_model();
  m.layers[1].stride = 3;
  EXPECT_THROW(save_model(m, dir_ / "bad.dqm"), Error);
  EXPECT_FALSE(fs::exists(dir_ / "bad.dqm"));
}

TEST_F(ModelFile, MissingFileNamesThePath) {
  try {
    load_model(dir_ / "nope.dqm");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("nope.dqm"), std::string::npos);
  }
}

TEST_F(ModelFile, CorruptedFilesAreEachRejectedWithTheirOwnMessage) {
  const std::vector<std::uint8_t> good = encode_model(base_model());

  // Container-level damage.
  expect_rejected("empty", {}, {"expected at least 56 bytes", "found 0"});
  expect_rejected("truncated_half", std::vector<std::uint8_t>(good.begin(), good.begin() + std::ptrdiff_t(good.size() / 2)),
                  {"file length", "truncated"});
  {
    auto b = good;
    b.push_back(0);
    expect_rejected("trailing", b, {"file length", "trailing bytes"});
  }
  {
    auto b = good;
    b[1] = 'X';
    expect_rejected("magic", b, {"magic", "89 44 51 4d", "89 58 51 4d"});
  }
  {
    auto b = good;
    put_u32(b, 8, 2);
    expect_rejected("version", b, {"format version", "expected 1, found 2"});
  }
  {
    auto b = good;
    put_u32(b, 12, 4);
    expect_rejected("flags", b, {"flags", "found 0x4"});
  }
  {
    auto b = good;
    b[record_offset(2) + 200] ^= 0x10;  // a weight byte of conv2
    expect_rejected("flipped_byte", b, {"checksum", "corrupted"});
  }
  {
    auto b = good;
    b.back() ^= 1;
    expect_rejected("flipped_checksum", b, {"checksum"});
  }
  // Structure damage behind a valid checksum (resealed).
  {
    auto b = good;
    const std::size_t at = record_offset(1);
    put_u32(b, at, get_u32(b, at) + 1000);
    reseal_checksum(b);
    expect_rejected("record_size_mismatch", b, {"layer 1: record_size", "expected 116 bytes (the fields parsed), found 1116"});
  }
  {
    auto b = good;
    const std::size_t at = record_offset(5);
    put_u32(b, at, get_u32(b, at) + 1000);
    reseal_checksum(b);
    expect_rejected("record_size_past_end", b, {"layer 5 record_size", "record truncated"});
  }
  {
    auto b = good;
    put_u32(b, layer_count_offset(), 0);
    reseal_checksum(b);
    expect_rejected("zero_layers", b, {"layer count", "expected 1 .. 1024, found 0"});
  }
  {
    auto b = good;
    put_u32(b, layer_count_offset(), 5);  // one record left over
    reseal_checksum(b);
    expect_rejected("layer_count_short", b, {"body_size", "5 layer records"});
  }
  {
    // Weight count of conv1 (after name, kind, 2 shapes, 4 ints, weight kind, weight bits).
    auto b = good;
    const std::size_t at = record_offset(0) + 4 + 4 + base_model().layers[0].name.size() + 1 + 24 + 16 + 1 + 4;
    put_u32(b, at + 4, 1);  // high half of the u64 count: ~4 billion weights
    reseal_checksum(b);
    expect_rejected("huge_array", b, {"layer 0: weights", "expected a count of at most"});
  }
  {
    auto b = good;
    const std::size_t at = record_offset(0) + 4 + 4 + base_model().layers[0].name.size();
    b[at] = 9;  // kind
    reseal_checksum(b);
    expect_rejected("bad_kind", b, {"layer 0 'conv1': kind", "found 9"});
  }

  // Semantic damage (valid container, invalid model).
  expect_model_rejected("chain_shape", [](Model& m) { m.layers[2].input.channels = 8; },
                        {"layer 2 'conv2': input (vs. previous layer's output)", "expected 12x12x16, found 12x12x8"});
  expect_model_rejected("model_input", [](Model& m) { m.input.height = 27; },
                        {"layer 0 'conv1': input (vs. model input)", "found 28x28x1"});
  expect_model_rejected("conv_output", [](Model& m) { m.layers[0].output.height = 23; },
                        {"layer 0 'conv1': output", "expected 24x24x16, found 23x24x16"});
  expect_model_rejected("input_bits_chain", [](Model& m) { m.layers[4].input_bits = 3; },
                        {"layer 4 'fc1': input_bits (vs. previous layer's output_bits)", "expected 2, found 3"});
  expect_model_rejected("output_bits", [](Model& m) { m.layers[0].output_bits = 9; },
                        {"layer 0 'conv1': output_bits", "expected 1 .. 8, found 9"});
  expect_model_rejected("non_monotone", [](Model& m) { std::swap(m.layers[2].thresholds[3 * 5 + 1], m.layers[2].thresholds[3 * 5 + 2]); },
                        {"layer 2 'conv2': thresholds[5][2]", "non-decreasing"});
  expect_model_rejected("threshold_count", [](Model& m) { m.layers[0].thresholds.pop_back(); },
                        {"layer 0 'conv1': thresholds", "expected 48 values (16 channels x 3 thresholds), found 47"});
  expect_model_rejected("binary_zero", [](Model& m) { m.layers[2].weights[401] = 0; },
                        {"layer 2 'conv2': weights[1][1]", "binary", "found 0"});
  expect_model_rejected("dorefa_even", [](Model& m) {
    for (auto& w : m.layers[2].weights) w = 3;
    m.layers[2].weight_kind = WeightKind::kDorefa;
    m.layers[2].weight_bits = 2;
    m.layers[2].weights[7] = 2;
  }, {"layer 2 'conv2': weights[0][7]", "dorefa: odd", "found 2"});
  expect_model_rejected("symmetric_128", [](Model& m) { m.layers[0].weights[3] = -128; },
                        {"layer 0 'conv1': weights[0][3]", "symmetric", "found -128"});
  expect_model_rejected("weight_bits_kind", [](Model& m) { m.layers[2].weight_bits = 2; },
                        {"layer 2 'conv2': weight_bits", "expected 1, found 2"});
  expect_model_rejected("weight_count", [](Model& m) { m.layers[4].weights.resize(100); },
                        {"layer 4 'fc1': weights", "expected 131072 values (128 outputs x 1024 fan-in), found 100"});
  expect_model_rejected("maxpool_padding", [](Model& m) { m.layers[1].padding = 1; },
                        {"layer 1 'pool1': padding", "expected 0, found 1"});
  expect_model_rejected("maxpool_weights", [](Model& m) { m.layers[3].weights = {1}; },
                        {"layer 3 'pool2': weights", "maxpool"});
  expect_model_rejected("last_not_logits", [](Model& m) {
    Layer& l = m.layers.back();
    l.output_kind = OutputKind::kThresholds;
    l.output_bits = 1;
    l.thresholds.assign(10, 0);
    l.logit_mul.clear();
    l.logit_add.clear();
  }, {"layer 5 'fc2': output_kind", "expected logits (the last layer), found thresholds"});
  expect_model_rejected("logits_inside", [](Model& m) { m.layers[4].output_kind = OutputKind::kLogits; },
                        {"layer 4 'fc1': output_kind", "logits only on the last layer"});
  expect_model_rejected("num_classes", [](Model& m) { m.num_classes = 9; },
                        {"layer 5 'fc2': output", "expected 1x1x9, found 1x1x10"});
  expect_model_rejected("logit_add_range", [](Model& m) { m.layers[5].logit_add[4] = std::int64_t(1) << 63 >> 0; },
                        {"layer 5 'fc2': logit_add[4]", "found -9223372036854775808"});
  expect_model_rejected("requant_shift", [](Model& m) {
    Layer& l = m.layers[4];
    l.output_kind = OutputKind::kRequant;
    l.thresholds.clear();
    l.requant_bias.assign(128, 0);
    l.requant_mult.assign(128, 1);
    l.requant_shift.assign(128, 5);
    l.requant_shift[9] = 0;
  }, {"layer 4 'fc1': requant_shift[9]", "expected 1 .. 62, found 0"});
  expect_model_rejected("requant_overflow", [](Model& m) {
    // |acc| up to 64 000 * 127 * 255 (inside int32) plus bias 2^31 - 1, times 2^31 - 1.
    m.input = {2, 2, 16000};
    Layer& l = m.layers[0];
    l.input = m.input;
    l.kernel = 2;
    l.output = {1, 1, 1};
    l.weights.assign(64000, 127);
    l.output_kind = OutputKind::kRequant;
    l.thresholds.clear();
    l.requant_bias = {2147483647};
    l.requant_mult = {2147483647};
    l.requant_shift = {62};
  }, {"layer 0 'conv1': requant_mult[0]", "fit int64"});
  expect_model_rejected("stage_leftovers", [](Model& m) { m.layers[0].logit_mul = {1, 2}; },
                        {"layer 0 'conv1': logit_mul", "expected 0 entries (thresholds stage), found 2"});
  expect_model_rejected("accumulator_overflow", [](Model& m) {
    // A 2x2 conv over 20 000 channels of 8-bit levels: 80 000 * 127 * 255 > 2^31.
    m.input = {2, 2, 20000};
    Layer& l = m.layers[0];
    l.input = m.input;
    l.kernel = 2;
    l.output = {1, 1, 1};
    l.weights.assign(80000, 127);
    l.thresholds.assign(3, 0);
  }, {"layer 0 'conv1': weights[0]", "accumulator range inside int32"});

  EXPECT_GE(cases_, 15);
  EXPECT_EQ(int(messages_.size()), cases_) << "two corruptions produced the same message";
}

}  // namespace
}  // namespace dorefa::qmodel
