#include "report/measured_power.hpp"

#include <fmt/format.h>

#include "util/error.hpp"

namespace dorefa::report {

MeasuredPower measure_power(const MeterLog& meter, const BoardRunLog& run) {
  MeasuredPower m;
  m.meter_file = meter.file.string();
  m.run_file = run.file.string();
  m.meter_format = meter.format;
  double idle_sum = 0, busy_sum = 0;
  const double first = meter.samples.front().t, last = meter.samples.back().t;
  for (std::size_t k = 0; k < run.intervals.size(); ++k) {
    const RunInterval& r = run.intervals[k];
    // Samples are a meter's periodic readings: the mean over an interval is its mean power.
    std::size_t n = 0;
    double sum = 0;
    for (const auto& s : meter.samples)
      if (s.t >= r.start && s.t <= r.end) ++n, sum += s.watts;
    if (n == 0)
      throw Error(meter.file.string(),
                  fmt::format("expected samples inside the {} interval {} of {} (unix {:.3f} .. {:.3f}), found no samples: "
                              "the meter log covers unix {:.3f} .. {:.3f}; are both logs on the same clock and zone?",
                              r.kind, k, run.file.string(), r.start, r.end, first, last));
    if (r.kind == "busy") {
      busy_sum += sum;
      m.busy_samples += n;
      m.busy_seconds += r.end - r.start;
      m.images += r.images;
    } else {
      idle_sum += sum;
      m.idle_samples += n;
    }
  }
  m.idle_w = idle_sum / double(m.idle_samples);
  m.busy_w = busy_sum / double(m.busy_samples);
  return m;
}

nlohmann::json MeasuredPower::to_json() const {
  return {{"idle_w", idle_w},
          {"busy_w", busy_w},
          {"inference_w", inference_w()},
          {"busy_seconds", busy_seconds},
          {"images", images},
          {"idle_samples", idle_samples},
          {"busy_samples", busy_samples},
          {"board_energy_per_image_uj", board_energy_per_image_uj()},
          {"inference_energy_per_image_uj", inference_energy_per_image_uj()},
          {"meter_log", meter_file},
          {"meter_format", meter_format},
          {"board_run_log", run_file},
          {"what", "measured: whole PYNQ-Z2 board at its 5 V input, USB power meter"}};
}

}  // namespace dorefa::report
