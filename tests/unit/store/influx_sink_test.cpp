// What InfluxSink decides before it talks to a server; the writes, the
// schema and the outages are tested against a real influxd in
// tests/integration/ingest_influxdb.sh.
#include "store/influx_sink.hpp"

#include <gtest/gtest.h>

namespace iot::store {
namespace {

using std::chrono::seconds;

TEST(InfluxSink, DescribesWithoutCredentials) {
  auto sink = InfluxSink::open("influxdb://ingest:s3cret@127.0.0.1:8086/tel", SinkOptions{});
  ASSERT_TRUE(sink) << sink.error().message;
  EXPECT_EQ((*sink)->describe(), "influxdb://127.0.0.1:8086/tel");
}

TEST(InfluxSink, RefusesWhatItCannotCreateWhenOpened) {
  for (const char* url : {"influxdb://h:1", "influxdb://h/bad name"}) {
    auto sink = InfluxSink::open(url, SinkOptions{});
    ASSERT_FALSE(sink) << url;
    EXPECT_EQ(sink.error().kind, ErrorKind::usage) << url;
  }
  SinkOptions short_retention;
  short_retention.plans.tables["lab"].retention = seconds(600);  // InfluxDB keeps at least 1h
  auto sink = InfluxSink::open("influxdb://127.0.0.1/tel", short_retention);
  ASSERT_FALSE(sink);
  EXPECT_EQ(sink.error().kind, ErrorKind::usage);
  EXPECT_NE(sink.error().message.find("at least 1h"), std::string::npos) << sink.error().message;
}

TEST(InfluxSink, NothingToWriteNeedsNoServer) {
  auto sink = InfluxSink::open("influxdb://127.0.0.1:1/tel", SinkOptions{});
  ASSERT_TRUE(sink);
  Batch gaps_only;
  gaps_only.gaps.push_back(GapRow{"P-1", 4, 5, 0, false, {}, std::nullopt});
  auto stats = (*sink)->write(gaps_only);  // gap events have no place in InfluxDB (iot-ingest(1))
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->inserted, 0u);
}

}  // namespace
}  // namespace iot::store
