#pragma once
// The two logs of a board power measurement (docs/power-model.md, "Measuring a board"):
//  - the USB power meter's export on the board's 5 V input: CSV with a header line, a
//    time column and either a watts column or volts and amps columns;
//  - the board run log the host program writes: when the board idled, when it ran
//    inference (busy) and how many images it classified.
// Timestamps are ISO-8601 ("2026-12-01T05:32:29.250Z", zone optional, no zone = UTC) or
// unix seconds ("1796102349.25"). Any malformed line is a dorefa::Error naming the file,
// the line and the field.
#include <filesystem>
#include <string>
#include <vector>

namespace dorefa::report {

struct MeterSample {
  double t = 0;      // unix seconds
  double watts = 0;  // of the whole board (5 V input)
  int line = 0;      // 1-based line in the file, for messages
};

struct MeterLog {
  std::filesystem::path file;
  std::string format;  // "time,W" or "time,V,A": which columns were found
  std::vector<MeterSample> samples;  // strictly increasing t
};

// Parses a meter export. Header names are matched case-insensitively with any unit in
// parentheses or brackets dropped: time|timestamp|date|datetime|unix|t, W|watt(s)|power,
// V|volt(s)|voltage, A|amp(s)|ampere(s)|current (mA, mW columns are scaled). Separator:
// comma, semicolon or tab, from the header.
MeterLog parse_meter_log(const std::string& text, const std::filesystem::path& file);
MeterLog load_meter_log(const std::filesystem::path& file);

struct RunInterval {
  std::string kind;  // "idle" or "busy"
  double start = 0, end = 0;  // unix seconds
  std::size_t images = 0;     // busy intervals: images classified in it
};

struct BoardRunLog {
  std::filesystem::path file;
  std::vector<RunInterval> intervals;
  std::size_t images() const;  // over the busy intervals
};

// Parses the board run log (JSON, "format": "dorefa-board-run/1"; docs/power-model.md).
BoardRunLog parse_board_run_log(const std::string& text, const std::filesystem::path& file);
BoardRunLog load_board_run_log(const std::filesystem::path& file);

// A timestamp as unix seconds: ISO-8601 or a plain number; nullopt-like NaN when malformed.
double parse_timestamp(const std::string& text);

}  // namespace dorefa::report
