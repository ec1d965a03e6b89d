#include "report/meter_log.hpp"

#include <cmath>

#include <gtest/gtest.h>

#include "util/error.hpp"

namespace dorefa::report {
namespace {

// The error's message, or "" when parsing succeeded.
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kBadInput);
    return e.what();
  }
  return "";
}

TEST(MeterLog, ReadsTimeAndWattsWithUnixSeconds) {
  MeterLog log = parse_meter_log("time,W\n100.0,1.50\n100.5,1.75\n101,2\n", "m.csv");
  EXPECT_EQ(log.format, "time,W");
  ASSERT_EQ(log.samples.size(), 3u);
  EXPECT_DOUBLE_EQ(log.samples[1].t, 100.5);
  EXPECT_DOUBLE_EQ(log.samples[1].watts, 1.75);
  EXPECT_EQ(log.samples[2].line, 4);
}

TEST(MeterLog, MultipliesVoltsAndAmpsAndReadsUnitsInHeaders) {
  MeterLog log = parse_meter_log("Time;Voltage(V);Current [mA]\n2026-12-01T05:00:00Z;5.10;300\n", "m.csv");
  EXPECT_EQ(log.format, "time,V,A");
  ASSERT_EQ(log.samples.size(), 1u);
  EXPECT_NEAR(log.samples[0].watts, 5.10 * 0.300, 1e-12);
  EXPECT_DOUBLE_EQ(log.samples[0].t, 1796101200.0);  // 2026-12-01T05:00:00Z
}

TEST(MeterLog, ReadsIsoTimestampsWithFractionsAndZones) {
  EXPECT_DOUBLE_EQ(parse_timestamp("1970-01-01T00:00:01.250Z"), 1.25);
  EXPECT_DOUBLE_EQ(parse_timestamp("1970-01-01 01:00:00+01:00"), 0.0);
  EXPECT_DOUBLE_EQ(parse_timestamp("2000-03-01T00:00:00"), 951868800.0);  // after a leap day
  EXPECT_TRUE(std::isnan(parse_timestamp("2026-13-01T00:00:00Z")));
  EXPECT_TRUE(std::isnan(parse_timestamp("yesterday")));
}

TEST(MeterLog, NamesFileLineAndFieldOfABadNumber) {
  std::string e = error_of([] { parse_meter_log("time,W\n1,1.5\n2,abc\n", "meter.csv"); });
  EXPECT_NE(e.find("meter.csv:3"), std::string::npos) << e;
  EXPECT_NE(e.find("field 'W'"), std::string::npos) << e;
  EXPECT_NE(e.find("'abc'"), std::string::npos) << e;
}

TEST(MeterLog, RejectsTimestampsThatGoBack) {
  std::string e = error_of([] { parse_meter_log("time,W\n1,1.5\n3,1.5\n2,1.5\n", "meter.csv"); });
  EXPECT_NE(e.find("meter.csv:4"), std::string::npos) << e;
  EXPECT_NE(e.find("increase"), std::string::npos) << e;
  EXPECT_NE(error_of([] { parse_meter_log("time,W\n1,1.5\n1,1.6\n", "m.csv"); }), "");  // repeated
}

TEST(MeterLog, RejectsMissingColumnsAndBadTimestamps) {
  std::string e = error_of([] { parse_meter_log("time,V\n1,5.0\n", "meter.csv"); });
  EXPECT_NE(e.find("meter.csv:1"), std::string::npos) << e;
  EXPECT_NE(e.find("header"), std::string::npos) << e;
  EXPECT_NE(error_of([] { parse_meter_log("W,V\n1,5.0\n", "m.csv"); }).find("no time column"), std::string::npos);
  e = error_of([] { parse_meter_log("time,W\n1,1.5\n2\n", "m.csv"); });
  EXPECT_NE(e.find("m.csv:3"), std::string::npos) << e;
  e = error_of([] { parse_meter_log("time,W\n12:00,1.5\n", "m.csv"); });
  EXPECT_NE(e.find("field 'time'"), std::string::npos) << e;
  EXPECT_NE(error_of([] { parse_meter_log("time,W\n", "m.csv"); }), "");
  EXPECT_NE(error_of([] { parse_meter_log("time,W\n1,-0.5\n", "m.csv"); }), "");
}

TEST(BoardRunLog, ReadsIntervalsAndCountsImages) {
  BoardRunLog log = parse_board_run_log(R"({"format": "dorefa-board-run/1", "intervals": [
      {"kind": "idle", "start": "2026-12-01T05:00:00Z", "end": "2026-12-01T05:00:10Z"},
      {"kind": "busy", "start": 1796101210, "end": 1796101220.5, "images": 7000},
      {"kind": "busy", "start": 1796101230, "end": 1796101240, "images": 3000}]})",
                                        "run.json");
  ASSERT_EQ(log.intervals.size(), 3u);
  EXPECT_DOUBLE_EQ(log.intervals[0].end - log.intervals[0].start, 10.0);
  EXPECT_EQ(log.images(), 10000u);
}

TEST(BoardRunLog, RejectsIncompleteLogs) {
  auto bad = [](const std::string& intervals) {
    return error_of([&] {
      parse_board_run_log(R"({"format": "dorefa-board-run/1", "intervals": )" + intervals + "}", "run.json");
    });
  };
  EXPECT_NE(bad(R"([{"kind": "busy", "start": 1, "end": 2, "images": 5}])").find("no idle"), std::string::npos);
  EXPECT_NE(bad(R"([{"kind": "idle", "start": 1, "end": 2}, {"kind": "busy", "start": 3, "end": 4}])")
                .find("intervals[1].images"),
            std::string::npos);
  EXPECT_NE(bad(R"([{"kind": "idle", "start": 2, "end": 1}, {"kind": "busy", "start": 3, "end": 4, "images": 1}])")
                .find("end after start"),
            std::string::npos);
  EXPECT_NE(bad(R"([{"kind": "nap", "start": 1, "end": 2}])").find("intervals[0].kind"), std::string::npos);
  EXPECT_NE(error_of([] { parse_board_run_log(R"({"intervals": []})", "run.json"); }).find("format"),
            std::string::npos);
}

}  // namespace
}  // namespace dorefa::report
