#pragma once
// What `run_on_board.sh` does with the host program (`dorefa-board run`): the bundle's
// sample of the test set through the device, every result checked bit for bit against
// the integer runtime's expected records, images/s and latency measured, and the
// timestamped run log (`dorefa-board-run/1`, docs/power-model.md) that
// `dorefa report --board-log` reads. The same code runs on the board and the simulation.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "board/accelerator.hpp"

namespace dorefa::board {

// A bundle's sample/ folder (written by `dorefa bundle`, docs/board/README.md):
//   images.bin            N x PIXELS bytes (uint8, HWC, as the model takes them)
//   labels.bin            N bytes, the dataset's labels
//   expected_classes.bin  N x uint16 little-endian: the integer runtime's class
//   expected_records.bin  N x (NUM_CLASSES + 1) x int64 little-endian: the records the
//                         device must write with FLAGS.EMIT_SCORES = 1 (scores, class word)
//   expected_scores.bin   N x NUM_CLASSES x int64: the same scores alone (for the Python driver)
//   sample.json           where the images come from, the reference's accuracy
struct SampleSet {
  std::size_t images = 0;
  std::vector<std::uint8_t> pixels, labels;
  std::vector<std::uint16_t> expected_classes;
  std::vector<std::uint64_t> expected_records;
};

// Throws dorefa::Error (bad input) naming the file whose size does not match the design.
SampleSet load_sample(const std::filesystem::path& dir, const DesignIdentity& design);

struct BoardRunOptions {
  double idle_seconds = 0;   // an idle interval first (for a power meter); 0: none
  double busy_seconds = 0;   // repeat the sample until this long has passed; 0: once
  double timeout_s = 10.0;
};

struct BoardRunReport {
  std::size_t images = 0, mismatches = 0, correct = 0;
  std::vector<std::string> first_mismatches;  // up to 10
  double latency_s = 0;                       // one image, START -> DONE (device time)
  double batch_device_s = 0, batch_host_s = 0;  // the sample as one batch, with scores
  double busy_images_per_s = 0;               // class-only batches over the busy interval (host time)
  std::size_t busy_images = 0;
  std::string idle_start, idle_end, busy_start, busy_end;  // ISO-8601 UTC
  Counters counters;
  double accuracy() const { return images ? double(correct) / double(images) : 0; }
  double device_images_per_s() const { return batch_device_s > 0 ? double(images) / batch_device_s : 0; }
};

BoardRunReport run_sample(Accelerator& acc, const SampleSet& sample, const BoardRunOptions& options);

// The run log: format dorefa-board-run/1 (intervals) plus the figures above.
std::string board_run_json(const BoardRunReport& report, const Accelerator& acc);

// Now, as "2026-12-01T05:00:00.123Z".
std::string iso_utc_now();

}  // namespace dorefa::board
