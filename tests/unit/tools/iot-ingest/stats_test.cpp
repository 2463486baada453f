// The summary line people read: latencies in units they can take in at a
// glance (iot-ingest(1), the summary), not thousands of seconds.
#include "iot-ingest/stats.hpp"

#include <gtest/gtest.h>

namespace iot::ingest {
namespace {

TEST(SummaryText, LatenciesInReadableUnits) {
  Stats s;
  s.rows_written = 10;
  s.latency_count = 2;
  s.latency_sum_s = 0.7;                  // mean 350 ms
  s.latency_max_s = 6 * 3600 + 14 * 60;  // a replay of yesterday's data
  std::string text = summary_text(s, 1.0);
  EXPECT_NE(text.find("latency ts->commit mean 350ms max 6h14m"), std::string::npos) << text;
}

TEST(SummaryText, NoLatencyWithoutMeasurements) {
  Stats s;
  EXPECT_EQ(summary_text(s, 1.0).find("latency"), std::string::npos);
}

TEST(SummaryText, EvictedDevicesAreSaidOnlyWhenThereAreSome) {
  Stats s;
  EXPECT_EQ(summary_text(s, 1.0).find("evicted"), std::string::npos);
  s.evicted_devices = 4'000'000;
  s.tracked_devices = 1'000'000;
  std::string text = summary_text(s, 1.0);
  EXPECT_NE(text.find("4000000 devices evicted past --max-devices (1000000 tracked)"), std::string::npos) << text;
}

TEST(FillMetrics, EvictedDevicesAreAMetric) {
  Stats s;
  s.evicted_devices = 7;
  cli::Metrics m("iot_ingest");
  fill_metrics(s, m);
  EXPECT_NE(m.render().find("iot_ingest_evicted_devices_total 7"), std::string::npos) << m.render();
}

// With several --db, each one's share follows the totals; with one, the
// summary is what it always was.
TEST(SummaryText, EachDatabaseShareWhenThereAreSeveral) {
  Stats s;
  s.rows_written = 30;
  s.sinks = {SinkCounts{"sqlite:a.db", 20, 0, 2, 0, 0}, SinkCounts{"postgresql://h/db", 10, 1, 1, 1, 1}};
  std::string text = summary_text(s, 1.0);
  EXPECT_NE(text.find("30 rows written"), std::string::npos) << text;
  EXPECT_NE(text.find("; sqlite:a.db: 20 rows written, 0 duplicates by key, 2 batches, 0 spooled"), std::string::npos)
      << text;
  EXPECT_NE(text.find("; postgresql://h/db: 10 rows written, 1 duplicates by key, 1 batches, 1 spooled, 1 sent from "
                      "the spool"),
            std::string::npos)
      << text;
  s.sinks.resize(1);
  EXPECT_EQ(summary_text(s, 1.0).find("sqlite:a.db"), std::string::npos);
}

}  // namespace
}  // namespace iot::ingest
