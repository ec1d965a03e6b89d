// The host API (src/board/accelerator.*) against the real RTL: the simulation backend runs
// the Verilated system_top of a design compiled by the ctest fixture (make_fixture.sh).
// Every result is compared with the integer runtime's reference, word by word.
#include "board/accelerator.hpp"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "board/sim_backend.hpp"
#include "data/registry.hpp"
#include "dorefa_regs.h"
#include "hw/system_simulate.hpp"
#include "qmodel/model_file.hpp"
#include "runtime/reference.hpp"
#include "util/error.hpp"
#include "expect_error.hpp"

namespace dorefa::board {
namespace {
namespace fs = std::filesystem;

const fs::path kDesign = fs::path(BOARD_FIXTURE_DIR) / "design";

// A server on the fixture's design (the Verilated model is built by the fixture).
std::unique_ptr<SimBackend> start_server(std::uint64_t seed = 1) {
  hw::SystemServeOptions o;
  o.seed = seed;
  o.ddr_bytes = 8u << 20;
  return std::make_unique<SimBackend>(hw::system_serve_argv(hw::build_system_model(kDesign), o), kDesign);
}

struct Images {
  std::vector<std::uint8_t> pixels;
  std::vector<runtime::Inference> reference;
};

// The first n MNIST test images and the integer runtime's results on them.
Images first_images(std::size_t n) {
  static const data::Dataset ds = data::load_dataset("mnist", "test");
  static const qmodel::Model model = qmodel::load_model(kDesign / "model.dqm");
  Images im;
  for (std::size_t i = 0; i < n; ++i) {
    const auto img = ds.image(i);
    im.pixels.insert(im.pixels.end(), img.begin(), img.end());
    im.reference.push_back(runtime::run_reference(model, img));
  }
  return im;
}

TEST(Accelerator, BatchesThroughTheSimulatedDeviceAreBitExact) {
  auto sim = start_server(7);
  Accelerator acc(*sim, load_design_identity(kDesign));
  const Images im = first_images(24);
  const std::size_t classes = acc.design().num_classes;
  const BatchResult r = acc.run(im.pixels);
  ASSERT_EQ(r.classes.size(), 24u);
  for (std::size_t i = 0; i < 24; ++i) {
    EXPECT_EQ(r.classes[i], im.reference[i].top1) << "image " << i;
    for (std::size_t c = 0; c < classes; ++c) EXPECT_EQ(r.scores[i * classes + c], im.reference[i].scores[c]) << i;
  }
  EXPECT_EQ(r.counters.images_done, 24u);
  EXPECT_GT(r.counters.busy_cycles, 24u * std::uint32_t(acc.design().ideal_cycles) / 2);
  EXPECT_GT(r.device_seconds, 0);
  // Class words only, a different batch size, the same buffers reused.
  BatchOptions class_only;
  class_only.scores = false;
  const BatchResult c = acc.run(std::span(im.pixels).first(5 * acc.design().pixels), class_only);
  ASSERT_EQ(c.classes.size(), 5u);
  EXPECT_TRUE(c.scores.empty());
  for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(c.classes[i], im.reference[i].top1) << i;
  const SimEnd end = sim->finish();
  EXPECT_EQ(end.axi_violations, 0u);
  EXPECT_EQ(end.error_responses, 0u);
}

TEST(Accelerator, ABundleForAnotherModelIsRefusedNamingBothHashes) {
  auto sim = start_server();
  DesignIdentity other = load_design_identity(kDesign);
  const std::string device_hash = other.design_hash;
  other.design_hash = std::string(16, '0');
  const Error e = expect_error([&] { Accelerator acc(*sim, other); });
  const std::string msg = e.what();
  EXPECT_NE(msg.find("DESIGN_HASH"), std::string::npos) << msg;
  EXPECT_NE(msg.find(device_hash), std::string::npos) << msg;
  EXPECT_NE(msg.find(other.design_hash), std::string::npos) << msg;
  EXPECT_NE(msg.find("design.json"), std::string::npos) << msg;
  EXPECT_EQ(e.kind(), ErrorKind::kBadInput);
  // The same for the shapes a design promises.
  DesignIdentity shapes = load_design_identity(kDesign);
  shapes.num_classes += 1;
  const Error s = expect_error([&] { Accelerator acc(*sim, shapes); });
  EXPECT_NE(std::string(s.what()).find("NUM_CLASSES"), std::string::npos) << s.what();
}

TEST(Accelerator, ATimeOutSoftResetsTheDeviceWhichThenRunsAgain) {
  auto sim = start_server(3);
  Accelerator acc(*sim, load_design_identity(kDesign));
  const Images im = first_images(6);
  BatchOptions hurried;
  hurried.timeout_s = 2e-6;  // 200 cycles: not even one image
  const Error e = expect_error([&] { acc.run(im.pixels, hurried); });
  EXPECT_NE(std::string(e.what()).find("no DONE within"), std::string::npos) << e.what();
  EXPECT_NE(std::string(e.what()).find("soft-reset"), std::string::npos) << e.what();
  EXPECT_EQ(e.kind(), ErrorKind::kInternal);
  EXPECT_TRUE(sim->read32(dorefa_regs::kStatus) & dorefa_regs::kStatusIdleMask);
  const BatchResult r = acc.run(im.pixels);
  for (std::size_t i = 0; i < 6; ++i) EXPECT_EQ(r.classes[i], im.reference[i].top1) << i;
  EXPECT_EQ(sim->finish().axi_violations, 0u);
}

TEST(Accelerator, DdrErrorResponsesAreReportedByName) {
  auto sim = start_server(5);
  Accelerator acc(*sim, load_design_identity(kDesign));
  const Images im = first_images(4);
  acc.run(im.pixels);  // allocates the buffers
  sim->inject_fault(true, 0, 0xFFFFFFFFu);
  const Error r = expect_error([&] { acc.run(im.pixels); });
  EXPECT_NE(std::string(r.what()).find("ERR_READ_RESPONSE"), std::string::npos) << r.what();
  sim->inject_fault(false, 0, 0xFFFFFFFFu);
  const Error w = expect_error([&] { acc.run(im.pixels); });
  EXPECT_NE(std::string(w.what()).find("ERR_WRITE_RESPONSE"), std::string::npos) << w.what();
  // One-shot faults: the next batch is clean and exact.
  const BatchResult ok = acc.run(im.pixels);
  for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(ok.classes[i], im.reference[i].top1) << i;
  const SimEnd end = sim->finish();
  EXPECT_EQ(end.axi_violations, 0u);
  EXPECT_EQ(end.error_responses, 2u);
}

TEST(Accelerator, InputThatIsNotWholeImagesIsBadInput) {
  auto sim = start_server();
  Accelerator acc(*sim, load_design_identity(kDesign));
  std::vector<std::uint8_t> partial(acc.design().pixels + 3, 0);
  const Error e = expect_error([&] { acc.run(partial); });
  EXPECT_EQ(e.kind(), ErrorKind::kBadInput);
  EXPECT_NE(std::string(e.what()).find("whole number of images"), std::string::npos) << e.what();
  EXPECT_EQ(sim->read32(dorefa_regs::kImagesDone), 0u);  // nothing was started
}

TEST(Accelerator, NoShellAtTheAddressIsNamed) {
  DesignIdentity d = load_design_identity(kDesign);
  // A backend whose registers read 0, as where no device answers.
  struct ZeroBackend : SimBackend {
    using SimBackend::SimBackend;
    std::uint32_t read32(std::uint32_t) override { return 0; }
  };
  hw::SystemServeOptions o;
  ZeroBackend zero(hw::system_serve_argv(hw::build_system_model(kDesign), o), kDesign);
  const Error e = expect_error([&] { Accelerator acc(zero, d); });
  EXPECT_NE(std::string(e.what()).find("no dorefa shell"), std::string::npos) << e.what();
}

TEST(SimBackend, AServerThatEndsOrCannotStartIsAnErrorNotAHang) {
  const Error ended = expect_error([] { SimBackend sim({"sh", "-c", "echo starting >&2; exit 3"}); });
  EXPECT_NE(std::string(ended.what()).find("ended (exit 3)"), std::string::npos) << ended.what();
  EXPECT_EQ(ended.kind(), ErrorKind::kInternal);
  const Error missing = expect_error([] { SimBackend sim({"/nonexistent/dorefa-sim-server"}); });
  EXPECT_NE(std::string(missing.what()).find("exit 127"), std::string::npos) << missing.what();
  const Error greeting = expect_error([] { SimBackend sim({"sh", "-c", "echo hello; sleep 5"}); });
  EXPECT_NE(std::string(greeting.what()).find("expected 'ready BASE BYTES'"), std::string::npos) << greeting.what();
}

}  // namespace
}  // namespace dorefa::board
