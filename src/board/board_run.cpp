#include "board/board_run.hpp"

#include <chrono>
#include <cstring>
#include <ctime>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "util/atomic_file.hpp"
#include "util/error.hpp"

namespace dorefa::board {

namespace fs = std::filesystem;

namespace {

template <class T>
std::vector<T> read_array(const fs::path& file, std::size_t count, const char* what) {
  const std::vector<std::uint8_t> bytes = util::read_file_bytes(file);
  if (bytes.size() != count * sizeof(T))
    throw Error(file.string(), fmt::format("{} bytes, expected {} ({}); the sample does not belong to this design",
                                           bytes.size(), count * sizeof(T), what));
  std::vector<T> out(count);
  std::memcpy(out.data(), bytes.data(), bytes.size());
  return out;
}

double host_now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

std::string iso_utc_now() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return fmt::format("{}.{:03d}Z", buf, int(ms));
}

SampleSet load_sample(const fs::path& dir, const DesignIdentity& d) {
  const fs::path images = dir / "images.bin";
  if (!fs::exists(images)) throw Error(images.string(), "missing: the bundle's sample images (dorefa bundle writes them)");
  const auto size = fs::file_size(images);
  if (size == 0 || size % d.pixels)
    throw Error(images.string(), fmt::format("{} bytes is not a whole number of images of {} pixels ({})", size,
                                             d.pixels, d.source.string()));
  SampleSet s;
  s.images = std::size_t(size / d.pixels);
  s.pixels = util::read_file_bytes(images);
  s.labels = read_array<std::uint8_t>(dir / "labels.bin", s.images, "one uint8 label per image");
  s.expected_classes = read_array<std::uint16_t>(dir / "expected_classes.bin", s.images, "one uint16 per image");
  s.expected_records = read_array<std::uint64_t>(dir / "expected_records.bin", s.images * (d.num_classes + 1),
                                                 "NUM_CLASSES + 1 int64 words per image");
  return s;
}

BoardRunReport run_sample(Accelerator& acc, const SampleSet& s, const BoardRunOptions& o) {
  BoardRunReport r;
  r.images = s.images;
  const std::size_t classes = acc.design().num_classes, rec = classes + 1;
  auto mismatch = [&](std::string what) {
    ++r.mismatches;
    if (r.first_mismatches.size() < 10) r.first_mismatches.push_back(std::move(what));
  };

  // 1. The whole sample as one batch with scores: every word bit-exact.
  BatchOptions with_scores;
  with_scores.timeout_s = o.timeout_s;
  const BatchResult b = acc.run(s.pixels, with_scores);
  r.batch_device_s = b.device_seconds;
  r.batch_host_s = b.host_seconds;
  r.counters = b.counters;
  for (std::size_t i = 0; i < s.images; ++i) {
    for (std::size_t w = 0; w < rec; ++w)
      if (b.records[i * rec + w] != s.expected_records[i * rec + w]) {
        mismatch(w < classes ? fmt::format("image {}: score {} is {}, expected {}", i, w,
                                           std::int64_t(b.records[i * rec + w]), std::int64_t(s.expected_records[i * rec + w]))
                             : fmt::format("image {}: class word {:#018x}, expected {:#018x}", i, b.records[i * rec + w],
                                           s.expected_records[i * rec + w]));
        break;
      }
    if (b.classes[i] != s.expected_classes[i])
      mismatch(fmt::format("image {}: class {}, expected {}", i, b.classes[i], s.expected_classes[i]));
    r.correct += b.classes[i] == s.labels[i];
  }

  // 2. Latency: one image alone, START -> DONE.
  const BatchResult one = acc.run(std::span(s.pixels).first(acc.design().pixels), with_scores);
  r.latency_s = one.device_seconds;
  if (one.records.size() != rec || !std::equal(one.records.begin(), one.records.end(), s.expected_records.begin()))
    mismatch("one-image batch: record differs from the expected one for image 0");

  // 3. Idle interval, then class-only batches for the busy interval (at least one).
  if (o.idle_seconds > 0) {
    r.idle_start = iso_utc_now();
    std::this_thread::sleep_for(std::chrono::duration<double>(o.idle_seconds));
    r.idle_end = iso_utc_now();
    std::this_thread::sleep_for(std::chrono::seconds(2));  // no meter sample straddles the change
  }
  BatchOptions class_only;
  class_only.scores = false;
  class_only.timeout_s = o.timeout_s;
  r.busy_start = iso_utc_now();
  const double t0 = host_now();
  do {
    const BatchResult c = acc.run(s.pixels, class_only);
    for (std::size_t i = 0; i < s.images; ++i)
      if (c.classes[i] != s.expected_classes[i])
        mismatch(fmt::format("class-only batch {}: image {}: class {}, expected {}", r.busy_images / s.images, i,
                             c.classes[i], s.expected_classes[i]));
    r.busy_images += s.images;
  } while (host_now() - t0 < o.busy_seconds);
  const double busy = host_now() - t0;
  r.busy_end = iso_utc_now();
  r.busy_images_per_s = busy > 0 ? double(r.busy_images) / busy : 0;
  return r;
}

std::string board_run_json(const BoardRunReport& r, const Accelerator& acc) {
  nlohmann::json j;
  j["format"] = "dorefa-board-run/1";
  j["intervals"] = nlohmann::json::array();
  if (!r.idle_start.empty()) j["intervals"].push_back({{"kind", "idle"}, {"start", r.idle_start}, {"end", r.idle_end}});
  j["intervals"].push_back(
      {{"kind", "busy"}, {"start", r.busy_start}, {"end", r.busy_end}, {"images", r.busy_images}});
  const DesignIdentity& d = acc.design();
  j["device"] = acc.device();
  j["model"] = d.model_name;
  j["design_hash"] = d.design_hash;
  j["images"] = r.images;
  j["mismatches"] = r.mismatches;
  j["first_mismatches"] = r.first_mismatches;
  j["passed"] = r.mismatches == 0;
  j["accuracy"] = r.accuracy();
  j["latency_us"] = r.latency_s * 1e6;
  j["batch_device_seconds"] = r.batch_device_s;
  j["batch_host_seconds"] = r.batch_host_s;
  j["device_images_per_second"] = r.device_images_per_s();
  j["host_images_per_second"] = r.busy_images_per_s;
  j["counters"] = {{"busy_cycles", r.counters.busy_cycles},
                   {"images_done", r.counters.images_done},
                   {"in_stall_cycles", r.counters.in_stall_cycles},
                   {"out_stall_cycles", r.counters.out_stall_cycles}};
  j["written"] = iso_utc_now();
  return j.dump(2) + "\n";
}

}  // namespace dorefa::board
